/* CMSDK APB timer: CTRL 0x00 (bit 0 enable), VALUE 0x04, RELOAD 0x08
 * (DDI 0479B 4.4.3). It counts down and reloads at zero. */
#include "cmsdk_timer.h"

#define REG(base, off) (*(volatile uint32_t *)((base) + (off)))
#define CMSDK_TIMER_CTRL 0x00u
#define CMSDK_TIMER_VALUE 0x04u
#define CMSDK_TIMER_RELOAD 0x08u

void cmsdk_timer_start(uintptr_t base)
{
    REG(base, CMSDK_TIMER_CTRL) = 0;
    REG(base, CMSDK_TIMER_RELOAD) = 0xFFFFFFFFu;
    REG(base, CMSDK_TIMER_VALUE) = 0xFFFFFFFFu;
    REG(base, CMSDK_TIMER_CTRL) = 1u;
}

uint32_t cmsdk_timer_count(uintptr_t base)
{
    return 0xFFFFFFFFu - REG(base, CMSDK_TIMER_VALUE);
}
