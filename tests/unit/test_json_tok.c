/* Host test of firmware/json/json_tok.c: validation (what jsmn's strict
 * mode lets through included), tokenizing, skip/find, unescaping with
 * every escape, surrogate pairs and UTF-8 rules, strict int64, bool and
 * duplicate keys. Table-driven: one row a case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "json_tok.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static jsmntok_t s_toks[64];
static int s_n;

/* ---- validation ------------------------------------------------------------ */

struct validate_case {
    const char *js;
    size_t len; /* 0: strlen(js) */
    int rc;
    size_t off; /* error offset when rc != APP_OK */
};

static const struct validate_case s_validate[] = {
    {"{}", 0, APP_OK, 0},
    {"[]", 0, APP_OK, 0},
    {" \t\r\n{ \"a\" : [ 1 , -2.5e+3 , true , false , null , \"x\" ] } \n", 0, APP_OK, 0},
    {"0", 0, APP_OK, 0},
    {"-0", 0, APP_OK, 0},
    {"1.5E-7", 0, APP_OK, 0},
    {"\"\"", 0, APP_OK, 0},
    {"\"\\ud83d\\ude00\"", 0, APP_OK, 0},    /* surrogate pair */
    {"\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"", 0, APP_OK, 0}, /* raw 2-, 3-, 4-byte UTF-8 */
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0, APP_OK, 0}, /* 32 */
    /* What jsmn's strict mode accepts and RFC 8259 does not. */
    {"[1 2]", 0, APP_ERR_INVAL, 3},
    {"[1,]", 0, APP_ERR_INVAL, 3},
    {"[,1]", 0, APP_ERR_INVAL, 1},
    {"{\"a\":1,}", 0, APP_ERR_INVAL, 7},
    {"{\"a\" \"b\"}", 0, APP_ERR_INVAL, 5},
    {"{\"a\"::1}", 0, APP_ERR_INVAL, 5},
    {"{\"a\":1 \"b\":2}", 0, APP_ERR_INVAL, 7},
    {"{} {}", 0, APP_ERR_INVAL, 3},
    {"tru", 0, APP_ERR_INVAL, 0},
    {"truex", 0, APP_ERR_INVAL, 4},
    {"nul", 0, APP_ERR_INVAL, 0},
    {"[1]\0garbage", 11, APP_ERR_INVAL, 3},  /* jsmn stops at NUL */
    /* Numbers (RFC 8259 section 6). */
    {"01", 0, APP_ERR_INVAL, 1},
    {"-", 0, APP_ERR_INVAL, 1},
    {"+1", 0, APP_ERR_INVAL, 0},
    {"1.", 0, APP_ERR_INVAL, 2},
    {".5", 0, APP_ERR_INVAL, 0},
    {"1e", 0, APP_ERR_INVAL, 2},
    {"1e+", 0, APP_ERR_INVAL, 3},
    {"0x10", 0, APP_ERR_INVAL, 1},
    /* Strings. */
    {"\"abc", 0, APP_ERR_INVAL, 4},
    {"\"a\tb\"", 0, APP_ERR_INVAL, 2},        /* raw control byte */
    {"\"\\x\"", 0, APP_ERR_INVAL, 1},
    {"\"\\u12\"", 0, APP_ERR_INVAL, 1},
    /* Content, not grammar: these pass here and json_tok_string refuses
     * them, so that a reader can name the field (test_string_table). */
    {"\"\\ud800\"", 0, APP_OK, 0},            /* lone high surrogate */
    {"\"\\udc00\"", 0, APP_OK, 0},            /* lone low surrogate */
    {"\"\xc0\xaf\"", 0, APP_OK, 0},           /* overlong '/' */
    {"\"\xed\xa0\x80\"", 0, APP_OK, 0},       /* UTF-8 encoded surrogate */
    {"\"\x80\"", 0, APP_OK, 0},               /* lone continuation byte */
    {"\"\\u0000\"", 0, APP_OK, 0},
    {"\"a\x01\"", 0, APP_ERR_INVAL, 2},        /* raw control bytes are grammar */
    {"\"a\x00\"", 3, APP_ERR_INVAL, 2},        /* raw NUL (jsmn would stop there) */
    {"\"\\", 0, APP_ERR_INVAL, 1},            /* escape cut by the end */
    {"\"\\u00\"", 0, APP_ERR_INVAL, 1},
    {"'a'", 0, APP_ERR_INVAL, 0},
    /* Structure. */
    {"", 0, APP_ERR_INVAL, 0},
    {"   ", 0, APP_ERR_INVAL, 3},
    {"{", 0, APP_ERR_INVAL, 1},
    {"[1}", 0, APP_ERR_INVAL, 2},
    {"{1:2}", 0, APP_ERR_INVAL, 1},
    {"{\"a\"}", 0, APP_ERR_INVAL, 4},
    {"]", 0, APP_ERR_INVAL, 0},
    {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 0, APP_ERR_NOMEM, 32},
};

