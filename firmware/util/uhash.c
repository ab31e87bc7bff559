/* NH then a polynomial, two lanes: the hash-then-polynomial layering of
 * UMAC (RFC 4418 5.2, 5.3; Black, Halevi, Krawczyk, Krovetz, Rogaway,
 * "UMAC: Fast and Secure Message Authentication", CRYPTO 1999).
 *
 * Per lane i (0, 1), per block of UHASH_BLOCK_BYTES (the last one padded
 * with zero bytes to a multiple of 8), with 32-bit words m (native order):
 *   NH_i = sum_j (m[2j] + k[2j+4i] mod 2^32) * (m[2j+1] + k[2j+1+4i] mod 2^32)
 *          mod 2^64
 * then y_i = 1, y_i = y_i*K_i + c mod p (Horner, p = 2^61 - 1) over the
 * coefficients: the high and the low 32-bit half of every block's NH_i,
 * and last 0 and the length mod 2^32. The tag is (y_0, y_1).
 *
 * Bound, for M != M' under 4 GiB, n <= 2^25 coefficients: if the lengths
 * differ, the polynomials differ (last coefficient) and each lane collides
 * with probability <= n/2^60 (below). Else some block differs in the
 * same bytes; NH is 2^-32-almost-universal per lane, and lane 1's key is
 * lane 0's shifted by four words (the UMAC paper's Toeplitz construction; RFC 4418's
 * UHASH takes each iteration's L1 key 16 bytes further on), which makes
 * the pair 2^-64-almost-universal. The polynomial over distinct
 * coefficient strings collides for at most n of the key values (roots),
 * its keys independent of NH's and of each other. K is drawn uniform
 * below 2^60 (not p: no rejection step), which makes that n/2^60. So
 *   Pr[tag(M) = tag(M')] <= 2^-64 + 2 * 2^-32 * n/2^60 + (n/2^60)^2 < 2^-63.
 *
 * Cost: per 8 bytes two loads of the message, four of the key, four adds
 * and two multiply-accumulates (UMLAL on the Cortex-M3), 17 instructions
 * at -Os; per block and lane two Horner steps folded into one reduction
 * (y*K^2 + c1*K + c0, six 32x32 multiplications). */
#include "uhash.h"

#include <stdbool.h>
#include <string.h>

#include "app_err.h"

#define P61 ((UINT64_C(1) << 61) - 1u)

/* Any alignment: a 4-byte memcpy is one LDR on ARMv7-M (unaligned LDR
 * is allowed there) and on x86, but only as a builtin: -ffreestanding
 * turns a plain memcpy into a call (as in json.c and http_parser.c).
 * Native byte order: the bound holds for any fixed order, and a tag never
 * leaves the device. */
#if defined(__GNUC__)
#define UHASH_LOAD(dst, src) __builtin_memcpy((dst), (src), sizeof(*(dst)))
#else
#define UHASH_LOAD(dst, src) memcpy((dst), (src), sizeof(*(dst)))
#endif

static inline uint32_t rd32(const uint8_t *p)
{
    uint32_t w;
    UHASH_LOAD(&w, p);
    return w;
}

/* y*K^2 + c1*K + c0 mod p, two Horner steps with one reduction (K2 =
 * K^2 mod p). Partially reduced: y < 2^62, K, K2 < 2^61, c1, c0 < 2^32
 * give a result below 2^61 + 8, so below 2^62 again. With
 * y = y1*2^32 + y0 and K2 = k1*2^32 + k0: 2^64 = 8, 2^61 = 1 (mod p). */
