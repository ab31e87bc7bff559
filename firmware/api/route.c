/* Router for the upload-session paths of both API versions
 * (api-contract.md Part 1 "Routes", Part 2 "Collections"). */
#include "route.h"

#include <string.h>

#include "app_err.h"
#include "pct.h"
#include "utf8.h"
#include "wordscan.h"

/* Longest segment we decode: names are short, ids <= APP_ID_MAX, and a key
 * segment is name + "('" + id + "')". */
#define SEG_MAX (APP_ID_MAX * 3 + 48)

/* What next_seg() saw in a segment's raw bytes. */
#define SEG_PCT 0x01u   /* a '%' escape */
#define SEG_CTL 0x02u   /* a control byte or DEL: never valid */
#define SEG_NONID 0x04u /* a byte outside 0x21..0x7E: not in an id */
#define SEG_END 0x08u   /* '/': ends the segment */

struct seg {
    const char *s;       /* decoded bytes: raw itself, or buf */
    size_t n;
    const char *raw;
    size_t raw_n;
    unsigned flags;      /* SEG_* of the raw bytes */
    char buf[SEG_MAX];
};

/* SEG_* class of each byte. */
static uint8_t seg_class(unsigned char c)
{
    if (c == '/') {
        return SEG_END;
    }
    if (c == '%') {
        return SEG_PCT;
    }
    if (c < 0x20u || c == 0x7Fu) {
        return SEG_CTL | SEG_NONID;
    }
    return (c == 0x20u || c > 0x7Eu) ? SEG_NONID : 0u;
}

/* Case-insensitive compare with a literal made of ASCII letters only (a
 * segment reaches it without control bytes: seg_decode() refuses them). */
static bool name_eq_n(const char *s, size_t n, const char *lit, size_t ln)
{
    return n == ln && wordscan_caseeq(s, lit, n);
}

#define NAME_EQ(s, n, lit) name_eq_n((s), (n), (lit), sizeof(lit) - 1u)

/* Decode a segment. Most carry no escape: they are used in place, with
 * the same answers pct_decode() gives (next_seg() already classified the
 * bytes). */
static int seg_decode(struct seg *sg)
{
    if (sg->flags & SEG_CTL) {
        return APP_ERR_INVAL;
    }
    if (!(sg->flags & SEG_PCT)) {
        if (sg->raw_n > SEG_MAX) {
            return APP_ERR_OVERFLOW;
        }
        sg->s = sg->raw;
        sg->n = sg->raw_n;
        return APP_OK;
    }
    sg->s = sg->buf;
    return pct_decode(sg->raw, sg->raw_n, sg->buf, sizeof(sg->buf), false, &sg->n);
}

/* The detail is echoed in a JSON message: whole UTF-8 characters only
 * (RFC 3629 4), a byte that starts none (a decoded %C0 or %FF) becoming
 * U+FFFD, cut at a character boundary to fit. */
static void set_detail(struct route_result *out, const char *s, size_t n)
{
    size_t o = 0;
    for (size_t k = 0; k < n;) {
        const char *c = s + k;
        size_t q = utf8_seq((const unsigned char *)c, n - k, NULL);
        k += q != 0u ? q : 1u;
        if (q == 0u) {
            c = "\xEF\xBF\xBD";
            q = 3u;
        }
        if (q > sizeof(out->detail) - 1u - o) {
            break;
        }
        memcpy(out->detail + o, c, q);
        o += q;
    }
    out->detail[o] = '\0';
    out->detail_len = o;
}

static int fail(struct route_result *out, enum route_kind kind, const char *s, size_t n)
{
    out->kind = kind;
    set_detail(out, s, n);
    return (kind == ROUTE_BAD_REQUEST || kind == ROUTE_BAD_QUERY_VALUE) ? APP_ERR_INVAL : APP_ERR_NOTFOUND;
}

/* A segment that did not decode: malformed escapes or bytes are a bad
 * request; one merely too long to be any name or id is an unknown segment. */
static int seg_fail(struct route_result *out, const struct seg *sg, int err)
{
    return fail(out, err == APP_ERR_OVERFLOW ? ROUTE_BAD_SEGMENT : ROUTE_BAD_REQUEST, sg->raw, sg->raw_n);
}

/* An id: 1..APP_ID_MAX printable bytes, no '/' (contract). */
static bool id_ok(const char *s, size_t n)
{
    if (n == 0u || n > APP_ID_MAX) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x21u || c > 0x7Eu || c == '/') {
            return false;
        }
    }
    return true;
}

/* id_ok() for a segment, from next_seg()'s classes when it is used raw. */
static bool seg_id_ok(const struct seg *sg)
{
    if (sg->s == sg->raw) {
        return sg->n != 0u && sg->n <= APP_ID_MAX && !(sg->flags & SEG_NONID);
    }
    return id_ok(sg->s, sg->n);
}