static void test_validate_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_validate); i++) {
        const struct validate_case *c = &s_validate[i];
        size_t len = c->len ? c->len : strlen(c->js);
        size_t off = 9999;
        int rc = json_tok_validate(c->js, len, &off);
        if (rc != c->rc || (rc != APP_OK && off != c->off)) {
            print_error("case %zu <%s>: rc %d off %zu, want rc %d off %zu\n", i, c->js, rc, off,
                        c->rc, c->off);
        }
        assert_int_equal(rc, c->rc);
        if (rc != APP_OK) {
            assert_int_equal(off, c->off);
        }
    }
}

/* ---- parse, skip, find ------------------------------------------------------- */

static void parse_ok(const char *js)
{
    size_t off = 0;
    int rc = json_tok_parse(js, strlen(js), s_toks, ARRAY_LEN(s_toks), &s_n, &off);
    if (rc != APP_OK) {
        print_error("<%s>: rc %d at %zu\n", js, rc, off);
    }
    assert_int_equal(rc, APP_OK);
}

static void test_parse_shapes(void **state)
{
    (void)state;
    const char *js = "{\"a\":[1,{\"b\":null}],\"c\":\"x\"}";
    parse_ok(js);
    assert_int_equal(s_n, 9);
    assert_int_equal(s_toks[0].type, JSMN_OBJECT);
    assert_int_equal(s_toks[0].size, 2);
    /* skip: the whole tree, the "a" member, and a leaf. */
    assert_int_equal(json_tok_skip(s_toks, s_n, 0), 9);
    assert_int_equal(json_tok_skip(s_toks, s_n, 1), 7);
    assert_int_equal(json_tok_skip(s_toks, s_n, 2), 7);
    assert_int_equal(json_tok_skip(s_toks, s_n, 3), 4);
    assert_int_equal(json_tok_skip(s_toks, s_n, 8), 9);
    assert_int_equal(json_tok_skip(s_toks, s_n, 9), APP_ERR_INVAL);
    assert_int_equal(json_tok_skip(s_toks, s_n, -1), APP_ERR_INVAL);
    /* A tree that claims more children than there are tokens. */
    assert_int_equal(json_tok_skip(s_toks, 5, 0), APP_ERR_INVAL);

    assert_int_equal(json_tok_find(js, s_toks, s_n, 0, "a", 1), 2);
    assert_int_equal(json_tok_find(js, s_toks, s_n, 0, "c", 1), 8);
    assert_int_equal(json_tok_find(js, s_toks, s_n, 0, "b", 1), APP_ERR_NOTFOUND); /* nested only */
    assert_int_equal(json_tok_find(js, s_toks, s_n, 4, "b", 1), 6);
    assert_int_equal(json_tok_find(js, s_toks, s_n, 2, "b", 1), APP_ERR_INVAL);   /* an array */
    assert_true(json_tok_is_null(js, &s_toks[6]));
    assert_false(json_tok_is_null(js, &s_toks[3]));

    /* Top-level scalars get one token (jsmn strict cannot do it). */
    parse_ok("  -12  ");
    assert_int_equal(s_n, 1);
    assert_int_equal(s_toks[0].type, JSMN_PRIMITIVE);
    assert_int_equal(s_toks[0].start, 2);
    assert_int_equal(s_toks[0].end, 5);
    parse_ok("\"s\"");
    assert_int_equal(s_n, 1);
    assert_int_equal(s_toks[0].type, JSMN_STRING);
}

