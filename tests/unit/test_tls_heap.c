/* tls_heap (mbedTLS's allocator): every block aligned, inside the buffer,
 * zeroed, disjoint from the others and intact until freed; neighbours
 * merge so that a freed heap is one block again; the counters match a
 * walk of the headers; a foreign, misaligned or twice-freed pointer and
 * an overrun header are caught by free, not spread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tls_heap.h"

#define HEAP_LEN 4096u

static uint64_t s_buf[HEAP_LEN / 8u + 1u];
static int s_corrupt_calls;
static const char *s_corrupt_why;

static void on_corrupt(const char *why)
{
    s_corrupt_calls++;
    s_corrupt_why = why;
}

static int setup(void **state)
{
    (void)state;
    s_corrupt_calls = 0;
    s_corrupt_why = NULL;
    tls_heap_init(s_buf, HEAP_LEN, on_corrupt);
    return 0;
}

static struct tls_heap_stats stats(void)
{
    struct tls_heap_stats st;
    tls_heap_stats(&st);
    return st;
}

static void test_before_init_and_bad_sizes(void **state)
{
    (void)state;
    tls_heap_init(NULL, 0, on_corrupt);
    assert_null(tls_heap_calloc(1, 1));
    tls_heap_free(NULL); /* fine */
    tls_heap_init((uint8_t *)s_buf + 4, HEAP_LEN, on_corrupt); /* misaligned: no heap */
    assert_null(tls_heap_calloc(1, 1));
    tls_heap_init(s_buf, HEAP_LEN, on_corrupt);
    assert_int_equal(stats().size, HEAP_LEN);
    assert_null(tls_heap_calloc(0, 8));
    assert_null(tls_heap_calloc(8, 0));
    assert_null(tls_heap_calloc(SIZE_MAX / 2u, 4));  /* n * size overflows */
    assert_null(tls_heap_calloc(1, HEAP_LEN));       /* no room for the header */
    void *p = tls_heap_calloc(1, HEAP_LEN - 8u);     /* exactly the whole heap */
    assert_non_null(p);
    assert_null(tls_heap_calloc(1, 1));
    assert_int_equal(stats().cur, HEAP_LEN);
    tls_heap_free(p);
    assert_int_equal(stats().cur, 0);
    assert_int_equal(stats().largest_free, HEAP_LEN - 8u);
    assert_null(tls_heap_check());
    assert_int_equal(s_corrupt_calls, 0);
}

/* Header 8 bytes: three 100-byte blocks take 3 x (104 + 8). */
static void test_headers_counters_and_merging(void **state)
{
    (void)state;
    uint8_t *a = tls_heap_calloc(1, 100);
    uint8_t *b = tls_heap_calloc(10, 10);
    uint8_t *c = tls_heap_calloc(100, 1);
    assert_true(a && b && c);
    assert_int_equal(((uintptr_t)a | (uintptr_t)b | (uintptr_t)c) & 7u, 0);
    assert_int_equal(b - a, 112);
    assert_int_equal(c - b, 112);
    struct tls_heap_stats st = stats();
    assert_int_equal(st.cur, 3u * 112u);
    assert_int_equal(st.blocks, 3);
    assert_int_equal(st.peak, 3u * 112u);
    /* Freed in the middle, then either side: one free block again. */
    tls_heap_free(b);
    assert_null(tls_heap_check());
    tls_heap_free(a);
    assert_null(tls_heap_check());
    tls_heap_free(c);
    assert_null(tls_heap_check());
    st = stats();
    assert_int_equal(st.cur, 0);
    assert_int_equal(st.blocks, 0);
    assert_int_equal(st.peak, 3u * 112u);
    assert_int_equal(st.peak_blocks, 3);
    assert_int_equal(st.largest_free, HEAP_LEN - 8u);
    tls_heap_peak_reset();
    assert_int_equal(stats().peak, 0);
    /* A freed block is reused (first fit, newest first) and zeroed. */
    a = tls_heap_calloc(1, 64);
    memset(a, 0xAB, 64);
    tls_heap_free(a);
    uint8_t *d = tls_heap_calloc(1, 64);
    assert_ptr_equal(d, a);
    for (size_t i = 0; i < 64u; i++) {
        assert_int_equal(d[i], 0);
    }
    tls_heap_free(d);
}

