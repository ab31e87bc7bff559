/* Profiling counters for `make bench` (builds with APP_PROF=1): cycles the
 * superloop spent on received frames (network stack + application) and
 * cycles spent in the application proper (parse, route, auth, render).
 * A connection to the trigger port prints them on the console. */
#ifndef PROF_H
#define PROF_H

#include <stdint.h>

#include "app_config.h"

#if APP_PROF
void prof_app_begin(void);
void prof_app_end(void);
void prof_busy_add(uint32_t cycles);
/* Around one received frame: its cycles count when it made the device
 * transmit (a request and its response), not when it was a pure ACK
 * (their number and grouping follow the host's TCP timing). */
void prof_frame_begin(void);
void prof_frame_end(void);
void prof_request_done(void);
/* Listen on port; every accepted connection prints one "prof ..." line
 * and is reset. Returns an app_err. */
int prof_start(uint16_t port);
#define PROF_APP_BEGIN() prof_app_begin()
#define PROF_APP_END() prof_app_end()
#define PROF_REQUEST_DONE() prof_request_done()
#define PROF_FRAME_BEGIN() prof_frame_begin()
#define PROF_FRAME_END() prof_frame_end()
#else
#define PROF_FRAME_BEGIN() ((void)0)
#define PROF_FRAME_END() ((void)0)
#define PROF_APP_BEGIN() ((void)0)
#define PROF_APP_END() ((void)0)
#define PROF_REQUEST_DONE() ((void)0)
#endif

#endif
