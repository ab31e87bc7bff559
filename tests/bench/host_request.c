/* Host benchmark of the request path, auth left out (bench README): parse
 * the head of seed-request.http, route it and find the session, render the
 * whole 200 response (head + body) into a 2 KB buffer, N times.
 *
 * Each stage is a function of its own, kept out of line (noipa), so that
 * callgrind run with --toggle-collect=host_request_parse/_route/_encode
 * counts exactly the instructions of the stages and nothing of the setup
 * or of the checks (tools/bench-host reads the counts).
 *
 *   host_request [--fw] REQUEST.http CONFIG.bin N
 *
 * Default mode: parse, then route (route_match + store_find), then encode:
 * the api_response of a 200 built the way api_handle() builds it, without
 * api_handle() (which runs auth), then rendered the way http_server.c does
 * it: api_prepare() (the body length, from lengths the store keeps), then
 * api_fill() from a fresh cursor: one pass. --fw: parse, then
 * host_request_fw = the firmware's own api_handle() (auth included; the
 * placeholder token's digest is made the accepted one so that the answer
 * is the 200) + the same rendering, to cross-check the default mode.
 *
 * Every response is checked, outside the counted functions: same length
 * every time, body equal to the seed JSON, head as the contract says, bytes
 * identical from request to request apart from the request-id, and equal
 * to what the same rendering gives when cut into 97-byte slices. Any
 * difference exits with status 1. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_flash.h"
#include "api.h"
#include "app_config.h"
#include "app_err.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "http_parser.h"
#include "mbedtls/sha256.h"
#include "route.h"
#include "store.h"
#include "rng.h"
#include "tls_port.h"
#include "uuid.h"

/* Out of line and never cloned or specialised, so the symbol callgrind
 * toggles on is the whole stage. */
#define BENCH_STAGE __attribute__((noipa))

/* At most one CTR-DRBG generate call per request id: far below the
 * reseed interval (10000 calls), so no reseed happens inside the count. */
#define BENCH_MAX_REQUESTS 4000

/* The seed's object with its @odata.context, as tests/integration/test_http.py
 * expects it (api-contract.md "Success response"). */
static const char k_seed_body[] =
    "{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#identityGovernance/"
    "entitlementManagement/accessPackageCatalogs('73eb2497-3b88-4c0a-8bb3-68ba8162beff')/"
    "accessPackageResources('99ab2454-3b88-4c0a-8bb3-68ba8162beff')/uploadSessions/$entity\","
    "\"id\":\"23f27c15-72f9-45fe-9e9c-e3d8f75bdc44\",\"status\":\"Complete\",\"isUploadDone\":true,"
    "\"stats\":{\"filesUploaded\":1,\"totalBytesUploaded\":2000000},\"files\":[{\"name\":"
    "\"building-a-access.csv\",\"size\":2000000,\"uploadedDateTime\":\"2024-03-06T01:35:12.123Z\"}],"
    "\"createdDateTime\":\"2024-03-06T01:35:12.123Z\",\"expirationDateTime\":"
    "\"2024-03-07T01:35:12.123Z\"}";

static char s_head[APP_HTTP_HEAD_MAX]; /* like the server's per-connection head buffer */
static size_t s_head_len;
static struct http_parser s_parser;
static uint8_t s_part[CONFIG_HEADER_LEN + APP_CONFIG_MAX + 1];
static struct config s_config;
static struct api_response s_resp;
static char s_out[2048];
static char s_first[sizeof(s_out)]; /* first response, request-id masked */
static size_t s_first_len;
static char s_prev_rid[UUID_STR_LEN + 1];
static struct auth_cache s_auth; /* the connection's token cache (--fw) */

int host_request_parse(const char *buf, size_t len, struct http_request *req);
int host_request_route(const struct http_request *req, const struct store_session **s);
size_t host_request_encode(const struct http_request *req, const struct store_session *s,
                           struct api_response *r, char *out, size_t cap);
size_t host_request_fw(const struct http_request *req, struct api_response *r, char *out, size_t cap);

/* ---- the measured stages ------------------------------------------------------ */

