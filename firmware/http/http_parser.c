/* Request-head scanner: one pass over the bytes, table-driven byte classes,
 * state kept between feeds so that no byte is scanned twice (apart from the
 * short re-reads of a finished field name or value to interpret it). */
#include "http_parser.h"

#include <string.h>

#include "app_config.h"
#include "app_err.h"
#include "wordscan.h"

#if APP_HTTP_LINE_MAX < 16 || APP_HTTP_LINE_MAX > APP_HTTP_HEAD_MAX
#error "APP_HTTP_LINE_MAX must be 16..APP_HTTP_HEAD_MAX"
#endif
#if APP_HTTP_HEAD_MAX > 65535
#error "APP_HTTP_HEAD_MAX must fit the parser's 16-bit offsets"
#endif
#if APP_HTTP_MAX_HEADERS < 1 || APP_HTTP_MAX_HEADERS > 65535
#error "APP_HTTP_MAX_HEADERS must be 1..65535"
#endif

/* Largest Content-Length accepted (RFC 9110 8.6 leaves the bound to us). */
#define CONTENT_LENGTH_MAX 1000000000000000LL
/* Authorization: "Bearer " plus the token. */
#define AUTHORIZATION_MAX ((size_t)APP_HTTP_TOKEN_MAX + 7u)

/* Byte classes. */
#define C_TCHAR 0x01u /* token character (RFC 9110 5.6.2) */
#define C_VCHAR 0x02u /* visible ASCII 0x21..0x7E except '#' (no fragments, RFC 9112 3.2) */
#define C_PATH 0x04u  /* VCHAR except '?' */
#define C_VALUE 0x08u /* field-value byte: HTAB, SP, VCHAR, obs-text (RFC 9110 5.5) */
#define C_HOST 0x10u  /* reg-name: unreserved, sub-delims, '%' (RFC 3986 3.2.2) */
#define C_OWS 0x20u   /* SP, HTAB */
#define C_HEX 0x40u   /* HEXDIG */
#define C_IPSEP 0x80u /* ':', '.' */
#define C_IP6 (C_HEX | C_IPSEP) /* what an IPv6address is made of (RFC 3986 3.2.2) */

static const uint8_t k_cls[256] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 00 */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 10 */
    0x28, 0x1f, 0x0e, 0x09, 0x1f, 0x1f, 0x1f, 0x1f, 0x1e, 0x1e, 0x1f, 0x1f, 0x1e, 0x1f, 0x9f, 0x0e, /* 20 */
    0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0x8e, 0x1e, 0x0e, 0x1e, 0x0e, 0x0a, /* 30 */
    0x0e, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, /* 40 */
    0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x0e, 0x0e, 0x0e, 0x0f, 0x1f, /* 50 */
    0x0f, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0xdf, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, /* 60 */
    0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x0e, 0x0f, 0x0e, 0x1f, 0x00, /* 70 */
    0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, /* 80 */
    0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, /* 90 */
    0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, /* a0 */
    0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, /* b0 */
    0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, /* c0 */
    0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, /* d0 */
    0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, /* e0 */
    0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, /* f0 */
};

/* Where the scan stands; the request-line states are contiguous (see
 * in_request_line()). */
enum {
    ST_START,    /* before the request line: empty lines are skipped */
    ST_START_LF, /* CR of an empty leading line seen */
    ST_METHOD,
    ST_PATH,  /* request-target before '?' */
    ST_QUERY, /* request-target after '?' */
    ST_VERSION,
    ST_RL_LF, /* CR of the request line seen */
    ST_LINE,  /* at the start of a field line or of the final empty line */
    ST_NAME,
    ST_OWS, /* after ':' */
    ST_VALUE,
    ST_FIELD_LF, /* CR of a field line seen */
    ST_END_LF,   /* CR of the final empty line seen */
};

/* Fields the parser interprets. */
enum {
    F_OTHER,
    F_HOST,
    F_CONTENT_LENGTH,
    F_AUTHORIZATION,
    F_CLIENT_REQUEST_ID,
    F_TRANSFER_ENCODING,
    F_CONNECTION,
    F_CONTENT_TYPE,
};

