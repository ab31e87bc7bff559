/* The responses the bench reference images serve (APP_BENCH_SERVER builds
 * only): whole HTTP responses, head and body, that `make bench` captured
 * from our own image and placed in the config partition, so that every
 * image moves the same bytes over the wire.
 *
 * Partition layout (little-endian): "BRSP", u32 count, then per response
 * u16 path length, the path, u32 response length, the response. */
#ifndef BENCH_RESP_H
#define BENCH_RESP_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_RESP_MAX 4

struct bench_resp {
    const char *path; /* request path it answers (not NUL-terminated) */
    size_t path_len;
    const char *data; /* the whole response */
    size_t len;
};

/* Read the table from part (len bytes). Returns the number of responses
 * (0..BENCH_RESP_MAX), or APP_ERR_NOTFOUND / APP_ERR_INVAL. */
int bench_resp_load(const uint8_t *part, size_t len);

/* Response i of those loaded, or NULL. */
const struct bench_resp *bench_resp_get(unsigned i);

#endif
