/* libFuzzer harness for firmware/upload/multipart.c.
 *
 * Input: byte 0 picks the chunking (a PRNG seed and the largest chunk),
 * byte 1 the boundary length k (1..16, taken from the next k bytes, bchars
 * forced), the rest is the body. It is read once whole and once in chunks;
 * only the chunk being fed is readable (the rest is poisoned), so a read
 * outside it is caught. Both runs must agree on verdict, reason, filename
 * and content; the content is never longer than the body; after a fault
 * the reader keeps returning it and calls no sink. The whole input is also
 * a Content-Type value for mp_boundary(): a boundary it returns lies
 * inside the value, 1..70 bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "app_err.h"
#include "multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                        \
    do {                                                                \
        if (!(c)) {                                                     \
            fprintf(stderr, "fuzz_multipart:%d: %s\n", __LINE__, #c);   \
            abort();                                                    \
        }                                                               \
    } while (0)

struct outcome {
    int rc;
    const char *reason;
    int begins, ends, calls_after_fault;
    bool faulted;
    size_t name_n;
    char name[APP_MP_FILENAME_MAX];
    size_t n;        /* content bytes */
    uint32_t hash;   /* FNV-1a of the content */
};

static int on_begin(void *ctx, const char *p, size_t n)
{
    struct outcome *o = ctx;
    o->calls_after_fault += o->faulted;
    CHECK(n > 0 && n <= APP_MP_FILENAME_MAX && o->begins == 0);
    memcpy(o->name, p, n);
    o->name_n = n;
    o->begins++;
    return 0;
}

static int on_data(void *ctx, const void *p, size_t n)
{
    struct outcome *o = ctx;
    const uint8_t *b = p;
    o->calls_after_fault += o->faulted;
    CHECK(n > 0 && o->begins == 1 && o->ends == 0);
    for (size_t i = 0; i < n; i++) {
        o->hash = (o->hash ^ b[i]) * 16777619u;
    }
    o->n += n;
    return 0;
}

static int on_end(void *ctx)
{
    struct outcome *o = ctx;
    o->calls_after_fault += o->faulted;
    CHECK(o->begins == 1 && o->ends == 0);
    o->ends++;
    return 0;
}

static const struct mp_sink k_sink = {on_begin, on_data, on_end};

static uint32_t next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static void finish(struct mp_reader *m, struct outcome *o, int rc)
{
    if (rc != APP_OK) {
        o->faulted = true;
        CHECK(mp_feed(m, "\r\n--", 4, &k_sink, o) == rc);
        CHECK(mp_end(m) == rc);
        CHECK(o->calls_after_fault == 0);
        o->rc = rc;
    } else {
        o->rc = mp_end(m);
    }
    o->reason = m->reason;
    CHECK((o->rc == APP_OK) == (o->reason == NULL));
    CHECK(o->rc == APP_OK || o->rc == APP_ERR_INVAL);
    if (o->rc == APP_OK) {
        CHECK(o->begins == 1 && o->ends == 1);
    }
}

static void run(const char *b, size_t bn, const uint8_t *buf, size_t len, uint8_t mode,
                struct outcome *o)
{
    struct mp_reader m;
    memset(o, 0, sizeof(*o));
    o->hash = 2166136261u;
    CHECK(mp_init(&m, b, bn) == APP_OK);
    if (mode == 0xFF) {
        finish(&m, o, mp_feed(&m, buf, len, &k_sink, o));
        return;
    }
    uint32_t rng = 0x9e3779b9u ^ ((uint32_t)mode * 0x01000193u);
    size_t max_chunk = 1u + (mode >> 2);
    size_t off = 0;
    int rc = APP_OK;
    ASAN_POISON_MEMORY_REGION(buf, len);
    while (off < len && rc == APP_OK) {
        size_t n = 1u + next(&rng) % max_chunk;
        n = n < len - off ? n : len - off;
        ASAN_UNPOISON_MEMORY_REGION(buf + off, n);
        rc = mp_feed(&m, buf + off, n, &k_sink, o);
        ASAN_POISON_MEMORY_REGION(buf + off, n);
        off += n;
    }
    ASAN_UNPOISON_MEMORY_REGION(buf, len);
    finish(&m, o, rc);
}

static void fuzz_boundary(const uint8_t *data, size_t size)
{
    char *ct = malloc(size ? size : 1u);
    memcpy(ct, data, size);
    const char *b = NULL;
    size_t bn = 0;
    int rc = mp_boundary(ct, size, &b, &bn);
    CHECK(rc == APP_OK || rc == APP_ERR_INVAL || rc == APP_ERR_PROTO);
    if (rc == APP_OK) {
        CHECK(b >= ct && bn >= 1 && bn <= MP_BOUNDARY_MAX && b + bn <= ct + size);
        struct mp_reader m;
        CHECK(mp_init(&m, b, bn) == APP_OK); /* what it returns, the reader takes */
    }
    free(ct);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char bchars[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";
    fuzz_boundary(data, size);
    if (size < 2) {
        return 0;
    }
    uint8_t mode = data[0] == 0xFF ? 0xFE : data[0];
    size_t k = 1u + data[1] % 16u;
    if (size < 2u + k) {
        return 0;
    }
    char b[16];
    for (size_t i = 0; i < k; i++) {
        b[i] = bchars[data[2 + i] % (sizeof(bchars) - 1u)];
    }
    if (b[k - 1] == ' ') {
        b[k - 1] = '_'; /* RFC 2046: not ending in a space */
    }
    size_t len = size - 2u - k;
    uint8_t *buf = malloc(len ? len : 1u);
    memcpy(buf, data + 2 + k, len);
    struct outcome whole, chunked;
    run(b, k, buf, len, 0xFF, &whole);
    run(b, k, buf, len, mode, &chunked);
    CHECK(whole.rc == chunked.rc);
    CHECK(whole.reason == chunked.reason); /* static texts: the same pointer */
    CHECK(whole.n <= len && whole.n == chunked.n && whole.hash == chunked.hash);
    CHECK(whole.name_n == chunked.name_n && memcmp(whole.name, chunked.name, whole.name_n) == 0);
    CHECK(whole.begins == chunked.begins && whole.ends == chunked.ends);
    free(buf);
    return 0;
}