static void test_parse_errors(void **state)
{
    (void)state;
    size_t off = 0;
    int n = -1;
    assert_int_equal(json_tok_parse("[1,,2]", 6, s_toks, ARRAY_LEN(s_toks), &n, &off),
                     APP_ERR_INVAL);
    assert_int_equal(off, 3);
    /* Token shortage: [1,2,3] needs 4. */
    assert_int_equal(json_tok_parse("[1,2,3]", 7, s_toks, 4, &n, &off), APP_OK);
    assert_int_equal(n, 4);
    assert_int_equal(json_tok_parse("[1,2,3]", 7, s_toks, 3, &n, &off), APP_ERR_NOMEM);
    assert_int_equal(json_tok_parse("7", 1, s_toks, 0, &n, &off), APP_ERR_NOMEM);
    assert_int_equal(json_tok_parse(NULL, 0, s_toks, 4, &n, &off), APP_ERR_INVAL);
}

/* ---- strings ----------------------------------------------------------------- */

struct str_case {
    const char *js;     /* a JSON string literal, quotes included */
    int rc;             /* length, or an error */
    const char *out;    /* expected bytes (rc of them) */
    const char *problem; /* substring of json_tok_string_problem(), or NULL */
};

static const struct str_case s_str[] = {
    {"\"\"", 0, "", NULL},
    {"\"plain\"", 5, "plain", NULL},
    {"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", 8, "\"\\/\b\f\n\r\t", NULL},
    {"\"\\u0041\\u00e9\\u20AC\"", 6, "A\xc3\xa9\xe2\x82\xac", NULL},
    {"\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"", 11,
     "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", NULL},
    {"\"\\ud83d\\ude00\"", 4, "\xf0\x9f\x98\x80", NULL},       /* U+1F600 */
    {"\"\\uD800\\uDC00\"", 4, "\xf0\x90\x80\x80", NULL},       /* U+10000, uppercase hex */
    {"\"\\udbff\\udfff\"", 4, "\xf4\x8f\xbf\xbf", NULL},       /* U+10FFFF */
    {"\"\xc3\xa9\xf0\x9f\x98\x80\"", 6, "\xc3\xa9\xf0\x9f\x98\x80", NULL},
    {"\"\\ud800\"", APP_ERR_INVAL, NULL, "lone surrogate"},
    {"\"\\udc00x\"", APP_ERR_INVAL, NULL, "lone surrogate"},
    {"\"\\ud800\\ud800\"", APP_ERR_INVAL, NULL, "lone surrogate"},
    {"\"\\ud800\\ue000\"", APP_ERR_INVAL, NULL, "lone surrogate"}, /* high + non-low */
    {"\"\\ud800\\u00e9\"", APP_ERR_INVAL, NULL, "lone surrogate"},
    {"\"\\ud800x\\udc00\"", APP_ERR_INVAL, NULL, "lone surrogate"},
    {"\"a\\u0000b\"", APP_ERR_INVAL, NULL, "NUL"},
    {"\"\\u000\"", APP_ERR_INVAL, NULL, "invalid escape"},
    {"\"\\a\"", APP_ERR_INVAL, NULL, "invalid escape"},
    {"\"\xff\"", APP_ERR_INVAL, NULL, "invalid UTF-8"},
    {"\"\xc1\xbf\"", APP_ERR_INVAL, NULL, "invalid UTF-8"},      /* overlong */
    {"\"\xe0\x80\xaf\"", APP_ERR_INVAL, NULL, "invalid UTF-8"},  /* overlong */
    {"\"\xed\xbf\xbf\"", APP_ERR_INVAL, NULL, "invalid UTF-8"},  /* surrogate */
    {"\"\xf5\x80\x80\x80\"", APP_ERR_INVAL, NULL, "invalid UTF-8"},
    {"\"ab\xc3\"", APP_ERR_INVAL, NULL, "invalid UTF-8"},        /* truncated */
    {"\"a\x01z\"", APP_ERR_INVAL, NULL, "control byte"},
};

/* A string token over js without validation, the way a caller that got
 * tokens elsewhere would hold it: json_tok_string must judge it alone. */
