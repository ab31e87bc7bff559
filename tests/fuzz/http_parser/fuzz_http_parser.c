/* libFuzzer harness for firmware/http/http_parser.c.
 *
 * Input: byte 0 picks the chunking (a PRNG seed and the largest chunk; 0..3
 * mean byte at a time), byte 1 the buffer capacity (below 0x80: the
 * configured APP_HTTP_HEAD_MAX; else (byte & 0x7f) * 8), the rest is what
 * the client sent. The parser runs over it once whole and once fed in
 * chunks from a growing buffer whose unfed bytes are poisoned; the two runs
 * must agree, and the result must satisfy what the header promises, checked
 * here independently of the parser's own byte classes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "app_config.h"
#include "app_err.h"
#include "http_parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                          \
    do {                                                                  \
        if (!(c)) {                                                       \
            fprintf(stderr, "fuzz_http_parser:%d: %s\n", __LINE__, #c); \
            abort();                                                      \
        }                                                                 \
    } while (0)

static void check_slice(struct http_slice s, const char *buf, size_t head)
{
    CHECK(s.p != NULL);
    CHECK(s.p >= buf && s.p + s.n <= buf + head);
}

static void check_same_slice(struct http_slice a, struct http_slice b)
{
    CHECK(a.p == b.p && a.n == b.n);
}

static void check_same(int ret, const struct http_request *a, const struct http_request *b)
{
    if (ret < 0) {
        CHECK(a->status == b->status);
        CHECK(a->reason == b->reason);
        return;
    }
    if (ret == 0) {
        return;
    }
    CHECK(a->method == b->method);
    check_same_slice(a->method_text, b->method_text);
    check_same_slice(a->target, b->target);
    check_same_slice(a->path, b->path);
    CHECK(a->has_query == b->has_query);
    if (a->has_query) {
        check_same_slice(a->query, b->query);
    }
    CHECK(a->absolute_form == b->absolute_form);
    if (a->absolute_form) {
        check_same_slice(a->authority, b->authority);
    }
    CHECK(a->version_minor == b->version_minor);
    CHECK(a->has_host == b->has_host);
    if (a->has_host) {
        check_same_slice(a->host, b->host);
    }
    CHECK(a->has_authorization == b->has_authorization);
    if (a->has_authorization) {
        check_same_slice(a->authorization, b->authorization);
    }
    CHECK(a->has_client_request_id == b->has_client_request_id);
    if (a->has_client_request_id) {
        check_same_slice(a->client_request_id, b->client_request_id);
    }
    CHECK(a->content_length == b->content_length);
    CHECK(a->transfer_encoding == b->transfer_encoding);
    CHECK(a->conn_close == b->conn_close);
    CHECK(a->conn_keep_alive == b->conn_keep_alive);
    CHECK(a->header_count == b->header_count);
    CHECK(a->head_len == b->head_len);
}

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* What a complete head must look like, from the raw bytes. */
static void check_head(const char *buf, size_t head, const struct http_request *q)
{
    size_t crlf = 0, leading = 0;

    CHECK(q->head_len == head);
    CHECK(head >= 4 && memcmp(buf + head - 4, "\r\n\r\n", 4) == 0);
    for (size_t k = 0; k < head; k++) {
        unsigned char c = (unsigned char)buf[k];
        /* CR and LF only as CRLF; no other control byte, no DEL. */
        if (c == '\r') {
            CHECK(k + 1 < head && buf[k + 1] == '\n');
            crlf++;
        } else if (c == '\n') {
            CHECK(k > 0 && buf[k - 1] == '\r');
        } else {
            CHECK(c == '\t' || (c >= 0x20 && c != 0x7f));
        }
    }
    while (leading * 2 + 1 < head && buf[leading * 2] == '\r') {
        leading++;
    }
    /* Leading empty lines, the request line, the fields, the end. */
    CHECK(q->header_count == crlf - leading - 2);
    CHECK(q->header_count <= APP_HTTP_MAX_HEADERS);

    check_slice(q->method_text, buf, head);
    CHECK(q->method_text.p == buf + leading * 2 && q->method_text.n >= 1);
    CHECK(q->method_text.p[q->method_text.n] == ' ');
    if (q->method != HTTP_METHOD_OTHER) {
        static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
        CHECK(q->method_text.n == strlen(names[q->method]));
        CHECK(memcmp(q->method_text.p, names[q->method], q->method_text.n) == 0);
    }
    check_slice(q->target, buf, head);
    CHECK(q->target.p == q->method_text.p + q->method_text.n + 1 && q->target.n >= 1);
    CHECK(q->target.n + q->method_text.n + 12 <= APP_HTTP_LINE_MAX);
    for (size_t k = 0; k < q->target.n; k++) {
        CHECK(q->target.p[k] >= 0x21 && q->target.p[k] <= 0x7e);
    }
    CHECK(memcmp(q->target.p + q->target.n, q->version_minor ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n",
                 11) == 0);
    CHECK(q->version_minor <= 1);

    check_slice(q->path, buf, head);
    CHECK(q->path.p >= q->target.p && q->path.p + q->path.n <= q->target.p + q->target.n);
    if (q->absolute_form) {
        check_slice(q->authority, buf, head);
        CHECK(q->authority.n >= 1 && q->authority.p + q->authority.n == q->path.p);
        CHECK(q->path.n == 0 || q->path.p[0] == '/');
    } else {
        CHECK(q->path.p == q->target.p && q->path.n >= 1 && q->path.p[0] == '/');
    }
    if (q->has_query) {
        check_slice(q->query, buf, head);
        CHECK(q->query.p == q->path.p + q->path.n + 1 && q->query.p[-1] == '?');
        CHECK(q->query.p + q->query.n == q->target.p + q->target.n);
    } else {
        CHECK(q->path.p + q->path.n == q->target.p + q->target.n);
    }
    CHECK(memchr(q->path.p, '?', q->path.n) == NULL);

    if (q->version_minor == 1) {
        CHECK(q->has_host);
    }
    if (q->has_host) {
        check_slice(q->host, buf, head);
        CHECK(q->host.n >= 1 && !is_ows(q->host.p[0]) && !is_ows(q->host.p[q->host.n - 1]));
    }
    if (q->has_authorization) {
        check_slice(q->authorization, buf, head);
        CHECK(q->authorization.n <= (size_t)APP_HTTP_TOKEN_MAX + 7u);
        CHECK(q->authorization.n == 0 || (!is_ows(q->authorization.p[0]) &&
                                          !is_ows(q->authorization.p[q->authorization.n - 1])));
    }
    if (q->has_client_request_id) {
        check_slice(q->client_request_id, buf, head);
    }
    CHECK(q->content_length >= -1 && q->content_length <= 1000000000000000LL);
}

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

