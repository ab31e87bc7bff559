/* Host test of firmware/http/http_body.c: Content-Length and chunked
 * bodies (RFC 9112 7.1: sizes in any case, extensions, trailers), every
 * framing error, the bytes after the body left alone; each case fed whole,
 * byte by byte and in every two-piece split, with the same result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "http_body.h"

struct bcase {
    const char *name;
    bool chunked;
    uint64_t length;
    const char *raw;
    int verdict;         /* 1 done, 0 more needed, APP_ERR_INVAL */
    const char *decoded; /* when not an error */
    size_t rest;         /* raw bytes after the body */
};

static const struct bcase k_cases[] = {
    {"length", false, 5, "hello", 1, "hello", 0},
    {"length, next request after", false, 5, "helloGET /", 1, "hello", 5},
    {"length, short", false, 9, "hello", 0, "hello", 0},
    {"length 0", false, 0, "GET", 1, "", 3},
    {"one chunk", true, 0, "5\r\nhello\r\n0\r\n\r\n", 1, "hello", 0},
    {"two chunks, hex case", true, 0, "3\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n", 1, "abc0123456789", 0},
    {"upper hex", true, 0, "1F\r\n0123456789abcdef0123456789abcde\r\n0\r\n\r\n", 1,
     "0123456789abcdef0123456789abcde", 0},
    {"extensions", true, 0, "5;name=value;x\r\nhello\r\n0;end\r\n\r\n", 1, "hello", 0},
    {"BWS before extension", true, 0, "5 ;a=b\r\nhello\r\n0\r\n\r\n", 1, "hello", 0},
    {"trailers", true, 0, "5\r\nhello\r\n0\r\nX-A: 1\r\nX-B: 2\r\n\r\nNEXT", 1, "hello", 4},
    {"CRLF inside data", true, 0, "4\r\n\r\n\r\n\r\n0\r\n\r\n", 1, "\r\n\r\n", 0},
    {"leading zeros", true, 0, "0005\r\nhello\r\n0\r\n\r\n", 1, "hello", 0},
    {"not finished", true, 0, "5\r\nhel", 0, "hel", 0},
    {"no size", true, 0, "\r\nhello", APP_ERR_INVAL, NULL, 0},
    {"not hex", true, 0, "g\r\n", APP_ERR_INVAL, NULL, 0},
    {"negative", true, 0, "-1\r\n", APP_ERR_INVAL, NULL, 0},
    {"bare LF after size", true, 0, "5\nhello", APP_ERR_INVAL, NULL, 0},
    {"no CRLF after data", true, 0, "5\r\nhelloX\r\n", APP_ERR_INVAL, NULL, 0},
    {"size too long", true, 0, "1000000000000000\r\n", APP_ERR_INVAL, NULL, 0},
    {"bare LF ends trailer", true, 0, "0\r\nX: 1\n\r\n", APP_ERR_INVAL, NULL, 0},
    {"no final CRLF", true, 0, "0\r\n\rX", APP_ERR_INVAL, NULL, 0},
};

/* Feed raw in the given pieces as a server would: bytes accumulate in a
 * buffer, decoded bytes are taken from its front, the rest kept. */
static int run(const struct bcase *t, const size_t *cuts, size_t ncuts, char *dec, size_t *declen,
               size_t *rest)
{
    struct http_body b;
    char buf[512];
    size_t have = 0;
    size_t fed = 0;
    size_t total = strlen(t->raw);
    int r = 0;
    http_body_init(&b, t->chunked, t->length);
    *declen = 0;
    for (size_t k = 0; k <= ncuts; k++) {
        size_t to = (k < ncuts) ? cuts[k] : total;
        memcpy(buf + have, t->raw + fed, to - fed);
        have += to - fed;
        fed = to;
        size_t used = 0;
        size_t out = 0;
        r = http_body_decode(&b, buf, have, &used, &out);
        memcpy(dec + *declen, buf, out);
        *declen += out;
        memmove(buf, buf + used, have - used);
        have -= used;
        if (r != 0) {
            break;
        }
    }
    *rest = have + (total - fed);
    return r;
}