static uint64_t poly2(uint64_t y, uint64_t k, uint64_t k2, uint32_t c1, uint32_t c0)
{
    uint32_t y0 = (uint32_t)y;
    uint32_t y1 = (uint32_t)(y >> 32); /* < 2^30 */
    uint32_t k0 = (uint32_t)k2;
    uint32_t k1 = (uint32_t)(k2 >> 32);       /* < 2^29 */
    uint64_t lo = (uint64_t)y0 * k0;          /* < 2^64 */
    uint64_t ck = (uint64_t)c1 * (uint32_t)k; /* < 2^64 */
    /* < 2^62 + 2^61 + 2^61: the 2^32 column */
    uint64_t mid = (uint64_t)y1 * k0 + (uint64_t)y0 * k1 + (uint64_t)c1 * (uint32_t)(k >> 32);
    uint64_t hi = (uint64_t)y1 * k1; /* < 2^59 */
    /* mid*2^32 = (mid >> 29)*2^61 + (mid mod 2^29)*2^32; sum < 2^64 */
    uint64_t t = (hi << 3) + (mid >> 29) + ((mid & 0x1FFFFFFFu) << 32) + (lo & P61) + (lo >> 61) +
                 (ck & P61) + (ck >> 61) + c0;
    return (t & P61) + (t >> 61);
}

/* K^2 mod p for the key (set-up only). */
static uint64_t mul_mod(uint64_t a, uint64_t b)
{
    /* a*b = poly2 with y = a, K2 = b and no coefficients; reduce fully. */
    uint64_t r = poly2(a, 0, b, 0, 0);
    return r >= P61 ? r - P61 : r;
}

int uhash_key_init(struct uhash_key *key, int (*fill)(void *buf, size_t len))
{
    int rc = fill(key, offsetof(struct uhash_key, poly2));
    for (unsigned i = 0; rc == APP_OK && i < 2u; i++) {
        key->poly[i] &= P61 >> 1; /* uniform below 2^60 < p */
        key->poly2[i] = mul_mod(key->poly[i], key->poly[i]);
    }
    if (rc != APP_OK) {
        memset(key, 0, sizeof(*key));
    }
    return rc;
}

/* NH of whole pairs (n > 0 bytes, a multiple of 8) for both lanes, added
 * to s[0], s[1]. One pair a turn: at -Os an unrolled body has more live
 * values than the M3's registers and spills. */
static void nh(const uint32_t *k, const uint8_t *q, size_t n, uint64_t s[2])
{
    const uint8_t *end = q + n;
    uint64_t s0 = s[0];
    uint64_t s1 = s[1];
    do {
        uint32_t m0 = rd32(q);
        uint32_t m1 = rd32(q + 4);
        s0 += (uint64_t)(uint32_t)(m0 + k[0]) * (uint32_t)(m1 + k[1]);
        s1 += (uint64_t)(uint32_t)(m0 + k[4]) * (uint32_t)(m1 + k[5]);
        q += 8;
        k += 2;
    } while (q != end);
    s[0] = s0;
    s[1] = s1;
}

void uhash(const struct uhash_key *key, const void *msg, size_t len, uint32_t out[UHASH_TAG_WORDS])
{
    const uint8_t *p = msg;
    uint64_t y[2] = {1, 1};
    uint64_t s[2] = {0, 0};
    size_t left = len;
    bool last = false;
    while (!last) {
        /* Each block's NH, then one more pass for the length. */
        last = left == 0u;
        size_t n = left < UHASH_BLOCK_BYTES ? left : UHASH_BLOCK_BYTES;
        size_t whole = n & ~(size_t)7u;
        if (whole > 0u) {
            nh(key->nh, p, whole, s);
        }
        if (n > whole) {
            uint8_t tail[8] = {0};
            memcpy(tail, p + whole, n - whole);
            nh(key->nh + whole / 4u, tail, sizeof(tail), s);
        }
        if (last) {
            s[0] = s[1] = (uint32_t)len; /* coefficients 0 and the length */
        }
        for (unsigned i = 0; i < 2u; i++) {
            y[i] = poly2(y[i], key->poly[i], key->poly2[i], (uint32_t)(s[i] >> 32), (uint32_t)s[i]);
            s[i] = 0;
        }
        p += n;
        left -= n;
    }
    for (unsigned i = 0; i < 2u; i++) {
        uint64_t v = y[i] >= P61 ? y[i] - P61 : y[i]; /* < 2p: one subtraction is enough */
        out[2u * i] = (uint32_t)v;
        out[2u * i + 1u] = (uint32_t)(v >> 32);
    }
}