static jsmntok_t str_tok(const char *js)
{
    jsmntok_t t = {JSMN_STRING, 1, (int)strlen(js) - 1, 0};
    return t;
}

static void test_string_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_str); i++) {
        const struct str_case *c = &s_str[i];
        char buf[32];
        jsmntok_t t = str_tok(c->js);
        memset(buf, 'Z', sizeof(buf));
        int rc = json_tok_string(c->js, &t, buf, sizeof(buf));
        if (rc != c->rc) {
            print_error("case %zu <%s>: rc %d, want %d\n", i, c->js, rc, c->rc);
        }
        assert_int_equal(rc, c->rc);
        const char *problem = json_tok_string_problem(c->js, &t);
        if (rc >= 0) {
            assert_memory_equal(buf, c->out, (size_t)rc);
            assert_int_equal(buf[rc], '\0');
            assert_null(problem);
            /* Validation agrees with decoding. */
            assert_int_equal(json_tok_validate(c->js, strlen(c->js), NULL), APP_OK);
        } else {
            assert_int_equal(buf[0], '\0');
            assert_non_null(problem);
            if (strstr(problem, c->problem) == NULL) {
                print_error("case %zu: problem \"%s\", want \"%s\"\n", i, problem, c->problem);
            }
            assert_non_null(strstr(problem, c->problem));
        }
    }
}

static void test_string_overflow(void **state)
{
    (void)state;
    const char *js = "\"ab\\u00e9\""; /* decodes to 4 bytes: a b C3 A9 */
    jsmntok_t t = str_tok(js);
    char buf[8];
    assert_int_equal(json_tok_string(js, &t, buf, 5), 4); /* exactly fits with its NUL */
    assert_string_equal(buf, "ab\xc3\xa9");
    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(json_tok_string(js, &t, buf, 4), APP_ERR_OVERFLOW);
    assert_string_equal(buf, "ab"); /* never half a character */
    assert_int_equal(json_tok_string(js, &t, buf, 0), APP_ERR_OVERFLOW);
    /* Bad content after the cut still wins over the overflow. */
    const char *bad = "\"abcdef\\ud800\"";
    jsmntok_t tb = str_tok(bad);
    assert_int_equal(json_tok_string(bad, &tb, buf, 3), APP_ERR_INVAL);
    /* Not a string token. */
    jsmntok_t prim = {JSMN_PRIMITIVE, 0, 4, 0};
    assert_int_equal(json_tok_string("true", &prim, buf, sizeof(buf)), APP_ERR_INVAL);
    assert_non_null(json_tok_string_problem("true", &prim));
}

static void test_eq(void **state)
{
    (void)state;
    const char *js = "\"v\\u0065rsi\\u00f3n\"";
    jsmntok_t t = str_tok(js);
    assert_true(json_tok_eq(js, &t, "versi\xc3\xb3n", 8));
    assert_false(json_tok_eq(js, &t, "versi\xc3\xb3", 7));     /* prefix */
    assert_false(json_tok_eq(js, &t, "versi\xc3\xb3nX", 9));   /* longer */
    assert_false(json_tok_eq(js, &t, "version", 7));
    const char *bad = "\"\\ud800\"";
    jsmntok_t tb = str_tok(bad);
    assert_false(json_tok_eq(bad, &tb, "\xed\xa0\x80", 3));
}

/* ---- int64 and bool ---------------------------------------------------------- */

struct int_case {
    const char *text;
    int rc;
    int64_t v;
};

