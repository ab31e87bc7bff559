/* OData system query options of the upload-session routes (see odata.h). */
#include "odata.h"

#include <string.h>

#include "app_err.h"
#include "pct.h"
#include "wordscan.h"

/* Longest option name or value we decode; a longer one is no option or
 * expression we serve. */
#define NAME_MAX_ 32u
#define VALUE_MAX 256u

/* pct_decode() as a length, -1 for a bad escape or byte, -2 when it does
 * not fit. */
static int decode(const char *in, size_t n, char *out, size_t cap, bool plus)
{
    size_t o = 0;
    int rc = pct_decode(in, n, out, cap, plus, &o);
    return rc == APP_OK ? (int)o : rc == APP_ERR_OVERFLOW ? -2 : -1;
}

static bool eq(const char *s, size_t n, const char *lit)
{
    size_t ln = strlen(lit);
    return n == ln && wordscan_caseeq(s, lit, n);
}

/* The system options of OData 4.01 Part 2 5.1 (matched with or without
 * '$', case-insensitively), in the order of enum opt. */
static const char *const k_system[] = {
    "top", "skip", "filter", "orderby", "count", "expand", "select", "search", "format",
    "compute", "skiptoken", "deltatoken", "apply", "levels", "index", "schemaversion", "id",
};
enum opt { O_TOP, O_SKIP, O_FILTER, O_ORDERBY, O_COUNT, O_EXPAND, O_OTHER };

/* A decimal 0..65535, nothing else. */
static bool number(const char *s, size_t n, uint16_t *v)
{
    uint32_t x = 0;
    if (n == 0u || n > 5u) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        x = x * 10u + (uint32_t)(s[i] - '0');
    }
    if (x > UINT16_MAX) {
        return false;
    }
    *v = (uint16_t)x;
    return true;
}

/* The next word of an expression: a run of non-spaces, or a quoted
 * string ('' inside stands for one ', OData ABNF SQUOTE-in-string),
 * decoded into str when str is not NULL. */
struct lex {
    const char *p;
    const char *end;
};

static bool word(struct lex *lx, const char **w, size_t *wn)
{
    while (lx->p < lx->end && *lx->p == ' ') {
        lx->p++;
    }
    const char *s = lx->p;
    while (lx->p < lx->end && *lx->p != ' ') {
        lx->p++;
    }
    *w = s;
    *wn = (size_t)(lx->p - s);
    return *wn > 0u;
}

static bool quoted(struct lex *lx, char *out, size_t cap, size_t *on)
{
    while (lx->p < lx->end && *lx->p == ' ') {
        lx->p++;
    }
    if (lx->p >= lx->end || *lx->p != '\'') {
        return false;
    }
    size_t o = 0;
    for (lx->p++; lx->p < lx->end; lx->p++) {
        if (*lx->p == '\'') {
            if (lx->p + 1 < lx->end && lx->p[1] == '\'') {
                lx->p++;
            } else {
                lx->p++;
                *on = o;
                /* A string ends a word: "'a'and" is no expression. */
                return lx->p == lx->end || *lx->p == ' ';
            }
        }
        if (o >= cap) {
            return false;
        }
        out[o++] = *lx->p;
    }
    return false; /* unterminated */
}

/* status eq '...' / referenceId eq '...' [and ...]: the contract's two
 * properties, either spelling of a status (beta 'Active', v1.0 'active'). */
static bool filter(const char *v, size_t n, struct odata_query *q)
{
    static const char *const k_status[] = {"active", "complete", "expired"};
    struct lex lx = {v, v + n};
    const char *w;
    size_t wn;
    for (;;) {
        char s[APP_ID_MAX];
        size_t sn = 0;
        const char *prop;
        size_t pn;
        if (!word(&lx, &prop, &pn) || !word(&lx, &w, &wn) || !eq(w, wn, "eq") ||
            !quoted(&lx, s, sizeof(s), &sn)) {
            return false;
        }
        if (eq(prop, pn, "status")) {
            unsigned bit = 0;
            for (unsigned i = 0; i < 3u; i++) {
                if (eq(s, sn, k_status[i])) {
                    bit = 1u << i;
                }
            }
            if (bit == 0u) {
                return false;
            }
            q->status_mask &= (uint8_t)bit;
        } else if (eq(prop, pn, "referenceId")) {
            if (sn == 0u) {
                return false;
            }
            if (q->has_ref && (sn != q->ref_n || memcmp(s, q->ref, sn) != 0)) {
                q->none = true;
            }
            memcpy(q->ref, s, sn);
            q->ref_n = (uint8_t)sn;
            q->has_ref = true;
        } else {
            return false;
        }
        if (!word(&lx, &w, &wn)) {
            return true;
        }
        if (!eq(w, wn, "and")) {
            return false;
        }
    }
}

/* createdDateTime [asc|desc] */
static bool orderby(const char *v, size_t n, struct odata_query *q)
{
    struct lex lx = {v, v + n};
    const char *w;
    size_t wn;
    if (!word(&lx, &w, &wn) || !eq(w, wn, "createdDateTime")) {
        return false;
    }
    if (word(&lx, &w, &wn)) {
        if (eq(w, wn, "desc")) {
            q->desc = true;
        } else if (!eq(w, wn, "asc")) {
            return false;
        }
        return !word(&lx, &w, &wn);
    }
    return true;
}

