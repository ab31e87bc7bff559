/* libFuzzer harness for firmware/upload/multipart.c.
 *
 * Input: byte 0 picks the chunking (a PRNG seed and the largest chunk);
 * byte 1 the boundary length k (low 4 bits: 1..16, taken from the next k
 * bytes, bchars forced) and the sink (high 4 bits: 8 stops it in begin, 9
 * in end, 10..15 in data once it has 1, 4, ... 1024 bytes, else it goes
 * on); the rest is the body. It is read once whole and once in chunks,
 * each chunk copied into a buffer of its own exact size, so ASan catches a
 * read outside it. Both runs must agree on verdict, reason, part name,
 * filename, content and sink calls; the content never outgrows the body,
 * is a run of it and holds no delimiter (RFC 2046 5.1.1); after a fault
 * the reader keeps returning it and calls no sink. The whole input is
 * also a Content-Type value for mp_boundary(): a boundary it returns lies
 * inside the value, 1..70 bytes, and mp_init() takes it. */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* What a stopping sink returns: not an APP_ERR_*, and positive. */
#define STOP_RC 77

enum stop { GO, STOP_BEGIN, STOP_END, STOP_DATA };

struct outcome {
    int rc;
    const char *reason;
    char part_name[MP_NAME_MAX + 1];
    int begins, ends, calls_after_fault;
    bool faulted;
    enum stop stop;
    size_t stop_after;
    size_t name_n;
    char name[APP_MP_FILENAME_MAX];
    uint8_t *content; /* cap bytes: the body's length */
    size_t n, cap;
};

static int on_begin(void *ctx, const char *p, size_t n)
{
    struct outcome *o = ctx;
    o->calls_after_fault += o->faulted;
    CHECK(n > 0 && n <= APP_MP_FILENAME_MAX && o->begins == 0);
    memcpy(o->name, p, n);
    o->name_n = n;
    o->begins++;
    return o->stop == STOP_BEGIN ? STOP_RC : 0;
}

static int on_data(void *ctx, const void *p, size_t n)
{
    struct outcome *o = ctx;
    o->calls_after_fault += o->faulted;
    CHECK(n > 0 && o->begins == 1 && o->ends == 0);
    CHECK(n <= o->cap - o->n); /* never more content than body */
    size_t take = n;
    int rc = 0;
    if (o->stop == STOP_DATA && o->n + n >= o->stop_after) {
        take = o->stop_after - o->n; /* the same in any chunking */
        rc = STOP_RC;
    }
    memcpy(o->content + o->n, p, take);
    o->n += take;
    return rc;
}

static int on_end(void *ctx)
{
    struct outcome *o = ctx;
    o->calls_after_fault += o->faulted;
    CHECK(o->begins == 1 && o->ends == 0);
    o->ends++;
    return o->stop == STOP_END ? STOP_RC : 0;
}

static const struct mp_sink k_sink = {on_begin, on_data, on_end};

/* xorshift32 */
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
    CHECK(memchr(m->part_name, '\0', sizeof(m->part_name)) != NULL);
    memcpy(o->part_name, m->part_name, sizeof(o->part_name));
    CHECK((o->rc == APP_OK) == (o->reason == NULL));
    CHECK(o->rc == APP_OK || o->rc == APP_ERR_INVAL || (o->rc == STOP_RC && o->stop != GO));
    CHECK((o->rc == STOP_RC) == (o->reason != NULL && strcmp(o->reason, "upload stopped") == 0));
    if (o->rc == APP_OK) {
        CHECK(o->begins == 1 && o->ends == 1);
    }
}

/* mode 0xFF: whole; else chunks of 1..64 bytes from a PRNG seeded by mode. */
static void run(const char *b, size_t bn, const uint8_t *buf, size_t len, uint8_t mode,
                struct outcome *o)
{
    struct mp_reader m;
    CHECK(mp_init(&m, b, bn) == APP_OK);
    if (mode == 0xFF) {
        finish(&m, o, mp_feed(&m, buf, len, &k_sink, o));
        return;
    }
    uint32_t rng = 0x9e3779b9u ^ ((uint32_t)mode * 0x01000193u);
    size_t max_chunk = 1u + (mode >> 2);
    size_t off = 0;
    int rc = APP_OK;
    while (off < len && rc == APP_OK) {
        size_t n = 1u + next(&rng) % max_chunk;
        n = n < len - off ? n : len - off;
        uint8_t *chunk = malloc(n);
        CHECK(chunk != NULL);
        memcpy(chunk, buf + off, n);
        rc = mp_feed(&m, chunk, n, &k_sink, o);
        free(chunk);
        off += n;
    }
    finish(&m, o, rc);
}

/* A delimiter in c[0..n): CRLF "--" boundary then "--", CR or transport
 * padding (RFC 2046 5.1.1); the reader must have taken it as one. */
static bool holds_delimiter(const uint8_t *c, size_t n, const char *b, size_t bn)
{
    for (size_t i = 0; n - i > 4u + bn; i++) {
        if (memcmp(c + i, "\r\n--", 4) != 0 || memcmp(c + i + 4, b, bn) != 0) {
            continue;
        }
        uint8_t x = c[i + 4 + bn];
        if (x == '\r' || x == ' ' || x == '\t' ||
            (x == '-' && n - i > 5u + bn && c[i + 5 + bn] == '-')) {
            return true;
        }
    }
    return false;
}

static void fuzz_boundary(const uint8_t *data, size_t size)
{
    char *ct = malloc(size ? size : 1u);
    CHECK(ct != NULL);
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

static void init_outcome(struct outcome *o, uint8_t sel, size_t cap)
{
    memset(o, 0, sizeof(*o));
    if (sel == 8) {
        o->stop = STOP_BEGIN;
    } else if (sel == 9) {
        o->stop = STOP_END;
    } else if (sel >= 10) {
        o->stop = STOP_DATA;
        o->stop_after = (size_t)1 << (2u * (sel - 10u));
    }
    o->cap = cap;
    o->content = malloc(cap ? cap : 1u);
    CHECK(o->content != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char bchars[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";
    fuzz_boundary(data, size);
    if (size < 2) {
        return 0;
    }
    uint8_t mode = data[0] == 0xFF ? 0xFE : data[0];
    size_t k = 1u + (data[1] & 15u);
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
    CHECK(buf != NULL);
    memcpy(buf, data + 2 + k, len);
    struct outcome whole, chunked;
    init_outcome(&whole, data[1] >> 4, len);
    init_outcome(&chunked, data[1] >> 4, len);
    run(b, k, buf, len, 0xFF, &whole);
    run(b, k, buf, len, mode, &chunked);
    CHECK(whole.rc == chunked.rc);
    CHECK(whole.reason == chunked.reason); /* static texts: the same pointer */
    CHECK(strcmp(whole.part_name, chunked.part_name) == 0);
    CHECK(whole.n == chunked.n && memcmp(whole.content, chunked.content, whole.n) == 0);
    CHECK(whole.name_n == chunked.name_n && memcmp(whole.name, chunked.name, whole.name_n) == 0);
    CHECK(whole.begins == chunked.begins && whole.ends == chunked.ends);
    CHECK(whole.n == 0 || memmem(buf, len, whole.content, whole.n) != NULL);
    CHECK(!holds_delimiter(whole.content, whole.n, b, k));
    free(whole.content);
    free(chunked.content);
    free(buf);
    return 0;
}
