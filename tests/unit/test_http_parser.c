/* Host test of firmware/http/http_parser.c. One table row per case: input
 * bytes, expected return and status, expected fields. Every row runs three
 * ways: one feed; byte at a time (0 until the head is complete, every byte
 * past len poisoned for ASan); and split in two at every offset. All three
 * must agree. Byte-class sweeps and a few API properties follow the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sanitizer/asan_interface.h>

#include "app_config.h"
#include "app_err.h"
#include "http_parser.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Expected return "the whole input is the head" (or .head_len when set). */
#define HEAD INT_MAX

struct row {
    const char *name;
    const char *in;
    size_t len;
    size_t cap; /* used when cap_set, else APP_HTTP_HEAD_MAX */
    bool cap_set;
    void (*gen)(struct row *r, size_t arg); /* builds in/len (and expectations) */
    size_t arg;
    int ret; /* HEAD, 0 or APP_ERR_INVAL */
    uint16_t status;
    const char *reason; /* checked when set */
    /* Checked on success; the comments give the expectation when unset. */
    size_t head_len;         /* 0: len */
    enum http_method method; /* GET */
    const char *mtext;       /* the method's name */
    const char *path;        /* "/" */
    const char *query;       /* no query */
    const char *target;      /* path ["?" query] */
    const char *authority;   /* not absolute-form */
    bool v10;                /* HTTP/1.1 */
    const char *host, *auth, *crid; /* field absent */
    bool has_cl;             /* content_length -1 */
    int64_t cl;
    bool te, close, ka;
    int nh; /* header_count, always checked */
};

#define RL "GET / HTTP/1.1\r\n"
#define HA "Host: a\r\n"
#define RQ RL HA "\r\n"
#define IN(s) .in = (s), .len = sizeof(s) - 1
#define OK(nm, s, n, ...) {.name = nm, IN(s), .ret = HEAD, .nh = n, __VA_ARGS__}
#define ERR(nm, s, st) {.name = nm, IN(s), .ret = APP_ERR_INVAL, .status = st}
#define ERRM(nm, s, st, why) {.name = nm, IN(s), .ret = APP_ERR_INVAL, .status = st, .reason = why}
#define ERRC(nm, s, st, c) \
    {.name = nm, IN(s), .ret = APP_ERR_INVAL, .status = st, .cap = c, .cap_set = true}
#define MORE(nm, s) {.name = nm, IN(s), .ret = 0}
#define GEN(nm, g, a, r_, st) {.name = nm, .gen = g, .arg = a, .ret = r_, .status = st}
#define CL(v) .has_cl = true, .cl = (v)

/* ../shared/bench/seed-request.http, byte for byte (616 bytes). */
#define BENCH_PATH                                                                      \
    "/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/"             \
    "73eb2497-3b88-4c0a-8bb3-68ba8162beff/accessPackageResources/"                      \
    "99ab2454-3b88-4c0a-8bb3-68ba8162beff/uploadSessions/23f27c15-72f9-45fe-9e9c-e3d8f75bdc44"
#define BENCH_AUTH                                                                      \
    "Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6ImRldiJ9.eyJpc3MiOiJodHRwczovL2xvZ2luLmV4YW1wbG" \
    "UvIiwiYXVkIjoiYXBpOi8vZGV2aWNlIiwic2NwIjoiRW50aXRsZW1lbnRNYW5hZ2VtZW50LlJlYWQuQWxs" \
    "IiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLXBsYWNlaG9sZGVyLXNpZ25hdHVyZS1wbGFjZWhvbGRl" \
    "cg"
#define BENCH_CRID "5f0d3c1a-1111-4222-8333-944445555666"
#define BENCH_REQUEST                                                                   \
    "GET " BENCH_PATH " HTTP/1.1\r\n"                                                   \
    "Host: localhost:8080\r\n"                                                          \
    "User-Agent: curl/8.5.0\r\n"                                                        \
    "Accept: */*\r\n"                                                                   \
    "Authorization: " BENCH_AUTH "\r\n"                                                 \
    "client-request-id: " BENCH_CRID "\r\n"                                             \
    "\r\n"
_Static_assert(sizeof(BENCH_REQUEST) - 1 == 616, "bench request is 616 bytes");

static const char k_bare_lf[] = "Line ends must be CRLF; a bare LF was received.";
static const char k_bare_cr[] = "Line ends must be CRLF; a bare CR was received.";
static const char k_no_host[] = "Host header is required.";

/* ---- Generated inputs (limits) ------------------------------------------- */
#define GEN_MAX (APP_HTTP_HEAD_MAX + 256)
static char s_gen[GEN_MAX];
static char s_gen_path[GEN_MAX];
static char s_gen_auth[GEN_MAX];

static size_t put(size_t at, const char *s)
{
    size_t n = strlen(s);
    assert_true(at + n <= sizeof(s_gen));
    memcpy(s_gen + at, s, n);
    return at + n;
}

static size_t put_fill(size_t at, char c, size_t n)
{
    assert_true(at + n <= sizeof(s_gen));
    memset(s_gen + at, c, n);
    return at + n;
}

static void gen_done(struct row *r, size_t len)
{
    r->in = s_gen;
    r->len = len;
}

/* Request line of exactly `total` bytes with its CRLF, after `empties`
 * leading empty lines, then Host and the end of the head. */
static void request_line(struct row *r, size_t total, size_t empties)
{
    size_t n = 0;
    size_t pad = total - strlen("GET / HTTP/1.1\r\n");
    for (size_t k = 0; k < empties; k++) {
        n = put(n, "\r\n");
    }
    n = put(n, "GET /");
    n = put_fill(n, 'a', pad);
    n = put(n, " HTTP/1.1\r\nHost: a\r\n\r\n");
    gen_done(r, n);
    s_gen_path[0] = '/';
    memset(s_gen_path + 1, 'a', pad);
    s_gen_path[pad + 1] = '\0';
    r->path = s_gen_path;
    r->host = "a";
    r->nh = 1;
}

static void gen_request_line(struct row *r, size_t total)
{
    request_line(r, total, 0);
}

static void gen_request_line_after_empties(struct row *r, size_t total)
{
    request_line(r, total, 3);
}

