/* libFuzzer harness for firmware/json (and the ISO 8601 path of
 * firmware/util/datetime): the input becomes a few byte strings, which are
 * written as keys, values and array members; the output is parsed back by
 * the strict checker below (and by jsmn in strict mode), the escapes are
 * decoded and the strings must come back unchanged. The writer must reject
 * exactly the strings that this file's own UTF-8 decoder rejects, and
 * produce exactly the canonical escaping of a byte-at-a-time reference.
 * Windowed renderings, count mode and overflow at a random capacity must
 * agree with the plain rendering.
 *
 * Input: byte 0 picks the window size, byte 1 the skip / capacity, then
 * strings, each a length byte followed by that many bytes (cut short at the
 * end of the input). The first 8 bytes also make an integer and a time. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_err.h"
#include "datetime.h"
#include "json.h"

#define JSMN_STATIC
#define JSMN_STRICT
#include "jsmn.h"

#define MAX_STRS 12
#define DOC_MAX (1u << 18)

#define CHECK(c)                                                                  \
    do {                                                                          \
        if (!(c)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
            abort();                                                              \
        }                                                                         \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct str {
    unsigned char *p; /* exact-size heap copy, so ASan sees any over-read */
    size_t n;
    bool valid;
};

static struct str s_strs[MAX_STRS];
static size_t s_nstrs;
static int64_t s_int;
static int64_t s_time;
static char s_doc[DOC_MAX];
static unsigned char s_dec[DOC_MAX];

/* ---- independent references ---------------------------------------------- */

/* UTF-8 by decoding (RFC 3629 section 3): shortest form, no surrogates,
 * nothing above U+10FFFF. */
static bool ref_utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80u) {
            i++;
            continue;
        } else if ((c & 0xE0u) == 0xC0u) {
            len = 2, cp = c & 0x1Fu, min = 0x80u;
        } else if ((c & 0xF0u) == 0xE0u) {
            len = 3, cp = c & 0x0Fu, min = 0x800u;
        } else if ((c & 0xF8u) == 0xF0u) {
            len = 4, cp = c & 0x07u, min = 0x10000u;
        } else {
            return false;
        }
        if (n - i < len) {
            return false;
        }
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0u) != 0x80u) {
                return false;
            }
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu)) {
            return false;
        }
        i += len;
    }
    return true;
}

/* The canonical escaping, one byte at a time, with quotes. */
static size_t ref_escape(char *d, const unsigned char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    d[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        const char *e = NULL;
        switch (c) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        default: break;
        }
        if (e != NULL) {
            d[k++] = e[0];
            d[k++] = e[1];
        } else if (c < 0x20u) {
            d[k++] = '\\', d[k++] = 'u', d[k++] = '0', d[k++] = '0';
            d[k++] = hex[c >> 4], d[k++] = hex[c & 15u];
        } else {
            d[k++] = (char)c;
        }
    }
    d[k++] = '"';
    return k;
}

/* ---- strict reader (RFC 8259, compact: no insignificant whitespace) ------- */

struct rd {
    const unsigned char *p;
    size_t n, i;
};

static bool rd_lit(struct rd *r, const char *lit)
{
    size_t l = strlen(lit);
    if (r->n - r->i < l || memcmp(r->p + r->i, lit, l) != 0) {
        return false;
    }
    r->i += l;
    return true;
}

static bool rd_hex4(struct rd *r, uint32_t *v)
{
    *v = 0;
    if (r->n - r->i < 4u) {
        return false;
    }
    for (int k = 0; k < 4; k++) {
        unsigned c = r->p[r->i++];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10u;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10u;
        } else {
            return false;
        }
        *v = *v << 4 | d;
    }
    return true;
}