static const char k_bare_lf[] = "Line ends must be CRLF; a bare LF was received.";
static const char k_bare_cr[] = "Line ends must be CRLF; a bare CR was received.";

static bool in_request_line(unsigned st)
{
    return st >= ST_METHOD && st <= ST_RL_LF;
}

/* For the classes of long runs (paths, field values): zero when every
 * byte of w is in class c, else a word whose first flagged byte
 * (wordscan_first) is the first that may not be. */
static inline size_t word_out(size_t w, unsigned c)
{
    switch (c) {
    case C_VALUE: /* HTAB is flagged and then checked bytewise */
        return wordscan_less(w, 0x20u) | wordscan_byte(w, 0x7fu);
    case C_PATH: /* '#' too: a request-target has no fragment (RFC 9112 3.2) */
        return wordscan_less(w, 0x21u) | wordscan_more(w, 0x7eu) | wordscan_byte(w, '?') |
               wordscan_byte(w, '#');
    default:
        return 1u;
    }
}

/* From i on, whole words of class c (a constant: the word test folds to a
 * handful of instructions); stops at a byte not in c, or with less than
 * a word left. */
static inline __attribute__((always_inline)) size_t span_words(const uint8_t *b, size_t i,
                                                              size_t end, unsigned c)
{
    while (end - i >= sizeof(size_t)) {
        size_t m = word_out(wordscan_load(b + i), c);
        if (m == 0u) {
            i += sizeof(size_t);
            continue;
        }
        /* Straight to the first byte the word test flagged; it may still
         * be in the class (HTAB in a field value). */
        i += wordscan_first(m);
        if (!(k_cls[b[i]] & c)) {
            return i;
        }
        i++;
    }
    return i;
}

/* First index from i on (up to end) whose byte is not in class c, for
 * the short runs (method, field names, OWS): inline, bytewise. */
static inline __attribute__((always_inline)) size_t span_bytes(const uint8_t *b, size_t i,
                                                              size_t end, unsigned c)
{
    while (i < end && (k_cls[b[i]] & c)) {
        i++;
    }
    return i;
}

/* The same for the long runs (paths, field values), most of the parse
 * time: a word at a time, one specialised loop per class. Queries (rare
 * and short here) and the version go bytewise. */
static size_t span(const uint8_t *b, size_t i, size_t end, unsigned c)
{
    switch (c) {
    case C_VALUE:
        i = span_words(b, i, end, C_VALUE);
        break;
    case C_PATH:
        i = span_words(b, i, end, C_PATH);
        break;
    default:
        break;
    }
    return span_bytes(b, i, end, c);
}

/* s[0..n) equals the lower-case literal w ignoring ASCII case, by
 * wordscan_caseeq(): s holds no control byte where w has a non-letter
 * (targets hold none at all; in a field value only HTAB, which maps to
 * ')', in none of these literals). */
#define IEQ(s, n, w) ((n) == sizeof(w) - 1u && wordscan_caseeq((const char *)(s), (w), (n)))

static struct http_slice slice(const uint8_t *b, size_t from, size_t to)
{
    struct http_slice s = {(const char *)b + from, (uint16_t)(to - from)};
    return s;
}

static int fail(struct http_parser *p, size_t at, uint16_t status, const char *reason)
{
    p->req.status = status;
    p->req.reason = reason;
    p->scanned = at;
    p->result = APP_ERR_INVAL;
    return APP_ERR_INVAL;
}

static void request_reset(struct http_request *req)
{
    memset(req, 0, sizeof(*req));
    req->method = HTTP_METHOD_OTHER;
    req->content_length = -1;
}

