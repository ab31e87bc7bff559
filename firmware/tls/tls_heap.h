/* mbedTLS's heap: a first-fit allocator over one caller-owned buffer,
 * with 8-byte block headers (mbedTLS's memory_buffer_alloc spends 32 on
 * each, ~100 live blocks at a handshake's peak: 2.4 KB of a 25 KB heap)
 * and use counters. mbedtls_calloc/mbedtls_free are these functions
 * (MBEDTLS_PLATFORM_CALLOC_MACRO, mbedtls_config.h). */
#ifndef TLS_HEAP_H
#define TLS_HEAP_H

#include <stddef.h>

struct tls_heap_stats {
    size_t size;        /* bytes of the buffer */
    size_t cur;         /* bytes taken now, each block's 8-byte header included */
    size_t peak;        /* highest cur since init (or the last reset) */
    size_t blocks;      /* live allocations */
    size_t peak_blocks; /* most live allocations at once */
    size_t largest_free; /* the largest free block's payload now */
};

/* Serve allocations from buf[0..len) (8-byte aligned; len at least 32).
 * corrupt is called when a free finds the heap's structure broken (a
 * foreign or twice-freed pointer, an overrun header): nothing allocated
 * can be trusted then; it should not return (it is given the reason). */
void tls_heap_init(void *buf, size_t len, void (*corrupt)(const char *why));

/* mbedtls_calloc(): n * size bytes of the buffer, zeroed, 8-byte aligned;
 * NULL when they do not fit (or before tls_heap_init(), or for 0 bytes or
 * an overflow). */
void *tls_heap_calloc(size_t n, size_t size);

/* mbedtls_free(): the block goes back to the buffer; NULL is fine.
 * Neighbouring free blocks merge. */
void tls_heap_free(void *p);

void tls_heap_stats(struct tls_heap_stats *out);

/* Start a new peak measurement from the current use. */
void tls_heap_peak_reset(void);

/* Walk every block and check the headers (for tests and fuzzing): 0 when
 * consistent, else the reason. */
const char *tls_heap_check(void);

#endif
