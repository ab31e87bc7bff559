/* Plain-TCP transport for the HTTP server on lwIP's raw API. */
#ifndef HTTP_TCP_H
#define HTTP_TCP_H

#include <stdint.h>

/* Listen on port and hand connections to http_server.
 * Returns APP_OK, APP_ERR_NOMEM (no PCB) or APP_ERR_BUSY (port in use). */
int http_tcp_start(uint16_t port);

/* Times tcp_write() found lwIP's heap full (the write is retried). */
uint32_t http_tcp_write_nomem(void);

/* Connections accepted on the plain port (503s included), since boot. */
uint32_t http_tcp_accepted(void);

#endif
