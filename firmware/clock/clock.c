/* Wall clock = base + uptime, with the 32-bit millisecond tick widened. */
#include "clock.h"

#include "hal_time.h"

static int64_t s_floor;
static int64_t s_base;      /* Unix ms at uptime 0 */
static uint32_t s_last_tick;
static int64_t s_uptime;    /* widened hal_time_ms() */

int64_t clock_uptime_ms(void)
{
    uint32_t t = hal_time_ms();
    s_uptime += (uint32_t)(t - s_last_tick);
    s_last_tick = t;
    return s_uptime;
}

void clock_init(int64_t floor_unix_ms)
{
    s_floor = floor_unix_ms > 0 ? floor_unix_ms : 0;
    s_last_tick = hal_time_ms();
    s_uptime = s_last_tick;
    s_base = s_floor - s_uptime;
}

int64_t clock_now_ms(void)
{
    return s_base + clock_uptime_ms();
}

void clock_set_ms(int64_t unix_ms)
{
    if (unix_ms >= s_floor) {
        s_base = unix_ms - clock_uptime_ms();
    }
}
