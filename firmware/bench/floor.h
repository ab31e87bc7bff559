/* Reference responder for `make bench`: answers every received TCP
 * segment on a port with the same fixed bytes, parsing nothing. Its cost
 * per request is the floor our HTTP path is measured against. */
#ifndef FLOOR_H
#define FLOOR_H

#include <stddef.h>
#include <stdint.h>

/* Serve response (len bytes, kept by reference) on port. */
int floor_start(uint16_t port, const char *response, size_t len);

#endif