static void id_set(struct route_id *id, const char *s, size_t n)
{
    memcpy(id->s, s, n);
    id->s[n] = '\0';
    id->n = (uint8_t)n;
}

/* Split the next segment off *p (raw, before decoding) and classify its
 * bytes in the same pass: whole words of plain id bytes at a time, and
 * from a word that holds something straight to that byte. */
static bool next_seg(const char **p, const char *end, struct seg *sg)
{
    if (*p >= end) {
        return false;
    }
    const char *s = *p;
    const char *q = s;
    unsigned flags = 0;
    while (q < end) {
        if ((size_t)(end - q) >= sizeof(size_t)) {
            size_t w = wordscan_load(q);
            size_t m = wordscan_less(w, 0x21u) | wordscan_more(w, 0x7Eu) | wordscan_byte(w, '/') |
                       wordscan_byte(w, '%');
            if (m == 0u) {
                q += sizeof(size_t);
                continue;
            }
            q += wordscan_first(m); /* the first byte of interest */
        }
        unsigned k = seg_class((unsigned char)*q);
        if (k & SEG_END) {
            break;
        }
        flags |= k;
        q++;
    }
    sg->raw = s;
    sg->raw_n = (size_t)(q - s);
    sg->flags = flags;
    *p = q < end ? q + 1 : end;
    return true;
}

/* If seg is name('key') (OData key syntax, '' inside the quotes stands for
 * one '), split it: returns true with the name length and the key. */
static bool key_alias(const struct seg *sg, size_t *name_n, char *key, size_t *key_n)
{
    const char *open = memchr(sg->s, '(', sg->n);
    if (open == NULL || sg->n < 4u || sg->s[sg->n - 1u] != ')') {
        return false;
    }
    size_t nn = (size_t)(open - sg->s);
    const char *k = open + 1;
    const char *kend = sg->s + sg->n - 1u;
    if (kend - k < 2 || k[0] != '\'' || kend[-1] != '\'') {
        return false;
    }
    k++;
    kend--;
    size_t o = 0;
    for (const char *c = k; c < kend; c++) {
        if (*c == '\'') {
            if (c + 1 < kend && c[1] == '\'') {
                c++;
            } else {
                return false;
            }
        }
        if (o >= APP_ID_MAX + 1u) {
            return false;
        }
        key[o++] = *c;
    }
    *name_n = nn;
    *key_n = o;
    return true;
}

#define WANT(p, end, lit, key, out) want_n((p), (end), (lit), sizeof(lit) - 1u, (key), (out), false)

/* Match one "name" segment, or "name('key')" when key is not NULL. With
 * key != NULL and the plain form, the key is the next segment. */
static int want_n(const char **p, const char *end, const char *name, size_t name_n,
                  struct route_id *key, struct route_result *out, bool key_optional)
{
    struct seg sg;
    int err;
    if (!next_seg(p, end, &sg)) {
        /* Path ends early: name the last thing we expected. */
        return fail(out, ROUTE_BAD_SEGMENT, name, name_n);
    }
    if ((err = seg_decode(&sg)) != APP_OK) {
        return seg_fail(out, &sg, err);
    }
    if (name_eq_n(sg.s, sg.n, name, name_n)) {
        if (key == NULL) {
            return APP_OK;
        }
        struct seg kg;
        if (!next_seg(p, end, &kg)) {
            /* The collection itself (".../uploadSessions"). */
            return key_optional ? APP_OK : fail(out, ROUTE_BAD_SEGMENT, sg.s, sg.n);
        }
        if (seg_decode(&kg) != APP_OK || !seg_id_ok(&kg)) {
            return fail(out, ROUTE_BAD_REQUEST, kg.raw, kg.raw_n);
        }
        id_set(key, kg.s, kg.n);
        return APP_OK;
    }
    size_t nn = 0;
    char k[APP_ID_MAX + 2];
    size_t kn = 0;
    if (key != NULL && key_alias(&sg, &nn, k, &kn) && name_eq_n(sg.s, nn, name, name_n)) {
        if (!id_ok(k, kn)) {
            return fail(out, ROUTE_BAD_REQUEST, sg.raw, sg.raw_n);
        }
        id_set(key, k, kn);
        return APP_OK;
    }
    return fail(out, ROUTE_BAD_SEGMENT, sg.s, sg.n);
}

int route_match(const char *path, size_t path_len, const char *query, size_t query_len,
                struct route_result *out)
{
    const char *end = path + path_len;
    const char *p = path;
    struct seg sg;
    int err;