/* One taken option's value; false: not one we serve. */
static bool value(enum opt o, const char *v, size_t n, struct odata_query *q)
{
    switch (o) {
    case O_TOP:
        return number(v, n, &q->top);
    case O_SKIP:
        return number(v, n, &q->skip);
    case O_FILTER:
        return filter(v, n, q);
    case O_ORDERBY:
        return orderby(v, n, q);
    case O_COUNT:
        if (eq(v, n, "true") || eq(v, n, "false")) {
            q->count = eq(v, n, "true");
            return true;
        }
        return false;
    case O_EXPAND:
        q->expand_files = true;
        return eq(v, n, "files");
    default:
        return false;
    }
}

/* "name" or "name=value" into detail, cut to fit. */
static void set_detail(char *detail, size_t cap, size_t *dn, const char *a, size_t an, const char *b,
                       size_t bn)
{
    size_t o = an < cap ? an : cap;
    memcpy(detail, a, o);
    if (b != NULL && o < cap) {
        detail[o++] = '=';
        size_t k = bn < cap - o ? bn : cap - o;
        memcpy(detail + o, b, k);
        o += k;
    }
    *dn = o;
}

int odata_parse(const char *q, size_t n, unsigned allow, struct odata_query *out,
                enum odata_fail *fail, char *detail, size_t cap, size_t *detail_n)
{
    memset(out, 0, offsetof(struct odata_query, ref));
    out->top = APP_API_PAGE_MAX;
    out->status_mask = ODATA_STATUS_ALL;
    out->skip_at = out->skip_end = (uint16_t)n;
    *fail = ODATA_FAIL_NONE;
    *detail_n = 0;
    unsigned seen = 0;
    for (size_t at = 0; at < n;) {
        const char *s = q + at;
        const char *amp = memchr(s, '&', n - at);
        size_t len = amp != NULL ? (size_t)(amp - s) : n - at;
        const char *eqp = memchr(s, '=', len);
        size_t raw_nn = eqp != NULL ? (size_t)(eqp - s) : len;
        char name[NAME_MAX_];
        char val[VALUE_MAX];
        int nn = decode(s, raw_nn, name, sizeof(name), false);
        size_t next = at + len + (amp != NULL ? 1u : 0u);
        if (nn == -1) {
            *fail = ODATA_FAIL_ENCODING;
            set_detail(detail, cap, detail_n, s, raw_nn, NULL, 0);
            return APP_ERR_INVAL;
        }
        if (nn == -2) {
            if (s[0] == '$') { /* too long to be any option: refused by name */
                *fail = ODATA_FAIL_OPTION;
                set_detail(detail, cap, detail_n, s, raw_nn, NULL, 0);
                return APP_ERR_NOTFOUND;
            }
            at = next;
            continue;
        }
        const char *bare = name;
        size_t bn = nn > 0 ? (size_t)nn : 0u;
        bool dollar = bn > 0u && name[0] == '$';
        if (dollar) {
            bare++;
            bn--;
        }
        size_t o = 0;
        while (nn > 0 && o < sizeof(k_system) / sizeof(k_system[0]) && !eq(bare, bn, k_system[o])) {
            o++;
        }
        bool system = nn > 0 && (dollar || o < sizeof(k_system) / sizeof(k_system[0]));
        if (!system) {
            at = next; /* a custom parameter: ignored (contract) */
            continue;
        }
        enum opt op = o < (size_t)O_OTHER ? (enum opt)o : O_OTHER;
        bool taken = op != O_OTHER && ((allow & ODATA_ALLOW_LIST) != 0u ||
                                       ((allow & ODATA_ALLOW_ENTITY) != 0u && op == O_EXPAND));
        if (!taken || (seen & (1u << op)) != 0u) {
            /* OData 4.01 Part 2 5.1: each system option at most once. */
            *fail = ODATA_FAIL_OPTION;
            set_detail(detail, cap, detail_n, name, (size_t)nn, NULL, 0);
            return APP_ERR_NOTFOUND;
        }
        seen |= 1u << op;
        const char *raw_v = eqp != NULL ? eqp + 1 : s + len;
        size_t raw_vn = (size_t)(s + len - raw_v);
        int vn = decode(raw_v, raw_vn, val, sizeof(val), true);
        if (vn == -1) {
            *fail = ODATA_FAIL_ENCODING;
            set_detail(detail, cap, detail_n, name, (size_t)nn, raw_v, raw_vn);
            return APP_ERR_INVAL;
        }
        if (vn < 0 || !value(op, val, (size_t)vn, out)) {
            *fail = ODATA_FAIL_VALUE;
            set_detail(detail, cap, detail_n, name, (size_t)nn, vn < 0 ? raw_v : val,
                       vn < 0 ? raw_vn : (size_t)vn);
            return APP_ERR_INVAL;
        }
        if (op == O_SKIP) {
            out->skip_at = (uint16_t)at;
            out->skip_end = (uint16_t)(next < n ? next : n);
        }
        at = next;
    }
    if (out->top > APP_API_PAGE_MAX) {
        out->top = APP_API_PAGE_MAX; /* a server may page below $top (OData 4.01 Part 1, 11.2.6.7) */
    }
    return APP_OK;
}