static const struct int_case s_int[] = {
    {"0", APP_OK, 0},
    {"-0", APP_OK, 0}, /* valid JSON integer grammar; reads as 0 (documented) */
    {"7", APP_OK, 7},
    {"-7", APP_OK, -7},
    {"2000000", APP_OK, 2000000},
    {"9223372036854775807", APP_OK, INT64_MAX},
    {"-9223372036854775808", APP_OK, INT64_MIN},
    {"9223372036854775808", APP_ERR_OVERFLOW, 0},
    {"-9223372036854775809", APP_ERR_OVERFLOW, 0},
    {"99999999999999999999", APP_ERR_OVERFLOW, 0},
    {"01", APP_ERR_INVAL, 0},
    {"-01", APP_ERR_INVAL, 0},
    {"00", APP_ERR_INVAL, 0},
    {"1.0", APP_ERR_INVAL, 0},
    {"1e3", APP_ERR_INVAL, 0},
    {"1E3", APP_ERR_INVAL, 0},
    {"+1", APP_ERR_INVAL, 0},
    {"-", APP_ERR_INVAL, 0},
    {"--1", APP_ERR_INVAL, 0},
    {"1-", APP_ERR_INVAL, 0},
    {"0x10", APP_ERR_INVAL, 0},
    {"true", APP_ERR_INVAL, 0},
    {"99999999999999999999x", APP_ERR_INVAL, 0}, /* junk wins over range */
};

static void test_int64_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_int); i++) {
        const struct int_case *c = &s_int[i];
        jsmntok_t t = {JSMN_PRIMITIVE, 0, (int)strlen(c->text), 0};
        int64_t v = 12345;
        int rc = json_tok_int64(c->text, &t, &v);
        if (rc != c->rc) {
            print_error("case %zu <%s>: rc %d, want %d\n", i, c->text, rc, c->rc);
        }
        assert_int_equal(rc, c->rc);
        assert_true(v == (rc == APP_OK ? c->v : 12345)); /* untouched on error */
    }
    /* A string token holding digits is not an integer. */
    jsmntok_t s = {JSMN_STRING, 1, 2, 0};
    int64_t v = 0;
    assert_int_equal(json_tok_int64("\"5\"", &s, &v), APP_ERR_INVAL);
    /* An empty primitive. */
    jsmntok_t e = {JSMN_PRIMITIVE, 0, 0, 0};
    assert_int_equal(json_tok_int64("1", &e, &v), APP_ERR_INVAL);
}

/* Any JSON number rounded to an integer (RFC 7519 NumericDate): text,
 * rc, floor, ceiling. */
struct round_case {
    const char *text;
    int rc;
    int64_t lo, hi;
};

static const struct round_case s_round[] = {
    {"0", APP_OK, 0, 0},
    {"-0", APP_OK, 0, 0},
    {"1767225600", APP_OK, 1767225600, 1767225600},
    {"1767225600.5", APP_OK, 1767225600, 1767225601},
    {"1767225600.0", APP_OK, 1767225600, 1767225600},
    {"1767225600.000000000000000000000000000001", APP_OK, 1767225600, 1767225601},
    {"1.7672256e9", APP_OK, 1767225600, 1767225600},
    {"1.7672256E+9", APP_OK, 1767225600, 1767225600},
    {"17672256005e-1", APP_OK, 1767225600, 1767225601},
    {"0.17672256005e10", APP_OK, 1767225600, 1767225601},
    {"1e0", APP_OK, 1, 1},
    {"1E-0", APP_OK, 1, 1},
    {"0.5", APP_OK, 0, 1},
    {"-0.5", APP_OK, -1, 0},
    {"-1.5", APP_OK, -2, -1},
    {"-1e-5", APP_OK, -1, 0},
    {"1e-5", APP_OK, 0, 1},
    {"5e-1", APP_OK, 0, 1},
    {"0e999999999999999999999", APP_OK, 0, 0},
    {"0.000e-99", APP_OK, 0, 0},
    {"1e-999999999999999999999", APP_OK, 0, 1},
    {"-1e-999999999999999999999", APP_OK, -1, 0},
    {"9223372036854775807", APP_OK, INT64_MAX, INT64_MAX},
    {"9.223372036854775807e18", APP_OK, INT64_MAX, INT64_MAX},
    {"922337203685477580.7e1", APP_OK, INT64_MAX, INT64_MAX},
    {"9223372036854775806.5", APP_OK, INT64_MAX - 1, INT64_MAX},
    {"-9223372036854775808", APP_OK, INT64_MIN, INT64_MIN},
    {"-9223372036854775807.5", APP_OK, INT64_MIN, INT64_MIN + 1},
    {"0." "0000000000" "0000000000" "0000000000" "0000000000" "9223372036854775807e58", APP_OK, 922337203685477580,
     922337203685477581},
    {"1e19", APP_ERR_OVERFLOW, 0, 0},
    {"1e999999999999999999999", APP_ERR_OVERFLOW, 0, 0},
    {"9223372036854775808", APP_ERR_OVERFLOW, 0, 0},
    {"92233720368547758070e-1", APP_OK, INT64_MAX, INT64_MAX},
    {"9223372036854775807.5", APP_ERR_OVERFLOW, INT64_MAX, 0}, /* ceiling only */
    {"-9223372036854775808.5", APP_ERR_OVERFLOW, 0, INT64_MIN}, /* floor only */
    {"-9223372036854775809", APP_ERR_OVERFLOW, 0, 0},
    {"1.", APP_ERR_INVAL, 0, 0},
    {".5", APP_ERR_INVAL, 0, 0},
    {"1e", APP_ERR_INVAL, 0, 0},
    {"1e+", APP_ERR_INVAL, 0, 0},
    {"01.5", APP_ERR_INVAL, 0, 0},
    {"+1.5", APP_ERR_INVAL, 0, 0},
    {"1.5x", APP_ERR_INVAL, 0, 0},
    {"0x1p3", APP_ERR_INVAL, 0, 0},
    {"Infinity", APP_ERR_INVAL, 0, 0},
    {"true", APP_ERR_INVAL, 0, 0},
};