static enum http_method method_id(const uint8_t *s, size_t n)
{
    /* Methods are case-sensitive (RFC 9110 9.1). */
    switch (n) {
    case 3:
        if (memcmp(s, "GET", 3) == 0) {
            return HTTP_METHOD_GET;
        }
        if (memcmp(s, "PUT", 3) == 0) {
            return HTTP_METHOD_PUT;
        }
        break;
    case 4:
        if (memcmp(s, "HEAD", 4) == 0) {
            return HTTP_METHOD_HEAD;
        }
        if (memcmp(s, "POST", 4) == 0) {
            return HTTP_METHOD_POST;
        }
        break;
    case 5:
        if (memcmp(s, "PATCH", 5) == 0) {
            return HTTP_METHOD_PATCH;
        }
        break;
    case 6:
        if (memcmp(s, "DELETE", 6) == 0) {
            return HTTP_METHOD_DELETE;
        }
        break;
    case 7:
        if (memcmp(s, "OPTIONS", 7) == 0) {
            return HTTP_METHOD_OPTIONS;
        }
        break;
    default:
        break;
    }
    return HTTP_METHOD_OTHER;
}

static uint8_t field_id(const uint8_t *s, size_t n)
{
    /* Field names are case-insensitive (RFC 9110 5.1); dispatch on length
     * so that most names are rejected without a compare. A name is tchars
     * only (the scan saw to it), as wordscan_caseeq() needs. */
    const char *t = (const char *)s;
    switch (n) {
    case 4:
        return wordscan_caseeq(t, "host", n) ? F_HOST : F_OTHER;
    case 10:
        return wordscan_caseeq(t, "connection", n) ? F_CONNECTION : F_OTHER;
    case 12:
        return wordscan_caseeq(t, "content-type", n) ? F_CONTENT_TYPE : F_OTHER;
    case 13:
        return wordscan_caseeq(t, "authorization", n) ? F_AUTHORIZATION : F_OTHER;
    case 14:
        return wordscan_caseeq(t, "content-length", n) ? F_CONTENT_LENGTH : F_OTHER;
    case 17:
        if (wordscan_caseeq(t, "transfer-encoding", n)) {
            return F_TRANSFER_ENCODING;
        }
        return wordscan_caseeq(t, "client-request-id", n) ? F_CLIENT_REQUEST_ID : F_OTHER;
    default:
        return F_OTHER;
    }
}

/* Content-Length = 1*DIGIT (RFC 9110 8.6); a list ("5, 5") is refused. */
static bool content_length_parse(const uint8_t *s, size_t n, int64_t *out)
{
    int64_t v = 0;
    if (n == 0) {
        return false;
    }
    for (size_t k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9') {
            return false;
        }
        v = v * 10 + (int64_t)(s[k] - '0');
        if (v > CONTENT_LENGTH_MAX) {
            return false; /* also keeps v * 10 far from overflow */
        }
    }
    *out = v;
    return true;
}

/* uri-host [":" port], the Host field and an absolute-form authority
 * (RFC 9112 3.2, 3.2.2; RFC 3986 3.2.2, 3.2.3): an IP-literal of IPv6
 * characters in brackets (IPvFuture is not served) or a non-empty
 * reg-name (which covers IPv4address) of unreserved, sub-delims and whole
 * pct-encodings; then a port of digits, not empty, at most 65535. */
static bool host_valid(const uint8_t *s, size_t n)
{
    bool lit = n > 0 && s[0] == '[';
    unsigned want = lit ? C_IP6 : C_HOST;
    size_t k = lit;
    for (; k < n && (k_cls[s[k]] & want); k++) {
        if (s[k] == '%' && (n - k < 3 || !(k_cls[s[k + 1]] & k_cls[s[k + 2]] & C_HEX))) {
            return false;
        }
    }
    if (k == lit || (lit && (k == n || s[k++] != ']'))) {
        return false;
    }
    int64_t port;
    return k == n || (s[k] == ':' && content_length_parse(s + k + 1, n - k - 1, &port) &&
                      port <= 65535);
}

/* Connection = #connection-option (RFC 9110 7.6.1): comma-separated tokens
 * with OWS, empty elements allowed; unknown options are ignored. */