/* Feeds buf[0..len) in chunks; what has not "arrived" yet is poisoned. */
static int feed_chunked(const char *buf, size_t len, size_t cap, uint8_t mode,
                        struct http_request *q)
{
    struct http_parser p;
    uint32_t rng = 0x9e3779b9u ^ ((uint32_t)mode * 0x01000193u);
    size_t max_chunk = 1u + (mode >> 2);
    size_t have = 0;
    int ret;

    ASAN_POISON_MEMORY_REGION(buf, len);
    http_parser_init(&p);
    for (;;) {
        size_t was = have;
        have += 1u + next(&rng) % max_chunk;
        if (have > len) {
            have = len;
        }
        ASAN_UNPOISON_MEMORY_REGION(buf + was, have - was);
        ret = http_parser_feed(&p, buf, have, cap, q);
        if (ret != 0 || have == len) {
            break;
        }
        CHECK(p.scanned == have); /* nothing left to rescan */
    }
    ASAN_UNPOISON_MEMORY_REGION(buf, len);
    return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_parser p;
    struct http_request whole, chunked, again;
    size_t len, cap, limit;
    char *buf;
    int ret;

    if (size < 2) {
        return 0;
    }
    len = size - 2;
    cap = data[1] < 0x80 ? APP_HTTP_HEAD_MAX : (size_t)(data[1] & 0x7f) * 8u;
    limit = cap < UINT16_MAX ? cap : UINT16_MAX;
    /* Exactly len bytes, so that ASan sees a read at buf[len]. */
    buf = malloc(len);
    CHECK(buf != NULL || len == 0);
    if (len != 0) {
        memcpy(buf, data + 2, len);
    }

    http_parser_init(&p);
    ret = http_parser_feed(&p, buf, len, cap, &whole);
    CHECK(http_parser_feed(&p, buf, len, cap, &again) == ret); /* sticky */
    check_same(ret, &whole, &again);

    CHECK(feed_chunked(buf, len, cap, data[0], &chunked) == ret);
    check_same(ret, &whole, &chunked);

    if (ret == 0) {
        CHECK(len < limit); /* a full buffer always gets an answer */
    } else if (ret > 0) {
        CHECK((size_t)ret <= len && (size_t)ret <= limit);
        check_head(buf, (size_t)ret, &whole);
        /* Bytes after the head play no part: the head alone parses the same. */
        http_parser_init(&p);
        CHECK(http_parser_feed(&p, buf, (size_t)ret, cap, &again) == ret);
        check_same(ret, &whole, &again);
    } else {
        CHECK(ret == APP_ERR_INVAL);
        CHECK(whole.status == 400 || whole.status == 414 || whole.status == 431 ||
              whole.status == 505);
        CHECK(whole.reason != NULL && whole.reason[0] != '\0');
        CHECK(whole.status != 414 || len >= APP_HTTP_LINE_MAX);
    }
    free(buf);
    return 0;
}
