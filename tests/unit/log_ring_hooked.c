/* firmware/log/log_ring.c with its test hook compiled in (a separate
 * object, so that other binaries keep the plain one). */
#define LOG_RING_TEST_HOOKS
#include "../../firmware/log/log_ring.c"
