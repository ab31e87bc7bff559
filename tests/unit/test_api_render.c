/* Host test of the cursor renderer (firmware/api/resp.c) as the API drives
 * it (firmware/api/api.c): every kind of response the device sends (the
 * session entity small and large, with escaped ids and names; HEAD; every
 * error; the redirect; plain and TLS) is rendered whole, then cut at every
 * split point, then in slices of every size from 1 to 64 bytes and a few
 * MSS-like sizes, and with the partial sends write_some() recovers from
 * (cursor put back, then advanced by what went). Every rendering must
 * equal the whole one byte for byte, and the whole one must equal an
 * oracle built here independently: the head with snprintf and the body
 * with the fixed-buffer JSON writer (json_out), the renderer the device
 * used before the cursor. Content-Length must be the body's length.
 * Regression: the length kept per session must follow the store (a file
 * added) and the clock (Active -> Expired). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_flash.h"
#include "api.h"
#include "app_config.h"
#include "app_err.h"
#include "auth.h"
#include "clock.h"
#include "datetime.h"
#include "http_parser.h"
#include "json.h"
#include "mbedtls/sha256.h"
#include "rng.h"
#include "store.h"
#include "tls_port.h"
#include "uuid.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* 2025-11-28T12:00:00.250Z */
#define NOW_MS INT64_C(1764331200250)
#define ROOT "https://graph.microsoft.com/beta"
#define REALM "uploadsession-device"
#define TOKEN "render-test-token"

#define SEED_CAT "73eb2497-3b88-4c0a-8bb3-68ba8162beff"
#define SEED_RES "99ab2454-3b88-4c0a-8bb3-68ba8162beff"
#define SEED_SID "23f27c15-72f9-45fe-9e9c-e3d8f75bdc44"
#define BETA "/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/"
#define SEED_PATH BETA SEED_CAT "/accessPackageResources/" SEED_RES "/uploadSessions/" SEED_SID
/* Ids with the two bytes an id may hold that JSON escapes: a"b and c\d. */
#define ESC_CAT "cat\"q"
#define ESC_RES "res\\b"
#define ESC_SID "s\"\\d"
#define ESC_PATH BETA "cat%22q/accessPackageResources/res%5Cb/uploadSessions/s%22%5Cd"
#define BIG_PATH BETA "big-cat/accessPackageResources/big-res/uploadSessions/big-sid"

#define OUT_MAX 16384u
static char s_whole[OUT_MAX];
static char s_again[OUT_MAX];
static char s_oracle[OUT_MAX];
static char s_names[APP_MAX_FILES][APP_FILE_NAME_MAX + 1];

/* ---- setup ---------------------------------------------------------------- */

static void add_session(const char *cat, const char *res, const char *id, bool done,
                        int64_t created, int64_t expires, int *index)
{
    struct store_session_in in = {
        .catalog_id = cat, .catalog_id_len = strlen(cat), .resource_id = res,
        .resource_id_len = strlen(res), .id = id, .id_len = strlen(id), .upload_done = done,
        .created_ms = created, .expiration_ms = expires,
    };
    assert_int_equal(store_session_add(&in, index), APP_OK);
}

/* 255-byte names mixing ASCII, 2-, 3- and 4-byte UTF-8, '"' and '\\'. */
static void make_names(void)
{
    static const char *const parts[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x94\x91", "\"",
                                        "\\", "-", "x y"};
    for (int f = 0; f < APP_MAX_FILES; f++) {
        size_t n = 0;
        for (unsigned k = (unsigned)f; n < APP_FILE_NAME_MAX; k = k * 7u + 3u) {
            const char *p = parts[k % ARRAY_LEN(parts)];
            size_t pn = strlen(p);
            if (n + pn > APP_FILE_NAME_MAX) {
                p = "z";
                pn = 1;
            }
            memcpy(s_names[f] + n, p, pn);
            n += pn;
        }
        s_names[f][n] = '\0';
    }
}