static size_t put_utf8(unsigned char *o, uint32_t cp)
{
    if (cp < 0x80u) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800u) {
        o[0] = (unsigned char)(0xC0u | cp >> 6);
        o[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        o[0] = (unsigned char)(0xE0u | cp >> 12);
        o[1] = (unsigned char)(0x80u | (cp >> 6 & 0x3Fu));
        o[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    o[0] = (unsigned char)(0xF0u | cp >> 18);
    o[1] = (unsigned char)(0x80u | (cp >> 12 & 0x3Fu));
    o[2] = (unsigned char)(0x80u | (cp >> 6 & 0x3Fu));
    o[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 4;
}

/* A string token, decoded into out (never longer than its encoding).
 * Returns the decoded length, or -1 when it is not a valid JSON string. */
static long rd_string(struct rd *r, unsigned char *out)
{
    size_t k = 0;
    if (r->i >= r->n || r->p[r->i] != '"') {
        return -1;
    }
    r->i++;
    for (;;) {
        if (r->i >= r->n) {
            return -1;
        }
        unsigned c = r->p[r->i++];
        if (c == '"') {
            break;
        }
        if (c < 0x20u) {
            return -1; /* raw control bytes are not allowed */
        }
        if (c != '\\') {
            out[k++] = (unsigned char)c;
            continue;
        }
        if (r->i >= r->n) {
            return -1;
        }
        c = r->p[r->i++];
        uint32_t cp;
        switch (c) {
        case '"': case '\\': case '/': out[k++] = (unsigned char)c; break;
        case 'b': out[k++] = '\b'; break;
        case 'f': out[k++] = '\f'; break;
        case 'n': out[k++] = '\n'; break;
        case 'r': out[k++] = '\r'; break;
        case 't': out[k++] = '\t'; break;
        case 'u':
            if (!rd_hex4(r, &cp)) {
                return -1;
            }
            if (cp >= 0xD800u && cp <= 0xDBFFu) {
                uint32_t lo;
                if (!rd_lit(r, "\\u") || !rd_hex4(r, &lo) || lo < 0xDC00u || lo > 0xDFFFu) {
                    return -1;
                }
                cp = 0x10000u + ((cp - 0xD800u) << 10) + (lo - 0xDC00u);
            } else if (cp >= 0xDC00u && cp <= 0xDFFFu) {
                return -1;
            }
            k += put_utf8(out + k, cp);
            break;
        default:
            return -1;
        }
    }
    /* Raw bytes must be UTF-8; a decoded escape is always a whole
     * sequence, so checking the decoded text checks the raw runs. */
    return ref_utf8_ok(out, k) ? (long)k : -1;
}

/* -?(0|[1-9][0-9]*) within int64 (the writer never emits fraction or
 * exponent). */
static bool rd_int(struct rd *r, int64_t *v)
{
    bool neg = false;
    uint64_t mag = 0;
    size_t start;
    if (r->i < r->n && r->p[r->i] == '-') {
        neg = true;
        r->i++;
    }
    start = r->i;
    while (r->i < r->n && r->p[r->i] >= '0' && r->p[r->i] <= '9') {
        unsigned d = r->p[r->i] - '0';
        if (mag > (UINT64_MAX - d) / 10u) {
            return false;
        }
        mag = mag * 10u + d;
        r->i++;
    }
    size_t nd = r->i - start;
    if (nd == 0u || (nd > 1u && r->p[start] == '0')) {
        return false;
    }
    if (neg ? mag > (uint64_t)INT64_MAX + 1u : mag > (uint64_t)INT64_MAX) {
        return false;
    }
    *v = neg ? (int64_t)(0u - mag) : (int64_t)mag;
    return true;
}

/* Next token must be a string equal to s. */
static void expect_string(struct rd *r, const struct str *s)
{
    long k = rd_string(r, s_dec);
    CHECK(k >= 0);
    CHECK((size_t)k == s->n);
    CHECK(s->n == 0u || memcmp(s_dec, s->p, s->n) == 0);
}

static void expect_lit(struct rd *r, const char *lit)
{
    CHECK(rd_lit(r, lit));
}

/* ---- rendering -------------------------------------------------------------- */

static void render_doc(struct json_out *o)
{
    json_obj_begin(o);
    for (size_t i = 0; i < s_nstrs; i++) {
        const struct str *v = &s_strs[(i + 1u) % s_nstrs];
        json_keyn(o, (const char *)s_strs[i].p, s_strs[i].n);
        json_strn(o, (const char *)v->p, v->n);
    }
    json_key(o, "all");
    json_arr_begin(o);
    for (size_t i = 0; i < s_nstrs; i++) {
        json_strn(o, (const char *)s_strs[i].p, s_strs[i].n);
    }
    json_arr_end(o);
    json_key(o, "n");
    json_i64(o, s_int);
    json_key(o, "t");
    json_time_ms(o, s_time);
    json_key(o, "e");
    json_arr_begin(o);
    json_arr_end(o);
    json_key(o, "o");
    json_obj_begin(o);
    json_obj_end(o);
    json_obj_end(o);
}

/* The strict reading of the whole document, member by member. */
static void check_doc(const char *doc, size_t len)
{
    struct rd r = {(const unsigned char *)doc, len, 0};
    char tbuf[DATETIME_ISO8601_MS_LEN + 1u];

    expect_lit(&r, "{");
    for (size_t i = 0; i < s_nstrs; i++) {
        expect_string(&r, &s_strs[i]);
        expect_lit(&r, ":");
        expect_string(&r, &s_strs[(i + 1u) % s_nstrs]);
        expect_lit(&r, ",");
    }
    expect_lit(&r, "\"all\":[");
    for (size_t i = 0; i < s_nstrs; i++) {
        if (i > 0u) {
            expect_lit(&r, ",");
        }
        expect_string(&r, &s_strs[i]);
    }
    expect_lit(&r, "],\"n\":");
    int64_t v = 0;
    CHECK(rd_int(&r, &v));
    CHECK(v == s_int);
    expect_lit(&r, ",\"t\":");
    long k = rd_string(&r, s_dec);
    CHECK(k == (long)DATETIME_ISO8601_MS_LEN);
    int64_t t = -1;
    CHECK(datetime_parse_iso8601((const char *)s_dec, (size_t)k, &t) == APP_OK);
    CHECK(t == s_time);
    CHECK(datetime_iso8601(t, tbuf, sizeof tbuf, 1) == (int)DATETIME_ISO8601_MS_LEN);
    CHECK(memcmp(tbuf, s_dec, DATETIME_ISO8601_MS_LEN) == 0);
    expect_lit(&r, ",\"e\":[],\"o\":{}}");
    CHECK(r.i == r.n);

    /* A second, third-party strict parser agrees on the structure. */
    jsmn_parser p;
    jsmntok_t tok[3 * MAX_STRS + 16];
    jsmn_init(&p);
    int nt = jsmn_parse(&p, doc, len, tok, sizeof tok / sizeof tok[0]);
    CHECK(nt == (int)(3u * s_nstrs + 11u));
    CHECK(tok[0].type == JSMN_OBJECT && tok[0].size == (int)(s_nstrs + 5u));
    CHECK(tok[0].start == 0 && tok[0].end == (int)len);
}

/* One string alone, as a value and as a key: rejected exactly when invalid,
 * else the canonical escaping, which reads back to the same bytes. */
static void check_one(const struct str *s)
{
    static char out[6u * 256u + 8u], want[6u * 256u + 8u];
    struct json_out o;

    json_init(&o, out, sizeof out);
    json_strn(&o, (const char *)s->p, s->n);
    int r = json_result(&o);
    if (!s->valid) {
        CHECK(r == APP_ERR_INVAL);
        CHECK(json_total(&o) == 0u);
    } else {
        size_t wl = ref_escape(want, s->p, s->n);
        CHECK(r == (int)wl);
        CHECK(memcmp(out, want, wl) == 0);
        struct rd rd = {(const unsigned char *)out, (size_t)r, 0};
        expect_string(&rd, s);
        CHECK(rd.i == rd.n);
    }

    json_init(&o, out, sizeof out);
    json_obj_begin(&o);
    json_keyn(&o, (const char *)s->p, s->n);
    size_t before = json_total(&o);
    json_null(&o);
    json_obj_end(&o);
    r = json_result(&o);
    if (!s->valid) {
        CHECK(r == APP_ERR_INVAL);
        CHECK(json_total(&o) == 1u);
    } else {
        CHECK(r > 0 && (size_t)r == before + 5u);
        CHECK(memcmp(out + before, "null}", 5) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2u) {
        return 0;
    }
    size_t win = (size_t)data[0] + 1u;
    unsigned pick = data[1];

    /* Split the rest into length-prefixed strings. */
    bool all_valid = true;
    s_nstrs = 0;
    for (size_t i = 2; i < size && s_nstrs < MAX_STRS;) {
        size_t n = data[i++];
        if (n > size - i) {
            n = size - i;
        }
        struct str *s = &s_strs[s_nstrs++];
        s->n = n;
        s->p = malloc(n != 0u ? n : 1u);
        CHECK(s->p != NULL);
        if (n != 0u) {
            memcpy(s->p, data + i, n);
        }
        s->valid = ref_utf8_ok(s->p, n);
        all_valid = all_valid && s->valid;
        i += n;
    }
    uint64_t bits = 0;
    for (size_t i = 0; i < 8u && i < size; i++) {
        bits |= (uint64_t)data[i] << (8u * i);
    }
    s_int = (int64_t)bits;
    s_time = (int64_t)(bits % (uint64_t)(DATETIME_MAX_MS + 1));

    for (size_t i = 0; i < s_nstrs; i++) {
        check_one(&s_strs[i]);
    }

    /* Plain rendering, and count mode. */
    struct json_out o;
    json_init_count(&o);
    render_doc(&o);
    int rc = json_result(&o);
    size_t total = json_total(&o);
    if (!all_valid) {
        CHECK(rc == APP_ERR_INVAL);
        goto out;
    }
    CHECK(rc == 0);
    if (total > DOC_MAX) {
        goto out;
    }
    json_init(&o, s_doc, DOC_MAX);
    render_doc(&o);
    CHECK(json_result(&o) == (int)total);
    CHECK(json_total(&o) == total);
    CHECK(!json_more(&o));
    check_doc(s_doc, total);

    /* Slices of a window reassemble the document (at most ~64 slices, to
     * keep the run time linear). */
    if (win < total / 64u + 1u) {
        win = total / 64u + 1u;
    }
    char *w = malloc(win);
    CHECK(w != NULL);
    size_t got = 0;
    for (bool more = true; more;) {
        json_init_window(&o, w, win, got);
        render_doc(&o);
        more = json_more(&o);
        int r = json_result(&o);
        CHECK(json_total(&o) == total);
        if (more) {
            CHECK(r == APP_ERR_OVERFLOW);
            CHECK(got + win < total);
            r = (int)win;
        } else {
            CHECK(r >= 0 && got + (size_t)r == total);
        }
        CHECK(memcmp(w, s_doc + got, (size_t)r) == 0);
        got += (size_t)r;
    }
    CHECK(got == total);
    free(w);

    /* Plain writer at a capacity below the length: overflow and a prefix,
     * never a shorter document. */
    size_t cap = total * pick / 256u;
    char *c = malloc(cap != 0u ? cap : 1u);
    CHECK(c != NULL);
    json_init(&o, cap != 0u ? c : NULL, cap);
    render_doc(&o);
    CHECK(json_result(&o) == APP_ERR_OVERFLOW);
    CHECK(json_more(&o));
    CHECK(cap == 0u || memcmp(c, s_doc, cap) == 0);
    free(c);

out:
    /* The strict ISO 8601 parser on the raw first string: whatever it
     * accepts must format back to an instant it parses identically. */
    if (s_nstrs > 0u) {
        int64_t t;
        if (datetime_parse_iso8601((const char *)s_strs[0].p, s_strs[0].n, &t) == APP_OK) {
            char b[DATETIME_ISO8601_MS_LEN + 1u];
            int64_t t2 = -1;
            CHECK(t >= 0 && t <= DATETIME_MAX_MS);
            CHECK(datetime_iso8601(t, b, sizeof b, 1) == (int)DATETIME_ISO8601_MS_LEN);
            CHECK(datetime_parse_iso8601(b, DATETIME_ISO8601_MS_LEN, &t2) == APP_OK && t2 == t);
            /* Same instant: the input's first 19 bytes (up to the seconds)
             * must be what the formatter writes. */
            CHECK(memcmp(b, s_strs[0].p, 19) == 0);
        }
    }
    for (size_t i = 0; i < s_nstrs; i++) {
        free(s_strs[i].p);
    }
    return 0;
}
