/* JSON writer. Speed comes from doing per-string work in bulk: a string is
 * validated and its escaped length computed in one scan that tests a whole
 * machine word of ASCII at a time, then it is copied with one memcpy when
 * nothing needs escaping, straight into the window when it fits there.
 * Only a string that straddles the window edge goes the slow way. */
#include "json.h"

#include <limits.h>
#include <string.h>

#include "app_err.h"
#include "datetime.h"
#include "utf8.h"
#include "wordscan.h"


/* Byte classes inside a string (RFC 8259 section 7, RFC 3629 section 4).
 * Values below ESC_MIN are copied as they are (the UTF-8 classes after
 * validation); values from ESC_MIN up are the letter after the backslash,
 * 'u' meaning \u00xx. */
enum {
    C_OK = 0,  /* printable ASCII except '"' and '\\', and 0x7F */
    C_U2 = 1,  /* C2..DF: lead of a 2-byte sequence */
    C_U3 = 2,  /* E0..EF: lead of a 3-byte sequence */
    C_U4 = 3,  /* F0..F4: lead of a 4-byte sequence */
    C_BAD = 4, /* 80..BF as a lead, C0, C1 (always overlong), F5..FF */
    ESC_MIN = '"'
};

#define UU 'u'
#define XX C_BAD
static const uint8_t s_class[256] = {
    /* 0x00 */ UU, UU, UU, UU, UU, UU, UU, UU, 'b', 't', 'n', UU, 'f', 'r', UU, UU,
    /* 0x10 */ UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU, UU,
    /* 0x20 */ 0, 0, '"', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x30 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x40 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x50 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '\\', 0, 0, 0,
    /* 0x60 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x70 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x80 */ XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    /* 0x90 */ XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    /* 0xA0 */ XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    /* 0xB0 */ XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    /* 0xC0 */ XX, XX, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0xD0 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0xE0 */ 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    /* 0xF0 */ 3, 3, 3, 3, 3, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
};
#undef UU
#undef XX

#define JSON_INVALID_LEN ((size_t)-1)

/* Non-zero when x holds a byte < 0x20, '"' or '\\'. */
static inline size_t word_has_esc(size_t x)
{
    return wordscan_less(x, 0x20u) | wordscan_byte(x, '"') | wordscan_byte(x, '\\');
}

/* Length of the leading run that is plain ASCII (class C_OK). Whole words
 * first; the last partial word is tested as the (overlapping) final word
 * of the string, whose earlier bytes are already known to be plain. */
static size_t scan_plain(const unsigned char *s, size_t n)
{
    size_t i = 0;
    size_t x;
    for (; n - i >= sizeof x; i += sizeof x) {
        x = wordscan_load(s + i);
        if (word_has_esc(x) | (x & WORDSCAN_HIGHS)) {
            goto bytes;
        }
    }
    if (i < n && n >= sizeof x) {
        x = wordscan_load(s + n - sizeof x);
        if ((word_has_esc(x) | (x & WORDSCAN_HIGHS)) == 0u) {
            return n;
        }
    }
bytes:
    while (i < n && s_class[s[i]] == C_OK) {
        i++;
    }
    return i;
}

/* Length of the leading run that needs no escaping (UTF-8 included);
 * same scheme as scan_plain(). */
static size_t scan_noesc(const unsigned char *s, size_t n)
{
    size_t i = 0;
    size_t x;
    for (; n - i >= sizeof x; i += sizeof x) {
        x = wordscan_load(s + i);
        if (word_has_esc(x)) {
            goto bytes;
        }
    }
    if (i < n && n >= sizeof x) {
        x = wordscan_load(s + n - sizeof x);
        if ((word_has_esc(x)) == 0u) {
            return n;
        }
    }
bytes:
    while (i < n && s_class[s[i]] < ESC_MIN) {
        i++;
    }
    return i;
}

/* Escaped length of s (quotes not included), or JSON_INVALID_LEN when s is
 * not valid UTF-8. */
static size_t escaped_len(const unsigned char *s, size_t n)
{
    size_t extra = 0;
    size_t i = 0;

    for (;;) {
        i += scan_plain(s + i, n - i);
        if (i >= n) {
            return n + extra;
        }
        unsigned k = s_class[s[i]];
        if (k >= ESC_MIN) {
            extra += k == 'u' ? 5u : 1u;
            i++;
        } else {
            size_t m = utf8_seq(s + i, n - i, NULL);
            if (m == 0u) {
                return JSON_INVALID_LEN;
            }
            i += m;
        }
    }
}

