/* Streaming multipart/form-data reader: RFC 7578 over the delimiters of
 * RFC 2046 5.1.1. See multipart.h. */
#include "multipart.h"

#include <string.h>

#include "app_err.h"
#include "wordscan.h"

enum {
    ST_SCAN,     /* preamble or part content: looking for a delimiter */
    ST_PAD,      /* after a delimiter: transport padding before CRLF */
    ST_PAD_LF,   /* after a delimiter line's CR */
    ST_HDR,      /* a part header line */
    ST_HDR_LF,   /* after a part header line's CR */
    ST_EPILOGUE, /* after the close delimiter: ignored (RFC 2046 5.1.1) */
    ST_ERR,
};

/* RFC 2046 5.1.1 bchars: DIGIT / ALPHA / "'()+_,-./:=?" / SP. */
static bool is_bchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || ((c | 0x20u) >= 'a' && (c | 0x20u) <= 'z')) {
        return true;
    }
    return c != 0 && strchr("'()+_,-./:=? ", c) != NULL;
}

/* RFC 9110 5.6.2 tchar. */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || ((c | 0x20u) >= 'a' && (c | 0x20u) <= 'z')) {
        return true;
    }
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool ci_eq(const char *s, size_t n, const char *lit)
{
    size_t ln = strlen(lit);
    if (n != ln) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char a = (unsigned char)s[i];
        unsigned char b = (unsigned char)lit[i];
        if (a >= 'A' && a <= 'Z') {
            a = (unsigned char)(a | 0x20u);
        }
        if (a != b) {
            return false;
        }
    }
    return true;
}

static size_t skip_ows(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t')) {
        i++;
    }
    return i;
}

static size_t skip_token(const char *s, size_t n, size_t i)
{
    while (i < n && is_tchar((unsigned char)s[i])) {
        i++;
    }
    return i;
}

/* ---- Content-Type (RFC 9110 8.3.1, 5.6.6) ---- */

int mp_boundary(const char *content_type, size_t n, const char **b, size_t *blen)
{
    if (content_type == NULL || b == NULL || blen == NULL) {
        return APP_ERR_INVAL;
    }
    const char *s = content_type;
    size_t i = skip_ows(s, n, 0);
    size_t t0 = i;
    i = skip_token(s, n, i);
    if (!ci_eq(s + t0, i - t0, "multipart") || i >= n || s[i] != '/') {
        return APP_ERR_INVAL;
    }
    size_t st0 = ++i;
    i = skip_token(s, n, i);
    if (!ci_eq(s + st0, i - st0, "form-data")) {
        return APP_ERR_INVAL;
    }
    /* A multipart/form-data type from here: faults are 400, not 415. */
    const char *found = NULL;
    size_t flen = 0;
    for (;;) {
        i = skip_ows(s, n, i);
        if (i == n) {
            break;
        }
        if (s[i] != ';') {
            return APP_ERR_PROTO;
        }
        i = skip_ows(s, n, i + 1u);
        if (i == n || s[i] == ';') {
            continue; /* parameters = *( OWS ";" OWS [ parameter ] ) */
        }
        size_t p0 = i;
        i = skip_token(s, n, i);
        size_t p1 = i;
        if (p1 == p0 || i == n || s[i] != '=') {
            return APP_ERR_PROTO;
        }
        i++;
        const char *v;
        size_t vn;
        if (i < n && s[i] == '"') {
            size_t v0 = ++i;
            bool escaped = false;
            while (i < n && s[i] != '"') {
                unsigned char c = (unsigned char)s[i];
                if (c == '\\') {
                    escaped = true;
                    if (++i == n) {
                        return APP_ERR_PROTO;
                    }
                } else if ((c < 0x20u && c != '\t') || c == 0x7fu) {
                    return APP_ERR_PROTO;
                }
                i++;
            }
            if (i == n) {
                return APP_ERR_PROTO;
            }
            v = s + v0;
            vn = i - v0;
            i++;
            if (escaped && ci_eq(s + p0, p1 - p0, "boundary")) {
                return APP_ERR_PROTO; /* unsupported, see multipart.h */
            }
        } else {
            size_t v0 = i;
            i = skip_token(s, n, i);
            if (i == v0) {
                return APP_ERR_PROTO;
            }
            v = s + v0;
            vn = i - v0;
        }
        if (ci_eq(s + p0, p1 - p0, "boundary")) {
            if (found != NULL) {
                return APP_ERR_PROTO;
            }
            found = v;
            flen = vn;
        }
    }
    if (found == NULL || flen == 0 || flen > MP_BOUNDARY_MAX || found[flen - 1u] == ' ') {
        return APP_ERR_PROTO;
    }
    for (size_t j = 0; j < flen; j++) {
        if (!is_bchar((unsigned char)found[j])) {
            return APP_ERR_PROTO;
        }
    }
    *b = found;
    *blen = flen;
    return APP_OK;
}

