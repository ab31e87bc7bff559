/* Monotonic time base a board must provide. The app uses it for lwIP's
 * sys_now(), deadlines and log timestamps. */
#ifndef HAL_TIME_H
#define HAL_TIME_H

#include <stdint.h>

/* Milliseconds since boot. Wraps after ~49.7 days; compare with
 * subtraction, never with '<'. */
uint32_t hal_time_ms(void);

#endif