/* Write the escaped form of (already validated) s to d; returns its length. */
static size_t escape_into(char *d, const unsigned char *s, size_t n)
{
    static const char s_hex[16] = "0123456789abcdef";
    char *d0 = d;
    size_t run = 0;
    size_t i = 0;

    for (;;) {
        i += scan_noesc(s + i, n - i);
        if (i >= n) {
            break;
        }
        unsigned c = s[i];
        unsigned k = s_class[c];
        memcpy(d, s + run, i - run);
        d += i - run;
        *d++ = '\\';
        *d++ = (char)k;
        if (k == 'u') {
            *d++ = '0';
            *d++ = '0';
            *d++ = s_hex[c >> 4];
            *d++ = s_hex[c & 0xFu];
        }
        run = ++i;
    }
    memcpy(d, s + run, n - run);
    d += n - run;
    return (size_t)(d - d0);
}

size_t json_escaped_len(const char *s, size_t n)
{
    if (s == NULL) {
        return n == 0u ? 0u : JSON_LEN_INVALID;
    }
    return escaped_len((const unsigned char *)s, n);
}

size_t json_escape_window(char *d, size_t cap, const char *s, size_t n, size_t skip)
{
    static const char s_hex[16] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    size_t out = 0; /* escaped bytes before u[i] */
    size_t w = 0;   /* bytes written to d */
    size_t i = 0;
    while (i < n && w < cap) {
        size_t run = scan_noesc(u + i, n - i);
        if (run > 0u) {
            /* The part of [out, out + run) inside [skip + w, skip + cap). */
            size_t at = skip + w;
            if (out + run > at) {
                size_t from = at > out ? at - out : 0u;
                size_t k = run - from < cap - w ? run - from : cap - w;
                memcpy(d + w, u + i + from, k);
                w += k;
            }
            out += run;
            i += run;
            continue;
        }
        unsigned c = u[i++];
        unsigned k = s_class[c];
        char e[6] = {'\\', (char)k, '0', '0', s_hex[c >> 4], s_hex[c & 0xFu]};
        size_t en = k == 'u' ? 6u : 2u;
        for (size_t j = 0; j < en && w < cap; j++, out++) {
            if (out >= skip + w) {
                d[w++] = e[j];
            }
        }
    }
    return w;
}

/* ---- output window ---------------------------------------------------- */

/* Count n bytes that lie outside the window [skip, skip + cap). */
static void advance(struct json_out *o, size_t n)
{
    o->pos += n;
    if (o->pos > o->skip + o->cap && o->err == APP_OK) {
        o->err = APP_ERR_OVERFLOW;
    }
}

/* Where the n bytes at pos go when all of them fall inside the window,
 * else NULL. In count mode cap is 0 and off never is, so buf (NULL) is
 * never returned. */
static inline char *window_slot(const struct json_out *o, size_t n)
{
    size_t off = o->pos - o->skip; /* wraps to a huge value before the window */
    if (off <= o->cap && n <= o->cap - off) {
        return o->buf + off;
    }
    return NULL;
}

/* True when none of the n bytes at pos fall inside the window. */
static inline bool window_misses(const struct json_out *o, size_t n)
{
    return o->pos + n <= o->skip || o->pos >= o->skip + o->cap;
}

static void put_slow(struct json_out *o, const char *p, size_t n)
{
    size_t pos = o->pos;
    size_t end = o->skip + o->cap; /* cannot wrap, see json_init_window() */

    if (pos < end) {
        /* Store the part of [pos, pos + n) that lies in [skip, end). */
        size_t a = pos > o->skip ? pos : o->skip;
        size_t b = n < end - pos ? pos + n : end;
        if (a < b) {
            memcpy(o->buf + (a - o->skip), p + (a - pos), b - a);
        }
    }
    advance(o, n);
}

static inline void put(struct json_out *o, const char *p, size_t n)
{
    char *d = window_slot(o, n);
    if (d != NULL) {
        memcpy(d, p, n);
        o->pos += n;
    } else {
        put_slow(o, p, n);
    }
}

/* Emit [','] '"' escaped(s) '"' [':'] with the escaped length L known. */
static void put_quoted(struct json_out *o, bool comma, const unsigned char *s, size_t n,
                       size_t L, bool colon)
{
    size_t need = (size_t)comma + 1u + L + 1u + (size_t)colon;
    char *d = window_slot(o, need);

    if (d != NULL) {
        if (comma) {
            *d++ = ',';
        }
        *d++ = '"';
        if (L == n) {
            memcpy(d, s, n);
        } else {
            escape_into(d, s, n);
        }
        d += L;
        *d++ = '"';
        if (colon) {
            *d = ':';
        }
        o->pos += need;
        return;
    }
    if (window_misses(o, need)) {
        advance(o, need);
        return;
    }
    /* Straddles a window edge: escape in chunks through put(). A chunk
     * boundary may split a UTF-8 sequence, which escaping (byte-wise after
     * validation) does not mind. */
    put(o, comma ? ",\"" : "\"", comma ? 2u : 1u);
    if (L == n) {
        put(o, (const char *)s, n);
    } else {
        char tmp[16u * 6u];
        for (size_t i = 0; i < n;) {
            size_t c = n - i < 16u ? n - i : 16u;
            put(o, tmp, escape_into(tmp, s + i, c));
            i += c;
        }
    }
    put(o, colon ? "\":" : "\"", colon ? 2u : 1u);
}