    /* Only what a caller may read (a full memset is ~300 bytes a request). */
    out->kind = ROUTE_BAD_SEGMENT;
    out->catalog.n = out->resource.n = out->session.n = out->file.n = 0;
    out->catalog.s[0] = out->resource.s[0] = out->session.s[0] = out->file.s[0] = '\0';
    out->v1 = false;
    out->detail[0] = '\0';
    out->detail_len = 0;
    if (path_len == 0u || path[0] != '/') {
        return fail(out, ROUTE_BAD_REQUEST, path, path_len);
    }
    p++;
    /* Optional version prefix: "beta", or "v1.0" for its own path family. */
    const char *save = p;
    if (!next_seg(&p, end, &sg)) {
        return fail(out, ROUTE_BAD_SEGMENT, "", 0);
    }
    if ((err = seg_decode(&sg)) != APP_OK) {
        return seg_fail(out, &sg, err);
    }
    out->v1 = NAME_EQ(sg.s, sg.n, "v1.0");
    if (!out->v1 && !NAME_EQ(sg.s, sg.n, "beta")) {
        p = save;
    }
    if ((err = WANT(&p, end, "identityGovernance", NULL, out)) != APP_OK) {
        return err;
    }
    if (out->v1) {
        /* Graph v1.0: entitlementManagement/catalogs/{c}/resources/{r}. */
        if ((err = WANT(&p, end, "entitlementManagement", NULL, out)) != APP_OK ||
            (err = WANT(&p, end, "catalogs", &out->catalog, out)) != APP_OK ||
            (err = WANT(&p, end, "resources", &out->resource, out)) != APP_OK) {
            return err;
        }
    } else {
        /* entitlementManagement/accessPackageCatalogs/{c} or catalogs/{c}. */
        save = p;
        if (!next_seg(&p, end, &sg)) {
            return fail(out, ROUTE_BAD_SEGMENT, "identityGovernance", 18);
        }
        if ((err = seg_decode(&sg)) != APP_OK) {
            return seg_fail(out, &sg, err);
        }
        if (NAME_EQ(sg.s, sg.n, "entitlementManagement")) {
            err = WANT(&p, end, "accessPackageCatalogs", &out->catalog, out);
        } else {
            p = save;
            err = WANT(&p, end, "catalogs", &out->catalog, out);
        }
        if (err != APP_OK ||
            (err = WANT(&p, end, "accessPackageResources", &out->resource, out)) != APP_OK) {
            return err;
        }
    }
    if ((err = want_n(&p, end, "uploadSessions", 14, &out->session, out, true)) != APP_OK) {
        return err;
    }
    enum route_kind kind = (out->session.n > 0u) ? ROUTE_SESSION : ROUTE_COLLECTION;
    if (kind == ROUTE_SESSION && p < end) {
        /* .../uploadSessions/{s}/uploadFile or .../files/{f}/$value (OData
         * 4.01 Part 2, 4.12: an entity's media value) */
        const char *at = p;
        if (next_seg(&p, end, &sg) && seg_decode(&sg) == APP_OK && p == end &&
            NAME_EQ(sg.s, sg.n, "uploadFile")) {
            kind = ROUTE_UPLOAD;
        } else {
            p = at;
            if (WANT(&p, end, "files", &out->file, out) == APP_OK && out->file.n > 0u &&
                next_seg(&p, end, &sg) && p == end && sg.raw_n == 6u &&
                memcmp(sg.raw, "$value", 6) == 0) {
                kind = ROUTE_FILE_VALUE;
            } else {
                p = at;
                out->file.n = 0;
            }
        }
    }
    if (p < end || (path_len > 0u && end[-1] == '/')) {
        /* Anything after the session id is a segment we do not serve. */
        if (!next_seg(&p, end, &sg)) {
            sg.raw = "";
            sg.raw_n = 0;
        }
        return fail(out, ROUTE_BAD_SEGMENT, sg.raw, sg.raw_n);
    }
    enum odata_fail of;
    char d[sizeof(out->detail)];
    size_t dn = 0;
    unsigned allow = kind == ROUTE_COLLECTION ? ODATA_ALLOW_LIST
                     : kind == ROUTE_SESSION  ? ODATA_ALLOW_ENTITY
                                              : 0u;
    if (odata_parse(query, query_len, allow, &out->query, &of, d, sizeof(d) - 1u, &dn) != APP_OK) {
        return fail(out, of == ODATA_FAIL_OPTION  ? ROUTE_BAD_QUERY
                         : of == ODATA_FAIL_VALUE ? ROUTE_BAD_QUERY_VALUE
                                                  : ROUTE_BAD_REQUEST,
                    d, dn);
    }
    out->kind = kind;
    return APP_OK;
}
