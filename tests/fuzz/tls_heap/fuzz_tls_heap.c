/* libFuzzer harness for tls_heap (mbedTLS's allocator): the input is a
 * program of allocations and frees of any size and order. Every block
 * must lie in the buffer, aligned and zeroed, and keep its bytes until it
 * is freed; the header walk must agree with the counters throughout; and
 * once everything is freed the heap is one free block again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tls_heap.h"

#define HEAP_LEN 2048u
#define SLOTS 32u

static uint64_t s_buf[HEAP_LEN / 8u];

static void on_corrupt(const char *why)
{
    (void)why;
    abort(); /* the harness frees only what it holds */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *p[SLOTS] = {0};
    size_t n[SLOTS] = {0};
    tls_heap_init(s_buf, HEAP_LEN, on_corrupt);
    for (size_t at = 0; at + 2u <= size; at += 2u) {
        unsigned i = data[at] % SLOTS;
        if (p[i] != NULL) {
            for (size_t k = 0; k < n[i]; k++) {
                if (p[i][k] != (uint8_t)(i + k)) {
                    abort();
                }
            }
            tls_heap_free(p[i]);
            p[i] = NULL;
        } else {
            size_t want = ((size_t)(data[at] >> 5) << 8 | data[at + 1]) + 1u; /* 1..2048 */
            p[i] = tls_heap_calloc(1, want);
            if (p[i] == NULL) {
                continue;
            }
            n[i] = want;
            if (((uintptr_t)p[i] & 7u) != 0u || p[i] < (uint8_t *)s_buf ||
                p[i] + want > (uint8_t *)s_buf + HEAP_LEN) {
                abort();
            }
            for (size_t k = 0; k < want; k++) {
                if (p[i][k] != 0u) {
                    abort();
                }
                p[i][k] = (uint8_t)(i + k);
            }
        }
        if (tls_heap_check() != NULL) {
            abort();
        }
    }
    for (unsigned i = 0; i < SLOTS; i++) {
        tls_heap_free(p[i]);
    }
    struct tls_heap_stats st;
    tls_heap_stats(&st);
    if (tls_heap_check() != NULL || st.cur != 0u || st.blocks != 0u ||
        st.largest_free != HEAP_LEN - 8u) {
        abort();
    }
    return 0;
}