static void connection_parse(const uint8_t *s, size_t n, struct http_request *req)
{
    size_t k = 0;
    while (k < n) {
        while (k < n && (s[k] == ',' || (k_cls[s[k]] & C_OWS))) {
            k++;
        }
        size_t start = k;
        while (k < n && s[k] != ',') {
            k++;
        }
        size_t stop = k;
        while (stop > start && (k_cls[s[stop - 1]] & C_OWS)) {
            stop--;
        }
        if (IEQ(s + start, stop - start, "close")) {
            req->conn_close = true;
        } else if (IEQ(s + start, stop - start, "keep-alive")) {
            req->conn_keep_alive = true;
        }
    }
}

/* The request-target just ended at b[end] (the SP before the version).
 * Origin-form or absolute-form only (RFC 9112 3.2.1, 3.2.2); asterisk-form
 * and authority-form are not for this server's methods. */
static const char *target_done(const struct http_parser *p, const uint8_t *b, size_t end,
                               struct http_request *req)
{
    size_t start = p->mark;
    size_t path_end = p->qmark != 0 ? p->qmark : end;
    size_t path = start;

    if (end == start) {
        return "Malformed request line.";
    }
    if (b[start] != '/') {
        size_t n = path_end - start;
        size_t k;
        if (n >= 7 && IEQ(b + start, 7u, "http://")) {
            k = start + 7;
        } else if (n >= 8 && IEQ(b + start, 8u, "https://")) {
            k = start + 8;
        } else {
            return "Invalid request target.";
        }
        path = k;
        while (path < path_end && b[path] != '/') {
            path++;
        }
        /* An empty host is invalid for http(s) URIs (RFC 9110 4.2.1); so
         * is userinfo (4.2.4). */
        if (!host_valid(b + k, path - k)) {
            return "Invalid request target.";
        }
        req->absolute_form = true;
        req->authority = slice(b, k, path);
    }
    req->target = slice(b, start, end);
    req->path = slice(b, path, path_end);
    if (p->qmark != 0) {
        req->has_query = true;
        req->query = slice(b, (size_t)p->qmark + 1u, end);
    }
    return NULL;
}

/* "HTTP/1.1" or "HTTP/1.0"; other digits are a version we do not speak. */
static int version_done(const uint8_t *s, size_t n, struct http_request *req)
{
    if (n != 8 || memcmp(s, "HTTP/", 5) != 0 || s[5] < '0' || s[5] > '9' || s[6] != '.' ||
        s[7] < '0' || s[7] > '9') {
        return 400;
    }
    if (s[5] != '1' || (s[7] != '0' && s[7] != '1')) {
        return 505;
    }
    req->version_minor = (uint8_t)(s[7] - '0');
    return 0;
}

/* A field line ended; its value (OWS trimmed) is b[from..to). Returns the
 * status to fail with, or 0. */
static uint16_t field_done(unsigned field, const uint8_t *b, size_t from, size_t to,
                           struct http_request *req, const char **reason)
{
    struct http_slice v = slice(b, from, to);

    switch (field) {
    case F_HOST:
        /* RFC 9112 3.2: more than one Host, or an invalid one: 400. */
        if (req->has_host) {
            *reason = "Duplicate Host header.";
            return 400;
        }
        if (!host_valid(b + from, to - from)) {
            *reason = "Invalid Host header.";
            return 400;
        }
        req->host = v;
        req->has_host = true;
        break;
    case F_CONTENT_LENGTH:
        if (req->content_length >= 0) {
            *reason = "Duplicate Content-Length header.";
            return 400;
        }
        if (!content_length_parse(b + from, to - from, &req->content_length)) {
            *reason = "Invalid Content-Length header.";
            return 400;
        }
        break;
    case F_AUTHORIZATION:
        if (req->has_authorization) {
            *reason = "Duplicate Authorization header.";
            return 400;
        }
        if (to - from > AUTHORIZATION_MAX) {
            *reason = "Authorization header too large.";
            return 431;
        }
        req->authorization = v;
        req->has_authorization = true;
        break;
    case F_CLIENT_REQUEST_ID:
        /* The first one counts; the server validates it. */
        if (!req->has_client_request_id) {
            req->client_request_id = v;
            req->has_client_request_id = true;
        }
        break;
    case F_TRANSFER_ENCODING:
        /* Only "chunked" alone is decoded (RFC 9112 7); a second field, or
         * any other coding, leaves te_chunked false for the caller to
         * refuse. */
        req->te_chunked = !req->transfer_encoding && to - from == 7u &&
                          wordscan_caseeq((const char *)b + from, "chunked", 7);
        req->transfer_encoding = true;
        break;
    case F_CONTENT_TYPE:
        if (req->has_content_type) {
            *reason = "Duplicate Content-Type header.";
            return 400;
        }
        req->content_type = v;
        req->has_content_type = true;
        break;
    case F_CONNECTION:
        connection_parse(b + from, to - from, req);
        break;
    default:
        break;
    }
    return 0;
}

