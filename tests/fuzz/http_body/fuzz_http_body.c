/* libFuzzer harness for request body framing (firmware/http/http_body.c).
 * Input: byte 0 picks Content-Length (even: the next 2 bytes are the
 * length) or chunked (odd), byte 1 seeds the splits, the rest is the raw
 * body. Decoding it whole and in pieces must give the same verdict, the
 * same bytes and the same end, and never more bytes out than in; so must
 * reading only what http_body_want() allows (as an upload whose head
 * buffer went back does), which must use every byte it read and read
 * nothing past the body's end. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app_err.h"
#include "http_body.h"

#define CAP 4096

static int decode(bool chunked, uint64_t len, const uint8_t *raw, size_t n, uint32_t seed,
                  uint8_t *dec, size_t *declen, size_t *taken)
{
    static char buf[CAP];
    struct http_body b;
    size_t have = 0;
    size_t fed = 0;
    int r = 0;
    http_body_init(&b, chunked, len);
    *declen = 0;
    *taken = 0;
    while (fed < n || have > 0) {
        size_t k = n - fed;
        if (seed != 0u) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            k = k < 1u + seed % 7u ? k : 1u + seed % 7u;
        }
        memcpy(buf + have, raw + fed, k);
        have += k;
        fed += k;
        size_t used = 0;
        size_t out = 0;
        r = http_body_decode(&b, buf, have, &used, &out);
        if (out > used) {
            abort();
        }
        memcpy(dec + *declen, buf, out);
        *declen += out;
        *taken += used;
        memmove(buf, buf + used, have - used);
        have -= used;
        if (r != 0 || (k == 0 && used == 0)) {
            break;
        }
    }
    return r;
}

/* Read at most what the decoder wants, cap bytes a read. */
static int decode_wanted(bool chunked, uint64_t len, const uint8_t *raw, size_t n, size_t cap,
                         uint8_t *dec, size_t *declen, size_t *taken)
{
    struct http_body b;
    int r = 0;
    http_body_init(&b, chunked, len);
    *declen = 0;
    *taken = 0;
    if (n == 0u) {
        return 0; /* as decode(): nothing fed, no verdict */
    }
    size_t want;
    while ((want = http_body_want(&b, cap)) > 0u && *taken < n) {
        if (want > cap) {
            abort();
        }
        size_t k = want < n - *taken ? want : n - *taken;
        char buf[16];
        memcpy(buf, raw + *taken, k);
        size_t used = 0;
        size_t out = 0;
        r = http_body_decode(&b, buf, k, &used, &out);
        if (r >= 0 && used != k) {
            abort(); /* it wanted bytes it did not take */
        }
        memcpy(dec + *declen, buf, out);
        *declen += out;
        *taken += used;
        if (r != 0) {
            return r;
        }
    }
    size_t used = 0;
    size_t out = 0;
    char none[1];
    return http_body_decode(&b, none, 0, &used, &out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t a[CAP];
    static uint8_t b[CAP];
    if (size < 3 || size - 3 > CAP) {
        return 0;
    }
    bool chunked = data[0] & 1u;
    uint64_t len = (uint64_t)data[1] | (uint64_t)data[2] << 8;
    uint32_t seed = 0x9E3779B9u ^ data[1];
    size_t na = 0, nb = 0, ta = 0, tb = 0;
    int ra = decode(chunked, len, data + 3, size - 3, 0, a, &na, &ta);
    int rb = decode(chunked, len, data + 3, size - 3, seed, b, &nb, &tb);
    if (ra != rb || (ra >= 0 && (na != nb || memcmp(a, b, na) != 0)) || (ra == 1 && ta != tb)) {
        abort();
    }
    if (na > size - 3 || (!chunked && na > len)) {
        abort();
    }
    static uint8_t c[CAP];
    size_t nc = 0, tc = 0;
    int rc = decode_wanted(chunked, len, data + 3, size - 3, 1u + data[1] % 16u, c, &nc, &tc);
    if (rc != ra || (ra >= 0 && (nc != na || memcmp(a, c, na) != 0)) || (ra == 1 && tc != ta)) {
        abort();
    }
    return 0;
}