/* ---- the reader ---- */

int mp_init(struct mp_reader *m, const char *boundary, size_t n)
{
    if (m == NULL || boundary == NULL || n == 0 || n > MP_BOUNDARY_MAX || boundary[n - 1u] == ' ') {
        return APP_ERR_INVAL;
    }
    for (size_t j = 0; j < n; j++) {
        if (!is_bchar((unsigned char)boundary[j])) {
            return APP_ERR_INVAL;
        }
    }
    memset(m, 0, sizeof(*m));
    memcpy(m->delim, "\r\n--", 4u);
    memcpy(m->delim + 4, boundary, n);
    m->delim[4u + n] = '-';
    m->dl = 4u + n;
    /* The first delimiter may open the body without its CRLF (RFC 2046
     * 5.1.1 "dash-boundary"): start as if the CRLF had been read. */
    m->k = 2u;
    m->state = ST_SCAN;
    return APP_OK;
}

static int fail(struct mp_reader *m, int err, const char *reason)
{
    m->err = err;
    m->reason = reason;
    m->state = ST_ERR;
    return err;
}

static int sink_fail(struct mp_reader *m, int rc)
{
    return fail(m, rc, "upload stopped");
}

/* Offset of the first CR in p[0..n), or n: a word at a time, since CR is
 * the only byte that can start a delimiter and this runs on every byte of
 * the upload. */
static size_t find_cr(const unsigned char *p, size_t n)
{
    size_t i = 0;
    for (; n - i >= 2u * sizeof(size_t); i += 2u * sizeof(size_t)) {
        size_t a = wordscan_byte(wordscan_load(p + i), '\r');
        size_t b = wordscan_byte(wordscan_load(p + i + sizeof(size_t)), '\r');
        if ((a | b) != 0) {
            return a != 0 ? i + wordscan_first(a) : i + sizeof(size_t) + wordscan_first(b);
        }
    }
    while (i < n && p[i] != '\r') {
        i++;
    }
    return i;
}

static int emit(struct mp_reader *m, const void *p, size_t n, const struct mp_sink *sink, void *ctx)
{
    if (n == 0 || !m->in_file) {
        return APP_OK;
    }
    int rc = sink->data(ctx, p, n);
    return rc != 0 ? sink_fail(m, rc) : APP_OK;
}

static void start_headers(struct mp_reader *m)
{
    m->has_cd = false;
    m->has_name = false;
    m->has_filename = false;
    m->is_file = false;
    m->line_len = 0;
    m->hdr_total = 0;
    m->filename_len = 0;
    m->part_name[0] = '\0';
}

/* A delimiter has been read (close: its "--" too). */
static int delimiter(struct mp_reader *m, bool close, const struct mp_sink *sink, void *ctx)
{
    m->started = true;
    m->k = 0;
    if (m->in_file) {
        m->in_file = false;
        m->file_done = true;
        int rc = sink->end(ctx);
        if (rc != 0) {
            return sink_fail(m, rc);
        }
    }
    if (close) {
        if (!m->file_done) {
            return fail(m, APP_ERR_INVAL, "no file part");
        }
        m->state = ST_EPILOGUE;
    }
    return APP_OK;
}

/* Preamble or content from s[*pi..n) until a delimiter or the end of the
 * input. The content before a possible delimiter goes to the sink in one
 * run per feed where it can; bytes that matched the start of the delimiter
 * in an earlier feed and turn out to be content are handed on from
 * m->delim, which holds them (that is the carry-over). */
static int scan(struct mp_reader *m, const unsigned char *s, size_t n, size_t *pi,
                const struct mp_sink *sink, void *ctx)
{
    size_t i = *pi;
    size_t start = i;      /* the pending content run is s[start..) */
    size_t mstart = i;     /* where the current match began in s */
    size_t carried = m->k; /* matched bytes from earlier feeds */
    size_t k = m->k;
    const size_t dl = m->dl;
    int rc;
    for (;;) {
        if (k == 0) {
            i += find_cr(s + i, n - i);
            if (i == n) {
                break;
            }
            mstart = i++;
            k = 1;
            continue;
        }
        if (i == n) {
            break;
        }
        unsigned char c = s[i];
        if (k < dl) {
            if (c == (unsigned char)m->delim[k]) {
                k++;
                i++;
                continue;
            }
        } else if (k == dl) {
            /* After the boundary: "--" closes, LWSP or CR ends the
             * delimiter (transport padding); anything else and it was
             * content (RFC 2046 5.1.1: the boundary must be followed by
             * one of these). */
            if (c == '-') {
                k++;
                i++;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r') {
                if ((rc = emit(m, s + start, mstart - start, sink, ctx)) != 0 ||
                    (rc = delimiter(m, false, sink, ctx)) != 0) {
                    return rc;
                }
                m->state = c == '\r' ? ST_PAD_LF : ST_PAD;
                *pi = i + 1u;
                return APP_OK;
            }
        } else if (c == '-') {
            if ((rc = emit(m, s + start, mstart - start, sink, ctx)) != 0 ||
                (rc = delimiter(m, true, sink, ctx)) != 0) {
                return rc;
            }
            *pi = i + 1u;
            return APP_OK;
        }
        /* Not a delimiter: what matched is content; c is looked at again
         * (it may be a CR that starts a match). */
        if (carried != 0) {
            if ((rc = emit(m, m->delim, carried, sink, ctx)) != 0) {
                return rc;
            }
            carried = 0;
        }
        k = 0;
    }
    /* End of input: hand on all but a partial match, which is kept. */
    if ((rc = emit(m, s + start, (k != 0 ? mstart : n) - start, sink, ctx)) != 0) {
        return rc;
    }
    m->k = k;
    *pi = n;
    return APP_OK;
}

