/* Streaming multipart/form-data reader (firmware/upload/multipart.c): a
 * table of bodies (the Azure Logic App's, curl -F's, preamble and
 * epilogue, boundary-like content, transport padding, empty content,
 * quoted-pair filenames, every fault with its reason, a sink that stops
 * the reader from each of its callbacks) and the header limits exactly at
 * and one past their values. Every case is fed whole, byte by byte, at
 * every split point in two, and in pseudo-random chunks, each chunk in a
 * buffer of its own exact size (ASan sees a read past it), and must give
 * the same return code, reason, part name, filename, content and end call
 * every time. Then mp_boundary(), mp_init() and the arguments of
 * mp_feed() and mp_end(). */
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
#define TB "testboundary"
#define CURLB "------------------------a1b2c3d4e5f6"

/* Which sink callback returns the case's rc instead of 0. */
enum stop { GO, STOP_BEGIN, STOP_DATA, STOP_END };

struct mp_case {
    const char *name;
    const char *boundary;
    const char *in;
    int rc;               /* of the first failing mp_feed, else of mp_end */
    const char *reason;   /* NULL on success */
    const char *filename; /* what the sink's begin got; NULL: not called */
    const char *content;  /* what the sink's data got, in all */
    int ends;             /* calls of the sink's end */
    const char *part;     /* m->part_name, where it matters */
    enum stop stop;
    size_t stop_after;    /* STOP_DATA: the sink fails once it has this many bytes */
};