/* ---- structure ---------------------------------------------------------- */

/* INVAL is final and replaces OVERFLOW (which only says the window is
 * full), so json_more() can tell the two apart. */
static void fail(struct json_out *o)
{
    o->err = APP_ERR_INVAL;
}

/* Bookkeeping before a value. Returns 1 when a comma is due, 0 when not,
 * -1 (and APP_ERR_INVAL set) when no value may go here. */
static int value_begin(struct json_out *o)
{
    uint32_t bit = 1u << o->depth;

    if (o->after_key) {
        o->after_key = 0;
        return 0;
    }
    /* In an object a key must come first; at top level a document holds
     * one value (RFC 8259 section 2). */
    if ((o->in_obj & bit) != 0u || (o->depth == 0u && (o->need_comma & 1u) != 0u)) {
        fail(o);
        return -1;
    }
    int comma = (o->need_comma & bit) != 0u;
    o->need_comma |= bit;
    return comma;
}

static void container_begin(struct json_out *o, bool obj)
{
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    if (o->depth >= JSON_MAX_DEPTH) {
        fail(o);
        return;
    }
    int comma = value_begin(o);
    if (comma < 0) {
        return;
    }
    o->depth++;
    uint32_t bit = 1u << o->depth;
    o->need_comma &= ~bit;
    if (obj) {
        o->in_obj |= bit;
    } else {
        o->in_obj &= ~bit;
    }
    static const char s_open[2][2] = {{',', '['}, {',', '{'}};
    put(o, s_open[obj] + (comma ? 0 : 1), comma ? 2u : 1u);
}

static void container_end(struct json_out *o, bool obj)
{
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    uint32_t bit = 1u << o->depth;
    if (o->depth == 0u || ((o->in_obj & bit) != 0u) != obj || o->after_key) {
        fail(o);
        return;
    }
    o->depth--;
    put(o, obj ? "}" : "]", 1u);
}

/* ---- public API --------------------------------------------------------- */

void json_init_window(struct json_out *o, char *buf, size_t cap, size_t skip)
{
    if (cap > (size_t)-1 - skip) {
        cap = (size_t)-1 - skip; /* keep skip + cap from wrapping */
    }
    o->buf = buf;
    o->cap = buf != NULL ? cap : 0u;
    o->skip = skip;
    o->pos = 0;
    o->err = APP_OK;
    o->depth = 0;
    o->after_key = 0;
    o->need_comma = 0;
    o->in_obj = 0;
}

void json_init(struct json_out *o, char *buf, size_t cap)
{
    json_init_window(o, buf, cap, 0u);
}

void json_init_count(struct json_out *o)
{
    /* A window that starts at the end of the address space: every byte
     * is counted before it, none stored, none past it. */
    json_init_window(o, NULL, 0u, (size_t)-1);
}

void json_raw(struct json_out *o, const char *p, size_t n)
{
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    if (p == NULL && n != 0u) {
        fail(o);
        return;
    }
    if (n != 0u) {
        put(o, p, n);
    }
}

void json_raw_str(struct json_out *o, const char *s)
{
    if (s == NULL) {
        if (o->err != APP_ERR_INVAL) {
            fail(o);
        }
        return;
    }
    json_raw(o, s, strlen(s));
}

/* Decimal digits of v, written backwards ending at end; returns the first.
 * 32-bit steps where possible: a 64-bit division is a library call on
 * Cortex-M3, so at most two of them run per number. */
char *json_u64_digits(char *end, uint64_t v)
{
    char *p = end;
    while (v > UINT32_MAX) {
        uint64_t q = v / 1000000000u;
        uint32_t r = (uint32_t)(v - q * 1000000000u);
        for (int i = 0; i < 9; i++) {
            *--p = (char)('0' + r % 10u);
            r /= 10u;
        }
        v = q;
    }
    uint32_t w = (uint32_t)v;
    do {
        *--p = (char)('0' + w % 10u);
        w /= 10u;
    } while (w != 0u);
    return p;
}