/* A quoted-string at v[*pi] (on its DQUOTE), decoded in place (the output
 * never overtakes the input): *out0 and *outn give the decoded text.
 * RFC 9110 5.6.4: qdtext is HT / SP / VCHAR but DQUOTE and "\" / obs-text. */
static bool qstring(char *v, size_t n, size_t *pi, size_t *out0, size_t *outn)
{
    size_t i = *pi + 1u;
    size_t o = i;
    *out0 = i;
    for (;;) {
        if (i == n) {
            return false;
        }
        unsigned char c = (unsigned char)v[i];
        if (c == '"') {
            break;
        }
        if (c == '\\') {
            if (++i == n) {
                return false;
            }
            c = (unsigned char)v[i];
        }
        if ((c < 0x20u && c != '\t') || c == 0x7fu) {
            return false;
        }
        v[o++] = (char)c;
        i++;
    }
    *outn = o - *out0;
    *pi = i + 1u;
    return true;
}

/* Content-Disposition: form-data *( OWS ";" OWS param ) (RFC 7578 4.2,
 * RFC 6266 4.1; a trailing or empty ";" is tolerated, OWS around "=" too). */
static int content_disposition(struct mp_reader *m, char *v, size_t n)
{
    static const char bad[] = "bad Content-Disposition";
    size_t i = skip_ows(v, n, 0);
    size_t t0 = i;
    i = skip_token(v, n, i);
    if (!ci_eq(v + t0, i - t0, "form-data")) {
        return fail(m, APP_ERR_INVAL, "part is not form-data");
    }
    for (;;) {
        i = skip_ows(v, n, i);
        if (i == n) {
            return APP_OK;
        }
        if (v[i] != ';') {
            return fail(m, APP_ERR_INVAL, bad);
        }
        i = skip_ows(v, n, i + 1u);
        if (i == n || v[i] == ';') {
            continue;
        }
        size_t p0 = i;
        i = skip_token(v, n, i);
        size_t p1 = i;
        i = skip_ows(v, n, i);
        if (p1 == p0 || i == n || v[i] != '=') {
            return fail(m, APP_ERR_INVAL, bad);
        }
        i = skip_ows(v, n, i + 1u);
        size_t v0;
        size_t vn;
        if (i < n && v[i] == '"') {
            if (!qstring(v, n, &i, &v0, &vn)) {
                return fail(m, APP_ERR_INVAL, bad);
            }
        } else {
            v0 = i;
            i = skip_token(v, n, i);
            vn = i - v0;
            if (vn == 0) {
                return fail(m, APP_ERR_INVAL, bad);
            }
        }
        if (ci_eq(v + p0, p1 - p0, "name")) {
            if (m->has_name) {
                return fail(m, APP_ERR_INVAL, "duplicate name parameter");
            }
            m->has_name = true;
            /* Field names compare exactly (RFC 7578 5.2 says nothing of case). */
            m->is_file = vn == 4u && memcmp(v + v0, "file", 4u) == 0;
            size_t keep = vn < MP_NAME_MAX ? vn : MP_NAME_MAX;
            memcpy(m->part_name, v + v0, keep);
            m->part_name[keep] = '\0';
        } else if (ci_eq(v + p0, p1 - p0, "filename")) {
            if (m->has_filename) {
                return fail(m, APP_ERR_INVAL, "duplicate filename parameter");
            }
            if (vn > APP_MP_FILENAME_MAX) {
                return fail(m, APP_ERR_INVAL, "filename too long");
            }
            m->has_filename = true;
            memcpy(m->filename, v + v0, vn);
            m->filename_len = (uint16_t)vn;
        }
        /* filename* (RFC 7578 4.2: not to be used) and others: ignored. */
    }
}