/* The first n bytes of a request line that has no CRLF yet. */
static void gen_open_request_line(struct row *r, size_t n)
{
    size_t at = put(0, "GET /");
    gen_done(r, put_fill(at, 'a', n - at));
}

/* A head with `count` field lines, Host first. */
static void gen_fields(struct row *r, size_t count)
{
    size_t n = put(0, RL HA);
    for (size_t k = 1; k < count; k++) {
        char line[32];
        line[0] = 'X';
        line[1] = (char)('A' + k / 26);
        line[2] = (char)('A' + k % 26);
        memcpy(line + 3, ": v\r\n", 6);
        n = put(n, line);
    }
    gen_done(r, put(n, "\r\n"));
    r->host = "a";
    r->nh = (int)count;
}

/* Authorization whose trimmed value is `value_len` bytes; `ows` adds OWS
 * on both sides that the limit must not count. */
static void authorization(struct row *r, size_t value_len, bool ows)
{
    size_t n = put(0, RL HA "Authorization:");
    n = put(n, ows ? " \t Bearer " : " Bearer ");
    n = put_fill(n, 'T', value_len - 7);
    n = put(n, ows ? " \t \r\n\r\n" : "\r\n\r\n");
    gen_done(r, n);
    memcpy(s_gen_auth, "Bearer ", 7);
    memset(s_gen_auth + 7, 'T', value_len - 7);
    s_gen_auth[value_len] = '\0';
    r->auth = s_gen_auth;
    r->host = "a";
    r->nh = 2;
}

static void gen_authorization(struct row *r, size_t value_len)
{
    authorization(r, value_len, false);
}

static void gen_authorization_ows(struct row *r, size_t value_len)
{
    authorization(r, value_len, true);
}

/* A complete head of exactly `total` bytes (an "X" field pads it). */
static void gen_head(struct row *r, size_t total)
{
    size_t n = put(0, RL HA "X: ");
    n = put_fill(n, 'x', total - n - 4);
    gen_done(r, put(n, "\r\n\r\n"));
    r->host = "a";
    r->nh = 2;
}

/* n bytes of empty lines and nothing else. */
static void gen_empty_lines(struct row *r, size_t n)
{
    size_t at = 0;
    while (at < n) {
        at = put(at, "\r\n");
    }
    gen_done(r, at);
}