static void build_store(void)
{
    int i;
    fake_flash_setup(1024, 16, 4); /* an erased store: the config imports into it */
    (void)store_mount(0);

    add_session(SEED_CAT, SEED_RES, SEED_SID, true, INT64_C(1709688912123), INT64_C(1709775312123),
                &i);
    assert_int_equal(store_file_add(i, "building-a-access.csv", 21, 2000000, INT64_C(1709688912123)),
                     APP_OK);
    add_session("big-cat", "big-res", "big-sid", false, INT64_C(1735787045006), INT64_C(1893456000000),
                &i);
    for (int f = 0; f < APP_MAX_FILES; f++) {
        assert_int_equal(store_file_add(i, s_names[f], strlen(s_names[f]), 1000 * (f + 1),
                                        INT64_C(1735787045000) + f * 1001),
                         APP_OK);
    }
    /* Active until 2 s after NOW_MS, with no file. */
    add_session(ESC_CAT, ESC_RES, ESC_SID, false, INT64_C(1764331100000), NOW_MS + 2000, &i);
}

static int group_setup(void **state)
{
    (void)state;
    uint8_t digest[1][AUTH_DIGEST_LEN];
    make_names();
    build_store();
    assert_int_equal(mbedtls_sha256((const unsigned char *)TOKEN, strlen(TOKEN), digest[0], 0), 0);
    auth_set_static((const uint8_t(*)[AUTH_DIGEST_LEN])digest, 1);
    api_init(true, ROOT, REALM);
    tls_port_init();
    assert_int_equal(rng_init(NULL), APP_OK);
    assert_int_equal(auth_init(), APP_OK);
    return 0;
}

static int per_test(void **state)
{
    (void)state;
    clock_init(NOW_MS);
    clock_set_ms(NOW_MS);
    api_set_redirect(0);
    api_init(true, ROOT, REALM);
    return 0;
}

/* ---- the oracle ------------------------------------------------------------ */

static size_t put(char *o, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static size_t put(char *o, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o + at, OUT_MAX - at, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < OUT_MAX - at);
    return at + (size_t)n;
}

