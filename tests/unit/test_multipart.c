/* Streaming multipart/form-data reader (firmware/upload/multipart.c): a
 * table of bodies (the Azure Logic App's, curl -F's, preamble and
 * epilogue, boundary-like content, transport padding, empty content,
 * quoted-pair filenames, and every fault with its reason). Every case is
 * fed whole, byte by byte, at every split point in two, and in random
 * chunks, each chunk in a buffer of its own exact size (ASan sees a read
 * past it), and must give the same verdict, reason, filename and content
 * every time. Then mp_boundary() and mp_init(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "multipart.h"

#define CD(name, file) "Content-Disposition: form-data; name=\"" name "\"; filename=\"" file "\"\r\n"
#define PART(b, hdrs, content) "--" b "\r\n" hdrs "\r\n" content "\r\n"
#define CLOSE(b) "--" b "--\r\n"
#define CSV "principalId,principalType,permissionId,permissionName,permissionDescription,permissionType\r\n" \
            "u1,User,p1,Door,\"Front, east\",Badge\r\n"
#define CURLB "------------------------a1b2c3d4e5f6"

struct mp_case {
    const char *name;
    const char *boundary;
    const char *in;
    int rc;              /* of mp_end (or the first failing mp_feed) */
    const char *reason;  /* NULL on success */
    const char *filename;
    const char *content; /* what the sink's data got, in all */
    int stop_after;      /* > 0: the sink's data fails (-77) once it has this many bytes */
};

