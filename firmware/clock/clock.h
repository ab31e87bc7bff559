/* Device wall clock: Unix time in milliseconds, never behind the
 * provisioned floor. Runs from the floor plus uptime until something
 * better (SNTP, a later issue) sets it. */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

/* Start the clock at floor_unix_ms (0 when unknown). */
void clock_init(int64_t floor_unix_ms);

/* Current Unix time in ms. Call at least once per 49 days (the superloop
 * does) so that the 32-bit uptime counter's wrap is seen. */
int64_t clock_now_ms(void);

/* Milliseconds since boot, widened past the 32-bit tick's wrap. */
int64_t clock_uptime_ms(void);

/* Set the current time (e.g. from SNTP); ignored if it would go below the
 * floor. */
void clock_set_ms(int64_t unix_ms);

#endif