/* A fresh parser over the whole head in one feed (cap as in the server). */
BENCH_STAGE int host_request_parse(const char *buf, size_t len, struct http_request *req)
{
    http_parser_init(&s_parser);
    return http_parser_feed(&s_parser, buf, len, sizeof(s_head), req);
}

/* api_handle()'s decisions up to the session, minus auth: no body, the
 * route, the method, the store lookup. */
BENCH_STAGE int host_request_route(const struct http_request *req, const struct store_session **s)
{
    struct route_result route;
    enum store_missing missing;
    if (req->content_length > 0 || req->transfer_encoding) {
        return APP_ERR_INVAL;
    }
    int err = route_match(req->path.p, req->path.n, req->query.p, req->has_query ? req->query.n : 0u,
                          &route);
    if (err != APP_OK) {
        return err;
    }
    if (req->method != HTTP_METHOD_GET && req->method != HTTP_METHOD_HEAD) {
        return APP_ERR_INVAL;
    }
    return store_find(route.catalog.s, route.catalog.n, route.resource.s, route.resource.n,
                      route.session.s, route.session.n, s, &missing);
}

/* The server's start_response() + write_some() for a response that it
 * answers in one piece: api_prepare() fixes the body length, api_fill()
 * renders from a fresh cursor. Returns its length, 0 on failure. */
static inline size_t render(struct api_response *r, char *out, size_t cap)
{
    struct resp_cursor c;
    api_prepare(r);
    resp_cursor_init(&c);
    size_t total = api_fill(r, &c, out, cap);
    if (!api_done(r, &c) || !api_length_ok(r, &c)) {
        return 0;
    }
    return total;
}

/* The 200 as api_handle() fills it in (base(), take_client_request_id(),
 * status and session; not note_log(), which only feeds the log line),
 * then rendered. The request-id (uuid_v4: ChaCha20 keyed by the CTR-DRBG) is generated here, as
 * api_handle() does for every response. */
BENCH_STAGE size_t host_request_encode(const struct http_request *req, const struct store_session *s,
                                       struct api_response *r, char *out, size_t cap)
{
    memset(r, 0, sizeof(*r));
    r->tls = 0;
    r->now_ms = clock_now_ms();
    (void)uuid_v4(r->request_id);
    r->log_method = "-";
    r->head_only = req->method == HTTP_METHOD_HEAD;
    r->close = req->conn_close || (req->version_minor == 0u && !req->conn_keep_alive);
    if (req->has_client_request_id) {
        size_t n = req->client_request_id.n;
        if (n == 0u || n > APP_ID_MAX) {
            return 0;
        }
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)req->client_request_id.p[i];
            if (c < 0x20u || c > 0x7Eu) {
                return 0;
            }
        }
        r->crid = req->client_request_id.p;
        r->crid_len = (uint8_t)n;
    }
    r->status = 200;
    r->session = s;
    return render(r, out, cap);
}

/* Cross-check: the firmware's own path after the parser (auth included;
 * tools/bench-host subtracts the share of the auth_* calls). */
BENCH_STAGE size_t host_request_fw(const struct http_request *req, struct api_response *r, char *out,
                                   size_t cap)
{
    api_handle(req, false, &s_auth, r);
    if (r->status != 200) {
        return 0;
    }
    return render(r, out, cap);
}

/* ---- checks (not measured) ------------------------------------------------- */

static void die(const char *what, size_t i)
{
    fprintf(stderr, "host_request: request %zu: %s\n", i, what);
    exit(1);
}

