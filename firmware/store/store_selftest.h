/* Store power-cut self-test (test image only, APP_STORE_SELFTEST=1): at
 * boot, one UART line per stored session; then an endless stream of writes
 * with one "ack" line after each call that returned APP_OK, for
 * tests/integration/test_store_powercut.py to kill QEMU in the middle of
 * and check on the next boot. The normal image holds none of it. */
#ifndef STORE_SELFTEST_H
#define STORE_SELFTEST_H

#include "app_config.h"

#ifndef APP_STORE_SELFTEST
#define APP_STORE_SELFTEST 0
#endif

#if APP_STORE_SELFTEST
/** Once the store is mounted: print what it holds ("selftest: have ...",
 * then "selftest: holding <n>") and make every later log line synchronous
 * (an ack is on the UART before the next operation starts). Does nothing
 * but say so when the store is not mounted. */
void store_selftest_start(void);

/** One store operation of the stream (superloop: call once per pass). */
void store_selftest_poll(void);
#endif

#endif