static void test_int64_round_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_round); i++) {
        const struct round_case *c = &s_round[i];
        jsmntok_t t = {JSMN_PRIMITIVE, 0, (int)strlen(c->text), 0};
        for (int dir = -1; dir <= 1; dir += 2) {
            int64_t v = 12345;
            int want = c->rc;
            int64_t wv = dir < 0 ? c->lo : c->hi;
            if (want == APP_ERR_OVERFLOW && wv != 0) {
                want = APP_OK; /* overflows only the other way */
            }
            int rc = json_tok_int64_round(c->text, &t, dir, &v);
            if (rc != want || (rc == APP_OK && v != wv)) {
                print_error("case %zu <%s> dir %d: rc %d v %lld, want %d %lld\n", i, c->text, dir,
                            rc, (long long)v, want, (long long)wv);
            }
            assert_int_equal(rc, want);
            assert_true(v == (rc == APP_OK ? wv : 12345)); /* untouched on error */
        }
    }
    /* dir 0 is json_tok_int64(): integers only. */
    jsmntok_t t = {JSMN_PRIMITIVE, 0, 3, 0};
    int64_t v = 0;
    assert_int_equal(json_tok_int64_round("1.5", &t, 0, &v), APP_ERR_INVAL);
    assert_int_equal(json_tok_int64_round("1e3", &t, 0, &v), APP_ERR_INVAL);
    assert_int_equal(json_tok_int64_round("100", &t, 0, &v), APP_OK);
    assert_int_equal(v, 100);
    /* A token whose start lies past its end, or before the text. */
    jsmntok_t back = {JSMN_PRIMITIVE, 3, 1, 0};
    assert_int_equal(json_tok_int64_round("100", &back, -1, &v), APP_ERR_INVAL);
    jsmntok_t neg = {JSMN_PRIMITIVE, -1, 1, 0};
    assert_int_equal(json_tok_int64_round("100", &neg, -1, &v), APP_ERR_INVAL);
}

/* Scope lists (RFC 6749 3.3) as JSON strings: decoded, then split on
 * U+0020, escaped or not. */
static void test_has_word(void **state)
{
    (void)state;
    static const struct {
        const char *js;
        bool has;
    } cases[] = {
        {"\"a Read b\"", true},
        {"\"Read\"", true},
        {"\"  Read  \"", true},
        {"\"a\\u0020Read\"", true},
        {"\"R\\u0065ad\\u0020x\"", true},
        {"\"ReadX Read\"", true},
        {"\"ReadX\"", false},
        {"\"XRead\"", false},
        {"\"Rea\"", false},
        {"\"Rea d\"", false},
        {"\"a\\tRead\"", false},
        {"\"Read\\u00a0\"", false},
        {"\"\"", false},
        {"\"\\ud800 Read\"", false}, /* does not decode */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        jsmntok_t t = str_tok(cases[i].js);
        if (json_tok_has_word(cases[i].js, &t, "Read", 4) != cases[i].has) {
            fail_msg("case %zu <%s>", i, cases[i].js);
        }
    }
    jsmntok_t p = {JSMN_PRIMITIVE, 0, 4, 0};
    assert_false(json_tok_has_word("Read", &p, "Read", 4));
}

