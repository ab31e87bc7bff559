/* ARM CMSDK APB timer (Cortex-M System Design Kit TRM, ARM DDI 0479B,
 * section 4.4) used as a free-running up-counter for profiling. */
#ifndef CMSDK_TIMER_H
#define CMSDK_TIMER_H

#include <stdint.h>

/* Start the timer at base counting down from 0xFFFFFFFF on PCLK. */
void cmsdk_timer_start(uintptr_t base);

/* PCLK cycles since cmsdk_timer_start(), modulo 2^32. */
uint32_t cmsdk_timer_count(uintptr_t base);

#endif
