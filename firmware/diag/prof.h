/* Profiling counters for `make bench` (builds with APP_PROF=1): cycles of
 * the superloop passes that did work (network stack + application, and
 * the deferred work after a response: ACKs, timers, log lines) and cycles
 * spent in the application proper (parse, route, auth, render). A
 * connection to the trigger port prints them on the console. */
#ifndef PROF_H
#define PROF_H

#include <stdint.h>

#include "app_config.h"

#if APP_PROF
void prof_app_begin(void);
void prof_app_end(void);
/* Around one superloop pass, from its wake-up to just before it sleeps.
 * The pass counts as busy when it received or transmitted a frame, ran an
 * lwIP timeout, ran application code or wrote to the log; a pass that
 * only found nothing to do (a SysTick wake-up) is idle and not counted,
 * nor is the sleep itself (under -icount sleep=off the guest clock jumps
 * to the next deadline in WFI). Interrupt handlers run between passes and
 * are not counted. The same loop and definition hold for every image. */
void prof_pass_begin(void);
void prof_pass_end(void);
/* Something worth counting happened in this pass (the log calls it). */
void prof_work(void);
void prof_request_done(void);
/* Listen on port; every accepted connection prints one "prof ..." line
 * and is reset. Returns an app_err. */
int prof_start(uint16_t port);
#define PROF_APP_BEGIN() prof_app_begin()
#define PROF_APP_END() prof_app_end()
#define PROF_REQUEST_DONE() prof_request_done()
#define PROF_PASS_BEGIN() prof_pass_begin()
#define PROF_PASS_END() prof_pass_end()
#define PROF_WORK() prof_work()
#else
#define PROF_PASS_BEGIN() ((void)0)
#define PROF_PASS_END() ((void)0)
#define PROF_WORK() ((void)0)
#define PROF_APP_BEGIN() ((void)0)
#define PROF_APP_END() ((void)0)
#define PROF_REQUEST_DONE() ((void)0)
#endif

#endif
