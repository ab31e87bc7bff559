/* Strict JSON reading over jsmn tokens. Everything here is bounded by the
 * input length or the token count; nothing recurses. */

/* The one place jsmn's implementation is compiled (see json_tok.h). Not
 * in JSMN_STRICT mode: json_tok_validate() enforces RFC 8259 before jsmn
 * sees a byte, and on a valid text both modes make the same tokens; the
 * lax mode also tokenizes a top-level number or literal. */
#define JSMN_STATIC
#include "jsmn.h"

#include "json_tok.h"

#include <limits.h>
#include <string.h>

#include "app_err.h"
#include "hexdigit.h"
#include "utf8.h"

/* ---- string content: one code point at a time ------------------------ */

enum dec {
    DEC_OK = 0,
    DEC_CTRL,  /* raw byte < 0x20 (RFC 8259 section 7) */
    DEC_ESC,   /* unknown escape or bad \u digits */
    DEC_SURR,  /* \u escape of a lone surrogate (RFC 7493 2.1) */
    DEC_UTF8,  /* not UTF-8 (RFC 3629 section 4) */
};

/* Four hex digits at u[p..p+4) (caller checked the bounds). */
static int hex4(const unsigned char *u, size_t p, uint32_t *v)
{
    uint32_t r = 0;
    for (size_t k = 0; k < 4; k++) {
        int h = hexdigit(u[p + k]);
        if (h < 0) {
            return -1;
        }
        r = (r << 4) | (uint32_t)h;
    }
    *v = r;
    return 0;
}

/* An escape starting at the backslash u[*i]. */
static enum dec dec_escape(const unsigned char *u, size_t n, size_t *i, uint32_t *cp)
{
    size_t p = *i;
    if (n - p < 2) {
        return DEC_ESC;
    }
    switch (u[p + 1]) {
    case '"': *cp = '"'; break;
    case '\\': *cp = '\\'; break;
    case '/': *cp = '/'; break;
    case 'b': *cp = 0x08; break;
    case 'f': *cp = 0x0C; break;
    case 'n': *cp = 0x0A; break;
    case 'r': *cp = 0x0D; break;
    case 't': *cp = 0x09; break;
    case 'u': {
        uint32_t hi;
        uint32_t lo;
        if (n - p < 6 || hex4(u, p + 2, &hi) != 0) {
            return DEC_ESC;
        }
        if (hi >= 0xDC00u && hi <= 0xDFFFu) {
            return DEC_SURR; /* low half without a high half */
        }
        if (hi < 0xD800u || hi > 0xDBFFu) {
            *cp = hi;
            *i = p + 6;
            return DEC_OK;
        }
        /* A high surrogate must be followed by an escaped low one
         * (RFC 8259 section 7: UTF-16 surrogate pair). */
        if (n - p < 12 || u[p + 6] != '\\' || u[p + 7] != 'u') {
            return DEC_SURR;
        }
        if (hex4(u, p + 8, &lo) != 0) {
            return DEC_ESC;
        }
        if (lo < 0xDC00u || lo > 0xDFFFu) {
            return DEC_SURR;
        }
        *cp = 0x10000u + ((hi - 0xD800u) << 10) + (lo - 0xDC00u);
        *i = p + 12;
        return DEC_OK;
    }
    default:
        return DEC_ESC;
    }
    *i = p + 2;
    return DEC_OK;
}

/* A multi-byte UTF-8 sequence starting at u[*i]. */
static enum dec dec_utf8(const unsigned char *u, size_t n, size_t *i, uint32_t *cp)
{
    size_t k = utf8_seq(u + *i, n - *i, cp);
    if (k == 0u) {
        return DEC_UTF8;
    }
    *i += k;
    return DEC_OK;
}

/* Next code point of string content js[*i..n) (p < n). The closing quote
 * is the caller's business. */
static enum dec dec_next(const char *js, size_t n, size_t *i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)js;
    unsigned c = u[*i];
    if (c == '\\') {
        return dec_escape(u, n, i, cp);
    }
    if (c < 0x20) {
        return DEC_CTRL;
    }
    if (c < 0x80) {
        *cp = c;
        (*i)++;
        return DEC_OK;
    }
    return dec_utf8(u, n, i, cp);
}

