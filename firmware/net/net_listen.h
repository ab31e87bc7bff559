/* A listening TCP service on lwIP's raw API, the one way every service
 * here (HTTP, HTTPS, echo, bench counters) opens its port. */
#ifndef NET_LISTEN_H
#define NET_LISTEN_H

#include <stdint.h>

#include "lwip/tcp.h"

/* Listen on port (any address) and hand accepted connections to accept.
 * Returns APP_OK, APP_ERR_NOMEM (no PCB) or APP_ERR_BUSY (port in use). */
int net_listen(uint16_t port, tcp_accept_fn accept);

#endif