/* ---- The table ------------------------------------------------------------ */
static struct row s_rows[] = {
    /* Good requests */
    OK("minimal GET", RQ, 1, .host = "a"),
    OK("bench request", BENCH_REQUEST, 5, .path = BENCH_PATH, .host = "localhost:8080",
       .auth = BENCH_AUTH, .crid = BENCH_CRID),
    OK("HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", 0, .v10 = true),
    OK("HTTP/1.0 with Host", "GET /x HTTP/1.0\r\n" HA "\r\n", 1, .v10 = true, .path = "/x", .host = "a"),
    OK("leading empty lines skipped", "\r\n\r\n" RQ, 1, .host = "a"),
    OK("method HEAD", "HEAD / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_HEAD, .host = "a"),
    OK("method POST", "POST / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_POST, .host = "a"),
    OK("method PUT", "PUT / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_PUT, .host = "a"),
    OK("method PATCH", "PATCH / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_PATCH, .host = "a"),
    OK("method DELETE", "DELETE / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_DELETE, .host = "a"),
    OK("method OPTIONS", "OPTIONS / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_OPTIONS, .host = "a"),
    OK("unknown method token", "M-SEARCH / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_OTHER, .mtext = "M-SEARCH", .host = "a"),
    OK("methods are case-sensitive", "get / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_OTHER, .mtext = "get", .host = "a"),
    OK("5-letter method not PATCH", "TRACE / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_OTHER, .mtext = "TRACE", .host = "a"),
    OK("6-letter method not DELETE", "UNLOCK / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_OTHER, .mtext = "UNLOCK", .host = "a"),
    OK("method prefix is not GET", "GETS / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_OTHER, .mtext = "GETS", .host = "a"),
    OK("method of every tchar", "!#$%&'*+-.^_`|~09AZaz / HTTP/1.1\r\n" HA "\r\n", 1, .method = HTTP_METHOD_OTHER, .mtext = "!#$%&'*+-.^_`|~09AZaz", .host = "a"),
    OK("query split at first ?", "GET /a?b=c HTTP/1.1\r\n" HA "\r\n", 1, .path = "/a", .query = "b=c", .host = "a"),
    OK("empty query", "GET /a? HTTP/1.1\r\n" HA "\r\n", 1, .path = "/a", .query = "", .host = "a"),
    OK("second ? stays in query", "GET /a?b?c=/d HTTP/1.1\r\n" HA "\r\n", 1, .path = "/a", .query = "b?c=/d", .host = "a"),
    OK("percent-encoding kept", "GET /a%2Fb%00?%24select=x HTTP/1.1\r\n" HA "\r\n", 1, .path = "/a%2Fb%00", .query = "%24select=x", .host = "a"),
    OK("target of every visible byte but #", "GET /!\"$%&'()*+,-./09:;<=>@AZ[\\]^_`az{|}~ HTTP/1.1\r\n" HA "\r\n", 1, .path = "/!\"$%&'()*+,-./09:;<=>@AZ[\\]^_`az{|}~", .host = "a"),
    OK("origin-form double slash", "GET //x HTTP/1.1\r\n" HA "\r\n", 1, .path = "//x", .host = "a"),
    OK("absolute-form http", "GET http://h.example:8080/p/q?x=1 HTTP/1.1\r\n" HA "\r\n", 1, .target = "http://h.example:8080/p/q?x=1", .authority = "h.example:8080", .path = "/p/q", .query = "x=1", .host = "a"),
    OK("absolute-form scheme is case-insensitive", "GET HTTPS://H/x HTTP/1.1\r\n" HA "\r\n", 1, .target = "HTTPS://H/x", .authority = "H", .path = "/x", .host = "a"),
    OK("absolute-form without path", "GET http://h HTTP/1.1\r\n" HA "\r\n", 1, .target = "http://h", .authority = "h", .path = "", .host = "a"),
    OK("absolute-form query without path", "GET http://h?x HTTP/1.1\r\n" HA "\r\n", 1, .target = "http://h?x", .authority = "h", .path = "", .query = "x", .host = "a"),
    OK("absolute-form IPv6 literal", "GET http://[::1]:8080/ HTTP/1.1\r\n" HA "\r\n", 1, .target = "http://[::1]:8080/", .authority = "[::1]:8080", .path = "/", .host = "a"),
    OK("absolute-form HTTP/1.0 without Host", "GET https://h/beta HTTP/1.0\r\n\r\n", 0, .v10 = true, .target = "https://h/beta", .authority = "h", .path = "/beta"),
    OK("Host OWS trimmed", RL "Host: \t a \t \r\n\r\n", 1, .host = "a"),
    OK("Host without OWS", RL "Host:a\r\n\r\n", 1, .host = "a"),
    OK("Host IPv6 and port", RL "Host: [::1]:8080\r\n\r\n", 1, .host = "[::1]:8080"),
    OK("Host reg-name chars", RL "Host: a-b.c_d~e%41!$&'()*+,;=\r\n\r\n", 1, .host = "a-b.c_d~e%41!$&'()*+,;="),
    /* Host = uri-host [":" port] (RFC 9112 3.2, RFC 3986 3.2.2-3.2.3). */
    OK("Host localhost", RL "Host: localhost\r\n\r\n", 1, .host = "localhost"),
    OK("Host localhost:8080", RL "Host: localhost:8080\r\n\r\n", 1, .host = "localhost:8080"),
    OK("Host IPv4 and port", RL "Host: 127.0.0.1:80\r\n\r\n", 1, .host = "127.0.0.1:80"),
    OK("Host IPv6 and port 443", RL "Host: [::1]:443\r\n\r\n", 1, .host = "[::1]:443"),
    OK("Host IPv6 without port", RL "Host: [::1]\r\n\r\n", 1, .host = "[::1]"),
    OK("Host IPv4-mapped IPv6", RL "Host: [::FFFF:127.0.0.1]\r\n\r\n", 1, .host = "[::FFFF:127.0.0.1]"),
    OK("Host bare name", RL "Host: uploadsession\r\n\r\n", 1, .host = "uploadsession"),
    OK("Host port 0", RL "Host: a:0\r\n\r\n", 1, .host = "a:0"),
    OK("Host port 65535, leading zeros", RL "Host: a:0065535\r\n\r\n", 1, .host = "a:0065535"),
    OK("Host pct-encoded name", RL "Host: %6c%6F\r\n\r\n", 1, .host = "%6c%6F"),
    OK("field names are case-insensitive", RL "hOsT: a\r\nCONTENT-length: 0\r\nAUTHORIZATION: Bearer x\r\nClient-Request-ID: c\r\nTRANSFER-encoding: x\r\nCONNECTION: CLOSE\r\n\r\n", 6, .host = "a", CL(0), .auth = "Bearer x", .crid = "c", .te = true, .close = true),
    OK("field name of every tchar", RL HA "!#$%&'*+-.^_`|~09AZaz: v\r\n\r\n", 2, .host = "a"),
    OK("names that only look known", RL HA "Hosts: b\r\nX-Host: b\r\nContent-Lengths: x\r\nAuthorizatio: y\r\n\r\n", 5, .host = "a"),
    OK("empty field values", RL HA "X-Empty:\r\nX-Ows: \t \r\n\r\n", 3, .host = "a"),
    OK("obs-text in field value", RL HA "X: caf\xc3\xa9\x80\xff\r\n\r\n", 2, .host = "a"),
    OK("inner whitespace kept", RL HA "client-request-id:  a \t b  \r\n\r\n", 2, .host = "a", .crid = "a \t b"),
    OK("first client-request-id kept", RL HA "client-request-id: one\r\nclient-request-id: two\r\n\r\n", 3, .host = "a", .crid = "one"),
    OK("colons in field value", RL HA "X: a:b::c\r\n\r\n", 2, .host = "a"),
    OK("Content-Length 0", RL HA "Content-Length: 0\r\n\r\n", 2, .host = "a", CL(0)),
    OK("Content-Length 42 with OWS", RL HA "Content-Length:\t42 \r\n\r\n", 2, .host = "a", CL(42)),
    OK("Content-Length leading zeros", RL HA "Content-Length: 007\r\n\r\n", 2, .host = "a", CL(7)),
    OK("Content-Length 10^15 accepted", RL HA "Content-Length: 1000000000000000\r\n\r\n", 2, .host = "a", CL(1000000000000000LL)),
    OK("Content-Length many leading zeros", RL HA "Content-Length: 00000000000000000000000009\r\n\r\n", 2, .host = "a", CL(9)),
    OK("Transfer-Encoding flagged", RL HA "Transfer-Encoding: chunked\r\n\r\n", 2, .host = "a", .te = true),
    OK("Transfer-Encoding twice", RL HA "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n", 3, .host = "a", .te = true),
    OK("Connection close", RL HA "Connection: close\r\n\r\n", 2, .host = "a", .close = true),
    OK("Connection Keep-Alive any case", RL HA "Connection: Keep-Alive\r\n\r\n", 2, .host = "a", .ka = true),
    OK("Connection list", RL HA "Connection: keep-alive, Upgrade,close\r\n\r\n", 2, .host = "a", .close = true, .ka = true),
    OK("Connection empty elements and OWS", RL HA "Connection: , ,\t close \t, ,\r\n\r\n", 2, .host = "a", .close = true),
    OK("Connection near misses", RL HA "Connection: closed, keep-alive2, clos, \"close\", close x\r\n\r\n", 2, .host = "a"),
    OK("Connection fields accumulate", RL HA "Connection: close\r\nConnection: keep-alive\r\n\r\n", 3, .host = "a", .close = true, .ka = true),
    OK("pipelined: first head only", RQ "POST /b HTTP/1.1\r\nHost: b\r\n\r\n", 1, .head_len = sizeof(RQ) - 1, .host = "a"),
    OK("bytes after the head not examined", RL HA "Content-Length: 5\r\n\r\n\0\n\r\x7f!", 2, .head_len = sizeof(RL HA "Content-Length: 5\r\n\r\n") - 1, .host = "a", CL(5)),
    OK("head exactly cap", RQ, 1, .host = "a", .cap = sizeof(RQ) - 1, .cap_set = true),
    OK("head within cap, more bytes than cap", RQ "extra", 1, .head_len = sizeof(RQ) - 1, .host = "a", .cap = sizeof(RQ) - 1, .cap_set = true),
    OK("cap above 16 bits counts as 65535", RQ, 1, .host = "a", .cap = SIZE_MAX, .cap_set = true),

    /* Line ends */
    ERRM("bare LF ends request line", "GET / HTTP/1.1\n" HA "\r\n", 400, k_bare_lf),
    ERRM("bare LF ends field line", RL "Host: a\n\r\n", 400, k_bare_lf),
    ERRM("bare LF as final line", RL HA "\n", 400, k_bare_lf),
    ERRM("bare LF before request line", "\n" RQ, 400, k_bare_lf),
    ERRM("bare LF after method", "GET\n", 400, k_bare_lf),
    ERRM("bare LF instead of field name", RL "\nHost: a\r\n\r\n", 400, k_bare_lf),
    ERRM("bare CR before request line", "\rGET / HTTP/1.1\r\n" HA "\r\n", 400, k_bare_cr),
    ERRM("bare CR after version", "GET / HTTP/1.1\r" HA "\r\n", 400, k_bare_cr),
    ERRM("bare CR in field value", RL "Host: a\rb\r\n\r\n", 400, k_bare_cr),
    ERRM("bare CR as final line", RL HA "\rX", 400, k_bare_cr),
    ERR("CR in target", "GET /\r HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("CR in field name", RL "Ho\rst: a\r\n\r\n", 400),

    /* Request line */
    ERR("empty method", " / HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("double SP after method", "GET  / HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("double SP before version", "GET /  HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("SP after version", "GET / HTTP/1.1 \r\n" HA "\r\n", 400),
    ERR("HTAB as separator", "GET\t/ HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("no version (HTTP/0.9)", "GET /\r\n\r\n", 400),
    ERR("version lowercase", "GET / http/1.1\r\n" HA "\r\n", 400),
    ERR("version HTTP/1.10", "GET / HTTP/1.10\r\n" HA "\r\n", 400),
    ERR("version HTTP/1", "GET / HTTP/1\r\n" HA "\r\n", 400),
    ERR("version HTTP/1.x", "GET / HTTP/1.x\r\n" HA "\r\n", 400),
    ERR("version HTTP-1.1", "GET / HTTP-1.1\r\n" HA "\r\n", 400),
    ERR("non-tchar in method", "GE(T / HTTP/1.1\r\n" HA "\r\n", 400),
    ERRM("version HTTP/2.0", "GET / HTTP/2.0\r\n" HA "\r\n", 505, "HTTP version not supported."),
    ERR("version HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", 505),
    ERR("version HTTP/1.2", "GET / HTTP/1.2\r\n" HA "\r\n", 505),
    ERR("version HTTP/9.9", "GET / HTTP/9.9\r\n" HA "\r\n", 505),
    ERR("asterisk-form", "OPTIONS * HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("authority-form", "CONNECT example.com:443 HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("relative target", "GET a/b HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("query-only target", "GET ?a HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("other scheme", "GET ftp://h/ HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("scheme without //", "GET http:/h/ HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("scheme only", "GET http:// HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("absolute-form empty host", "GET http:///x HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("absolute-form userinfo", "GET http://u@h/ HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("DEL in target", "GET /\x7f HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("NUL in target", "GET /a\0b HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("control byte in target", "GET /a\x01" "b HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("non-ASCII in target", "GET /caf\xc3\xa9 HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("non-ASCII in query", "GET /a?\xff HTTP/1.1\r\n" HA "\r\n", 400),

    /* Field lines */
    ERRM("space before colon", RL "Host : a\r\n\r\n", 400, "Whitespace before colon in header field."),
    ERR("tab before colon", RL "Host\t: a\r\n\r\n", 400),
    ERR("field line without colon", RL HA "NoColon\r\n\r\n", 400),
    ERR("empty field name", RL HA ": a\r\n\r\n", 400),
    ERRM("obs-fold with SP", RL HA "X: a\r\n b\r\n\r\n", 400, "Header line folding is not supported."),
    ERR("obs-fold with HTAB", RL HA "X: a\r\n\tb\r\n\r\n", 400),
    ERR("whitespace before first field", RL " Host: a\r\n\r\n", 400),
    ERR("non-tchar in field name", RL HA "X(y): v\r\n\r\n", 400),
    ERR("NUL in field value", RL HA "X: a\0b\r\n\r\n", 400),
    ERR("DEL in field value", RL HA "X: a\x7f" "b\r\n\r\n", 400),
    ERR("control byte in field value", RL HA "X: \x01\r\n\r\n", 400),
    ERRM("duplicate Host", RL HA HA "\r\n", 400, "Duplicate Host header."),
    ERR("duplicate Host any case", RL HA "HOST: b\r\n\r\n", 400),
    ERRM("duplicate Content-Length", RL HA "Content-Length: 5\r\nContent-Length: 5\r\n\r\n", 400, "Duplicate Content-Length header."),
    ERRM("duplicate Authorization", RL HA "Authorization: Bearer a\r\nauthorization: Bearer a\r\n\r\n", 400, "Duplicate Authorization header."),
    ERRM("Content-Length empty", RL HA "Content-Length: \r\n\r\n", 400, "Invalid Content-Length header."),
    ERR("Content-Length letters", RL HA "Content-Length: abc\r\n\r\n", 400),
    ERR("Content-Length list", RL HA "Content-Length: 5, 5\r\n\r\n", 400),
    ERR("Content-Length negative", RL HA "Content-Length: -1\r\n\r\n", 400),
    ERR("Content-Length plus sign", RL HA "Content-Length: +1\r\n\r\n", 400),
    ERR("Content-Length inner space", RL HA "Content-Length: 1 2\r\n\r\n", 400),
    ERR("Content-Length hex", RL HA "Content-Length: 0x10\r\n\r\n", 400),
    ERR("Content-Length 10^15+1", RL HA "Content-Length: 1000000000000001\r\n\r\n", 400),
    ERR("Content-Length past int64", RL HA "Content-Length: 99999999999999999999999\r\n\r\n", 400),
    ERRM("missing Host on 1.1", "GET / HTTP/1.1\r\n\r\n", 400, k_no_host),
    ERRM("missing Host with other fields", RL "Hostname: a\r\nX-Host: a\r\n\r\n", 400, k_no_host),
    ERRM("Host empty", RL "Host:\r\n\r\n", 400, "Invalid Host header."),
    ERR("Host with path", RL "Host: a/b\r\n\r\n", 400),
    ERR("Host with userinfo", RL "Host: u@a\r\n\r\n", 400),
    ERR("Host with inner space", RL "Host: a b\r\n\r\n", 400),
    ERR("Host non-ASCII", RL "Host: caf\xc3\xa9\r\n\r\n", 400),
    /* Regression (issue 10 item 6): each of these was accepted. */
    ERRM("Host port not digits", RL "Host: localhost:abc\r\n\r\n", 400, "Invalid Host header."),
    ERRM("Host IPv6 unclosed", RL "Host: [::1\r\n\r\n", 400, "Invalid Host header."),
    ERRM("Host bad pct-encoding", RL "Host: local%zzhost\r\n\r\n", 400, "Invalid Host header."),
    ERRM("Host empty port", RL "Host: localhost:\r\n\r\n", 400, "Invalid Host header."),
    ERRM("Host port 65536", RL "Host: localhost:65536\r\n\r\n", 400, "Invalid Host header."),
    ERR("Host port of 20 digits", RL "Host: localhost:99999999999999999999\r\n\r\n", 400),
    ERR("Host port negative", RL "Host: localhost:-1\r\n\r\n", 400),
    ERR("Host two ports", RL "Host: a:1:2\r\n\r\n", 400),
    ERR("Host port only", RL "Host: :80\r\n\r\n", 400),
    ERR("Host empty IPv6 literal", RL "Host: []\r\n\r\n", 400),
    ERR("Host IPv6 then junk", RL "Host: [::1]x\r\n\r\n", 400),
    ERR("Host IPv6 empty port", RL "Host: [::1]:\r\n\r\n", 400),
    ERR("Host IPv6 bracket twice", RL "Host: [::1]]\r\n\r\n", 400),
    ERR("Host IPv6 nested bracket", RL "Host: [[::1]\r\n\r\n", 400),
    ERR("Host IPv6 zone id", RL "Host: [fe80::1%25eth0]\r\n\r\n", 400),
    ERR("Host IPv6 non-hex", RL "Host: [::g]\r\n\r\n", 400),
    ERR("Host IPvFuture (not served)", RL "Host: [v1.x]\r\n\r\n", 400),
    ERR("Host unbracketed IPv6", RL "Host: ::1\r\n\r\n", 400),
    ERR("Host bracket in name", RL "Host: a]\r\n\r\n", 400),
    ERR("Host pct-encoding cut", RL "Host: a%4\r\n\r\n", 400),
    ERR("Host lone percent", RL "Host: a%\r\n\r\n", 400),
    ERRM("absolute-form port not digits", "GET http://localhost:abc/x HTTP/1.1\r\n" HA "\r\n", 400, "Invalid request target."),
    ERRM("absolute-form empty port", "GET http://h:/x HTTP/1.1\r\n" HA "\r\n", 400, "Invalid request target."),
    ERR("absolute-form port 70000", "GET http://h:70000/ HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("absolute-form IPv6 unclosed", "GET http://[::1/x HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("absolute-form bad pct-encoding", "GET http://lo%zz/ HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("absolute-form port then junk", "GET http://[::1]:8080x/ HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("absolute-form port before query", "GET https://h:x?q HTTP/1.1\r\n" HA "\r\n", 400),
    /* Regression (issue 10 item 7): a request-target has no fragment
     * (RFC 9112 3.2); '#' anywhere in it is a 400. */
    ERRM("fragment after path", "GET /a#f HTTP/1.1\r\n" HA "\r\n", 400, "Invalid character in request target."),
    ERRM("fragment after query", "GET /a?b#f HTTP/1.1\r\n" HA "\r\n", 400, "Invalid character in request target."),
    ERR("empty fragment", "GET /a# HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("fragment only", "GET # HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("fragment in a long path", "GET /beta/identityGovernance/x#y/z HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("fragment in absolute-form", "GET http://h/p#f HTTP/1.1\r\n" HA "\r\n", 400),
    ERR("# in the version", "GET / HTTP/1.1#\r\n" HA "\r\n", 400),

    /* Limits */
    GEN("request line exactly LINE_MAX", gen_request_line, APP_HTTP_LINE_MAX, HEAD, 0),
    GEN("request line LINE_MAX + 1", gen_request_line, APP_HTTP_LINE_MAX + 1, APP_ERR_INVAL, 414),
    GEN("empty lines not counted in LINE_MAX", gen_request_line_after_empties, APP_HTTP_LINE_MAX, HEAD, 0),
    GEN("open request line at LINE_MAX - 1", gen_open_request_line, APP_HTTP_LINE_MAX - 1, 0, 0),
    GEN("open request line at LINE_MAX", gen_open_request_line, APP_HTTP_LINE_MAX, APP_ERR_INVAL, 414),
    GEN("MAX_HEADERS fields", gen_fields, APP_HTTP_MAX_HEADERS, HEAD, 0),
    GEN("MAX_HEADERS + 1 fields", gen_fields, APP_HTTP_MAX_HEADERS + 1, APP_ERR_INVAL, 431),
    GEN("Authorization at TOKEN_MAX + 7", gen_authorization, APP_HTTP_TOKEN_MAX + 7, HEAD, 0),
    GEN("Authorization at TOKEN_MAX + 8", gen_authorization, APP_HTTP_TOKEN_MAX + 8, APP_ERR_INVAL, 431),
    GEN("Authorization limit ignores OWS", gen_authorization_ows, APP_HTTP_TOKEN_MAX + 7, HEAD, 0),
    GEN("head exactly HEAD_MAX", gen_head, APP_HTTP_HEAD_MAX, HEAD, 0),
    GEN("head HEAD_MAX + 1", gen_head, APP_HTTP_HEAD_MAX + 1, APP_ERR_INVAL, 431),
    GEN("empty lines fill the buffer", gen_empty_lines, APP_HTTP_HEAD_MAX, APP_ERR_INVAL, 431),
    ERRC("head one over cap", RQ, 431, sizeof(RQ) - 2),
    ERRC("cap 0", RQ, 431, 0),
    ERRC("cap reached inside short request line", "GET /aaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n", 431, 20),
    ERRC("head past cap though more bytes came", RQ "more", 431, 10),

    /* Incomplete */
    MORE("empty input", ""),
    MORE("only empty lines", "\r\n\r\n"),
    MORE("partial method", "GE"),
    MORE("partial request line", "GET /a?b HTTP/1."),
    MORE("request line only", RL),
    MORE("head without final CRLF", RL HA),
    MORE("head ends in CR", RL HA "\r"),
    MORE("field line without CRLF", RL "Host: a  "),
};

/* ---- Checking ---------------------------------------------------------------- */
static const char *const k_method_names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

static void check_slice(struct http_slice s, const char *exp, const char *buf, size_t head_len)
{
    size_t n = strlen(exp);
    assert_non_null(s.p);
    assert_true(s.p >= buf);
    assert_true(s.p + s.n <= buf + head_len);
    assert_int_equal(s.n, n);
    assert_memory_equal(s.p, exp, n);
}

static void check_opt(bool has, struct http_slice s, const char *exp, const char *buf, size_t head_len)
{
    assert_int_equal(has, exp != NULL);
    if (exp != NULL) {
        check_slice(s, exp, buf, head_len);
    }
}

/* Every field of a successful parse against the row. */
static void check_fields(const struct row *r, const char *buf, const struct http_request *q)
{
    size_t head = r->head_len != 0 ? r->head_len : r->len;
    const char *path = r->path != NULL ? r->path : "/";
    static char target[GEN_MAX + 8];

    assert_int_equal(q->head_len, head);
    assert_int_equal(q->method, r->method);
    if (r->mtext != NULL) {
        check_slice(q->method_text, r->mtext, buf, head);
    } else {
        assert_true(r->method < HTTP_METHOD_OTHER); /* table bug otherwise */
        check_slice(q->method_text, k_method_names[r->method], buf, head);
    }
    check_slice(q->path, path, buf, head);
    check_opt(q->has_query, q->query, r->query, buf, head);
    if (r->target != NULL) {
        check_slice(q->target, r->target, buf, head);
    } else {
        strcpy(target, path);
        if (r->query != NULL) {
            strcat(target, "?");
            strcat(target, r->query);
        }
        check_slice(q->target, target, buf, head);
    }
    check_opt(q->absolute_form, q->authority, r->authority, buf, head);
    assert_int_equal(q->version_minor, r->v10 ? 0 : 1);
    check_opt(q->has_host, q->host, r->host, buf, head);
    check_opt(q->has_authorization, q->authorization, r->auth, buf, head);
    check_opt(q->has_client_request_id, q->client_request_id, r->crid, buf, head);
    assert_int_equal(q->content_length, r->has_cl ? r->cl : -1);
    assert_int_equal(q->transfer_encoding, r->te);
    assert_int_equal(q->conn_close, r->close);
    assert_int_equal(q->conn_keep_alive, r->ka);
    assert_int_equal(q->header_count, r->nh);
}

static void check_result(const struct row *r, const char *buf, int ret, const struct http_request *q)
{
    if (r->ret == HEAD) {
        size_t head = r->head_len != 0 ? r->head_len : r->len;
        assert_int_equal(ret, head);
        check_fields(r, buf, q);
        return;
    }
    assert_int_equal(ret, r->ret);
    if (ret == APP_ERR_INVAL) {
        assert_int_equal(q->status, r->status);
        assert_non_null(q->reason);
        assert_true(q->reason[0] != '\0');
        if (r->reason != NULL) {
            assert_string_equal(q->reason, r->reason);
        }
    }
}

/* The fields two runs over the same buffer must agree on. */
static void assert_same(int ret, const struct http_request *a, const struct http_request *b)
{
    if (ret == APP_ERR_INVAL) {
        assert_int_equal(a->status, b->status);
        assert_ptr_equal(a->reason, b->reason);
        return;
    }
    if (ret <= 0) {
        return;
    }
    assert_int_equal(a->method, b->method);
    assert_ptr_equal(a->method_text.p, b->method_text.p);
    assert_int_equal(a->method_text.n, b->method_text.n);
    assert_ptr_equal(a->target.p, b->target.p);
    assert_int_equal(a->target.n, b->target.n);
    assert_ptr_equal(a->path.p, b->path.p);
    assert_int_equal(a->path.n, b->path.n);
    assert_int_equal(a->has_query, b->has_query);
    assert_ptr_equal(a->query.p, b->query.p);
    assert_int_equal(a->query.n, b->query.n);
    assert_int_equal(a->absolute_form, b->absolute_form);
    assert_ptr_equal(a->authority.p, b->authority.p);
    assert_int_equal(a->version_minor, b->version_minor);
    assert_int_equal(a->has_host, b->has_host);
    assert_ptr_equal(a->host.p, b->host.p);
    assert_int_equal(a->host.n, b->host.n);
    assert_int_equal(a->has_authorization, b->has_authorization);
    assert_ptr_equal(a->authorization.p, b->authorization.p);
    assert_int_equal(a->authorization.n, b->authorization.n);
    assert_int_equal(a->has_client_request_id, b->has_client_request_id);
    assert_ptr_equal(a->client_request_id.p, b->client_request_id.p);
    assert_int_equal(a->client_request_id.n, b->client_request_id.n);
    assert_int_equal(a->content_length, b->content_length);
    assert_int_equal(a->transfer_encoding, b->transfer_encoding);
    assert_int_equal(a->conn_close, b->conn_close);
    assert_int_equal(a->conn_keep_alive, b->conn_keep_alive);
    assert_int_equal(a->header_count, b->header_count);
    assert_int_equal(a->head_len, b->head_len);
}

/* One feed of len bytes from buf, which holds exactly len bytes, with the
 * bytes from `avail` on poisoned: ASan fails the test if the parser reads
 * past what it was given. */
static int feed(struct http_parser *p, const char *buf, size_t avail, size_t len, size_t cap,
                struct http_request *q)
{
    int ret;
    ASAN_POISON_MEMORY_REGION(buf + avail, len - avail);
    ret = http_parser_feed(p, buf, avail, cap, q);
    ASAN_UNPOISON_MEMORY_REGION(buf + avail, len - avail);
    return ret;
}

static void run_row(void **state)
{
    struct row r = *(const struct row *)*state;
    struct http_parser p;
    struct http_request one, again, q;
    size_t cap;
    char *buf;
    int ret;

    if (r.gen != NULL) {
        r.gen(&r, r.arg);
    }
    cap = r.cap_set ? r.cap : APP_HTTP_HEAD_MAX;
    /* Exactly len bytes on the heap so that ASan sees any overread. */
    buf = malloc(r.len);
    assert_true(buf != NULL || r.len == 0);
    if (r.len != 0) {
        memcpy(buf, r.in, r.len);
    }

    /* 1. All at once. */
    http_parser_init(&p);
    memset(&one, 0xa5, sizeof(one)); /* all of it is the parser's to fill */
    ret = feed(&p, buf, r.len, r.len, cap, &one);
    check_result(&r, buf, ret, &one);
    /* The result is sticky and req is left alone. */
    again = one;
    assert_int_equal(feed(&p, buf, r.len, r.len, cap, &again), ret);
    assert_same(ret, &again, &one);

    /* 2. Byte at a time: 0 until complete, never a rescan, req only
     * written with the final answer. */
    http_parser_init(&p);
    memset(&q, 0x5a, sizeof(q));
    memset(&again, 0x5a, sizeof(again));
    for (size_t k = 0; k <= r.len; k++) {
        int got = feed(&p, buf, k, r.len, cap, &q);
        if (got == 0) {
            assert_int_equal(p.scanned, k);
            assert_memory_equal(&q, &again, sizeof(q));
            continue;
        }
        assert_int_equal(got, ret);
        if (ret > 0) {
            assert_int_equal(k, (size_t)ret); /* done on the final LF itself */
        }
        break;
    }
    assert_int_equal(feed(&p, buf, r.len, r.len, cap, &q), ret);
    assert_same(ret, &q, &one);
    check_result(&r, buf, ret, &q);

    /* 3. Split in two at every offset. */
    for (size_t s = 0; s <= r.len; s++) {
        int got;
        http_parser_init(&p);
        memset(&q, 0x3c, sizeof(q));
        got = feed(&p, buf, s, r.len, cap, &q);
        if (got == 0) {
            got = feed(&p, buf, r.len, r.len, cap, &q);
        }
        assert_int_equal(got, ret);
        assert_same(ret, &q, &one);
    }

    assert_memory_equal(buf, r.in, r.len); /* never written */
    free(buf);
}

/* ---- Byte classes, swept over all 256 values ---------------------------------- */
static const char k_tchar[] =
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/* Bytes that keep "a" c "b" a valid Host: reg-name characters (RFC 3986
 * 3.2.2); ':' then wants a port, '%' two hex digits, '[' ']' an IPv6
 * literal. */
static const char k_hostchar[] =
    "-._~!$&'()*+,;=0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static bool in_set(const char *set, unsigned c)
{
    return c != 0 && strchr(set, (int)c) != NULL;
}

/* Parses pre c post in one feed; *total is its length. */
static int parse_with(const char *pre, unsigned c, const char *post, struct http_request *q,
                      char *buf, int *total)
{
    struct http_parser p;
    size_t a = strlen(pre), b = strlen(post);
    memcpy(buf, pre, a);
    buf[a] = (char)c;
    memcpy(buf + a + 1, post, b);
    *total = (int)(a + 1 + b);
    http_parser_init(&p);
    return http_parser_feed(&p, buf, a + 1 + b, APP_HTTP_HEAD_MAX, q);
}

static void test_method_bytes(void **state)
{
    char buf[64];
    struct http_request q;
    int total;
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        int ret = parse_with("G", c, "T / HTTP/1.1\r\nHost: a\r\n\r\n", &q, buf, &total);
        if (in_set(k_tchar, c)) {
            assert_int_equal(ret, total);
            assert_int_equal(q.method_text.n, 3);
        } else {
            assert_int_equal(ret, APP_ERR_INVAL);
            assert_int_equal(q.status, 400);
        }
    }
}

/* Target bytes, at every offset of a word (the scanner goes a word at a
 * time through long runs), before and after a '?'. */
static void test_target_bytes(void **state)
{
    char buf[128], pre[64];
    struct http_request q;
    int total;
    (void)state;
    for (size_t pad = 0; pad < 2 * sizeof(size_t); pad++) {
        for (int in_query = 0; in_query <= 1; in_query++) {
            size_t n = 0;
            memcpy(pre, "GET /", 5);
            n = 5;
            if (in_query) {
                pre[n++] = '?';
            }
            memset(pre + n, 'a', pad);
            pre[n + pad] = '\0';
            for (unsigned c = 0; c < 256; c++) {
                int ret = parse_with(pre, c, "bcdefghijklmnopq HTTP/1.1\r\nHost: a\r\n\r\n", &q,
                                     buf, &total);
                if (c >= 0x21 && c <= 0x7e && c != '#') { /* no fragment (RFC 9112 3.2) */
                    assert_int_equal(ret, total);
                    assert_int_equal(q.target.n, n + pad + 17 - 4);
                    assert_int_equal(q.has_query, in_query || c == '?');
                    assert_int_equal(q.path.n, in_query ? 1 : (c == '?' ? 1 + pad : n + pad + 17 - 4));
                } else {
                    assert_int_equal(ret, APP_ERR_INVAL);
                    assert_int_equal(q.status, 400);
                }
            }
        }
    }
}

static void test_field_name_bytes(void **state)
{
    char buf[64];
    struct http_request q;
    int total;
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        int ret = parse_with(RL HA, c, "X: v\r\n\r\n", &q, buf, &total);
        if (in_set(k_tchar, c)) {
            assert_int_equal(ret, total);
            assert_int_equal(q.header_count, 2);
        } else {
            assert_int_equal(ret, APP_ERR_INVAL);
            assert_int_equal(q.status, 400);
        }
    }
}

/* Field-value bytes, at every offset of a word. */
static void test_field_value_bytes(void **state)
{
    char buf[128], pre[64];
    struct http_request q;
    int total;
    (void)state;
    for (size_t pad = 0; pad < 2 * sizeof(size_t); pad++) {
        size_t n = strlen(RL HA "client-request-id: a");
        memcpy(pre, RL HA "client-request-id: a", n);
        memset(pre + n, 'a', pad);
        pre[n + pad] = '\0';
        for (unsigned c = 0; c < 256; c++) {
            int ret = parse_with(pre, c, "bcdefghijklmnopq\r\n\r\n", &q, buf, &total);
            if (c == '\t' || c == ' ' || (c >= 0x21 && c <= 0x7e) || c >= 0x80) {
                assert_int_equal(ret, total);
                assert_int_equal(q.client_request_id.n, 1 + pad + 1 + 16);
                assert_int_equal((unsigned char)q.client_request_id.p[1 + pad], c);
            } else {
                assert_int_equal(ret, APP_ERR_INVAL);
                assert_int_equal(q.status, 400);
            }
        }
    }
}

static void test_host_bytes(void **state)
{
    char buf[64];
    struct http_request q;
    int total;
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        int ret = parse_with(RL "Host: a", c, "b\r\n\r\n", &q, buf, &total);
        if (in_set(k_hostchar, c)) {
            assert_int_equal(ret, total);
            assert_int_equal(q.host.n, 3);
        } else {
            assert_int_equal(ret, APP_ERR_INVAL);
            assert_int_equal(q.status, 400);
        }
    }
}

/* Port bytes: digits only (RFC 3986 3.2.3); IPv6 literal bytes: HEXDIG,
 * ':' and '.'. */
static void test_host_port_and_literal_bytes(void **state)
{
    char buf[64];
    struct http_request q;
    int total;
    (void)state;
    for (unsigned c = 0; c < 256; c++) {
        bool digit = c >= '0' && c <= '9';
        bool v6 = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
        bool ows = c == ' ' || c == '\t'; /* trailing OWS is not the value's */
        int ret = parse_with(RL "Host: a:1", c, "\r\n\r\n", &q, buf, &total);
        assert_int_equal(ret, digit || ows ? total : APP_ERR_INVAL);
        ret = parse_with(RL "Host: [::", c, "]\r\n\r\n", &q, buf, &total);
        assert_int_equal(ret, v6 ? total : APP_ERR_INVAL);
    }
}

/* ---- API properties --------------------------------------------------------------- */

/* A parser and request reused for the next request after init: nothing of
 * the first request leaks into the second. */
static void test_reuse_resets_request(void **state)
{
    static const char first[] = BENCH_REQUEST;
    static const char second[] = "GET /x HTTP/1.0\r\n\r\n";
    struct http_parser p;
    struct http_request q;
    (void)state;

    http_parser_init(&p);
    assert_int_equal(http_parser_feed(&p, first, sizeof(first) - 1, APP_HTTP_HEAD_MAX, &q), 616);
    assert_true(q.has_host && q.has_authorization && q.has_client_request_id);
    http_parser_init(&p);
    assert_int_equal(http_parser_feed(&p, second, sizeof(second) - 1, APP_HTTP_HEAD_MAX, &q), 19);
    assert_false(q.has_host);
    assert_false(q.has_authorization);
    assert_false(q.has_client_request_id);
    assert_int_equal(q.header_count, 0);
    assert_int_equal(q.content_length, -1);
    assert_int_equal(q.version_minor, 0);
    assert_int_equal(q.path.n, 2);
}

/* A call with fewer bytes than the previous one (a caller bug) changes
 * nothing; the next proper call carries on. */
static void test_shorter_len_ignored(void **state)
{
    static const char in[] = RQ;
    struct http_parser p;
    struct http_request q;
    (void)state;

    http_parser_init(&p);
    assert_int_equal(http_parser_feed(&p, in, 20, APP_HTTP_HEAD_MAX, &q), 0);
    assert_int_equal(p.scanned, 20);
    assert_int_equal(http_parser_feed(&p, in, 5, APP_HTTP_HEAD_MAX, &q), 0);
    assert_int_equal(p.scanned, 20);
    assert_int_equal(http_parser_feed(&p, in, sizeof(in) - 1, APP_HTTP_HEAD_MAX, &q), 27);
    assert_int_equal(q.host.n, 1);
    assert_ptr_equal(q.host.p, in + 22);
}

/* The 16-bit offsets: a head of 65535 bytes is accepted with any larger
 * cap, one of 65536 is refused. */
static void test_head_len_16_bit_edge(void **state)
{
    static char buf[65536 + 1];
    static const char pre[] = RL HA "X: ";
    struct http_parser p;
    struct http_request q;
    (void)state;

    for (size_t total = 65535; total <= 65536; total++) {
        memcpy(buf, pre, sizeof(pre) - 1);
        memset(buf + sizeof(pre) - 1, 'x', total - (sizeof(pre) - 1) - 4);
        memcpy(buf + total - 4, "\r\n\r\n", 4);
        http_parser_init(&p);
        int ret = http_parser_feed(&p, buf, total, 100000, &q);
        if (total == 65535) {
            assert_int_equal(ret, 65535);
            assert_int_equal(q.head_len, 65535);
        } else {
            assert_int_equal(ret, APP_ERR_INVAL);
            assert_int_equal(q.status, 431);
        }
    }
}

int main(void)
{
    static struct CMUnitTest tests[ARRAY_LEN(s_rows) + 9];
    size_t n = 0;

    for (size_t k = 0; k < ARRAY_LEN(s_rows); k++) {
        struct CMUnitTest t = {s_rows[k].name, run_row, NULL, NULL, &s_rows[k]};
        tests[n++] = t;
    }
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_method_bytes);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_target_bytes);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_field_name_bytes);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_field_value_bytes);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_host_bytes);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_host_port_and_literal_bytes);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_reuse_resets_request);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_shorter_len_ignored);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_head_len_16_bit_edge);
    if (n != ARRAY_LEN(tests)) {
        return 1;
    }
    return cmocka_run_group_tests_name("http_parser", tests, NULL, NULL);
}