static size_t utf8_put(uint32_t cp, unsigned char out[4])
{
    if (cp < 0x80u) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800u) {
        out[0] = (unsigned char)(0xC0u | (cp >> 6));
        out[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        out[0] = (unsigned char)(0xE0u | (cp >> 12));
        out[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
        out[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    out[0] = (unsigned char)(0xF0u | (cp >> 18));
    out[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
    out[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
    out[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
    return 4;
}

/* Token bounds as size_t, or -1 when the token is not a sane string. */
static int str_bounds(const char *js, const jsmntok_t *t, size_t *b, size_t *e)
{
    if (js == NULL || t == NULL || t->type != JSMN_STRING || t->start < 0 || t->end < t->start) {
        return -1;
    }
    *b = (size_t)t->start;
    *e = (size_t)t->end;
    return 0;
}

/* ---- validation -------------------------------------------------------- */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r'; /* RFC 8259 section 2 */
}

static size_t skip_ws(const char *js, size_t len, size_t i)
{
    while (i < len && is_ws(js[i])) {
        i++;
    }
    return i;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* String starting at the opening quote js[*i]: RFC 8259 section 7
 * grammar only (where it ends, escape syntax, no raw control bytes; a raw
 * NUL would also stop jsmn). UTF-8 validity, surrogate pairing and NUL
 * escapes are content, checked when the string is read, so that the
 * reader can name the field. On success *i is past the closing quote, on
 * failure at the offending byte. */
static int scan_string(const char *js, size_t len, size_t *i)
{
    size_t p = *i + 1;
    while (p < len && js[p] != '"') {
        unsigned char c = (unsigned char)js[p];
        if (c < 0x20) {
            *i = p;
            return -1;
        }
        if (c != '\\') {
            p++;
            continue;
        }
        if (len - p < 2) {
            *i = p;
            return -1;
        }
        switch (js[p + 1]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p += 2;
            break;
        case 'u': {
            uint32_t v;
            if (len - p < 6 || hex4((const unsigned char *)js, p + 2, &v) != 0) {
                *i = p;
                return -1;
            }
            p += 6;
            break;
        }
        default:
            *i = p;
            return -1;
        }
    }
    if (p >= len) {
        *i = len;
        return -1;
    }
    *i = p + 1;
    return 0;
}

/* Number per RFC 8259 section 6, starting at js[*i]. */
static int scan_number(const char *js, size_t len, size_t *i)
{
    size_t p = *i;
    if (p < len && js[p] == '-') {
        p++;
    }
    if (p < len && js[p] == '0') {
        p++;
    } else if (p < len && js[p] >= '1' && js[p] <= '9') {
        while (p < len && is_digit(js[p])) {
            p++;
        }
    } else {
        *i = p;
        return -1;
    }
    if (p < len && js[p] == '.') {
        p++;
        if (p >= len || !is_digit(js[p])) {
            *i = p;
            return -1;
        }
        while (p < len && is_digit(js[p])) {
            p++;
        }
    }
    if (p < len && (js[p] == 'e' || js[p] == 'E')) {
        p++;
        if (p < len && (js[p] == '+' || js[p] == '-')) {
            p++;
        }
        if (p >= len || !is_digit(js[p])) {
            *i = p;
            return -1;
        }
        while (p < len && is_digit(js[p])) {
            p++;
        }
    }
    *i = p;
    return 0;
}

static int scan_literal(const char *js, size_t len, size_t *i)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        size_t n = strlen(words[w]);
        if (len - *i >= n && memcmp(js + *i, words[w], n) == 0) {
            *i += n;
            return 0;
        }
    }
    return -1;
}

enum vstate { V_VALUE, V_VALUE_OR_CLOSE, V_KEY, V_KEY_OR_CLOSE, V_AFTER };

int json_tok_validate(const char *js, size_t len, size_t *err_off)
{
    uint32_t objects = 0; /* bit d: the container at depth d is an object */
    unsigned depth = 0;
    size_t i = 0;
    enum vstate st = V_VALUE;
    int err = APP_ERR_INVAL;

    if (js == NULL) {
        goto fail;
    }
    for (;;) {
        char c;
        i = skip_ws(js, len, i);
        if (st == V_AFTER) {
            if (depth == 0) {
                if (i == len) {
                    return APP_OK;
                }
                goto fail; /* a second top-level value or garbage */
            }
            if (i == len) {
                goto fail;
            }
            c = js[i];
            int in_obj = (int)((objects >> (depth - 1)) & 1u);
            if (c == ',') {
                i++;
                st = in_obj ? V_KEY : V_VALUE;
            } else if (c == (in_obj ? '}' : ']')) {
                i++;
                depth--;
                objects &= ~(1u << depth);
            } else {
                goto fail;
            }
            continue;
        }
        if (i == len) {
            goto fail;
        }
        c = js[i];
        if (st == V_KEY || st == V_KEY_OR_CLOSE) {
            if (st == V_KEY_OR_CLOSE && c == '}') {
                i++;
                depth--;
                objects &= ~(1u << depth);
                st = V_AFTER;
                continue;
            }
            if (c != '"' || scan_string(js, len, &i) != 0) {
                goto fail;
            }
            i = skip_ws(js, len, i);
            if (i == len || js[i] != ':') {
                goto fail;
            }
            i++;
            st = V_VALUE;
            continue;
        }
        if (st == V_VALUE_OR_CLOSE && c == ']') {
            i++;
            depth--;
            st = V_AFTER;
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth == JSON_TOK_MAX_DEPTH) {
                err = APP_ERR_NOMEM;
                goto fail;
            }
            if (c == '{') {
                objects |= 1u << depth;
            }
            depth++;
            i++;
            st = (c == '{') ? V_KEY_OR_CLOSE : V_VALUE_OR_CLOSE;
            continue;
        }
        if (c == '"') {
            if (scan_string(js, len, &i) != 0) {
                goto fail;
            }
        } else if (c == '-' || is_digit(c)) {
            if (scan_number(js, len, &i) != 0) {
                goto fail;
            }
        } else if (scan_literal(js, len, &i) != 0) {
            goto fail;
        }
        st = V_AFTER;
    }
fail:
    if (err_off != NULL) {
        *err_off = i;
    }
    return err;
}

/* ---- tokens ------------------------------------------------------------ */

int json_tok_parse(const char *js, size_t len, jsmntok_t *toks, unsigned cap, int *count,
                   size_t *err_off)
{
    if (toks == NULL || count == NULL || len > (size_t)INT_MAX) {
        if (err_off != NULL) {
            *err_off = 0;
        }
        return APP_ERR_INVAL;
    }
    int rc = json_tok_validate(js, len, err_off);
    if (rc != APP_OK) {
        return rc;
    }
    if (err_off != NULL) {
        *err_off = 0;
    }
    jsmn_parser p;
    jsmn_init(&p);
    int r = jsmn_parse(&p, js, len, toks, cap);
    if (r == JSMN_ERROR_NOMEM) {
        return APP_ERR_NOMEM;
    }
    /* The text was validated, so anything else would be a jsmn defect;
     * still an error, never trusted. */
    if (r < 1 || json_tok_skip(toks, r, 0) != r) {
        return APP_ERR_INVAL;
    }
    *count = r;
    return APP_OK;
}

int json_tok_skip(const jsmntok_t *toks, int count, int i)
{
    if (toks == NULL || i < 0 || i >= count) {
        return APP_ERR_INVAL;
    }
    /* Values still to pass: each token replaces itself by its children
     * (an object's children are its keys, a key's child its value). */
    int64_t pending = 1;
    while (pending > 0) {
        if (i >= count || toks[i].size < 0 || toks[i].size > count) {
            return APP_ERR_INVAL;
        }
        pending += (int64_t)toks[i].size - 1;
        i++;
    }
    return i;
}

/* Does string t unescape to lit, or (sep a code point) hold lit as one of
 * its sep-separated words? Decoded first, then split: an escaped
 * separator separates. o counts the bytes of lit the word matched so far,
 * n + 1 once it differs. */
static bool str_match(const char *js, const jsmntok_t *t, const char *lit, size_t n, uint32_t sep)
{
    size_t i;
    size_t e;
    size_t o = 0;
    if (lit == NULL || str_bounds(js, t, &i, &e) != 0) {
        return false;
    }
    while (i < e) {
        uint32_t cp;
        unsigned char enc[4];
        if (dec_next(js, e, &i, &cp) != DEC_OK) {
            return false;
        }
        if (cp == sep) {
            if (o == n) {
                return true;
            }
            o = 0;
            continue;
        }
        size_t k = utf8_put(cp, enc);
        o = o > n || n - o < k || memcmp(lit + o, enc, k) != 0 ? n + 1u : o + k;
    }
    return o == n;
}

bool json_tok_eq(const char *js, const jsmntok_t *t, const char *lit, size_t n)
{
    return str_match(js, t, lit, n, UINT32_MAX);
}

bool json_tok_has_word(const char *js, const jsmntok_t *t, const char *lit, size_t n)
{
    return str_match(js, t, lit, n, ' ');
}

int json_tok_find(const char *js, const jsmntok_t *toks, int count, int obj, const char *key,
                  size_t key_len)
{
    if (js == NULL || toks == NULL || obj < 0 || obj >= count || toks[obj].type != JSMN_OBJECT) {
        return APP_ERR_INVAL;
    }
    int k = obj + 1;
    for (int m = 0; m < toks[obj].size; m++) {
        if (k >= count || toks[k].type != JSMN_STRING || toks[k].size != 1) {
            return APP_ERR_INVAL;
        }
        if (json_tok_eq(js, &toks[k], key, key_len)) {
            return k + 1;
        }
        k = json_tok_skip(toks, count, k);
        if (k < 0) {
            return k;
        }
    }
    return APP_ERR_NOTFOUND;
}

/* 1 equal, 0 different, -1 a side does not decode. */
static int str_same(const char *js, const jsmntok_t *a, const jsmntok_t *b)
{
    size_t ia;
    size_t ea;
    size_t ib;
    size_t eb;
    if (str_bounds(js, a, &ia, &ea) != 0 || str_bounds(js, b, &ib, &eb) != 0) {
        return -1;
    }
    /* Compare decoded code points, so "a" equals "\u0061". */
    while (ia < ea && ib < eb) {
        uint32_t ca;
        uint32_t cb;
        if (dec_next(js, ea, &ia, &ca) != DEC_OK || dec_next(js, eb, &ib, &cb) != DEC_OK) {
            return -1;
        }
        if (ca != cb) {
            return 0;
        }
    }
    return (ia >= ea && ib >= eb) ? 1 : 0;
}

int json_tok_check_unique(const char *js, const jsmntok_t *toks, int count, int obj, int *dup)
{
    if (js == NULL || toks == NULL || obj < 0 || obj >= count || toks[obj].type != JSMN_OBJECT) {
        return APP_ERR_INVAL;
    }
    int k = obj + 1;
    for (int m = 0; m < toks[obj].size; m++) {
        if (k >= count || toks[k].type != JSMN_STRING || toks[k].size != 1 ||
            json_tok_string_problem(js, &toks[k]) != NULL) {
            return APP_ERR_INVAL;
        }
        int prev = obj + 1;
        for (int q = 0; q < m; q++) {
            int same = str_same(js, &toks[prev], &toks[k]);
            if (same != 0) {
                if (same > 0 && dup != NULL) {
                    *dup = k;
                }
                return APP_ERR_INVAL;
            }
            prev = json_tok_skip(toks, count, prev);
            if (prev < 0) {
                return prev;
            }
        }
        k = json_tok_skip(toks, count, k);
        if (k < 0) {
            return k;
        }
    }
    return APP_OK;
}

/* ---- values ------------------------------------------------------------ */

int json_tok_string(const char *js, const jsmntok_t *t, char *buf, size_t cap)
{
    size_t i;
    size_t e;
    size_t o = 0;
    int over = 0;

    if (buf == NULL && cap > 0) {
        return APP_ERR_INVAL;
    }
    if (cap > 0) {
        buf[0] = '\0';
    }
    if (str_bounds(js, t, &i, &e) != 0) {
        return APP_ERR_INVAL;
    }
    while (i < e) {
        uint32_t cp;
        unsigned char enc[4];
        if (dec_next(js, e, &i, &cp) != DEC_OK || cp == 0) {
            if (cap > 0) {
                buf[0] = '\0';
            }
            return APP_ERR_INVAL;
        }
        size_t k = utf8_put(cp, enc);
        /* Keep decoding after an overflow: invalid content wins. */
        if (!over && cap - o > k) {
            memcpy(buf + o, enc, k);
            o += k;
        } else {
            over = 1;
        }
    }
    if (over || cap == 0) {
        if (cap > 0) {
            buf[o] = '\0';
        }
        return APP_ERR_OVERFLOW;
    }
    buf[o] = '\0';
    if (o > (size_t)INT_MAX) {
        return APP_ERR_OVERFLOW;
    }
    return (int)o;
}

const char *json_tok_string_problem(const char *js, const jsmntok_t *t)
{
    size_t i;
    size_t e;
    if (str_bounds(js, t, &i, &e) != 0) {
        return "not a string";
    }
    while (i < e) {
        uint32_t cp;
        switch (dec_next(js, e, &i, &cp)) {
        case DEC_OK:
            if (cp == 0) {
                return "NUL character (\\u0000)";
            }
            break;
        case DEC_CTRL: return "raw control byte (< 0x20)";
        case DEC_ESC: return "invalid escape";
        case DEC_SURR: return "lone surrogate in \\u escape";
        case DEC_UTF8: return "invalid UTF-8";
        default: return "undecodable";
        }
    }
    return NULL;
}

int json_tok_int64(const char *js, const jsmntok_t *t, int64_t *out)
{
    return json_tok_int64_round(js, t, 0, out);
}

int json_tok_int64_round(const char *js, const jsmntok_t *t, int dir, int64_t *out)
{
    if (js == NULL || t == NULL || out == NULL || t->type != JSMN_PRIMITIVE) {
        return APP_ERR_INVAL;
    }
    size_t p = (size_t)t->start;
    size_t e = (size_t)t->end;
    size_t k = p;
    /* One whole number (RFC 8259 6; this also refuses a start past the
     * end), so below only digits, one '.' and an exponent remain. */
    if (scan_number(js, e, &k) != 0 || k != e) {
        return APP_ERR_INVAL;
    }
    bool neg = js[p] == '-';
    p += neg;
    /* point: mantissa digits before the decimal point, then moved by the
     * exponent (clamped where any non-zero mantissa overflows); me: the
     * mantissa's end. */
    int32_t point = 0;
    bool dot = false;
    size_t me = p;
    for (; me < e && (js[me] | 0x20) != 'e'; me++) {
        dot |= js[me] == '.';
        point += !dot;
    }
    if (dir == 0 && (size_t)point != e - p) {
        return APP_ERR_INVAL; /* a fraction or exponent: not all digits */
    }
    int32_t ex = 0;
    for (k = me + 1u; k < e; k++) {
        if (is_digit(js[k]) && ex < 100000) {
            ex = ex * 10 + (js[k] - '0');
        }
    }
    point += me + 1u < e && js[me + 1u] == '-' ? -ex : ex;
    /* Digits before the point make the magnitude, with zeros past the
     * mantissa's end; after it, only whether one is non-zero counts. */
    uint64_t mag = 0;
    bool frac = false;
    for (k = p; k < me || (point > 0 && mag != 0u); k++) {
        unsigned v = k < me ? (unsigned)(js[k] - '0') : 0u;
        if (v > 9u) {
            continue; /* the '.' */
        }
        if (point-- <= 0) {
            frac |= v != 0u;
        } else if (mag > (uint64_t)INT64_MAX / 10u) {
            return APP_ERR_OVERFLOW; /* the check below catches the rest */
        } else {
            mag = mag * 10u + v;
        }
    }
    /* Floor of a positive or ceiling of a negative value drops the
     * fraction; the other two add one to the magnitude. */
    uint64_t up = frac && (dir > 0) != neg;
    if (mag > (uint64_t)INT64_MAX + neg - up) {
        return APP_ERR_OVERFLOW;
    }
    mag += up;
    *out = neg ? (int64_t)(0u - mag) : (int64_t)mag;
    return APP_OK;
}

static int prim_is(const char *js, const jsmntok_t *t, const char *word)
{
    size_t n = strlen(word);
    return js != NULL && t != NULL && t->type == JSMN_PRIMITIVE && t->start >= 0 &&
           t->end >= t->start && (size_t)(t->end - t->start) == n &&
           memcmp(js + t->start, word, n) == 0;
}

int json_tok_bool(const char *js, const jsmntok_t *t, bool *out)
{
    if (out == NULL) {
        return APP_ERR_INVAL;
    }
    if (prim_is(js, t, "true")) {
        *out = true;
        return APP_OK;
    }
    if (prim_is(js, t, "false")) {
        *out = false;
        return APP_OK;
    }
    return APP_ERR_INVAL;
}

bool json_tok_is_null(const char *js, const jsmntok_t *t)
{
    return prim_is(js, t, "null") != 0;
}