static void test_corruption_caught(void **state)
{
    (void)state;
    uint8_t *a = tls_heap_calloc(1, 40);
    uint8_t *b = tls_heap_calloc(1, 40);
    assert_true(a && b);
    tls_heap_free(a + 8); /* inside a block */
    assert_int_equal(s_corrupt_calls, 1);
    tls_heap_free((uint8_t *)s_buf + HEAP_LEN + 64); /* outside the heap */
    assert_int_equal(s_corrupt_calls, 2);
    int local;
    tls_heap_free(&local);
    assert_int_equal(s_corrupt_calls, 3);
    tls_heap_free(a);
    assert_int_equal(s_corrupt_calls, 3);
    tls_heap_free(a); /* twice */
    assert_int_equal(s_corrupt_calls, 4);
    /* b's payload overrun into the next block's header. */
    uint8_t *c = tls_heap_calloc(1, 40);
    assert_non_null(c);
    memset(b, 0x5A, 40 + 8);
    tls_heap_free(b);
    assert_int_equal(s_corrupt_calls, 5);
    assert_non_null(s_corrupt_why);
    assert_non_null(tls_heap_check());
}

/* Seeded random alloc/free against a model: contents survive, blocks
 * never overlap, the walk agrees with the counters after every step, and
 * once all is freed the heap is one block. */
static void test_random_against_model(void **state)
{
    (void)state;
    enum { SLOTS = 48 };
    uint8_t *p[SLOTS] = {0};
    size_t n[SLOTS] = {0};
    uint32_t x = 12345u;
    size_t fails = 0;
    for (unsigned step = 0; step < 200000u; step++) {
        x = x * 1664525u + 1013904223u;
        unsigned i = (x >> 8) % SLOTS;
        if (p[i] != NULL) {
            for (size_t k = 0; k < n[i]; k++) {
                if (p[i][k] != (uint8_t)(i * 31u + k)) {
                    fail_msg("block %u byte %zu changed", i, k);
                }
            }
            tls_heap_free(p[i]);
            p[i] = NULL;
        } else {
            x = x * 1664525u + 1013904223u;
            size_t want = 1u + (x >> 16) % ((x & 1u) ? 600u : 40u);
            p[i] = tls_heap_calloc(1, want);
            if (p[i] == NULL) {
                fails++;
                continue;
            }
            n[i] = want;
            assert_int_equal((uintptr_t)p[i] & 7u, 0);
            assert_true(p[i] >= (uint8_t *)s_buf && p[i] + want <= (uint8_t *)s_buf + HEAP_LEN);
            for (size_t k = 0; k < want; k++) {
                assert_int_equal(p[i][k], 0);
                p[i][k] = (uint8_t)(i * 31u + k);
            }
        }
        if (step % 64u == 0u) {
            const char *why = tls_heap_check();
            if (why != NULL) {
                fail_msg("step %u: %s", step, why);
            }
        }
    }
    assert_true(fails > 0u); /* the heap was full at times */
    for (unsigned i = 0; i < SLOTS; i++) {
        tls_heap_free(p[i]);
    }
    assert_null(tls_heap_check());
    assert_int_equal(stats().cur, 0);
    assert_int_equal(stats().largest_free, HEAP_LEN - 8u);
    assert_int_equal(s_corrupt_calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_before_init_and_bad_sizes, setup),
        cmocka_unit_test_setup(test_headers_counters_and_merging, setup),
        cmocka_unit_test_setup(test_corruption_caught, setup),
        cmocka_unit_test_setup(test_random_against_model, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