void http_parser_init(struct http_parser *p)
{
    memset(p, 0, sizeof(*p));
    p->state = ST_START;
    request_reset(&p->req);
}

/* Scans from p->scanned on; the result goes to p->req. Returns as
 * http_parser_feed(). */
static int scan(struct http_parser *p, const uint8_t *b, size_t len, size_t cap)
{
    struct http_request *req = &p->req;
    size_t limit = cap < UINT16_MAX ? cap : UINT16_MAX;
    size_t avail = len < limit ? len : limit;
    size_t i = p->scanned;
    size_t end = avail; /* scan bound of the current line */
    unsigned st = p->state;

    if (avail < i) {
        return 0; /* fewer bytes than last time: a caller bug, nothing to do */
    }
    if (in_request_line(st)) {
        size_t line_end = (size_t)p->line_start + APP_HTTP_LINE_MAX;
        end = line_end < avail ? line_end : avail;
    }

    for (;;) {
        switch (st) {
        case ST_START:
            /* RFC 9112 2.2: ignore empty lines before the request line. */
            if (i == end) {
                goto need_more;
            }
            if (b[i] == '\r') {
                i++;
                st = ST_START_LF;
                break;
            }
            if (b[i] == '\n') {
                return fail(p, i, 400, k_bare_lf);
            }
            p->line_start = (uint16_t)i;
            p->mark = (uint16_t)i;
            if (avail - i > APP_HTTP_LINE_MAX) {
                end = i + APP_HTTP_LINE_MAX;
            }
            st = ST_METHOD;
            break;

        case ST_START_LF:
            if (i == end) {
                goto need_more;
            }
            if (b[i] != '\n') {
                return fail(p, i, 400, k_bare_cr);
            }
            i++;
            st = ST_START;
            break;

        case ST_METHOD:
            i = span_bytes(b, i, end, C_TCHAR);
            if (i == end) {
                goto need_more;
            }
            if (b[i] != ' ' || i == p->mark) {
                return fail(p, i, 400, b[i] == '\n' ? k_bare_lf : "Malformed request line.");
            }
            req->method_text = slice(b, p->mark, i);
            req->method = method_id(b + p->mark, i - p->mark);
            i++;
            p->mark = (uint16_t)i;
            st = ST_PATH;
            break;

        case ST_PATH:
            i = span(b, i, end, C_PATH);
            if (i == end) {
                goto need_more;
            }
            if (b[i] == '?') {
                p->qmark = (uint16_t)i;
                i++;
            }
            st = ST_QUERY; /* which also ends the target at SP or refuses */
            break;

        case ST_QUERY:
            i = span(b, i, end, C_VCHAR);
            if (i == end) {
                goto need_more;
            }
            if (b[i] != ' ') {
                return fail(p, i, 400, "Invalid character in request target.");
            } else {
                const char *why = target_done(p, b, i, req);
                if (why != NULL) {
                    return fail(p, i, 400, why);
                }
            }
            i++;
            p->mark = (uint16_t)i;
            st = ST_VERSION;
            break;

        case ST_VERSION:
            i = span(b, i, end, C_VCHAR);
            if (i == end) {
                goto need_more;
            }
            if (b[i] != '\r') {
                return fail(p, i, 400,
                            b[i] == '\n' ? k_bare_lf : "Malformed request line.");
            } else {
                int status = version_done(b + p->mark, i - p->mark, req);
                if (status == 505) {
                    return fail(p, i, 505, "HTTP version not supported.");
                }
                if (status != 0) {
                    return fail(p, i, 400, "Malformed request line.");
                }
            }
            i++;
            st = ST_RL_LF;
            break;

        case ST_RL_LF:
            if (i == end) {
                goto need_more;
            }
            if (b[i] != '\n') {
                return fail(p, i, 400, k_bare_cr);
            }
            i++;
            end = avail;
            st = ST_LINE;
            break;

        case ST_LINE:
            if (i == end) {
                goto need_more;
            }
            if (b[i] == '\r') {
                i++;
                st = ST_END_LF;
                break;
            }
            if (!(k_cls[b[i]] & C_TCHAR)) {
                if (k_cls[b[i]] & C_OWS) {
                    /* RFC 9112 5.2 obs-fold, or whitespace after the
                     * request line (2.2): both rejected. */
                    return fail(p, i, 400, "Header line folding is not supported.");
                }
                return fail(p, i, 400,
                            b[i] == '\n' ? k_bare_lf : "Invalid header field name.");
            }
            if (req->header_count == APP_HTTP_MAX_HEADERS) {
                return fail(p, i, 431, "Too many header fields.");
            }
            req->header_count++;
            p->mark = (uint16_t)i;
            st = ST_NAME;
            break;

        case ST_NAME:
            i = span_bytes(b, i, end, C_TCHAR);
            if (i == end) {
                goto need_more;
            }
            if (b[i] != ':') {
                /* RFC 9112 5.1: no whitespace between name and colon. */
                return fail(p, i, 400,
                            (k_cls[b[i]] & C_OWS) ? "Whitespace before colon in header field."
                                                  : "Invalid header field name.");
            }
            p->field = field_id(b + p->mark, i - p->mark);
            i++;
            st = ST_OWS;
            break;

        case ST_OWS:
            i = span_bytes(b, i, end, C_OWS);
            if (i == end) {
                goto need_more;
            }
            p->mark = (uint16_t)i;
            st = ST_VALUE;
            break;

        case ST_VALUE:
            i = span(b, i, end, C_VALUE);
            if (i == end) {
                goto need_more;
            }
            if (b[i] != '\r') {
                return fail(p, i, 400,
                            b[i] == '\n' ? k_bare_lf : "Invalid character in header field value.");
            } else {
                size_t stop = i;
                const char *why = NULL;
                uint16_t status;
                while (stop > p->mark && (k_cls[b[stop - 1]] & C_OWS)) {
                    stop--;
                }
                status = field_done(p->field, b, p->mark, stop, req, &why);
                if (status != 0) {
                    return fail(p, i, status, why);
                }
            }
            i++;
            st = ST_FIELD_LF;
            break;

        case ST_FIELD_LF:
        case ST_END_LF:
            if (i == end) {
                goto need_more;
            }
            if (b[i] != '\n') {
                return fail(p, i, 400, k_bare_cr);
            }
            i++;
            if (st == ST_FIELD_LF) {
                st = ST_LINE;
                break;
            }
            /* RFC 9112 3.2: an HTTP/1.1 request without Host is a 400. */
            if (req->version_minor == 1 && !req->has_host) {
                return fail(p, i, 400, "Host header is required.");
            }
            req->head_len = (uint16_t)i;
            p->scanned = i;
            p->result = (int)i;
            return p->result;

        default:
            return fail(p, i, 400, "Malformed request.");
        }
    }

need_more:
    if (in_request_line(st) && i == (size_t)p->line_start + APP_HTTP_LINE_MAX) {
        return fail(p, i, 414, "Request line too long.");
    }
    if (i == limit) {
        return fail(p, i, 431, "Request header fields too large.");
    }
    p->state = (uint8_t)st;
    p->scanned = i;
    return 0;
}

int http_parser_feed(struct http_parser *p, const char *buf, size_t len, size_t cap,
                     struct http_request *req)
{
    int r = p->result;
    if (r == 0) {
        r = scan(p, (const uint8_t *)buf, len, cap);
    }
    if (r != 0) {
        *req = p->req;
    }
    return r;
}
