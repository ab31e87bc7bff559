/* lwIP's platform hooks on top of the HAL: time, randomness, asserts. */
#include <stdint.h>

#include "hal_board.h"
#include "hal_rng.h"
#include "hal_time.h"
#include "log.h"
#include "lwip/arch.h"
#include "lwip/sys.h"

u32_t sys_now(void)
{
    return hal_time_ms();
}

uint32_t lwip_port_rand(void)
{
    uint32_t r = 0;
    (void)hal_rng_fill(&r, sizeof(r));
    return r;
}

/* An lwIP assert is a bug in our use of lwIP or in lwIP: log and reset
 * rather than run on with corrupt state. Network bytes never reach one. */
void lwip_port_assert(const char *msg, const char *file, int line)
{
    log_sync(); /* never dropped, never left in the ring */
    log_printf("ASSERT lwip: %s at %s:%d\r\n", msg, file, line);
    hal_board_reset();
}