static const struct mp_case s_cases[] = {
    /* The Logic App template: an extra CRLF before the closing delimiter,
     * which is content (the CRLF before "--" belongs to the delimiter). */
    {"logic app", "testboundary",
     PART("testboundary", CD("file", "x.csv") "Content-Type: text/csv\r\n", CSV "\r\n")
         CLOSE("testboundary"),
     APP_OK, NULL, "x.csv", CSV "\r\n", 0},
    {"curl -F", CURLB, PART(CURLB, CD("file", "doors.csv") "Content-Type: text/csv\r\n", CSV) CLOSE(CURLB),
     APP_OK, NULL, "doors.csv", CSV, 0},
    {"preamble and epilogue", "b",
     "preamble line\r\n--not the boundary\r\n\r\n" PART("b", CD("file", "a.csv"), "x,y") "--b--\r\nepilogue",
     APP_OK, NULL, "a.csv", "x,y", 0},
    {"no CRLF after the close delimiter", "b", PART("b", CD("file", "a.csv"), "x") "--b--", APP_OK, NULL,
     "a.csv", "x", 0},
    {"transport padding", "b", "--b  \t\r\n" CD("file", "a.csv") "\r\nx\r\n--b \r\n" CD("other", "o") "\r\n",
     APP_ERR_INVAL, "unexpected part", "a.csv", "x", 0},
    {"boundary-like content", "tb",
     PART("tb", CD("file", "a.csv"), "1\r\n--t\r\n--tb-x\r\n-tb\r\n--") CLOSE("tb"), APP_OK, NULL, "a.csv",
     "1\r\n--t\r\n--tb-x\r\n-tb\r\n--", 0},
    /* RFC 2046 5.1.1: a delimiter is the boundary followed by "--" or by
     * transport padding and CRLF; "--tbX" is another boundary: content. */
    {"delimiter then other text", "tb", PART("tb", CD("file", "a.csv"), "1\r\n--tbX") CLOSE("tb"), APP_OK,
     NULL, "a.csv", "1\r\n--tbX", 0},
    {"boundary text without CRLF", "tb", PART("tb", CD("file", "a.csv"), "a--tb b\r--tb\n--tb") CLOSE("tb"),
     APP_OK, NULL, "a.csv", "a--tb b\r--tb\n--tb", 0},
    {"delimiter almost at the end", "tb", PART("tb", CD("file", "a.csv"), "\r\n--t") CLOSE("tb"), APP_OK,
     NULL, "a.csv", "\r\n--t", 0},
    {"empty content", "b", PART("b", CD("file", "e.csv"), "") CLOSE("b"), APP_OK, NULL, "e.csv", "", 0},
    {"quoted-pair filename", "b",
     "--b\r\nContent-Disposition: form-data; name=file; filename=\"a\\\"b\\\\c.csv\"\r\n\r\nq\r\n" CLOSE("b"),
     APP_OK, NULL, "a\"b\\c.csv", "q", 0},
    {"case and order of parameters", "b",
     "--b\r\ncontent-disposition: FORM-DATA; FILENAME=\"f.csv\"; Name=\"file\"\r\nX-Other: 1\r\n\r\nz\r\n"
     CLOSE("b"),
     APP_OK, NULL, "f.csv", "z", 0},
    /* Faults. */
    {"no delimiter", "b", "just some bytes\r\n", APP_ERR_INVAL, "no delimiter", NULL, "", 0},
    {"no parts", "b", CLOSE("b"), APP_ERR_INVAL, "no file part", NULL, "", 0},
    {"unterminated", "b", "--b\r\n" CD("file", "a.csv") "\r\npartial", APP_ERR_INVAL, "unterminated body",
     "a.csv", "partial", 0},
    {"headers never end", "b", "--b\r\n" CD("file", "a.csv"), APP_ERR_INVAL, "unterminated body", NULL, "",
     0},
    {"another part", "b", PART("b", CD("other", "o.csv"), "x") CLOSE("b"), APP_ERR_INVAL, "unexpected part",
     NULL, "", 0},
    {"second file part", "b", PART("b", CD("file", "a.csv"), "x") PART("b", CD("file", "b.csv"), "y")
     CLOSE("b"), APP_ERR_INVAL, "second file part", "a.csv", "x", 0},
    {"no filename", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "file part without filename", NULL, "", 0},
    {"empty filename", "b", PART("b", CD("file", ""), "x") CLOSE("b"), APP_ERR_INVAL,
     "file part without filename", NULL, "", 0},
    {"no Content-Disposition", "b", "--b\r\nContent-Type: text/csv\r\n\r\nx\r\n" CLOSE("b"), APP_ERR_INVAL,
     "part without Content-Disposition", NULL, "", 0},
    {"no name", "b", "--b\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "part without name", NULL, "", 0},
    {"not form-data", "b", "--b\r\nContent-Disposition: attachment; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n"
     CLOSE("b"), APP_ERR_INVAL, "part is not form-data", NULL, "", 0},
    {"two Content-Dispositions", "b", "--b\r\n" CD("file", "a") CD("file", "a") "\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "duplicate Content-Disposition", NULL, "", 0},
    {"bare LF in headers", "b", "--b\r\n" CD("file", "a") "X: 1\n\r\nx\r\n" CLOSE("b"), APP_ERR_INVAL,
     "bare LF in part header", NULL, "", 0},
    {"header line without colon", "b", "--b\r\n" CD("file", "a") "garbage\r\n\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "bad part header", NULL, "", 0},
    /* "--bx" is no delimiter of boundary "b": preamble, so the body holds
     * only the close delimiter. */
    {"boundary then other text before the first part", "b", "--bx\r\n" CD("file", "a") "\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "no file part", NULL, "", 0},
    {"text after a delimiter", "b", "--b\r\n" CD("file", "a") "\r\nx\r\n--b junk\r\n", APP_ERR_INVAL,
     "bad delimiter line", "a", "x", 0},
    {"sink stops", "b", PART("b", CD("file", "a.csv"), "0123456789") CLOSE("b"), -77, "upload stopped",
     "a.csv", "01234", 5},
};

/* What the reader did with one feeding. */
struct outcome {
    int rc;
    const char *reason;
    char filename[APP_MP_FILENAME_MAX + 1];
    char content[4096];
    size_t content_n;
    int begins, ends;
    int stop_after;
    char part_name[MP_NAME_MAX + 1];
};

static int sink_begin(void *ctx, const char *name, size_t n)
{
    struct outcome *o = ctx;
    assert_true(n > 0u && n <= APP_MP_FILENAME_MAX);
    memcpy(o->filename, name, n);
    o->filename[n] = '\0';
    o->begins++;
    return 0;
}

static int sink_data(void *ctx, const void *p, size_t n)
{
    struct outcome *o = ctx;
    assert_true(n > 0u && o->content_n + n <= sizeof(o->content));
    assert_int_equal(o->begins, 1);
    size_t take = n;
    int rc = 0;
    if (o->stop_after > 0 && o->content_n + n >= (size_t)o->stop_after) {
        take = (size_t)o->stop_after - o->content_n; /* as many as any split gives */
        rc = -77;                                     /* then stops the reader */
    }
    memcpy(o->content + o->content_n, p, take);
    o->content_n += take;
    return rc;
}

static int sink_end(void *ctx)
{
    struct outcome *o = ctx;
    o->ends++;
    return 0;
}

static const struct mp_sink k_sink = {sink_begin, sink_data, sink_end};

/* Feed in chunks: fixed size `chunk`, or random 1..chunk with seed != 0. */
static struct outcome run(const struct mp_case *t, size_t len, size_t chunk, uint32_t seed)
{
    struct outcome o;
    struct mp_reader m;
    memset(&o, 0, sizeof(o));
    o.stop_after = t->stop_after;
    assert_int_equal(mp_init(&m, t->boundary, strlen(t->boundary)), APP_OK);
    size_t at = 0;
    while (at < len && o.rc == 0) {
        size_t k = chunk;
        if (seed != 0u) {
            seed = seed * 1103515245u + 12345u;
            k = 1u + (seed >> 16) % chunk;
        }
        k = k < len - at ? k : len - at;
        char *b = malloc(k);
        memcpy(b, t->in + at, k);
        o.rc = mp_feed(&m, b, k, &k_sink, &o);
        free(b);
        at += k;
    }
    if (o.rc != 0) {
        /* After a fault the same value again, and the sink is not called. */
        int begins = o.begins;
        size_t cn = o.content_n;
        assert_int_equal(mp_feed(&m, "--", 2, &k_sink, &o), o.rc);
        assert_int_equal(mp_end(&m), o.rc);
        assert_int_equal(o.begins, begins);
        assert_int_equal(o.content_n, cn);
    } else {
        o.rc = mp_end(&m);
    }
    o.reason = m.reason;
    memcpy(o.part_name, m.part_name, sizeof(o.part_name));
    return o;
}

static void check_case(const struct mp_case *t, const struct outcome *o, const char *how)
{
    const char *fn = t->filename != NULL ? t->filename : "";
    bool ok = o->rc == t->rc && o->content_n == strlen(t->content) &&
              memcmp(o->content, t->content, o->content_n) == 0 && strcmp(o->filename, fn) == 0 &&
              ((t->reason == NULL && o->reason == NULL) ||
               (t->reason != NULL && o->reason != NULL && strcmp(o->reason, t->reason) == 0)) &&
              o->ends == (t->rc == APP_OK ? 1 : o->ends) && o->begins == (t->filename != NULL);
    if (!ok) {
        print_error("case \"%s\" (%s): rc %d reason \"%s\" filename \"%s\" content[%zu] \"%.*s\" "
                    "begins %d ends %d\n",
                    t->name, how, o->rc, o->reason != NULL ? o->reason : "(none)", o->filename,
                    o->content_n, (int)o->content_n, o->content, o->begins, o->ends);
        fail();
    }
}

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++) {
        const struct mp_case *t = &s_cases[i];
        size_t len = strlen(t->in);
        struct outcome o = run(t, len, len > 0u ? len : 1u, 0);
        check_case(t, &o, "whole");
        o = run(t, len, 1, 0);
        check_case(t, &o, "byte by byte");
        for (uint32_t seed = 1; seed <= 30; seed++) {
            o = run(t, len, 1u + seed % 17u, seed * 2654435761u);
            check_case(t, &o, "random chunks");
        }
    }
}

/* Every split in two: a delimiter, a CRLF or a header cut anywhere. */
static void test_every_split_point(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++) {
        const struct mp_case *t = &s_cases[i];
        size_t len = strlen(t->in);
        for (size_t cut = 1; cut < len; cut++) {
            struct outcome o;
            struct mp_reader m;
            memset(&o, 0, sizeof(o));
            o.stop_after = t->stop_after;
            assert_int_equal(mp_init(&m, t->boundary, strlen(t->boundary)), APP_OK);
            o.rc = mp_feed(&m, t->in, cut, &k_sink, &o);
            if (o.rc == 0) {
                o.rc = mp_feed(&m, t->in + cut, len - cut, &k_sink, &o);
            }
            int end = mp_end(&m);
            o.rc = o.rc != 0 ? o.rc : end;
            o.reason = m.reason;
            check_case(t, &o, "split in two");
        }
    }
}

static void test_unexpected_part_is_named(void **state)
{
    (void)state;
    static const char body[] = PART("b", CD("photo-of-a-very-long-form-field-name-indeed", "x"), "1") CLOSE("b");
    struct mp_reader m;
    struct outcome o;
    memset(&o, 0, sizeof(o));
    assert_int_equal(mp_init(&m, "b", 1), APP_OK);
    assert_int_equal(mp_feed(&m, body, sizeof(body) - 1u, &k_sink, &o), APP_ERR_INVAL);
    assert_string_equal(m.reason, "unexpected part");
    assert_int_equal(strlen(m.part_name), MP_NAME_MAX); /* cut to fit */
    assert_memory_equal(m.part_name, "photo-of-a-very-long-form-field-", MP_NAME_MAX);
}

static void test_header_limits(void **state)
{
    (void)state;
    static char body[4096];
    struct mp_reader m;
    struct outcome o;
    /* One header line over APP_MP_HDR_LINE_MAX. */
    int n = snprintf(body, sizeof(body), "--b\r\n" CD("file", "a") "X-Long: %0*d\r\n\r\nx\r\n" CLOSE("b"),
                     (int)APP_MP_HDR_LINE_MAX, 0);
    memset(&o, 0, sizeof(o));
    assert_int_equal(mp_init(&m, "b", 1), APP_OK);
    int rc = mp_feed(&m, body, (size_t)n, &k_sink, &o);
    assert_int_equal(rc != 0 ? rc : mp_end(&m), APP_ERR_INVAL);
    assert_string_equal(m.reason, "part header line too long");
    /* Lines that each fit, APP_MP_HDR_MAX bytes of them in all. */
    n = snprintf(body, sizeof(body), "--b\r\n" CD("file", "a"));
    while ((size_t)n < APP_MP_HDR_MAX + 64u) {
        n += snprintf(body + n, sizeof(body) - (size_t)n, "X-Pad: %0100d\r\n", 0);
    }
    n += snprintf(body + n, sizeof(body) - (size_t)n, "\r\nx\r\n" CLOSE("b"));
    memset(&o, 0, sizeof(o));
    assert_int_equal(mp_init(&m, "b", 1), APP_OK);
    rc = mp_feed(&m, body, (size_t)n, &k_sink, &o);
    assert_int_equal(rc != 0 ? rc : mp_end(&m), APP_ERR_INVAL);
    assert_string_equal(m.reason, "part header block too long");
    /* A filename over APP_MP_FILENAME_MAX. */
    n = snprintf(body, sizeof(body), "--b\r\nContent-Disposition: form-data; name=file; filename=\"%0*d\"\r\n"
                 "\r\nx\r\n" CLOSE("b"), (int)APP_MP_FILENAME_MAX + 1, 0);
    memset(&o, 0, sizeof(o));
    assert_int_equal(mp_init(&m, "b", 1), APP_OK);
    rc = mp_feed(&m, body, (size_t)n, &k_sink, &o);
    assert_int_equal(rc != 0 ? rc : mp_end(&m), APP_ERR_INVAL);
    assert_string_equal(m.reason, "filename too long");
}

static void test_boundary(void **state)
{
    (void)state;
    static const struct {
        const char *ct;
        int rc;
        const char *b;
    } cases[] = {
        {"multipart/form-data; boundary=abc", APP_OK, "abc"},
        {"Multipart/Form-Data;boundary=abc", APP_OK, "abc"},
        {"multipart/form-data ; charset=utf-8 ; boundary=\"a b:c\"", APP_OK, "a b:c"},
        {"multipart/form-data;\tBOUNDARY=" CURLB, APP_OK, CURLB},
        {"multipart/form-data; boundary=testboundary; x=\"y;z\"", APP_OK, "testboundary"},
        {"multipart/form-data", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=a; boundary=b", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=\"a \"", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=\"a\\b\"", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=\"abc", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=a{b", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary="
         "12345678901234567890123456789012345678901234567890123456789012345678901",
         APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary="
         "1234567890123456789012345678901234567890123456789012345678901234567890",
         APP_OK, "1234567890123456789012345678901234567890123456789012345678901234567890"},
        {"application/json", APP_ERR_INVAL, NULL},
        {"multipart/mixed; boundary=a", APP_ERR_INVAL, NULL},
        {"text/csv", APP_ERR_INVAL, NULL},
        {"", APP_ERR_INVAL, NULL},
        {"multipart/form-datax; boundary=a", APP_ERR_INVAL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].ct);
        char *ct = malloc(n ? n : 1u);
        memcpy(ct, cases[i].ct, n);
        const char *b = NULL;
        size_t bn = 0;
        int rc = mp_boundary(ct, n, &b, &bn);
        if (rc != cases[i].rc ||
            (rc == APP_OK && (bn != strlen(cases[i].b) || memcmp(b, cases[i].b, bn) != 0 || b < ct ||
                              b + bn > ct + n))) {
            print_error("Content-Type \"%s\": rc %d\n", cases[i].ct, rc);
            fail();
        }
        free(ct);
    }
}

static void test_init_arguments(void **state)
{
    (void)state;
    struct mp_reader m;
    assert_int_equal(mp_init(&m, "b", 1), APP_OK);
    assert_null(m.reason);
    assert_int_equal(mp_init(NULL, "b", 1), APP_ERR_INVAL);
    assert_int_equal(mp_init(&m, NULL, 1), APP_ERR_INVAL);
    assert_int_equal(mp_init(&m, "b", 0), APP_ERR_INVAL);
    assert_int_equal(mp_init(&m, "a{", 2), APP_ERR_INVAL);
    static const char b71[] = "12345678901234567890123456789012345678901234567890123456789012345678901";
    assert_int_equal(mp_init(&m, b71, 71), APP_ERR_INVAL);
    assert_int_equal(mp_init(&m, b71, 70), APP_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_every_split_point),
        cmocka_unit_test(test_unexpected_part_is_named),
        cmocka_unit_test(test_header_limits),
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_init_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