/* Offset of needle in hay[0..n), or -1. */
static long find(const char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++) {
        if (memcmp(hay + i, needle, m) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static bool has(const char *hay, size_t n, const char *needle)
{
    return find(hay, n, needle, strlen(needle)) >= 0;
}

static bool uuid_v4_ok(const char *s)
{
    for (size_t i = 0; i < UUID_STR_LEN; i++) {
        char c = s[i];
        bool dash = i == 8u || i == 13u || i == 18u || i == 23u;
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL && s[UUID_STR_LEN] == '\0';
}

/* One rendered response against the seed and against the first one. */
static void check_response(const struct http_request *req, const struct api_response *r,
                           const char *out, size_t n, size_t i)
{
    const size_t body_n = sizeof(k_seed_body) - 1u;
    char line[160];

    if (n == 0u) {
        die("rendering failed (0 bytes)", i);
    }
    if (r->status != 200 || r->body_len != body_n || n <= body_n) {
        die("not the 200 with the seed body's length", i);
    }
    const char *body = out + (n - body_n);
    size_t head_n = n - body_n;
    if (memcmp(body, k_seed_body, body_n) != 0) {
        fprintf(stderr, "got:  %.*s\nwant: %s\n", (int)body_n, body, k_seed_body);
        die("body differs from the seed JSON", i);
    }
    if (head_n < 4u || memcmp(out + head_n - 4u, "\r\n\r\n", 4u) != 0 ||
        memcmp(out, "HTTP/1.1 200 OK\r\n", 17u) != 0) {
        die("head is not \"HTTP/1.1 200 OK\" ... CRLF CRLF", i);
    }
    (void)snprintf(line, sizeof(line), "\r\nContent-Length: %zu\r\n", body_n);
    if (!has(out, head_n, line) || !has(out, head_n, "\r\nCache-Control: no-store\r\n") ||
        !has(out, head_n, "\r\nDate: ")) {
        die("head lacks Content-Length, Cache-Control or Date", i);
    }
    (void)snprintf(line, sizeof(line), "\r\nclient-request-id: %.*s\r\n", (int)req->client_request_id.n,
                   req->client_request_id.p);
    if (!req->has_client_request_id || !has(out, head_n, line)) {
        die("client-request-id not echoed", i);
    }
    static const char rid_key[] = "\r\nrequest-id: ";
    long at = find(out, head_n, rid_key, sizeof(rid_key) - 1u);
    if (at < 0 || !uuid_v4_ok(r->request_id) ||
        memcmp(out + at + (long)sizeof(rid_key) - 1, r->request_id, UUID_STR_LEN) != 0) {
        die("request-id missing or not a v4 UUID", i);
    }
    if (strcmp(r->request_id, s_prev_rid) == 0) {
        die("request-id repeated", i);
    }
    memcpy(s_prev_rid, r->request_id, sizeof(s_prev_rid));

    /* The same response cut into slices agrees. */
    char again[sizeof(s_out)];
    struct resp_cursor c;
    size_t got = 0;
    resp_cursor_init(&c);
    while (got < sizeof(again) && !api_done(r, &c)) {
        size_t cap = sizeof(again) - got < 97u ? sizeof(again) - got : 97u;
        got += api_fill(r, &c, again + got, cap);
    }
    if (got != n || memcmp(again, out, n) != 0) {
        die("the response rendered in slices differs", i);
    }

    /* Everything else byte-identical to the first response. */
    char masked[sizeof(s_out)];
    memcpy(masked, out, n);
    memset(masked + at + (long)sizeof(rid_key) - 1, 'x', UUID_STR_LEN);
    if (s_first_len == 0u) {
        memcpy(s_first, masked, n);
        s_first_len = n;
    } else if (n != s_first_len || memcmp(masked, s_first, n) != 0) {
        die("response differs from the first one (apart from request-id)", i);
    }
}

/* ---- setup ----------------------------------------------------------------- */

static size_t read_file(const char *path, void *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    size_t n = fread(buf, 1, cap, f);
    bool more = fgetc(f) != EOF;
    fclose(f);
    if (more) {
        fprintf(stderr, "host_request: %s is larger than %zu bytes\n", path, cap - 1u);
        exit(2);
    }
    return n;
}

/* Accept the request's own bearer token, so that api_handle() (--fw and
 * the final cross-check) answers 200 instead of 401. */
static void accept_token(const struct http_request *req)
{
    static const char bearer[] = "Bearer ";
    uint8_t digest[1][AUTH_DIGEST_LEN];
    size_t k = sizeof(bearer) - 1u;
    if (!req->has_authorization || req->authorization.n <= k ||
        memcmp(req->authorization.p, bearer, k) != 0 ||
        mbedtls_sha256((const unsigned char *)req->authorization.p + k, req->authorization.n - k,
                       digest[0], 0) != 0) {
        fprintf(stderr, "host_request: the request has no bearer token\n");
        exit(2);
    }
    auth_set_static((const uint8_t(*)[AUTH_DIGEST_LEN])digest, 1);
}

int main(int argc, char **argv)
{
    bool fw = argc > 1 && strcmp(argv[1], "--fw") == 0;
    int a = fw ? 2 : 1;
    if (argc - a != 3) {
        fprintf(stderr, "usage: host_request [--fw] REQUEST.http CONFIG.bin N\n");
        return 2;
    }
    long nreq = strtol(argv[a + 2], NULL, 10);
    if (nreq < 1 || nreq > BENCH_MAX_REQUESTS) {
        fprintf(stderr, "host_request: N must be 1..%d\n", BENCH_MAX_REQUESTS);
        return 2;
    }
    s_head_len = read_file(argv[a], s_head, sizeof(s_head));
    size_t part_len = read_file(argv[a + 1], s_part, sizeof(s_part));

    char why[CONFIG_WHY_MAX];
    fake_flash_setup(1024, 16, 4); /* an erased store: the config imports into it */
    (void)store_mount(0);
    int err = config_load(s_part, part_len, &s_config, why, sizeof(why));
    if (err != APP_OK) {
        fprintf(stderr, "host_request: config_load: %s: %s\n", app_err_name(err), why);
        return 2;
    }
    clock_init(s_config.has_clock_floor ? s_config.clock_floor_ms : 0);
    api_init(s_config.provisioned, s_config.service_root, s_config.realm);
    tls_port_init();
    if (rng_init(NULL) != APP_OK) {
        fprintf(stderr, "host_request: rng_init failed\n");
        return 2;
    }
    if (auth_init() != APP_OK) {
        fprintf(stderr, "host_request: auth_init failed\n");
        return 2;
    }

    /* The file must be exactly one complete GET head. */
    struct http_request req0;
    http_parser_init(&s_parser);
    int r0 = http_parser_feed(&s_parser, s_head, s_head_len, sizeof(s_head), &req0);
    if (r0 <= 0 || (size_t)r0 != s_head_len || req0.method != HTTP_METHOD_GET) {
        fprintf(stderr, "host_request: %s is not one complete GET head (parser: %d, %s)\n", argv[a],
                r0, r0 < 0 ? req0.reason : "incomplete");
        return 2;
    }
    accept_token(&req0);

    for (long i = 0; i < nreq; i++) {
        struct http_request req;
        size_t n;
        if (host_request_parse(s_head, s_head_len, &req) != r0) {
            die("parser result differs", (size_t)i);
        }
        if (fw) {
            n = host_request_fw(&req, &s_resp, s_out, sizeof(s_out));
        } else {
            const struct store_session *s = NULL;
            if (host_request_route(&req, &s) != APP_OK || s == NULL) {
                die("route or store lookup failed", (size_t)i);
            }
            n = host_request_encode(&req, s, &s_resp, s_out, sizeof(s_out));
        }
        check_response(&req, &s_resp, s_out, n, (size_t)i);
    }

    /* The hand-built 200 renders exactly what api_handle() renders. */
    const char *same = "n/a (--fw)";
    if (!fw) {
        struct api_response fw_resp;
        char fw_out[sizeof(s_out)];
        api_handle(&req0, false, &s_auth, &fw_resp);
        size_t n = fw_resp.status == 200 ? render(&fw_resp, fw_out, sizeof(fw_out)) : 0u;
        check_response(&req0, &fw_resp, fw_out, n, (size_t)nreq);
        same = "yes";
    }
    printf("host_request: %ld requests checked (%s): %zu bytes each (head %zu + body %zu = seed JSON),"
           " identical apart from request-id; same bytes as api_handle: %s\n",
           nreq, fw ? "fw" : "app", s_first_len, s_first_len - (sizeof(k_seed_body) - 1u),
           sizeof(k_seed_body) - 1u, same);
    return 0;
}