static const char *reason(uint16_t st)
{
    switch (st) {
    case 200: return "OK";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
}

static size_t oracle_body(const struct api_response *r, char *o)
{
    struct json_out j;
    json_init(&j, o, OUT_MAX);
    if (r->code == NULL) {
        const struct store_session *s = r->session;
        size_t n;
        char ctx[512];
        const char *cat = store_session_catalog_id(s, &n);
        int k = snprintf(ctx, sizeof(ctx), "%s/$metadata#identityGovernance/entitlementManagement/"
                         "accessPackageCatalogs('%.*s')", ROOT, (int)n, cat);
        const char *res = store_session_resource_id(s, &n);
        k += snprintf(ctx + k, sizeof(ctx) - (size_t)k,
                      "/accessPackageResources('%.*s')/uploadSessions/$entity", (int)n, res);
        json_obj_begin(&j);
        json_key(&j, "@odata.context");
        json_strn(&j, ctx, (size_t)k);
        const char *id = store_session_id(s, &n);
        json_key(&j, "id");
        json_strn(&j, id, n);
        json_key(&j, "status");
        json_str(&j, store_status_name(store_status(s, r->now_ms)));
        json_key(&j, "isUploadDone");
        json_bool(&j, store_session_upload_done(s));
        json_key(&j, "stats");
        json_obj_begin(&j);
        json_key(&j, "filesUploaded");
        json_i64(&j, store_files_uploaded(s));
        json_key(&j, "totalBytesUploaded");
        json_i64(&j, store_total_bytes(s));
        json_obj_end(&j);
        json_key(&j, "files");
        json_arr_begin(&j);
        for (int i = 0; i < store_session_file_count(s); i++) {
            struct store_file_info f;
            assert_int_equal(store_session_file(s, i, &f), APP_OK);
            json_obj_begin(&j);
            json_key(&j, "name");
            json_strn(&j, f.name, f.name_len);
            json_key(&j, "size");
            json_i64(&j, f.size);
            json_key(&j, "uploadedDateTime");
            json_time_ms(&j, f.uploaded_ms);
            json_obj_end(&j);
        }
        json_arr_end(&j);
        json_key(&j, "createdDateTime");
        json_time_ms(&j, store_session_created_ms(s));
        json_key(&j, "expirationDateTime");
        json_time_ms(&j, store_session_expiration_ms(s));
        json_obj_end(&j);
    } else {
        char date[24];
        assert_true(datetime_iso8601(r->now_ms, date, sizeof(date), 0) > 0);
        json_obj_begin(&j);
        json_key(&j, "error");
        json_obj_begin(&j);
        json_key(&j, "code");
        json_str(&j, r->code);
        json_key(&j, "message");
        json_str(&j, r->message);
        json_key(&j, "innerError");
        json_obj_begin(&j);
        json_key(&j, "date");
        json_str(&j, date);
        json_key(&j, "request-id");
        json_str(&j, r->request_id);
        json_key(&j, "client-request-id");
        if (r->crid_len > 0u) {
            json_strn(&j, r->crid, r->crid_len);
        } else {
            json_str(&j, r->request_id);
        }
        json_obj_end(&j);
        json_obj_end(&j);
        json_obj_end(&j);
    }
    int n = json_result(&j);
    assert_true(n > 0);
    return (size_t)n;
}

/* The whole response as the contract spells it. */
static size_t oracle(const struct api_response *r, uint16_t redirect_port)
{
    static char body[OUT_MAX];
    size_t body_n = r->redirect ? 0u : oracle_body(r, body);
    char date[40];
    size_t n = put(s_oracle, 0, "HTTP/1.1 %u %s", r->status, reason(r->status));
    if (!r->redirect) {
        n = put(s_oracle, n, "\r\nContent-Type: %s",
                r->code == NULL ? "application/json;odata.metadata=minimal;odata.streaming=true;"
                                  "IEEE754Compatible=false;charset=utf-8"
                                : "application/json");
    }
    n = put(s_oracle, n, "\r\nContent-Length: %zu", body_n);
    if (r->redirect) {
        n = put(s_oracle, n, "\r\nLocation: https://%.*s", (int)r->loc_host.n, r->loc_host.p);
        if (redirect_port != 443u) {
            n = put(s_oracle, n, ":%u", redirect_port);
        }
        n = put(s_oracle, n, "%.*s", (int)r->loc_target.n, r->loc_target.p);
    }
    n = put(s_oracle, n, "\r\nrequest-id: %s\r\nclient-request-id: %.*s", r->request_id,
            r->crid_len > 0u ? (int)r->crid_len : UUID_STR_LEN,
            r->crid_len > 0u ? r->crid : r->request_id);
    assert_int_equal(datetime_imf_fixdate(r->now_ms, date, sizeof(date)), 29);
    n = put(s_oracle, n, "\r\nDate: %s\r\nCache-Control: no-store", date);
    if (r->tls) {
        n = put(s_oracle, n, "\r\nStrict-Transport-Security: max-age=31536000");
    }
    if (r->allow) {
        n = put(s_oracle, n, "\r\nAllow: GET, HEAD, PATCH, DELETE");
    }
    if (r->www_auth) {
        n = put(s_oracle, n, "\r\nWWW-Authenticate: Bearer realm=\"%s\"%s", REALM,
                r->www_auth == 2u ? ", error=\"invalid_token\"" : "");
    }
    if (r->retry_after) {
        n = put(s_oracle, n, "\r\nRetry-After: %u", r->retry_after);
    }
    if (r->close) {
        n = put(s_oracle, n, "\r\nConnection: close");
    }
    n = put(s_oracle, n, "\r\n\r\n");
    if (!r->head_only && body_n > 0u) {
        assert_true(n + body_n <= OUT_MAX);
        memcpy(s_oracle + n, body, body_n);
        n += body_n;
    }
    return n;
}

/* ---- rendering every way ---------------------------------------------------- */

static size_t render_slices(const struct api_response *r, size_t slice, char *out)
{
    struct resp_cursor c;
    size_t n = 0;
    resp_cursor_init(&c);
    while (!api_done(r, &c)) {
        size_t k = api_fill(r, &c, out + n, slice);
        assert_true(k <= slice);
        n += k;
        assert_true(n <= OUT_MAX - slice);
        if (k < slice) {
            assert_true(api_done(r, &c)); /* short only at the end */
        }
    }
    assert_true(api_length_ok(r, &c));
    return n;
}

/* What write_some() does when the transport takes only part of a slice:
 * the cursor goes back and is advanced by the part that went. */
static size_t render_partial(const struct api_response *r, size_t slice, size_t taken, char *out)
{
    struct resp_cursor c;
    size_t n = 0;
    resp_cursor_init(&c);
    while (!api_done(r, &c)) {
        struct resp_cursor before = c;
        size_t k = api_fill(r, &c, out + n, slice);
        if (k > taken) {
            c = before;
            assert_int_equal(api_fill(r, &c, out + n, taken), taken);
            k = taken;
        }
        n += k;
        assert_true(n <= OUT_MAX - slice);
    }
    assert_true(api_length_ok(r, &c));
    return n;
}

static void check_every_way(struct api_response *r, uint16_t redirect_port)
{
    api_prepare(r);
    size_t whole = render_slices(r, OUT_MAX / 2u, s_whole);
    size_t want = oracle(r, redirect_port);
    if (whole != want || memcmp(s_whole, s_oracle, whole) != 0) {
        fail_msg("rendering differs from the oracle:\n%.*s\n-- oracle --\n%.*s", (int)whole, s_whole,
                 (int)want, s_oracle);
    }
    /* Every split point: the first k bytes, then the rest. */
    for (size_t k = 0; k <= whole; k++) {
        struct resp_cursor c;
        resp_cursor_init(&c);
        size_t a = api_fill(r, &c, s_again, k);
        assert_int_equal(a, k);
        size_t b = api_fill(r, &c, s_again + a, OUT_MAX - a);
        assert_true(api_done(r, &c));
        assert_true(api_length_ok(r, &c));
        assert_int_equal(a + b, whole);
        if (memcmp(s_again, s_whole, whole) != 0) {
            fail_msg("split at %zu of %zu differs", k, whole);
        }
    }
    static const size_t big[] = {97, 536, 1024, 1460, 1536};
    for (size_t s = 1; s <= 64u + ARRAY_LEN(big); s++) {
        size_t slice = s <= 64u ? s : big[s - 65u];
        memset(s_again, 0, whole);
        assert_int_equal(render_slices(r, slice, s_again), whole);
        if (memcmp(s_again, s_whole, whole) != 0) {
            fail_msg("slices of %zu differ", slice);
        }
    }
    for (size_t taken = 1; taken < 40u; taken += 3u) {
        assert_int_equal(render_partial(r, 64, taken, s_again), whole);
        assert_memory_equal(s_again, s_whole, whole);
    }
}

/* Parse a request and answer it as the server does. */
static void answer(const char *text, bool tls, struct api_response *r)
{
    static char buf[APP_HTTP_HEAD_MAX];
    struct http_parser p;
    struct http_request req;
    size_t n = strlen(text);
    assert_true(n <= sizeof(buf));
    memcpy(buf, text, n);
    http_parser_init(&p);
    int got = http_parser_feed(&p, buf, n, sizeof(buf), &req);
    assert_true(got != 0);
    if (got < 0) {
        api_parse_error(&req, tls, r);
    } else {
        api_handle(&req, tls, NULL, r);
    }
}

#define AUTH "Authorization: Bearer " TOKEN "\r\n"
#define E10 "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
#define E60 E10 E10 E10 E10 E10 E10 /* 60 x U+00E9, 120 bytes decoded */
#define FFFD "\xef\xbf\xbd"

struct req_case {
    const char *name;
    const char *text;
    uint16_t status;
};

static const struct req_case k_cases[] = {
    {"seed", "GET " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "client-request-id: c-1\r\n\r\n", 200},
    {"seed head", "HEAD " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 200},
    {"seed close", "GET " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "Connection: close\r\n\r\n", 200},
    {"seed http/1.0", "GET " SEED_PATH " HTTP/1.0\r\n" AUTH "\r\n", 200},
    {"largest session", "GET " BIG_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 200},
    {"escaped ids", "GET " ESC_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 200},
    {"crid to escape", "GET /beta/nothing HTTP/1.1\r\nHost: d\r\n" AUTH
                       "client-request-id: a\"b\\c d\r\n\r\n", 400},
    {"no token", "GET " SEED_PATH " HTTP/1.1\r\nHost: d\r\n\r\n", 401},
    {"bad token", "GET " SEED_PATH " HTTP/1.1\r\nHost: d\r\nAuthorization: Bearer nope\r\n\r\n", 401},
    {"404 catalog", "GET " BETA "n%22o/accessPackageResources/r/uploadSessions/s HTTP/1.1\r\nHost: d\r\n"
                    AUTH "\r\n", 404},
    {"404 resource", "GET " BETA SEED_CAT "/accessPackageResources/r/uploadSessions/s HTTP/1.1\r\n"
                     "Host: d\r\n" AUTH "\r\n", 404},
    {"404 session", "GET " BETA SEED_CAT "/accessPackageResources/" SEED_RES "/uploadSessions/s%5C"
                    " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 404},
    {"405", "PUT " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 405},
    {"bad query", "GET " SEED_PATH "?$top=1 HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 400},
    {"bad segment", "GET /beta/identityGovernance/nope HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 400},
    {"body", "GET " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "Content-Length: 3\r\n\r\n", 400},
    {"505", "GET / HTTP/2.0\r\nHost: d\r\n\r\n", 505},
    {"400 parse", "GET / HTTP/1.1\r\nHost: d\r\nBad Field\r\n\r\n", 400},
    /* Issue 10 items 5-8. */
    {"segment not UTF-8", "GET /beta/x%C0%AF HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 400},
    {"long segment of 2-byte characters", "GET /beta/" E60 " HTTP/1.1\r\nHost: d\r\n\r\n", 400},
    {"query option not UTF-8", "GET " SEED_PATH "?$%FF=1 HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 400},
    {"Host port not digits", "GET " SEED_PATH " HTTP/1.1\r\nHost: localhost:abc\r\n" AUTH "\r\n", 400},
    {"fragment", "GET " SEED_PATH "#frag HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", 400},
    {"PUT with a body", "PUT " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "Content-Length: 3\r\n\r\n", 405},
    {"POST chunked", "POST " SEED_PATH " HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n", 405},
    {"HEAD with a body", "HEAD " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "Content-Length: 1\r\n\r\n", 400},
};

static void test_every_request_kind(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(k_cases); i++) {
        for (int tls = 0; tls < 2; tls++) {
            struct api_response r;
            answer(k_cases[i].text, tls != 0, &r);
            if (r.status != k_cases[i].status) {
                fail_msg("%s: status %u, want %u", k_cases[i].name, r.status, k_cases[i].status);
            }
            check_every_way(&r, 0);
        }
    }
}

static void test_deadline_busy_unprovisioned(void **state)
{
    (void)state;
    struct api_response r;
    api_timeout(false, &r);
    assert_int_equal(r.status, 408);
    check_every_way(&r, 0);
    api_busy(true, &r);
    assert_int_equal(r.status, 503);
    check_every_way(&r, 0);
    api_init(false, ROOT, REALM);
    answer("GET " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", false, &r);
    assert_int_equal(r.status, 503);
    check_every_way(&r, 0);
}

static void test_redirect(void **state)
{
    (void)state;
    static const uint16_t ports[] = {8443, 443};
    for (size_t i = 0; i < ARRAY_LEN(ports); i++) {
        struct api_response r;
        api_set_redirect(ports[i]);
        answer("GET " SEED_PATH "?x=1 HTTP/1.1\r\nHost: device.example:80\r\n\r\n", false, &r);
        assert_int_equal(r.status, 308);
        check_every_way(&r, ports[i]);
        answer("GET " SEED_PATH " HTTP/1.1\r\nHost: [::1]\r\n\r\n", false, &r);
        assert_int_equal(r.status, 308);
        check_every_way(&r, ports[i]);
    }
}

/* Issue 10 items 5 and 8, regressions. A segment or query option that is
 * not UTF-8 is named with U+FFFD, a long one is cut between characters,
 * and the message keeps its closing "'." (set_message() used to cut it
 * at the first invalid byte); the connection stays open. A method other
 * than GET/HEAD on a known path is a 405 even with a body (it was a 400),
 * closed after since the body is not read; GET keeps the contract's 400. */
/* DELETE of a session: 204 with neither Content-Length nor Content-Type
 * (RFC 9110 8.6, 15.3.5), the session gone from the store; again: 404. */
static void test_delete_204(void **state)
{
    (void)state;
    struct api_response r;
    static char out[2048];
    int before = store_count();
    assert_true(before >= 1);
    answer("DELETE " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", false, &r);
    assert_int_equal(r.status, 204);
    api_prepare(&r);
    size_t n = render_slices(&r, 4096, out);
    out[n] = '\0';
    assert_true(strncmp(out, "HTTP/1.1 204 No Content\r\n", 25) == 0);
    assert_null(strstr(out, "Content-Length"));
    assert_null(strstr(out, "Content-Type"));
    assert_int_equal(strcmp(out + n - 4, "\r\n\r\n"), 0);
    assert_int_equal(store_count(), before - 1);
    answer("DELETE " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", false, &r);
    assert_int_equal(r.status, 404);
    answer("GET " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", false, &r);
    assert_int_equal(r.status, 404);
}

static void test_edges(void **state)
{
    (void)state;
    struct api_response r;
    answer("GET /beta/x%C0%AF HTTP/1.1\r\nHost: d\r\n\r\n", false, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.message, "Resource not found for the segment 'x" FFFD FFFD "'.");
    assert_int_equal(r.close, 0);

    answer("GET " SEED_PATH "?$%FF=1 HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n", false, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.message, "Query option '$" FFFD "' is not supported for this request.");

    answer("GET /beta/" E60 " HTTP/1.1\r\nHost: d\r\n\r\n", false, &r);
    assert_int_equal(r.status, 400);
    static const char pre[] = "Resource not found for the segment '";
    assert_memory_equal(r.message, pre, sizeof(pre) - 1u);
    assert_int_equal(r.msg_len, strlen(r.message));
    assert_memory_equal(r.message + r.msg_len - 2u, "'.", 2);
    for (size_t k = sizeof(pre) - 1u; k < r.msg_len - 2u; k += 2u) {
        assert_memory_equal(r.message + k, "\xc3\xa9", 2); /* whole characters only */
    }
    assert_int_equal(r.msg_esc_len, r.msg_len);

    static const char *const others[] = {"PUT", "POST", "OPTIONS", "BREW"};
    for (size_t i = 0; i < ARRAY_LEN(others); i++) {
        char req[512];
        snprintf(req, sizeof(req), "%s " SEED_PATH " HTTP/1.1\r\nHost: d\r\nContent-Length: 2\r\n\r\n",
                 others[i]);
        answer(req, false, &r);
        assert_int_equal(r.status, 405);
        assert_int_equal(r.allow, 1);
        assert_int_equal(r.close, 1);
        assert_string_equal(r.code, "methodNotAllowed");
    }
    answer("GET " SEED_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "Content-Length: 2\r\n\r\n", false, &r);
    assert_int_equal(r.status, 400);
    assert_string_equal(r.message, "A request body is not supported for this method.");
    assert_int_equal(r.close, 1);
    answer("PUT /beta/nothing HTTP/1.1\r\nHost: d\r\nContent-Length: 2\r\n\r\n", false, &r);
    assert_int_equal(r.status, 400); /* not a known path: the segment is named */
    assert_int_equal(r.close, 1);

    /* Issue 10 item 6: only a valid Host reaches the redirect. */
    static const struct {
        const char *host, *loc;
    } hosts[] = {{"localhost", "localhost"}, {"localhost:8080", "localhost"},
                 {"127.0.0.1:80", "127.0.0.1"}, {"[::1]:443", "[::1]"}, {"uploadsession", "uploadsession"}};
    api_set_redirect(8443);
    for (size_t i = 0; i < ARRAY_LEN(hosts); i++) {
        char req[512];
        snprintf(req, sizeof(req), "GET " SEED_PATH " HTTP/1.1\r\nHost: %s\r\n\r\n", hosts[i].host);
        answer(req, false, &r);
        assert_int_equal(r.status, 308);
        assert_int_equal(r.loc_host.n, strlen(hosts[i].loc));
        assert_memory_equal(r.loc_host.p, hosts[i].loc, r.loc_host.n);
        check_every_way(&r, 8443);
    }
    static const char *const bad[] = {"localhost:abc", "[::1", "local%zzhost", "localhost:", "localhost:65536"};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        char req[512];
        snprintf(req, sizeof(req), "GET " SEED_PATH " HTTP/1.1\r\nHost: %s\r\n\r\n", bad[i]);
        answer(req, false, &r);
        assert_int_equal(r.status, 400);
        assert_string_equal(r.message, "Invalid Host header.");
    }
}

/* Regression: the body length is kept per session until the store
 * changes; a file added must change Content-Length, and so must the
 * status text when the clock passes the expiration. */
static void test_length_follows_store_and_clock(void **state)
{
    (void)state;
    struct api_response r;
    const char *req = "GET " ESC_PATH " HTTP/1.1\r\nHost: d\r\n" AUTH "\r\n";
    answer(req, false, &r);
    check_every_way(&r, 0);
    assert_int_equal(r.body_len, oracle_body(&r, s_again));
    uint32_t before = r.body_len;

    const struct store_session *s;
    assert_int_equal(store_find(ESC_CAT, strlen(ESC_CAT), ESC_RES, strlen(ESC_RES), ESC_SID,
                                strlen(ESC_SID), &s, NULL),
                     APP_OK);
    assert_int_equal(store_file_add(store_session_index(s), "late \"one\".csv", 14, 7, NOW_MS),
                     APP_OK);
    answer(req, false, &r);
    check_every_way(&r, 0);
    assert_true(r.body_len > before);

    clock_set_ms(NOW_MS + 5000); /* past expiration: "Active" -> "Expired" */
    answer(req, false, &r);
    check_every_way(&r, 0);
    assert_non_null(strstr(s_whole, "\"status\":\"Expired\""));
    build_store();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_every_request_kind, per_test),
        cmocka_unit_test_setup(test_deadline_busy_unprovisioned, per_test),
        cmocka_unit_test_setup(test_redirect, per_test),
        cmocka_unit_test_setup(test_edges, per_test),
        cmocka_unit_test_setup(test_delete_204, per_test),
        cmocka_unit_test_setup(test_length_follows_store_and_clock, per_test),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
