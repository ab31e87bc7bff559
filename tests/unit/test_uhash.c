/* Host test of firmware/util/uhash.c: a reference implementation written
 * the plain way (__uint128_t products reduced with %, words read byte by
 * byte, padding by hand) agrees on random keys and messages of every
 * length across several blocks; every single-bit flip and every length
 * changes the tag; unaligned input gives the aligned tag; keys differ;
 * the key draw stays in range and fails closed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "uhash.h"

#define P61 ((UINT64_C(1) << 61) - 1u)

/* ---- deterministic key source (splitmix64) --------------------------- */

static uint64_t s_seed;
static int s_fill_err;
static int s_fill_ones; /* every byte 0xFF: the largest poly keys */

static uint64_t splitmix64(void)
{
    uint64_t z = (s_seed += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        p[i] = s_fill_ones ? 0xFFu : (uint8_t)splitmix64();
    }
    return s_fill_err;
}

static void key_from(struct uhash_key *k, uint64_t seed)
{
    s_seed = seed;
    assert_int_equal(uhash_key_init(k, fill), APP_OK);
}

static void random_bytes(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)splitmix64();
    }
}

/* ---- the reference ------------------------------------------------------ */

static uint64_t ref_step(uint64_t y, uint64_t k, uint64_t c)
{
    return (uint64_t)(((__uint128_t)y * k + c) % P61);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void ref_uhash(const struct uhash_key *key, const uint8_t *m, size_t len, uint32_t out[4])
{
    uint64_t y[2] = {1, 1};
    for (size_t off = 0; off < len; off += UHASH_BLOCK_BYTES) {
        uint8_t blk[UHASH_BLOCK_BYTES] = {0};
        size_t n = len - off < UHASH_BLOCK_BYTES ? len - off : UHASH_BLOCK_BYTES;
        memcpy(blk, m + off, n);
        size_t words = (n + 7u) / 8u * 2u;
        for (unsigned lane = 0; lane < 2u; lane++) {
            __uint128_t s = 0;
            for (size_t j = 0; j < words; j += 2u) {
                uint64_t a =
                    ((uint64_t)le32(blk + 4u * j) + key->nh[j + 4u * lane]) % (UINT64_C(1) << 32);
                uint64_t b = ((uint64_t)le32(blk + 4u * j + 4u) + key->nh[j + 1u + 4u * lane]) %
                             (UINT64_C(1) << 32);
                s += (__uint128_t)a * b;
            }
            uint64_t nh = (uint64_t)(s % ((__uint128_t)1 << 64));
            y[lane] = ref_step(y[lane], key->poly[lane], nh >> 32);
            y[lane] = ref_step(y[lane], key->poly[lane], nh & 0xFFFFFFFFu);
        }
    }
    for (unsigned lane = 0; lane < 2u; lane++) {
        y[lane] = ref_step(y[lane], key->poly[lane], 0);
        y[lane] = ref_step(y[lane], key->poly[lane], len % (UINT64_C(1) << 32));
        out[2u * lane] = (uint32_t)y[lane];
        out[2u * lane + 1u] = (uint32_t)(y[lane] >> 32);
    }
}

/* ---- tests -------------------------------------------------------------- */

#define BIG (3u * UHASH_BLOCK_BYTES + 77u)

static void test_reference_agrees(void **state)
{
    (void)state;
    static uint8_t msg[BIG];
    struct uhash_key key;
    for (uint64_t seed = 1; seed <= 4u; seed++) {
        key_from(&key, seed);
        random_bytes(msg, sizeof(msg));
        for (size_t len = 0; len <= BIG; len++) {
            uint32_t a[4];
            uint32_t b[4];
            uhash(&key, msg, len, a);
            ref_uhash(&key, msg, len, b);
            assert_memory_equal(a, b, sizeof(a));
            assert_true(((uint64_t)a[1] << 32 | a[0]) < P61);
            assert_true(((uint64_t)a[3] << 32 | a[2]) < P61);
        }
    }
}

/* The carries: every key word and message byte at its maximum, and the
 * largest polynomial key. */
static void test_reference_extremes(void **state)
{
    (void)state;
    static uint8_t msg[BIG];
    struct uhash_key key;
    memset(key.nh, 0xFF, sizeof(key.nh));
    key.poly[0] = P61 - 1u;
    key.poly[1] = P61 - 2u;
    key.poly2[0] = 1u; /* (p-1)^2 = 1 */
    key.poly2[1] = 4u; /* (p-2)^2 = 4 */
    memset(msg, 0xFF, sizeof(msg));
    for (size_t len = 0; len <= BIG; len += 13u) {
        uint32_t a[4];
        uint32_t b[4];
        uhash(&key, msg, len, a);
        ref_uhash(&key, msg, len, b);
        assert_memory_equal(a, b, sizeof(a));
    }
}

static void test_keys_differ(void **state)
{
    (void)state;
    static const char tok[] = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    uint32_t prev[4] = {0};
    for (uint64_t seed = 1; seed <= 64u; seed++) {
        struct uhash_key key;
        uint32_t t[4];
        key_from(&key, seed * 1000003u);
        uhash(&key, tok, sizeof(tok) - 1u, t);
        assert_memory_not_equal(t, prev, sizeof(t));
        /* each lane on its own differs too */
        assert_false(t[0] == prev[0] && t[1] == prev[1]);
        assert_false(t[2] == prev[2] && t[3] == prev[3]);
        memcpy(prev, t, sizeof(t));
    }
}

static void test_every_bit_flip(void **state)
{
    (void)state;
    static uint8_t msg[900]; /* a JWT's size, over several blocks */
    struct uhash_key key;
    uint32_t base[4];
    key_from(&key, 7);
    random_bytes(msg, sizeof(msg));
    uhash(&key, msg, sizeof(msg), base);
    for (size_t bit = 0; bit < 8u * sizeof(msg); bit++) {
        uint32_t t[4];
        msg[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
        uhash(&key, msg, sizeof(msg), t);
        msg[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
        assert_memory_not_equal(t, base, sizeof(t));
    }
}

/* Zero padding of the last block must not make "x" and "x\0" equal: the
 * length is a coefficient. Every length of an all-zero and of a random
 * message gives a tag of its own. */
static void test_every_length(void **state)
{
    (void)state;
    static uint8_t zeros[2u * UHASH_BLOCK_BYTES + 9u];
    static uint8_t rnd[sizeof(zeros)];
    static uint32_t tags[2u * sizeof(zeros) + 2u][4];
    struct uhash_key key;
    size_t n = 0;
    key_from(&key, 11);
    random_bytes(rnd, sizeof(rnd));
    for (size_t len = 0; len <= sizeof(zeros); len++) {
        uhash(&key, zeros, len, tags[n++]);
        uhash(&key, rnd, len, tags[n++]);
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1u; j < n; j++) {
            if (i == 0u && j == 1u) {
                continue; /* length 0: the same empty message twice */
            }
            assert_memory_not_equal(tags[i], tags[j], sizeof(tags[i]));
        }
    }
}

static void test_unaligned(void **state)
{
    (void)state;
    static uint8_t src[700];
    static uint8_t buf[sizeof(src) + 8u];
    struct uhash_key key;
    uint32_t want[4];
    key_from(&key, 3);
    random_bytes(src, sizeof(src));
    for (size_t len = 0; len <= sizeof(src); len += 37u) {
        uhash(&key, src, len, want);
        for (size_t off = 0; off < 8u; off++) {
            uint32_t t[4];
            memset(buf, 0xA5, sizeof(buf)); /* bytes around must not count */
            memcpy(buf + off, src, len);
            uhash(&key, buf + off, len, t);
            assert_memory_equal(t, want, sizeof(t));
        }
    }
}

static void test_key_init(void **state)
{
    (void)state;
    struct uhash_key key;
    /* All ones: K is 60 bits of them, below p. */
    s_fill_ones = 1;
    assert_int_equal(uhash_key_init(&key, fill), APP_OK);
    s_fill_ones = 0;
    assert_true(key.poly[0] == (P61 >> 1) && key.poly[1] == (P61 >> 1));
    assert_true(key.poly2[0] == ref_step(P61 >> 1, P61 >> 1, 0));
    /* Random draws land below p. */
    for (uint64_t seed = 1; seed < 100u; seed++) {
        key_from(&key, seed);
        assert_true(key.poly[0] < (UINT64_C(1) << 60) && key.poly[1] < (UINT64_C(1) << 60));
        for (unsigned lane = 0; lane < 2u; lane++) {
            assert_true(key.poly2[lane] == ref_step(key.poly[lane], key.poly[lane], 0));
        }
        assert_true(key.poly[0] != key.poly[1]);
    }
    /* A failing source leaves no half-drawn key. */
    s_fill_err = APP_ERR_STATE;
    assert_int_equal(uhash_key_init(&key, fill), APP_ERR_STATE);
    s_fill_err = APP_OK;
    static const struct uhash_key zero;
    assert_memory_equal(&key, &zero, sizeof(key));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_agrees), cmocka_unit_test(test_reference_extremes),
        cmocka_unit_test(test_keys_differ),      cmocka_unit_test(test_every_bit_flip),
        cmocka_unit_test(test_every_length),     cmocka_unit_test(test_unaligned),
        cmocka_unit_test(test_key_init),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
