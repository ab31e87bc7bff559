/* Diagnostics TCP echo service (RFC 862) on lwIP's raw API. Echoes every
 * byte back in order, with flow control: the receive window opens only as
 * fast as bytes are queued for sending. */
#ifndef ECHO_H
#define ECHO_H

#include <stdint.h>

/* Listen on port; at most max_conns connections at once (more are
 * refused with a RST), max_conns <= APP_ECHO_MAX_CONNS.
 * Returns APP_OK, APP_ERR_INVAL, APP_ERR_NOMEM (no PCB) or APP_ERR_BUSY
 * (port in use). */
int echo_start(uint16_t port, unsigned max_conns);

/* Connections open now. */
unsigned echo_active(void);

#endif