void json_raw_u64(struct json_out *o, uint64_t v)
{
    char tmp[20];
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    char *p = json_u64_digits(tmp + sizeof tmp, v);
    put(o, p, (size_t)(tmp + sizeof tmp - p));
}

void json_obj_begin(struct json_out *o)
{
    container_begin(o, true);
}

void json_arr_begin(struct json_out *o)
{
    container_begin(o, false);
}

void json_obj_end(struct json_out *o)
{
    container_end(o, true);
}

void json_arr_end(struct json_out *o)
{
    container_end(o, false);
}

void json_keyn(struct json_out *o, const char *k, size_t n)
{
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    if (n == 0u) {
        k = ""; /* NULL allowed for the empty key; keeps NULL from memcpy */
    }
    uint32_t bit = 1u << o->depth;
    size_t L = k != NULL ? escaped_len((const unsigned char *)k, n) : JSON_INVALID_LEN;
    if ((o->in_obj & bit) == 0u || o->after_key || L == JSON_INVALID_LEN) {
        fail(o); /* in_obj bit 0 is never set: no key at top level */
        return;
    }
    bool comma = (o->need_comma & bit) != 0u;
    o->need_comma |= bit;
    o->after_key = 1;
    put_quoted(o, comma, (const unsigned char *)k, n, L, true);
}

void json_key(struct json_out *o, const char *k)
{
    json_keyn(o, k, k != NULL ? strlen(k) : 1u);
}

void json_strn(struct json_out *o, const char *s, size_t n)
{
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    if (n == 0u) {
        s = "";
    }
    size_t L = s != NULL ? escaped_len((const unsigned char *)s, n) : JSON_INVALID_LEN;
    if (L == JSON_INVALID_LEN) {
        fail(o);
        return;
    }
    int comma = value_begin(o);
    if (comma >= 0) {
        put_quoted(o, comma != 0, (const unsigned char *)s, n, L, false);
    }
}

void json_str(struct json_out *o, const char *s)
{
    json_strn(o, s, s != NULL ? strlen(s) : 1u);
}

/* Emit a value whose text sits in tmp at [p, end), with a spare byte
 * before p for the comma. */
static void put_scalar(struct json_out *o, char *p, const char *end)
{
    int comma = value_begin(o);
    if (comma < 0) {
        return;
    }
    if (comma) {
        *--p = ',';
    }
    put(o, p, (size_t)(end - p));
}

void json_i64(struct json_out *o, int64_t v)
{
    char tmp[1 + 1 + 20]; /* comma, sign, digits */
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    /* Negate in unsigned arithmetic: -INT64_MIN does not fit an int64_t. */
    uint64_t mag = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    char *p = json_u64_digits(tmp + sizeof tmp, mag);
    if (v < 0) {
        *--p = '-';
    }
    put_scalar(o, p, tmp + sizeof tmp);
}

void json_bool(struct json_out *o, bool v)
{
    char tmp[6] = {',', 'f', 'a', 'l', 's', 'e'};
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    if (v) {
        memcpy(tmp + 2, "true", 4u);
    }
    put_scalar(o, tmp + (v ? 2 : 1), tmp + sizeof tmp);
}

void json_null(struct json_out *o)
{
    char tmp[5] = {',', 'n', 'u', 'l', 'l'};
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    put_scalar(o, tmp + 1, tmp + sizeof tmp);
}

void json_time_ms(struct json_out *o, int64_t unix_ms)
{
    /* ',' '"' 24 characters '"'; datetime writes its NUL where the
     * closing quote goes. */
    char tmp[2u + DATETIME_ISO8601_MS_LEN + 1u];
    if (o->err == APP_ERR_INVAL) {
        return;
    }
    if (datetime_iso8601(unix_ms, tmp + 2, sizeof tmp - 2u, 1) < 0) {
        fail(o);
        return;
    }
    tmp[1] = '"';
    tmp[sizeof tmp - 1u] = '"';
    put_scalar(o, tmp + 1, tmp + sizeof tmp);
}

int json_result(const struct json_out *o)
{
    if (o->err == APP_ERR_INVAL || o->depth != 0u || o->after_key) {
        return APP_ERR_INVAL;
    }
    if (o->err != APP_OK) {
        return o->err;
    }
    size_t stored = o->pos > o->skip ? o->pos - o->skip : 0u; /* <= cap without overflow */
    return stored > (size_t)INT_MAX ? INT_MAX : (int)stored;
}

size_t json_total(const struct json_out *o)
{
    return o->pos;
}

bool json_more(const struct json_out *o)
{
    return json_result(o) == APP_ERR_OVERFLOW;
}