static void check(const struct bcase *t, int r, const char *dec, size_t declen, size_t rest,
                  const char *how)
{
    if (r != t->verdict) {
        fail_msg("%s (%s): verdict %d, want %d", t->name, how, r, t->verdict);
    }
    if (t->decoded != NULL && (declen != strlen(t->decoded) || memcmp(dec, t->decoded, declen) != 0)) {
        fail_msg("%s (%s): decoded '%.*s'", t->name, how, (int)declen, dec);
    }
    if (r == 1 && rest != t->rest) {
        fail_msg("%s (%s): %zu bytes left after the body, want %zu", t->name, how, rest, t->rest);
    }
}

static void test_cases(void **state)
{
    (void)state;
    char dec[512];
    size_t declen = 0;
    size_t rest = 0;
    for (size_t i = 0; i < sizeof(k_cases) / sizeof(k_cases[0]); i++) {
        const struct bcase *t = &k_cases[i];
        size_t n = strlen(t->raw);
        int r = run(t, NULL, 0, dec, &declen, &rest);
        check(t, r, dec, declen, rest, "whole");
        size_t cuts[512];
        for (size_t k = 0; k < n; k++) {
            cuts[k] = k + 1;
        }
        r = run(t, cuts, n, dec, &declen, &rest);
        check(t, r, dec, declen, rest, "byte by byte");
        for (size_t k = 1; k < n; k++) {
            size_t one = k;
            char how[32];
            snprintf(how, sizeof(how), "split at %zu", k);
            r = run(t, &one, 1, dec, &declen, &rest);
            check(t, r, dec, declen, rest, how);
        }
    }
}

/* A chunk-size line longer than APP_HTTP_CHUNK_LINE_MAX (extensions). */
/* A reader that takes from the stream only what http_body_want() allows
 * (at most cap bytes a read, as stream_some() does) decodes the same, and
 * leaves every byte after the body unread. */
static void test_want_never_reads_past_the_end(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(k_cases) / sizeof(k_cases[0]); i++) {
        const struct bcase *t = &k_cases[i];
        for (size_t cap = 1; cap <= 7u; cap += 3u) {
            struct http_body b;
            http_body_init(&b, t->chunked, t->length);
            size_t total = strlen(t->raw);
            size_t fed = 0;
            char dec[512];
            size_t declen = 0;
            int r = 0;
            for (;;) {
                size_t want = http_body_want(&b, cap);
                if (want == 0u || fed == total) {
                    size_t used = 0;
                    size_t out = 0;
                    char none[1];
                    r = http_body_decode(&b, none, 0, &used, &out); /* the verdict as it stands */
                    break;
                }
                assert_true(want <= cap);
                size_t n = want < total - fed ? want : total - fed;
                char buf[8];
                memcpy(buf, t->raw + fed, n);
                size_t used = 0;
                size_t out = 0;
                r = http_body_decode(&b, buf, n, &used, &out);
                if (r >= 0 && used != n) {
                    fail_msg("%s (cap %zu): %zu of %zu bytes wanted but not used", t->name, cap, n - used, n);
                }
                memcpy(dec + declen, buf, out);
                declen += out;
                fed += n;
                if (r != 0) {
                    break;
                }
            }
            char how[32];
            snprintf(how, sizeof(how), "wanted, cap %zu", cap);
            check(t, r, dec, declen, total - fed, how);
            if (r != 0) {
                assert_int_equal(http_body_want(&b, cap), 0);
            }
        }
    }
}

static void test_line_limit(void **state)
{
    (void)state;
    char raw[600];
    struct http_body b;
    size_t used = 0;
    size_t out = 0;
    memset(raw, 'x', sizeof(raw));
    memcpy(raw, "5;", 2);
    http_body_init(&b, true, 0);
    assert_int_equal(http_body_decode(&b, raw, sizeof(raw), &used, &out), APP_ERR_INVAL);
    assert_true(used <= APP_HTTP_CHUNK_LINE_MAX + 1);
    /* Sticky. */
    assert_int_equal(http_body_decode(&b, raw, 3, &used, &out), APP_ERR_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_line_limit),
        cmocka_unit_test(test_want_never_reads_past_the_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
