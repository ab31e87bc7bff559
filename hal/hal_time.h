/* Monotonic time base a board must provide. The app uses it for lwIP's
 * sys_now(), deadlines and log timestamps. */
#ifndef HAL_TIME_H
#define HAL_TIME_H

#include <stdint.h>

/* Milliseconds since boot. Wraps after ~49.7 days; compare with
 * subtraction, never with '<'. */
uint32_t hal_time_ms(void);

/* Free-running counter for profiling, counting up at hal_time_cycle_hz()
 * and wrapping at 2^32; compare with subtraction. On QEMU under
 * "-icount shift=0" one count is 40 guest instructions (25 MHz timer,
 * 1 ns per instruction). */
uint32_t hal_time_cycles(void);
uint32_t hal_time_cycle_hz(void);

#endif
