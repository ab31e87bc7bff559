/* mbedTLS's platform hooks on this firmware: the static heap (with use
 * counters), wall-clock time from clock/, and the stubs that keep libc's
 * allocator and stdio out of the link. */
#ifndef TLS_PORT_H
#define TLS_PORT_H

#include <stddef.h>

struct tls_heap_stats {
    size_t size;   /* bytes of the pool */
    size_t cur;    /* bytes requested and not freed (block headers not counted) */
    size_t peak;   /* highest cur since boot (or the last reset) */
    size_t blocks; /* live allocations; each also costs a 32-byte header */
    size_t peak_blocks; /* most live allocations at once */
};

/* Hand the static pool to mbedTLS (MBEDTLS_MEMORY_BUFFER_ALLOC_C). */
void tls_port_init(void);

void tls_port_heap_stats(struct tls_heap_stats *out);

/* Start a new peak measurement from the current use. */
void tls_port_heap_peak_reset(void);

#endif