static int headers_done(struct mp_reader *m, const struct mp_sink *sink, void *ctx)
{
    if (!m->has_cd) {
        return fail(m, APP_ERR_INVAL, "part without Content-Disposition");
    }
    if (!m->has_name) {
        return fail(m, APP_ERR_INVAL, "part without name");
    }
    if (!m->is_file) {
        return fail(m, APP_ERR_INVAL, "unexpected part");
    }
    if (m->file_done) {
        return fail(m, APP_ERR_INVAL, "second file part");
    }
    if (!m->has_filename || m->filename_len == 0) {
        return fail(m, APP_ERR_INVAL, "file part without filename");
    }
    int rc = sink->begin(ctx, m->filename, m->filename_len);
    if (rc != 0) {
        return sink_fail(m, rc);
    }
    m->in_file = true;
    m->k = 0; /* the CRLF before the next delimiter is its own */
    m->state = ST_SCAN;
    return APP_OK;
}

/* One complete part header line in m->line (RFC 7578 4.8: only
 * Content-Disposition matters here; Content-Type and others are ignored). */
static int header_line(struct mp_reader *m, const struct mp_sink *sink, void *ctx)
{
    size_t n = m->line_len;
    char *l = m->line;
    m->line_len = 0;
    m->state = ST_HDR;
    if (n == 0) {
        return headers_done(m, sink, ctx);
    }
    size_t c = skip_token(l, n, 0);
    if (c == 0 || c == n || l[c] != ':') {
        /* Also an obs-fold line (starts with SP/HT): RFC 9112 5.2 lets a
         * recipient reject it. */
        return fail(m, APP_ERR_INVAL, "bad part header");
    }
    if (ci_eq(l, c, "content-disposition")) {
        if (m->has_cd) {
            return fail(m, APP_ERR_INVAL, "duplicate Content-Disposition");
        }
        m->has_cd = true;
        return content_disposition(m, l + c + 1, n - c - 1u);
    }
    return APP_OK;
}

int mp_feed(struct mp_reader *m, const void *p, size_t n, const struct mp_sink *sink, void *ctx)
{
    if (m == NULL || sink == NULL || sink->begin == NULL || sink->data == NULL || sink->end == NULL ||
        (p == NULL && n != 0)) {
        return APP_ERR_INVAL;
    }
    if (m->state == ST_ERR) {
        return m->err;
    }
    const unsigned char *s = p;
    size_t i = 0;
    int rc = APP_OK;
    while (i < n && rc == APP_OK) {
        unsigned char c;
        switch (m->state) {
        case ST_SCAN:
            rc = scan(m, s, n, &i, sink, ctx);
            break;
        case ST_PAD:
            c = s[i++];
            if (c == '\r') {
                m->state = ST_PAD_LF;
            } else if (c != ' ' && c != '\t') {
                rc = fail(m, APP_ERR_INVAL, "bad delimiter line");
            }
            break;
        case ST_PAD_LF:
            if (s[i++] != '\n') {
                rc = fail(m, APP_ERR_INVAL, "bad delimiter line");
            } else {
                start_headers(m);
                m->state = ST_HDR;
            }
            break;
        case ST_HDR:
            /* Header bytes until CR; every byte counts towards the block
             * limit, compared before the count goes up: at an
             * APP_MP_HDR_MAX of 65535 the uint16_t would wrap to 0. */
            while (i < n) {
                c = s[i++];
                if (m->hdr_total++ == APP_MP_HDR_MAX) {
                    return fail(m, APP_ERR_INVAL, "part header block too long");
                }
                if (c == '\r') {
                    m->state = ST_HDR_LF;
                    break;
                }
                if (c == '\n') {
                    return fail(m, APP_ERR_INVAL, "bare LF in part header");
                }
                if (m->line_len == APP_MP_HDR_LINE_MAX) {
                    return fail(m, APP_ERR_INVAL, "part header line too long");
                }
                m->line[m->line_len++] = (char)c;
            }
            break;
        case ST_HDR_LF:
            c = s[i++];
            if (m->hdr_total++ == APP_MP_HDR_MAX) {
                rc = fail(m, APP_ERR_INVAL, "part header block too long");
            } else if (c != '\n') {
                rc = fail(m, APP_ERR_INVAL, "CR without LF in part header");
            } else {
                rc = header_line(m, sink, ctx);
            }
            break;
        case ST_EPILOGUE:
            i = n;
            break;
        default:
            return m->err;
        }
    }
    return rc;
}

int mp_end(struct mp_reader *m)
{
    if (m == NULL) {
        return APP_ERR_INVAL;
    }
    if (m->state == ST_ERR) {
        return m->err;
    }
    if (m->state == ST_EPILOGUE) {
        return APP_OK;
    }
    return fail(m, APP_ERR_INVAL, m->started ? "unterminated body" : "no delimiter");
}
