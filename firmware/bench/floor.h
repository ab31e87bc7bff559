/* Reference responder for `make bench`: answers every received TCP
 * segment on a port with the same fixed bytes, parsing nothing (the port
 * picks the response). Its cost per request is the floor our HTTP path is
 * measured against. */
#ifndef FLOOR_H
#define FLOOR_H

#include <stddef.h>
#include <stdint.h>

#define FLOOR_PORTS 4

/* Serve response (len bytes, kept by reference) on port. Returns an
 * app_err: APP_ERR_NOMEM when FLOOR_PORTS are taken, or net_listen's. */
int floor_start(uint16_t port, const char *response, size_t len);

#endif