static void test_bool(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int rc;
        bool v;
    } cases[] = {
        {"true", APP_OK, true}, {"false", APP_OK, false}, {"True", APP_ERR_INVAL, false},
        {"tru", APP_ERR_INVAL, false}, {"truee", APP_ERR_INVAL, false},
        {"null", APP_ERR_INVAL, false}, {"1", APP_ERR_INVAL, false},
        {"0", APP_ERR_INVAL, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        jsmntok_t t = {JSMN_PRIMITIVE, 0, (int)strlen(cases[i].text), 0};
        bool v = !cases[i].v;
        assert_int_equal(json_tok_bool(cases[i].text, &t, &v), cases[i].rc);
        if (cases[i].rc == APP_OK) {
            assert_true(v == cases[i].v);
        }
    }
    jsmntok_t s = {JSMN_STRING, 1, 5, 0};
    bool v = false;
    assert_int_equal(json_tok_bool("\"true\"", &s, &v), APP_ERR_INVAL);
}

/* ---- duplicate keys ---------------------------------------------------------- */

struct dup_case {
    const char *js;
    int rc;
    const char *dup_raw; /* raw text of the second key of the pair */
};

static const struct dup_case s_dup[] = {
    {"{}", APP_OK, NULL},
    {"{\"a\":1,\"b\":2,\"c\":{\"a\":1}}", APP_OK, NULL}, /* same name, other object */
    {"{\"a\":1,\"ab\":2,\"b\":3}", APP_OK, NULL},
    {"{\"a\":1,\"a\":2}", APP_ERR_INVAL, "a"},
    {"{\"a\":1,\"b\":[1,2,{}],\"c\":3,\"b\":4}", APP_ERR_INVAL, "b"},
    {"{\"key\":1,\"k\\u0065y\":2}", APP_ERR_INVAL, "k\\u0065y"}, /* equal after unescaping */
    {"{\"\\u00e9\":1,\"\xc3\xa9\":2}", APP_ERR_INVAL, "\xc3\xa9"},
    {"{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}", APP_ERR_INVAL, "\xf0\x9f\x98\x80"},
    {"{\"\\/\":1,\"/\":2}", APP_ERR_INVAL, "/"},
    {"{\"\\ud800\":1}", APP_ERR_INVAL, NULL},             /* a key that does not decode */
    {"{\"a\":1,\"b\\u0000\":2}", APP_ERR_INVAL, NULL},
};

static void test_dup_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_dup); i++) {
        const struct dup_case *c = &s_dup[i];
        parse_ok(c->js);
        int dup = -1;
        int rc = json_tok_check_unique(c->js, s_toks, s_n, 0, &dup);
        if (rc != c->rc) {
            print_error("case %zu <%s>: rc %d, want %d\n", i, c->js, rc, c->rc);
        }
        assert_int_equal(rc, c->rc);
        if (c->dup_raw != NULL) {
            assert_true(dup > 0);
            size_t n = (size_t)(s_toks[dup].end - s_toks[dup].start);
            assert_int_equal(n, strlen(c->dup_raw));
            assert_memory_equal(c->js + s_toks[dup].start, c->dup_raw, n);
        } else {
            assert_int_equal(dup, -1);
        }
    }
    /* Not an object. */
    parse_ok("[1]");
    assert_int_equal(json_tok_check_unique("[1]", s_toks, s_n, 0, NULL), APP_ERR_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validate_table), cmocka_unit_test(test_parse_shapes),
        cmocka_unit_test(test_parse_errors),   cmocka_unit_test(test_string_table),
        cmocka_unit_test(test_string_overflow), cmocka_unit_test(test_eq),
        cmocka_unit_test(test_int64_table),    cmocka_unit_test(test_int64_round_table),
        cmocka_unit_test(test_has_word),       cmocka_unit_test(test_bool),
        cmocka_unit_test(test_dup_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