static const struct mp_case s_cases[] = {
    /* The Logic App template: an extra CRLF before the closing delimiter,
     * which is content (RFC 2046 5.1.1: the CRLF before "--" belongs to
     * the delimiter, so only the last one). */
    {"logic app", TB, PART(TB, CD("file", "x.csv") "Content-Type: text/csv\r\n", CSV "\r\n") CLOSE(TB),
     APP_OK, NULL, "x.csv", CSV "\r\n", .ends = 1},
    {"curl -F", CURLB, PART(CURLB, CD("file", "doors.csv") "Content-Type: text/csv\r\n", CSV) CLOSE(CURLB),
     APP_OK, NULL, "doors.csv", CSV, .ends = 1},
    {"preamble and epilogue", "b",
     "preamble line\r\n--not the boundary\r\n\r\n" PART("b", CD("file", "a.csv"), "x,y") "--b--\r\nepilogue",
     APP_OK, NULL, "a.csv", "x,y", .ends = 1},
    {"no CRLF after the close delimiter", "b", PART("b", CD("file", "a.csv"), "x") "--b--", APP_OK, NULL,
     "a.csv", "x", .ends = 1},
    /* Whatever follows "--" of the close delimiter is epilogue. */
    {"text after the close delimiter", "b", PART("b", CD("file", "a.csv"), "x") "--b--junk--b\r\n", APP_OK,
     NULL, "a.csv", "x", .ends = 1},
    {"transport padding", "b", "--b  \t\r\n" CD("file", "a.csv") "\r\nx\r\n--b \r\n" CD("other", "o") "\r\n",
     APP_ERR_INVAL, "unexpected part", "a.csv", "x", .ends = 1, .part = "other"},
    {"boundary-like content", "tb",
     PART("tb", CD("file", "a.csv"), "1\r\n--t\r\n--tb-x\r\n-tb\r\n--") CLOSE("tb"), APP_OK, NULL, "a.csv",
     "1\r\n--t\r\n--tb-x\r\n-tb\r\n--", .ends = 1},
    /* RFC 2046 5.1.1: a delimiter is the boundary followed by "--" or by
     * transport padding and CRLF. The reader takes the boundary followed
     * by anything else as content (the grammar's comment forbids such a
     * line in a body part; a sender that writes one broke the rule). */
    {"delimiter then other text", "tb", PART("tb", CD("file", "a.csv"), "1\r\n--tbX") CLOSE("tb"), APP_OK,
     NULL, "a.csv", "1\r\n--tbX", .ends = 1},
    {"testboundary then other text", TB,
     PART(TB, CD("file", "a.csv"), "a\r\n--" TB "X\r\nb\r\n--" TB "-X\r\n--" TB "-") CLOSE(TB), APP_OK, NULL,
     "a.csv", "a\r\n--" TB "X\r\nb\r\n--" TB "-X\r\n--" TB "-", .ends = 1},
    {"testboundary cut short", TB, PART(TB, CD("file", "a.csv"), "a\r\n--testboundarz\r\n--testboundar")
     CLOSE(TB), APP_OK, NULL, "a.csv", "a\r\n--testboundarz\r\n--testboundar", .ends = 1},
    /* Only a CRLF starts a delimiter; the one that ends the headers is
     * theirs, so the content may begin with the dash-boundary. */
    {"testboundary without CRLF", TB, PART(TB, CD("file", "a.csv"), "--" TB "\r\nx--" TB "--y\r--" TB)
     CLOSE(TB), APP_OK, NULL, "a.csv", "--" TB "\r\nx--" TB "--y\r--" TB, .ends = 1},
    {"boundary text without CRLF", "tb", PART("tb", CD("file", "a.csv"), "a--tb b\r--tb\n--tb") CLOSE("tb"),
     APP_OK, NULL, "a.csv", "a--tb b\r--tb\n--tb", .ends = 1},
    {"CRs before the delimiter", "b", PART("b", CD("file", "a.csv"), "a\r\r\r") CLOSE("b"), APP_OK, NULL,
     "a.csv", "a\r\r\r", .ends = 1},
    {"delimiter almost at the end", "tb", PART("tb", CD("file", "a.csv"), "\r\n--t") CLOSE("tb"), APP_OK,
     NULL, "a.csv", "\r\n--t", .ends = 1},
    {"empty content", "b", PART("b", CD("file", "e.csv"), "") CLOSE("b"), APP_OK, NULL, "e.csv", "",
     .ends = 1},
    {"quoted-pair filename", "b",
     "--b\r\nContent-Disposition: form-data; name=file; filename=\"a\\\"b\\\\c.csv\"\r\n\r\nq\r\n" CLOSE("b"),
     APP_OK, NULL, "a\"b\\c.csv", "q", .ends = 1},
    {"token filename", "b", "--b\r\nContent-Disposition: form-data;name=file;filename=a.csv\r\n\r\nq\r\n"
     CLOSE("b"), APP_OK, NULL, "a.csv", "q", .ends = 1},
    /* RFC 7578 4.2: filename* is not to be used: ignored; no percent-decoding. */
    {"filename* and percent", "b",
     "--b\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''x.csv; "
     "filename=\"a%20b.csv\"\r\n\r\nq\r\n" CLOSE("b"), APP_OK, NULL, "a%20b.csv", "q", .ends = 1},
    {"case and order of parameters", "b",
     "--b\r\ncontent-disposition: FORM-DATA; FILENAME=\"f.csv\"; Name=\"file\"\r\nX-Other: 1\r\n\r\nz\r\n"
     CLOSE("b"),
     APP_OK, NULL, "f.csv", "z", .ends = 1},
    /* Faults. */
    {"no delimiter", "b", "just some bytes\r\n", APP_ERR_INVAL, "no delimiter", NULL, "", .ends = 0},
    {"empty body", "b", "", APP_ERR_INVAL, "no delimiter", NULL, "", .ends = 0},
    {"a dash-boundary alone", "b", "--b", APP_ERR_INVAL, "no delimiter", NULL, "", .ends = 0},
    /* RFC 2046 5.1.1: CRLF; with LF alone "--b" is never a delimiter. */
    {"LF line ends", "b", "--b\n" CD("file", "a.csv") "\n\nx\n--b--\n", APP_ERR_INVAL, "no delimiter", NULL,
     "", .ends = 0},
    {"no parts", "b", CLOSE("b"), APP_ERR_INVAL, "no file part", NULL, "", .ends = 0},
    {"unterminated", "b", "--b\r\n" CD("file", "a.csv") "\r\npartial", APP_ERR_INVAL, "unterminated body",
     "a.csv", "partial", .ends = 0},
    /* The bytes that may start a delimiter are held back, never handed on. */
    {"unterminated in a delimiter", "b", "--b\r\n" CD("file", "a.csv") "\r\npartial\r\n--b-", APP_ERR_INVAL,
     "unterminated body", "a.csv", "partial", .ends = 0},
    {"unterminated after a delimiter", "b", PART("b", CD("file", "a.csv"), "x") "--b\r\n", APP_ERR_INVAL,
     "unterminated body", "a.csv", "x", .ends = 1},
    {"headers never end", "b", "--b\r\n" CD("file", "a.csv"), APP_ERR_INVAL, "unterminated body", NULL, "",
     .ends = 0},
    {"another part", "b", PART("b", CD("other", "o.csv"), "x") CLOSE("b"), APP_ERR_INVAL, "unexpected part",
     NULL, "", .ends = 0, .part = "other"},
    /* RFC 7578 5.2 says nothing of case: field names compare exactly. */
    {"a part named File", "b", PART("b", CD("File", "o.csv"), "x") CLOSE("b"), APP_ERR_INVAL,
     "unexpected part", NULL, "", .ends = 0, .part = "File"},
    {"a long part name", "b", PART("b", CD("photo-of-a-very-long-form-field-name-indeed", "x"), "1") CLOSE("b"),
     APP_ERR_INVAL, "unexpected part", NULL, "", .ends = 0,
     .part = "photo-of-a-very-long-form-field-"},
    {"file part then another", "b", PART("b", CD("file", "a.csv"), "x") PART("b", CD("note", "n"), "y")
     CLOSE("b"), APP_ERR_INVAL, "unexpected part", "a.csv", "x", .ends = 1, .part = "note"},
    {"second file part", "b", PART("b", CD("file", "a.csv"), "x") PART("b", CD("file", "b.csv"), "y")
     CLOSE("b"), APP_ERR_INVAL, "second file part", "a.csv", "x", .ends = 1},
    {"no filename", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "file part without filename", NULL, "", .ends = 0},
    {"empty filename", "b", PART("b", CD("file", ""), "x") CLOSE("b"), APP_ERR_INVAL,
     "file part without filename", NULL, "", .ends = 0},
    {"filename* alone", "b",
     "--b\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''x.csv\r\n\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "file part without filename", NULL, "", .ends = 0},
    {"no Content-Disposition", "b", "--b\r\nContent-Type: text/csv\r\n\r\nx\r\n" CLOSE("b"), APP_ERR_INVAL,
     "part without Content-Disposition", NULL, "", .ends = 0},
    {"no name", "b", "--b\r\nContent-Disposition: form-data; filename=\"a\"\r\n\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "part without name", NULL, "", .ends = 0},
    {"not form-data", "b", "--b\r\nContent-Disposition: attachment; name=\"file\"; filename=\"a\"\r\n\r\nx\r\n"
     CLOSE("b"), APP_ERR_INVAL, "part is not form-data", NULL, "", .ends = 0},
    {"two Content-Dispositions", "b", "--b\r\n" CD("file", "a") CD("file", "a") "\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "duplicate Content-Disposition", NULL, "", .ends = 0},
    {"two names", "b", "--b\r\nContent-Disposition: form-data; name=file; name=file; filename=a\r\n\r\nx\r\n"
     CLOSE("b"), APP_ERR_INVAL, "duplicate name parameter", NULL, "", .ends = 0},
    {"two filenames", "b",
     "--b\r\nContent-Disposition: form-data; name=file; filename=a; filename=a\r\n\r\nx\r\n" CLOSE("b"), APP_ERR_INVAL, "duplicate filename parameter", NULL, "", .ends = 0},
    {"unterminated quoted-string", "b", "--b\r\nContent-Disposition: form-data; name=\"file\r\n\r\nx\r\n"
     CLOSE("b"), APP_ERR_INVAL, "bad Content-Disposition", NULL, "", .ends = 0},
    {"bare LF in headers", "b", "--b\r\n" CD("file", "a") "X: 1\n\r\nx\r\n" CLOSE("b"), APP_ERR_INVAL,
     "bare LF in part header", NULL, "", .ends = 0},
    {"CR without LF in headers", "b", "--b\r\n" CD("file", "a") "X: 1\rY: 2\r\n\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "CR without LF in part header", NULL, "", .ends = 0},
    {"header line without colon", "b", "--b\r\n" CD("file", "a") "garbage\r\n\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "bad part header", NULL, "", .ends = 0},
    {"obs-fold header line", "b", "--b\r\n" CD("file", "a") "X: 1\r\n 2\r\n\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "bad part header", NULL, "", .ends = 0},
    /* "--bx" is no delimiter of boundary "b": preamble, so the body holds
     * only the close delimiter. */
    {"boundary then other text before the first part", "b", "--bx\r\n" CD("file", "a") "\r\nx\r\n" CLOSE("b"),
     APP_ERR_INVAL, "no file part", NULL, "", .ends = 0},
    /* Transport padding or a CR commits to a delimiter: what follows must
     * be the rest of its line. */
    {"text after a delimiter", "b", "--b\r\n" CD("file", "a") "\r\nx\r\n--b junk\r\n", APP_ERR_INVAL,
     "bad delimiter line", "a", "x", .ends = 1},
    {"CR then text after a delimiter", "b", "--b\rX" CD("file", "a") "\r\nx\r\n" CLOSE("b"), APP_ERR_INVAL,
     "bad delimiter line", NULL, "", .ends = 0},
    {"sink stops in data", "b", PART("b", CD("file", "a.csv"), "0123456789") CLOSE("b"), -77,
     "upload stopped", "a.csv", "01234", .ends = 0, .stop = STOP_DATA, .stop_after = 5},
    /* Any non-zero value stops the reader, a positive one too. */
    {"sink stops in begin", "b", PART("b", CD("file", "a.csv"), "0123456789") CLOSE("b"), 5, "upload stopped",
     "a.csv", "", .ends = 0, .stop = STOP_BEGIN},
    {"sink stops in end", "b", PART("b", CD("file", "a.csv"), "0123456789") CLOSE("b"), -78,
     "upload stopped", "a.csv", "0123456789", .ends = 1, .stop = STOP_END},
};

/* What the reader did with one feeding. */
struct outcome {
    const struct mp_case *t;
    int rc;
    const char *reason;
    char filename[APP_MP_FILENAME_MAX + 1];
    char content[4096];
    size_t content_n;
    int begins, ends;
    char part_name[MP_NAME_MAX + 1];
};

static int sink_begin(void *ctx, const char *name, size_t n)
{
    struct outcome *o = ctx;
    assert_true(n > 0u && n <= APP_MP_FILENAME_MAX);
    memcpy(o->filename, name, n);
    o->filename[n] = '\0';
    o->begins++;
    return o->t->stop == STOP_BEGIN ? o->t->rc : 0;
}

static int sink_data(void *ctx, const void *p, size_t n)
{
    struct outcome *o = ctx;
    assert_true(n > 0u && o->content_n + n <= sizeof(o->content));
    assert_int_equal(o->begins, 1);
    assert_int_equal(o->ends, 0);
    size_t take = n;
    int rc = 0;
    if (o->t->stop == STOP_DATA && o->content_n + n >= o->t->stop_after) {
        take = o->t->stop_after - o->content_n; /* as many as any split gives */
        rc = o->t->rc;                           /* then stops the reader */
    }
    memcpy(o->content + o->content_n, p, take);
    o->content_n += take;
    return rc;
}

static int sink_end(void *ctx)
{
    struct outcome *o = ctx;
    assert_int_equal(o->begins, 1);
    o->ends++;
    return o->t->stop == STOP_END ? o->t->rc : 0;
}

static const struct mp_sink k_sink = {sink_begin, sink_data, sink_end};

/* One feeding: a first chunk of `first` bytes, then chunks of `rest` bytes,
 * or of 1..rest pseudo-random ones with seed != 0. */
static struct outcome run(const struct mp_case *t, size_t first, size_t rest, uint32_t seed)
{
    struct outcome o;
    struct mp_reader m;
    memset(&o, 0, sizeof(o));
    o.t = t;
    assert_int_equal(mp_init(&m, t->boundary, strlen(t->boundary)), APP_OK);
    size_t len = strlen(t->in);
    size_t at = 0;
    size_t k = first;
    while (at < len && o.rc == 0) {
        k = k < len - at ? k : len - at;
        char *b = malloc(k);
        assert_non_null(b);
        memcpy(b, t->in + at, k);
        o.rc = mp_feed(&m, b, k, &k_sink, &o);
        free(b);
        at += k;
        k = rest;
        if (seed != 0u) {
            seed = seed * 1103515245u + 12345u;
            k = 1u + (seed >> 16) % rest;
        }
    }
    if (o.rc != 0) {
        /* After a fault the same value again, and the sink is not called. */
        int begins = o.begins;
        int ends = o.ends;
        size_t cn = o.content_n;
        assert_int_equal(mp_feed(&m, "\r\n--", 4, &k_sink, &o), o.rc);
        assert_int_equal(mp_end(&m), o.rc);
        assert_int_equal(o.begins, begins);
        assert_int_equal(o.ends, ends);
        assert_int_equal(o.content_n, cn);
    } else {
        o.rc = mp_end(&m);
    }
    o.reason = m.reason;
    memcpy(o.part_name, m.part_name, sizeof(o.part_name));
    return o;
}

static void check(const struct mp_case *t, const struct outcome *o, const char *how, size_t arg)
{
    const char *fn = t->filename != NULL ? t->filename : "";
    bool ok = o->rc == t->rc && o->content_n == strlen(t->content) &&
              memcmp(o->content, t->content, o->content_n) == 0 && strcmp(o->filename, fn) == 0 &&
              ((t->reason == NULL && o->reason == NULL) ||
               (t->reason != NULL && o->reason != NULL && strcmp(o->reason, t->reason) == 0)) &&
              o->ends == t->ends && o->begins == (t->filename != NULL) &&
              (t->part == NULL || strcmp(o->part_name, t->part) == 0);
    if (!ok) {
        print_error("case \"%s\" (%s %zu): rc %d reason \"%s\" part \"%s\" filename \"%s\" content[%zu] "
                    "\"%.*s\" begins %d ends %d\n",
                    t->name, how, arg, o->rc, o->reason != NULL ? o->reason : "(none)", o->part_name,
                    o->filename, o->content_n, (int)o->content_n, o->content, o->begins, o->ends);
        fail();
    }
}

/* Whole, byte by byte, split in two (at every point of a short body, at
 * about a thousand of a long one) and in 30 pseudo-random chunkings. */
static void check_feedings(const struct mp_case *t)
{
    size_t len = strlen(t->in);
    struct outcome o = run(t, len, 1, 0);
    check(t, &o, "whole", len);
    o = run(t, 1, 1, 0);
    check(t, &o, "byte by byte", 1);
    for (size_t cut = 1; cut < len; cut += 1u + len / 1024u) {
        o = run(t, cut, len, 0);
        check(t, &o, "split at", cut);
    }
    for (uint32_t i = 1; i <= 30; i++) {
        uint32_t seed = i * 2654435761u;
        o = run(t, 1u + seed % 23u, 1u + i % 17u, seed);
        check(t, &o, "random chunks, seed", seed);
    }
}

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(s_cases) / sizeof(s_cases[0]); i++) {
        check_feedings(&s_cases[i]);
    }
}

/* Appends "X:" and w - 2 more bytes, then CRLF: a header line of w bytes. */
static size_t header_line(char *p, size_t w)
{
    memcpy(p, "X:", 2);
    memset(p + 2, 'a', w - 2u);
    memcpy(p + w, "\r\n", 2);
    return w + 2u;
}

/* A body whose one file part's header block (CRLFs and the empty line
 * included) is `block` bytes: Content-Disposition, lines of 100 bytes and
 * less, and with line != 0 last a line of `line` bytes (CRLF not counted). */
static char *body_with_headers(size_t block, size_t line)
{
    static const char cd[] = CD("file", "a");
    static const char tail[] = "\r\nx\r\n" CLOSE("b");
    char *p = malloc(5u + block + sizeof(tail));
    assert_non_null(p);
    size_t n = 0;
    n += (size_t)sprintf(p, "--b\r\n%s", cd);
    size_t left = block - (sizeof(cd) - 1u) - 2u; /* for the X: lines */
    if (line != 0) {
        left -= line + 2u;
    }
    while (left > 0) {
        /* Lines of 102 bytes, the last one what remains (4 at least). */
        size_t w = left >= 106u ? 100u : left - 2u;
        n += header_line(p + n, w);
        left -= w + 2u;
    }
    if (line != 0) {
        n += header_line(p + n, line);
    }
    memcpy(p + n, tail, sizeof(tail));
    return p;
}

/* The limits of multipart.h, exactly at and one past their values. */
static void test_header_limits(void **state)
{
    (void)state;
    struct mp_case t = {"", "b", NULL, APP_OK, NULL, "a", "x", .ends = 1};
    t.name = "header line at the limit";
    t.in = body_with_headers(200u + APP_MP_HDR_LINE_MAX, APP_MP_HDR_LINE_MAX);
    check_feedings(&t);
    free((char *)t.in);
    t.name = "header block at the limit";
    t.in = body_with_headers(APP_MP_HDR_MAX, 0);
    check_feedings(&t);
    free((char *)t.in);

    t.rc = APP_ERR_INVAL;
    t.filename = NULL;
    t.content = "";
    t.ends = 0;
    t.name = "header line too long";
    t.reason = "part header line too long";
    t.in = body_with_headers(201u + APP_MP_HDR_LINE_MAX, APP_MP_HDR_LINE_MAX + 1u);
    check_feedings(&t);
    free((char *)t.in);
    /* One byte over, that byte the empty line's LF, its CR, or in a line. */
    static const size_t over[] = {1, 2, 5};
    for (size_t i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
        t.name = "header block too long";
        t.reason = "part header block too long";
        t.in = body_with_headers(APP_MP_HDR_MAX + over[i], 0);
        check_feedings(&t);
        free((char *)t.in);
    }
    /* The fault comes with the byte over, not later: the body ends there. */
    char *cut = body_with_headers(APP_MP_HDR_MAX + 5u, 0);
    cut[5u + APP_MP_HDR_MAX + 1u] = '\0';
    t.name = "body cut after the header byte over";
    t.in = cut;
    check_feedings(&t);
    free(cut);

    /* The filename: APP_MP_FILENAME_MAX bytes, then one more. */
    static const char fmt[] = "--b\r\nContent-Disposition: form-data; name=file; filename=\"%s\"\r\n\r\nx\r\n"
                              CLOSE("b");
    char name[APP_MP_FILENAME_MAX + 2];
    char in[sizeof(fmt) + sizeof(name)];
    memset(name, 'f', sizeof(name) - 1u);
    name[APP_MP_FILENAME_MAX] = '\0';
    snprintf(in, sizeof(in), fmt, name);
    struct mp_case f = {"filename at the limit", "b", in, APP_OK, NULL, name, "x", .ends = 1};
    check_feedings(&f);
    name[APP_MP_FILENAME_MAX] = 'f';
    name[APP_MP_FILENAME_MAX + 1] = '\0';
    snprintf(in, sizeof(in), fmt, name);
    f = (struct mp_case){"filename too long", "b", in, APP_ERR_INVAL, "filename too long", NULL, "", .ends = 0};
    check_feedings(&f);
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
        {"MULTIPART/FORM-DATA; BOUNDARY=abc", APP_OK, "abc"},
        {" \tmultipart/form-data \t;\t boundary=abc \t", APP_OK, "abc"},
        {"multipart/form-data;;boundary=abc;", APP_OK, "abc"},
        {"multipart/form-data ; charset=utf-8 ; boundary=\"a b:c\"", APP_OK, "a b:c"},
        {"multipart/form-data;\tBOUNDARY=" CURLB, APP_OK, CURLB},
        {"multipart/form-data; boundary=testboundary; x=\"y;z\"", APP_OK, "testboundary"},
        /* A backslash in another parameter's quoted-string is that one's business. */
        {"multipart/form-data; x=\"a\\\"b\"; boundary=c", APP_OK, "c"},
        {"multipart/form-data", APP_ERR_PROTO, NULL},
        {"multipart/form-data; charset=utf-8", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=\"\"", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=a; boundary=b", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=a; BOUNDARY=a", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=\"a \"", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=\"a\\b\"", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=\"abc", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary", APP_ERR_PROTO, NULL},
        /* RFC 9110 5.6.6: no whitespace around "=". */
        {"multipart/form-data; boundary = abc", APP_ERR_PROTO, NULL},
        {"multipart/form-data boundary=abc", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=abc junk", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=a{b", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=a*b", APP_ERR_PROTO, NULL}, /* a tchar, not a bchar */
        {"multipart/form-data; boundary=\"a\tb\"", APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary="
         "12345678901234567890123456789012345678901234567890123456789012345678901",
         APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary=\""
         "12345678901234567890123456789012345678901234567890123456789012345678901\"",
         APP_ERR_PROTO, NULL},
        {"multipart/form-data; boundary="
         "1234567890123456789012345678901234567890123456789012345678901234567890",
         APP_OK, "1234567890123456789012345678901234567890123456789012345678901234567890"},
        {"application/json", APP_ERR_INVAL, NULL},
        {"multipart/mixed; boundary=a", APP_ERR_INVAL, NULL},
        {"multipart / form-data; boundary=a", APP_ERR_INVAL, NULL},
        {"text/csv", APP_ERR_INVAL, NULL},
        {"", APP_ERR_INVAL, NULL},
        {"multipart/form-datax; boundary=a", APP_ERR_INVAL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = strlen(cases[i].ct);
        char *ct = malloc(n ? n : 1u); /* exact: a read past the value is seen */
        assert_non_null(ct);
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
    const char *b;
    size_t bn;
    assert_int_equal(mp_boundary(NULL, 0, &b, &bn), APP_ERR_INVAL);
    assert_int_equal(mp_boundary("multipart/form-data; boundary=a", 31, NULL, &bn), APP_ERR_INVAL);
    assert_int_equal(mp_boundary("multipart/form-data; boundary=a", 31, &b, NULL), APP_ERR_INVAL);
}

static void test_init_arguments(void **state)
{
    (void)state;
    struct mp_reader m;
    assert_int_equal(mp_init(&m, "b", 1), APP_OK);
    assert_null(m.reason);
    assert_int_equal(mp_init(&m, "a b", 3), APP_OK);
    assert_int_equal(mp_init(NULL, "b", 1), APP_ERR_INVAL);
    assert_int_equal(mp_init(&m, NULL, 1), APP_ERR_INVAL);
    assert_int_equal(mp_init(&m, "b", 0), APP_ERR_INVAL);
    assert_int_equal(mp_init(&m, "a{", 2), APP_ERR_INVAL);
    assert_int_equal(mp_init(&m, "a ", 2), APP_ERR_INVAL); /* RFC 2046: not ending in a space */
    assert_int_equal(mp_init(&m, "a\r", 2), APP_ERR_INVAL);
    static const char b71[] = "12345678901234567890123456789012345678901234567890123456789012345678901";
    assert_int_equal(mp_init(&m, b71, 71), APP_ERR_INVAL);
    assert_int_equal(mp_init(&m, b71, 70), APP_OK);
}

/* Bad arguments are refused without a fault: the reader goes on. */
static void test_feed_arguments(void **state)
{
    (void)state;
    static const struct mp_case t = {"", "b", "", APP_OK, NULL, NULL, "", .ends = 0};
    static const struct mp_sink no_data = {sink_begin, NULL, sink_end};
    static const char body[] = PART("b", CD("file", "a"), "x") CLOSE("b");
    struct mp_reader m;
    struct outcome o;
    memset(&o, 0, sizeof(o));
    o.t = &t;
    assert_int_equal(mp_init(&m, "b", 1), APP_OK);
    assert_int_equal(mp_feed(NULL, body, 1, &k_sink, &o), APP_ERR_INVAL);
    assert_int_equal(mp_feed(&m, body, 1, NULL, &o), APP_ERR_INVAL);
    assert_int_equal(mp_feed(&m, body, 1, &no_data, &o), APP_ERR_INVAL);
    assert_int_equal(mp_feed(&m, NULL, 1, &k_sink, &o), APP_ERR_INVAL);
    assert_int_equal(mp_feed(&m, NULL, 0, &k_sink, &o), APP_OK);
    assert_int_equal(mp_end(NULL), APP_ERR_INVAL);
    assert_null(m.reason);
    assert_int_equal(mp_feed(&m, body, sizeof(body) - 1u, &k_sink, &o), APP_OK);
    assert_int_equal(mp_end(&m), APP_OK);
    assert_int_equal(o.content_n, 1);
    assert_int_equal(o.ends, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_header_limits),
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_init_arguments),
        cmocka_unit_test(test_feed_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
