/* Host test of firmware/http/http_server.c, the HTTP/1.1 connection core,
 * driven through a fake transport (fake_transport.c) with the real parser,
 * api, route, store, config, json, auth (static tokens), clock and request
 * ids (mbedTLS CTR-DRBG over a fixed entropy stream). Every byte the server
 * sends is recorded and read back as HTTP; bodies are compared byte for
 * byte with the expected JSON, heads byte for byte apart from request-id,
 * which is checked for the v4 UUID form. The clock is the test's: Date is
 * fixed at 2025-11-28T12:00:00Z at the start of every test.
 */
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
#include "config.h"
#include "fake_transport.h"
#include "http_server.h"
#include "store.h"
#include "rng.h"
#include "tls_port.h"
#include "uuid.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#ifndef APP_HTTP_SCRATCH
#define APP_HTTP_SCRATCH 1536 /* http_server.c's render window */
#endif

/* 2025-11-28T12:00:00Z, a Friday. */
#define FLOOR_MS INT64_C(1764331200000)
#define DATE_AT_START "Fri, 28 Nov 2025 12:00:00 GMT"

#define SEED_CAT "73eb2497-3b88-4c0a-8bb3-68ba8162beff"
#define SEED_RES "99ab2454-3b88-4c0a-8bb3-68ba8162beff"
#define SEED_SID "23f27c15-72f9-45fe-9e9c-e3d8f75bdc44"
#define SEED_PATH                                                                                  \
    "/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/" SEED_CAT              \
    "/accessPackageResources/" SEED_RES "/uploadSessions/" SEED_SID
#define SEED_CRID "5f0d3c1a-1111-4222-8333-944445555666"
#define TOKEN "unit-test-token" /* SHA-256 86af0050... in the config */

#define BIG_CAT "big-catalog"
#define BIG_RES "big-resource"
#define BIG_SID "big-session"
#define BIG_PATH                                                                                   \
    "/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/" BIG_CAT                \
    "/accessPackageResources/" BIG_RES "/uploadSessions/" BIG_SID
#define BIG_FILES 10
#define BIG_NAME_LEN 255

static const char k_ct_odata[] =
    "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;"
    "charset=utf-8";

/* The seed's object with its @odata.context (api-contract.md). */
static const char k_seed_body[] =
    "{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#identityGovernance/"
    "entitlementManagement/accessPackageCatalogs('" SEED_CAT "')/"
    "accessPackageResources('" SEED_RES "')/uploadSessions/$entity\","
    "\"id\":\"" SEED_SID "\",\"status\":\"Complete\",\"isUploadDone\":true,"
    "\"stats\":{\"filesUploaded\":1,\"totalBytesUploaded\":2000000},\"files\":[{\"name\":"
    "\"building-a-access.csv\",\"size\":2000000,\"uploadedDateTime\":\"2024-03-06T01:35:12.123Z\"}],"
    "\"createdDateTime\":\"2024-03-06T01:35:12.123Z\",\"expirationDateTime\":"
    "\"2024-03-07T01:35:12.123Z\"}";

/* ---- configuration ---------------------------------------------------------- */

static uint8_t s_part[CONFIG_HEADER_LEN + APP_CONFIG_MAX];
static char s_json[APP_CONFIG_MAX];
static struct config s_cfg;
static char s_big_names[BIG_FILES][BIG_NAME_LEN + 1]; /* raw */
static char s_big_body[8192];
static size_t s_big_body_len;

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Append s[0..n) JSON-escaped the way the firmware escapes names ('"' and
 * '\\'; the names hold nothing else that needs it). */
static size_t put_escaped(char *o, const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            o[k++] = '\\';
        }
        o[k++] = s[i];
    }
    return k;
}

/* Ten 255-byte names: quotes, backslashes and a 2-byte UTF-8 letter put
 * escapes and multi-byte characters across the render window's edges. */
static void make_big_names(void)
{
    for (int i = 0; i < BIG_FILES; i++) {
        char *n = s_big_names[i];
        size_t k = (size_t)snprintf(n, BIG_NAME_LEN + 1, "file-%02d-", i);
        while (k < BIG_NAME_LEN - 4u) {
            unsigned r = (unsigned)(k * 7u + (unsigned)i) % 23u;
            if (r == 3u) {
                n[k++] = '"';
            } else if (r == 11u) {
                n[k++] = '\\';
            } else if (r == 17u) {
                n[k++] = (char)0xC3; /* U+00E9 */
                n[k++] = (char)0xA9;
            } else {
                n[k] = (char)('a' + (k + (size_t)i) % 26u);
                k++;
            }
        }
        while (k < BIG_NAME_LEN - 4u) {
            n[k++] = 'z';
        }
        memcpy(n + k, ".csv", 4);
        n[BIG_NAME_LEN] = '\0';
    }
}

static void build_config(void)
{
    size_t k = 0;
    k += (size_t)snprintf(
        s_json + k, sizeof(s_json) - k,
        "{\"version\":1,\"serviceRoot\":\"https://graph.microsoft.com/beta\",\"auth\":{\"realm\":"
        "\"uploadsession-device\",\"staticTokens\":["
        "\"86af005077a912401b195560ddd4d7c37ec29d3fbdc6b9e2831b38f80dacc3e1\"]},\"echo\":true,"
        "\"sessions\":[{\"catalogId\":\"" SEED_CAT "\",\"resourceId\":\"" SEED_RES "\",\"id\":\"" SEED_SID
        "\",\"isUploadDone\":true,\"createdDateTime\":\"2024-03-06T01:35:12.123Z\","
        "\"expirationDateTime\":\"2024-03-07T01:35:12.123Z\",\"files\":[{\"name\":"
        "\"building-a-access.csv\",\"size\":2000000,\"uploadedDateTime\":"
        "\"2024-03-06T01:35:12.123Z\"}]},"
        "{\"catalogId\":\"" BIG_CAT "\",\"resourceId\":\"" BIG_RES "\",\"id\":\"" BIG_SID
        "\",\"isUploadDone\":false,\"createdDateTime\":\"2025-01-02T03:04:05.006Z\","
        "\"expirationDateTime\":\"2030-01-01T00:00:00.000Z\",\"files\":[");
    for (int i = 0; i < BIG_FILES; i++) {
        k += (size_t)snprintf(s_json + k, sizeof(s_json) - k, "%s{\"name\":\"", i ? "," : "");
        k += put_escaped(s_json + k, s_big_names[i], BIG_NAME_LEN);
        k += (size_t)snprintf(s_json + k, sizeof(s_json) - k,
                              "\",\"size\":%d,\"uploadedDateTime\":\"2025-01-02T03:04:%02d.000Z\"}",
                              1000 * (i + 1), i);
    }
    k += (size_t)snprintf(s_json + k, sizeof(s_json) - k, "]}]}");
    assert_true(k < sizeof(s_json) - 1u);

    put_le32(s_part, CONFIG_MAGIC);
    s_part[4] = 1;
    s_part[5] = 0;
    s_part[6] = 16;
    s_part[7] = 0;
    put_le32(s_part + 8, (uint32_t)k);
    memcpy(s_part + CONFIG_HEADER_LEN, s_json, k);
    put_le32(s_part + 12, config_crc32(s_part + CONFIG_HEADER_LEN, k));
    char why[CONFIG_WHY_MAX];
    fake_flash_setup(1024, 16, 4); /* an erased store: the config imports into it */
    (void)store_mount(0);
    int err = config_load(s_part, CONFIG_HEADER_LEN + k, &s_cfg, why, sizeof(why));
    if (err != APP_OK) {
        fail_msg("config_load: %s", why);
    }

    /* The big session's body, as the contract orders it. */
    size_t b = 0;
    char *o = s_big_body;
    b += (size_t)sprintf(o + b,
                         "{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#"
                         "identityGovernance/entitlementManagement/accessPackageCatalogs('" BIG_CAT
                         "')/accessPackageResources('" BIG_RES "')/uploadSessions/$entity\","
                         "\"id\":\"" BIG_SID "\",\"status\":\"Active\",\"isUploadDone\":false,"
                         "\"stats\":{\"filesUploaded\":%d,\"totalBytesUploaded\":%d},\"files\":[",
                         BIG_FILES, 55000);
    for (int i = 0; i < BIG_FILES; i++) {
        b += (size_t)sprintf(o + b, "%s{\"name\":\"", i ? "," : "");
        b += put_escaped(o + b, s_big_names[i], BIG_NAME_LEN);
        b += (size_t)sprintf(o + b, "\",\"size\":%d,\"uploadedDateTime\":\"2025-01-02T03:04:%02d.000Z\"}",
                             1000 * (i + 1), i);
    }
    b += (size_t)sprintf(o + b, "],\"createdDateTime\":\"2025-01-02T03:04:05.006Z\","
                                "\"expirationDateTime\":\"2030-01-01T00:00:00.000Z\"}");
    s_big_body_len = b;
    assert_true(b < sizeof(s_big_body));
}

static int group_setup(void **state)
{
    (void)state;
    fake_hal_set_ms(1000u);
    make_big_names();
    build_config();
    auth_set_static((const uint8_t(*)[AUTH_DIGEST_LEN])s_cfg.static_tokens, s_cfg.static_token_count);
    api_init(s_cfg.provisioned, s_cfg.service_root, s_cfg.realm);
    api_set_config(&s_cfg);
    tls_port_init();
    assert_int_equal(rng_init(NULL), APP_OK);
    assert_int_equal(auth_init(), APP_OK);
    return 0;
}

/* ---- per test --------------------------------------------------------------- */

#define NFT (HTTP_SERVER_SLOTS + 2)
static struct ft_conn s_ft[NFT];
static struct ft_resp s_resp[64];

static int setup(void **state)
{
    (void)state;
    http_server_init();
    for (size_t i = 0; i < NFT; i++) {
        ft_init(&s_ft[i]);
    }
    clock_init(FLOOR_MS); /* Date is DATE_AT_START until the test moves the clock */
    return 0;
}

/* Leak check through the pool counter (style.md "Tests"), and no
 * transport was touched after the server closed it. */
static int teardown(void **state)
{
    (void)state;
    assert_int_equal(http_server_active(), 0);
    for (size_t i = 0; i < NFT; i++) {
        assert_int_equal(s_ft[i].calls_after_close, 0);
        assert_true(s_ft[i].close_calls <= 1u);
        assert_false(s_ft[i].out_overflow);
    }
    return 0;
}

static struct http_conn *open_conn(struct ft_conn *ft)
{
    struct http_conn *c = http_server_open(&ft_io, ft, false);
    assert_non_null(c);
    return c;
}

/* Deliver input chunk bytes at a time (SIZE_MAX: all at once) and give
 * the server `room` send room before every event, until it closes or an
 * event changes nothing. Returns the number of events. */
static unsigned drive(struct http_conn *c, struct ft_conn *ft, size_t room, size_t chunk)
{
    unsigned events = 0;
    for (;;) {
        size_t arrived = ft_arrive(ft, chunk);
        size_t out0 = ft->out_len;
        size_t pos0 = ft->in_pos;
        ft->room = room;
        http_server_event(c);
        events++;
        if (ft->closed) {
            break;
        }
        if (arrived == 0u && ft->out_len == out0 && ft->in_pos == pos0) {
            break;
        }
        assert_true(events < 4000000u);
    }
    return events;
}

/* The peer closes its side; the server must close (after answering). */
static void finish(struct http_conn *c, struct ft_conn *ft)
{
    ft->eof = true;
    (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
    assert_true(ft->closed);
    assert_int_equal(ft->close_calls, 1);
}

static int parse_out(const struct ft_conn *ft, bool allow_head_only)
{
    const char *why;
    int n = ft_parse_responses((const char *)ft->out, ft->out_len, allow_head_only, s_resp,
                               (int)ARRAY_LEN(s_resp), &why);
    if (n < 0) {
        fail_msg("response stream is not HTTP: %s (%zu bytes: %.*s)", why, ft->out_len,
                 (int)(ft->out_len > 600u ? 600u : ft->out_len), (const char *)ft->out);
    }
    return n;
}

static size_t build_req(char *buf, size_t cap, const char *method, const char *path,
                        const char *version, const char *crid, const char *extra)
{
    int n = snprintf(buf, cap,
                     "%s %s %s\r\nHost: localhost:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"
                     "Authorization: Bearer " TOKEN "\r\nclient-request-id: %s\r\n%s\r\n",
                     method, path, version, crid, extra);
    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

static void queue_get(struct ft_conn *ft, const char *crid, const char *extra, bool arrive)
{
    char buf[1024];
    size_t n = build_req(buf, sizeof(buf), "GET", SEED_PATH, "HTTP/1.1", crid, extra);
    ft_queue(ft, buf, n, arrive);
}

/* The request-id of r, checked for the v4 form; copied to rid. */
static void take_rid(const struct ft_resp *r, char rid[UUID_STR_LEN + 1])
{
    size_t n;
    const char *v = ft_header(r, "request-id", &n);
    assert_non_null(v);
    if (!ft_uuid_v4(v, n)) {
        fail_msg("request-id is not a v4 UUID: %.*s", (int)n, v);
    }
    memcpy(rid, v, UUID_STR_LEN);
    rid[UUID_STR_LEN] = '\0';
}

/* r is the 200 for the seed session, head exact (request-id aside). */
static void check_200(const struct ft_resp *r, const char *crid, const char *date, bool close,
                      const char *body, size_t body_len, bool head_only)
{
    char rid[UUID_STR_LEN + 1];
    char want[1024];
    assert_int_equal(r->status, 200);
    take_rid(r, rid);
    int n = snprintf(want, sizeof(want),
                     "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\nrequest-id: %s\r\n"
                     "client-request-id: %s\r\nDate: %s\r\nCache-Control: no-store\r\n%s\r\n",
                     k_ct_odata, body_len, rid, crid, date, close ? "Connection: close\r\n" : "");
    assert_true(n > 0);
    if (r->head_len != (size_t)n || memcmp(r->head, want, (size_t)n) != 0) {
        fail_msg("head differs:\n got: %.*s\nwant: %s", (int)r->head_len, r->head, want);
    }
    if (head_only) {
        assert_true(r->head_only);
        return;
    }
    assert_int_equal(r->body_len, body_len);
    if (memcmp(r->body, body, body_len) != 0) {
        fail_msg("body differs:\n got: %.*s\nwant: %.*s", (int)r->body_len, r->body, (int)body_len,
                 body);
    }
}

static void check_seed(const struct ft_resp *r, const char *crid, bool close)
{
    check_200(r, crid, DATE_AT_START, close, k_seed_body, sizeof(k_seed_body) - 1u, false);
}

static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
    for (size_t i = 0; m <= n && i <= n - m; i++) {
        if (memcmp(hay + i, needle, m) == 0) {
            return hay + i;
        }
    }
    return NULL;
}

/* An error response: status, JSON body {"error":{"code":...}} with the
 * contract's fields, and the same request-id in head and body. */
static void check_error(const struct ft_resp *r, unsigned status, const char *code, bool close)
{
    char rid[UUID_STR_LEN + 1];
    char want[256];
    size_t n;
    assert_int_equal(r->status, status);
    take_rid(r, rid);
    const char *ct = ft_header(r, "Content-Type", &n);
    assert_non_null(ct);
    assert_true(n == 16u && memcmp(ct, "application/json", 16) == 0);
    assert_int_equal(r->conn_close, close);
    int k = snprintf(want, sizeof(want), "{\"error\":{\"code\":\"%s\",\"message\":\"", code);
    assert_true(r->body_len > (size_t)k);
    if (memcmp(r->body, want, (size_t)k) != 0) {
        fail_msg("error body: %.*s", (int)r->body_len, r->body);
    }
    k = snprintf(want, sizeof(want), "\"innerError\":{\"date\":\"2025-11-28T12:");
    assert_non_null(find_bytes(r->body, r->body_len, want, (size_t)k));
    k = snprintf(want, sizeof(want), "\"request-id\":\"%s\"", rid);
    assert_non_null(find_bytes(r->body, r->body_len, want, (size_t)k));
    assert_memory_equal(r->body + r->body_len - 3u, "}}}", 3);
}

/* Replace every v4-UUID-shaped run by x's: what differs between two
 * otherwise identical responses is the request-id. */
static void mask_uuids(char *p, size_t n)
{
    for (size_t i = 0; i + UUID_STR_LEN <= n; i++) {
        if (ft_uuid_v4(p + i, UUID_STR_LEN)) {
            memset(p + i, 'x', UUID_STR_LEN);
            i += UUID_STR_LEN - 1u;
        }
    }
}

/* ---- tests --------------------------------------------------------------------- */

static void test_seed_get_200(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    struct http_conn *c = open_conn(ft);
    assert_int_equal(http_server_active(), 1);
    unsigned lines = fake_hal_console_lines();
    queue_get(ft, SEED_CRID, "", true);
    (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
    assert_int_equal(parse_out(ft, false), 1);
    check_seed(&s_resp[0], SEED_CRID, false);
    assert_false(ft->closed);
    assert_true(ft->flush_calls >= 1u);
    assert_int_equal(ft_unread(ft), 0);
    /* One log line for the request. */
    assert_int_equal(fake_hal_console_lines(), lines + 1u);
    assert_non_null(strstr(fake_hal_console_last(), "http GET /beta/identityGov"));
    assert_non_null(strstr(fake_hal_console_last(), " 200 "));
    finish(c, ft);
    assert_int_equal(parse_out(ft, false), 1);
}

/* A response for the given request under a send room per event and a
 * per-call cap on send(); returns the events it took. */
static unsigned respond_with_room(struct ft_conn *ft, const char *path, size_t room, size_t send_max)
{
    char buf[1024];
    size_t n = build_req(buf, sizeof(buf), "GET", path, "HTTP/1.1", SEED_CRID, "");
    ft_init(ft);
    ft->send_max = send_max;
    struct http_conn *c = open_conn(ft);
    ft_queue(ft, buf, n, true);
    unsigned events = drive(c, ft, room, SIZE_MAX);
    assert_false(ft->closed);
    assert_int_equal(ft_unread(ft), 0);
    http_server_gone(c);
    return events;
}

struct room_case {
    size_t room;
    size_t send_max;
};

static const struct room_case k_rooms[] = {
    {1, FT_UNLIMITED},   {7, FT_UNLIMITED}, {100, FT_UNLIMITED}, {1460, FT_UNLIMITED},
    {1460, 3},           {100, 99},         {FT_UNLIMITED, 536}, {2, 1},
};

/* The same bytes whatever the send room: the server resumes on later
 * events exactly where the transport stopped taking bytes. */
static void check_rooms(const char *path, const char *body, size_t body_len, size_t min_total)
{
    static char ref[FT_OUT_MAX];
    struct ft_conn *ft = &s_ft[0];
    (void)respond_with_room(ft, path, FT_UNLIMITED, FT_UNLIMITED);
    assert_int_equal(parse_out(ft, false), 1);
    check_200(&s_resp[0], SEED_CRID, DATE_AT_START, false, body, body_len, false);
    size_t ref_len = ft->out_len;
    assert_true(ref_len > min_total);
    memcpy(ref, ft->out, ref_len);
    mask_uuids(ref, ref_len);

    for (size_t i = 0; i < ARRAY_LEN(k_rooms); i++) {
        const struct room_case *rc = &k_rooms[i];
        unsigned events = respond_with_room(ft, path, rc->room, rc->send_max);
        assert_int_equal(parse_out(ft, false), 1);
        check_200(&s_resp[0], SEED_CRID, DATE_AT_START, false, body, body_len, false);
        mask_uuids((char *)ft->out, ft->out_len);
        if (ft->out_len != ref_len || memcmp(ft->out, ref, ref_len) != 0) {
            fail_msg("room %zu/%zu: %zu bytes differ from the unlimited %zu", rc->room, rc->send_max,
                     ft->out_len, ref_len);
        }
        size_t per = rc->room < rc->send_max ? rc->room : rc->send_max;
        if (rc->room != FT_UNLIMITED) {
            /* Resumed on later events: at most `room` bytes per event. */
            assert_true(events >= (unsigned)((ref_len + rc->room - 1u) / rc->room));
        }
        /* Never more than the room in one send call. */
        assert_true(ft->send_calls >= (unsigned)((ref_len + per - 1u) / per));
    }
}

static void test_send_room_seed(void **state)
{
    (void)state;
    check_rooms(SEED_PATH, k_seed_body, sizeof(k_seed_body) - 1u, 0);
}

/* Bigger than the render window: later slices resume at the cursor in
 * the shared scratch. */
static void test_send_room_big(void **state)
{
    (void)state;
    assert_true(s_big_body_len > 2u * APP_HTTP_SCRATCH);
    check_rooms(BIG_PATH, s_big_body, s_big_body_len, APP_HTTP_SCRATCH);
}

/* Room 0 for a while (the client does not read), then room again. */
static void test_send_room_zero_then_some(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    struct http_conn *c = open_conn(ft);
    queue_get(ft, SEED_CRID, "", true);
    for (int i = 0; i < 5; i++) {
        ft->room = 0;
        http_server_event(c);
        assert_int_equal(ft->out_len, 0);
        http_server_poll();
        assert_int_equal(ft->out_len, 0);
    }
    (void)drive(c, ft, 13, SIZE_MAX);
    assert_int_equal(parse_out(ft, false), 1);
    check_seed(&s_resp[0], SEED_CRID, false);
    finish(c, ft);
}

static void test_keep_alive_three(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    struct http_conn *c = open_conn(ft);
    char rids[3][UUID_STR_LEN + 1];
    for (int i = 0; i < 3; i++) {
        char crid[16];
        (void)snprintf(crid, sizeof(crid), "ka-%d", i);
        queue_get(ft, crid, "", true);
        (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
        assert_int_equal(parse_out(ft, false), i + 1);
        check_seed(&s_resp[i], crid, false);
        take_rid(&s_resp[i], rids[i]);
        assert_false(ft->closed);
        assert_int_equal(http_server_active(), 1);
    }
    assert_string_not_equal(rids[0], rids[1]);
    assert_string_not_equal(rids[1], rids[2]);
    assert_string_not_equal(rids[0], rids[2]);
    finish(c, ft);
}

struct pipe_case {
    int count;
    size_t chunk; /* input bytes per event */
    size_t room;
};

static const struct pipe_case k_pipes[] = {
    {5, SIZE_MAX, FT_UNLIMITED},
    {5, 1, FT_UNLIMITED},
    {5, 1, 7},
    {5, SIZE_MAX, 1},
    {5, 333, 100},
    /* More than the head buffer holds at once (~330 bytes a request). */
    {16, SIZE_MAX, FT_UNLIMITED},
    {16, 4096, 1460},
};

/* Pipelined requests, answered in order (crid echo tells which). */
static void test_pipelining(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(k_pipes); i++) {
        const struct pipe_case *pc = &k_pipes[i];
        struct ft_conn *ft = &s_ft[0];
        ft_init(ft);
        struct http_conn *c = open_conn(ft);
        for (int k = 0; k < pc->count; k++) {
            char crid[24];
            (void)snprintf(crid, sizeof(crid), "pipe-%d", k);
            queue_get(ft, crid, "", pc->chunk == SIZE_MAX);
        }
        if (pc->count * 330 > APP_HTTP_HEAD_MAX) {
            assert_true(ft->in_len > APP_HTTP_HEAD_MAX);
        }
        (void)drive(c, ft, pc->room, pc->chunk);
        int n = parse_out(ft, false);
        if (n != pc->count) {
            fail_msg("case %zu: %d responses for %d requests", i, n, pc->count);
        }
        for (int k = 0; k < pc->count; k++) {
            char crid[24];
            (void)snprintf(crid, sizeof(crid), "pipe-%d", k);
            check_seed(&s_resp[k], crid, false);
        }
        assert_false(ft->closed);
        finish(c, ft);
        assert_int_equal(http_server_active(), 0);
    }
}

/* HTTP/1.0 closes after the response unless it asked for keep-alive;
 * Connection: close closes; what follows on the stream is not answered. */
struct close_case {
    const char *version;
    const char *extra;
    bool close;
};

static const struct close_case k_closes[] = {
    {"HTTP/1.0", "", true},
    {"HTTP/1.0", "Connection: keep-alive\r\n", false},
    {"HTTP/1.1", "Connection: close\r\n", true},
    {"HTTP/1.1", "Connection: keep-alive, close\r\n", true},
    {"HTTP/1.1", "Connection: keep-alive\r\n", false},
};

static void test_connection_close(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(k_closes); i++) {
        const struct close_case *cc = &k_closes[i];
        struct ft_conn *ft = &s_ft[0];
        ft_init(ft);
        struct http_conn *c = open_conn(ft);
        char buf[1024];
        size_t n = build_req(buf, sizeof(buf), "GET", SEED_PATH, cc->version, SEED_CRID, cc->extra);
        ft_queue(ft, buf, n, true);
        queue_get(ft, "second", "", true); /* pipelined behind it */
        (void)drive(c, ft, 64, SIZE_MAX);
        int got = parse_out(ft, false);
        check_seed(&s_resp[0], SEED_CRID, cc->close);
        if (cc->close) {
            assert_int_equal(got, 1);
            assert_true(ft->closed);
            assert_int_equal(http_server_active(), 0);
        } else {
            assert_int_equal(got, 2);
            check_seed(&s_resp[1], "second", false);
            assert_false(ft->closed);
            finish(c, ft);
        }
    }
}

/* EOF right after complete requests: all answered, then closed. */
static void test_half_close(void **state)
{
    (void)state;
    for (int count = 1; count <= 3; count++) {
        struct ft_conn *ft = &s_ft[0];
        ft_init(ft);
        struct http_conn *c = open_conn(ft);
        for (int k = 0; k < count; k++) {
            queue_get(ft, SEED_CRID, "", true);
        }
        ft->eof = true;
        (void)drive(c, ft, 50, SIZE_MAX);
        assert_int_equal(parse_out(ft, false), count);
        for (int k = 0; k < count; k++) {
            assert_int_equal(s_resp[k].status, 200);
            assert_memory_equal(s_resp[k].body, k_seed_body, sizeof(k_seed_body) - 1u);
        }
        assert_true(ft->closed);
        assert_int_equal(http_server_active(), 0);
    }
}

/* EOF inside a head: closed, nothing sent (not even 400). */
/* PATCH with a JSON body (the first write call with a body): by
 * Content-Length and chunked, delivered whole, a byte at a time and in
 * 7-byte pieces, with a pipelined GET behind it that is answered too. */
#define PATCH_HEAD "PATCH " BIG_PATH " HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " TOKEN "\r\n"
#define DONE_JSON "{\"isUploadDone\":true}"

static void test_patch_body(void **state)
{
    (void)state;
    static const char *const k_bodies[] = {
        PATCH_HEAD "Content-Type: application/json\r\nContent-Length: 21\r\n\r\n" DONE_JSON,
        PATCH_HEAD "Content-Type: Application/JSON; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "5\r\n{\"isU\r\n10;x=y\r\nploadDone\":true}\r\n0\r\nT: 1\r\n\r\n",
    };
    static const size_t k_chunks[] = {SIZE_MAX, 1, 7};
    for (size_t b = 0; b < ARRAY_LEN(k_bodies); b++) {
        for (size_t k = 0; k < ARRAY_LEN(k_chunks); k++) {
            struct ft_conn *ft = &s_ft[0];
            ft_init(ft);
            struct http_conn *c = open_conn(ft);
            ft_queue_str(ft, k_bodies[b]);
            queue_get(ft, SEED_CRID, "", true);
            (void)drive(c, ft, FT_UNLIMITED, k_chunks[k]);
            assert_int_equal(parse_out(ft, false), 2);
            assert_int_equal(s_resp[0].status, 200);
            assert_false(s_resp[0].conn_close);
            assert_non_null(find_bytes(s_resp[0].body, s_resp[0].body_len, "\"isUploadDone\":true", 19));
            assert_non_null(find_bytes(s_resp[0].body, s_resp[0].body_len, "\"status\":\"Complete\"", 19));
            check_seed(&s_resp[1], SEED_CRID, false);
            finish(c, ft);
        }
    }
}

/* Every way a write's body can be wrong, and what it costs the connection:
 * a body the server read (bad JSON) keeps it; one it did not, closes. */
static void test_patch_errors(void **state)
{
    (void)state;
    static const struct {
        const char *req;
        unsigned status;
        bool close;
    } k_cases[] = {
        {PATCH_HEAD "Content-Type: application/json\r\n\r\n", 411, false},
        {PATCH_HEAD "Content-Type: text/plain\r\nContent-Length: 21\r\n\r\n" DONE_JSON, 415, true},
        {PATCH_HEAD "Content-Type: application/jsonx\r\nContent-Length: 21\r\n\r\n" DONE_JSON, 415, true},
        {PATCH_HEAD "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n", 413, true},
        {PATCH_HEAD "Content-Type: application/json\r\nContent-Length: 22\r\n\r\n{\"isUploadDone\":false}", 400, false},
        {PATCH_HEAD "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", 400, false},
        {PATCH_HEAD "Content-Type: application/json\r\nContent-Length: 0\r\n\r\n", 400, false},
        {PATCH_HEAD "Content-Type: application/json\r\nContent-Length: 34\r\n\r\n{\"isUploadDone\":true,\"status\":\"x\"}", 400, false},
        {PATCH_HEAD "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, true},
        {PATCH_HEAD "Content-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n", 400, true},
        {PATCH_HEAD "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400, true},
        {"PATCH " BIG_PATH " HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 21\r\n\r\n" DONE_JSON, 401, true},
    };
    for (size_t i = 0; i < ARRAY_LEN(k_cases); i++) {
        struct ft_conn *ft = &s_ft[0];
        ft_init(ft);
        struct http_conn *c = open_conn(ft);
        ft_queue_str(ft, k_cases[i].req);
        (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
        print_message("case %zu\n", i);
        assert_int_equal(parse_out(ft, false), 1);
        check_error(&s_resp[0], k_cases[i].status,
                    k_cases[i].status == 401 ? "InvalidAuthenticationToken" : "BadRequest",
                    k_cases[i].close);
        if (!ft->closed) {
            finish(c, ft);
        }
    }
}

/* A client that stops in the middle of its body: 408 at the head
 * deadline, and the connection closes. */
static void test_body_deadline(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    ft_init(ft);
    struct http_conn *c = open_conn(ft);
    ft_queue_str(ft, PATCH_HEAD "Content-Type: application/json\r\nContent-Length: 21\r\n\r\n{\"isU");
    (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
    assert_int_equal(ft->out_len, 0);
    fake_hal_advance_ms(APP_HTTP_HEAD_TIMEOUT_MS - 1u);
    http_server_poll();
    assert_int_equal(ft->out_len, 0);
    fake_hal_advance_ms(1u);
    http_server_poll();
    assert_int_equal(parse_out(ft, false), 1);
    check_error(&s_resp[0], 408, "requestTimeout", true);
    assert_true(ft->closed);
}

static void test_eof_mid_head(void **state)
{
    (void)state;
    static const char *const k_parts[] = {"G", "GET /beta/x HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: a\r\n"};
    for (size_t i = 0; i < ARRAY_LEN(k_parts); i++) {
        struct ft_conn *ft = &s_ft[0];
        ft_init(ft);
        struct http_conn *c = open_conn(ft);
        ft_queue_str(ft, k_parts[i]);
        (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
        assert_false(ft->closed);
        ft->eof = true;
        (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
        assert_true(ft->closed);
        assert_int_equal(ft->out_len, 0);
        assert_int_equal(http_server_active(), 0);
    }
    /* A complete response, then a partial head and EOF. */
    struct ft_conn *ft = &s_ft[1];
    struct http_conn *c = open_conn(ft);
    queue_get(ft, SEED_CRID, "", true);
    ft_queue_str(ft, "GET /beta HTTP/1.1\r\nHo");
    ft->eof = true;
    (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
    assert_int_equal(parse_out(ft, false), 1);
    check_seed(&s_resp[0], SEED_CRID, false);
    assert_true(ft->closed);
}

static char s_long_line[APP_HTTP_LINE_MAX + 64];
static char s_many_headers[64 * (APP_HTTP_MAX_HEADERS + 2)];

struct perr_case {
    const char *name;
    const char *input;
    unsigned status;
};

/* Parse errors: answered, then closed; a good request before the bad one
 * on the same stream is answered first. */
static void test_parse_errors(void **state)
{
    (void)state;
    size_t k = (size_t)snprintf(s_long_line, sizeof(s_long_line), "GET /");
    while (k < APP_HTTP_LINE_MAX + 8u) {
        s_long_line[k++] = 'a';
    }
    static const char k_tail[] = " HTTP/1.1\r\nHost: a\r\n\r\n";
    memcpy(s_long_line + k, k_tail, sizeof(k_tail));
    k = (size_t)snprintf(s_many_headers, sizeof(s_many_headers), "GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < APP_HTTP_MAX_HEADERS + 1; i++) {
        k += (size_t)snprintf(s_many_headers + k, sizeof(s_many_headers) - k, "X-H%d: v\r\n", i);
    }
    (void)snprintf(s_many_headers + k, sizeof(s_many_headers) - k, "\r\n");

    const struct perr_case cases[] = {
        {"HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505},
        {"HTTP/1.2", "GET " SEED_PATH " HTTP/1.2\r\nHost: a\r\n\r\n", 505},
        {"bad version", "GET / HTTX/1.1\r\nHost: a\r\n\r\n", 400},
        {"bare LF", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400},
        {"bad field", "GET / HTTP/1.1\r\nHost: a\r\nno colon\r\n\r\n", 400},
        {"long line", s_long_line, 414},
        {"many headers", s_many_headers, 431},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        for (int pre = 0; pre < 2; pre++) {
            struct ft_conn *ft = &s_ft[0];
            ft_init(ft);
            struct http_conn *c = open_conn(ft);
            if (pre) {
                queue_get(ft, SEED_CRID, "", true);
            }
            ft_queue_str(ft, cases[i].input);
            queue_get(ft, "never", "", true); /* must not be answered */
            (void)drive(c, ft, 211, SIZE_MAX);
            int n = parse_out(ft, false);
            if (n != 1 + pre) {
                fail_msg("%s: %d responses", cases[i].name, n);
            }
            if (pre) {
                check_seed(&s_resp[0], SEED_CRID, false);
            }
            check_error(&s_resp[pre], cases[i].status, "BadRequest", true);
            assert_true(ft->closed);
            assert_int_equal(http_server_active(), 0);
        }
    }
}

/* Errors from the endpoint (not the parser) keep the connection. */
static void test_api_errors_keep_alive(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    struct http_conn *c = open_conn(ft);
    ft_queue_str(ft, "GET " SEED_PATH " HTTP/1.1\r\nHost: a\r\n\r\n");              /* 401 */
    ft_queue_str(ft, "GET " SEED_PATH " HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer nope\r\n\r\n");
    ft_queue_str(ft, "PUT " SEED_PATH " HTTP/1.1\r\nHost: a\r\n\r\n");              /* 405 */
    ft_queue_str(ft, "GET /beta/nothing HTTP/1.1\r\nHost: a\r\n\r\n");              /* 400 */
    queue_get(ft, SEED_CRID, "", true);
    (void)drive(c, ft, 97, SIZE_MAX);
    assert_int_equal(parse_out(ft, false), 5);
    check_error(&s_resp[0], 401, "InvalidAuthenticationToken", false);
    check_error(&s_resp[1], 401, "InvalidAuthenticationToken", false);
    check_error(&s_resp[2], 405, "methodNotAllowed", false);
    check_error(&s_resp[3], 400, "BadRequest", false);
    check_seed(&s_resp[4], SEED_CRID, false);
    assert_false(ft->closed);
    /* A body on GET: 400 and close (the body's end is unknown). */
    ft_queue_str(ft, "GET " SEED_PATH " HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
    (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
    assert_int_equal(parse_out(ft, false), 6);
    check_error(&s_resp[5], 400, "BadRequest", true);
    assert_true(ft->closed);
}

/* HEAD: the GET's head (Content-Length of the body) without the body;
 * the next request on the stream is framed right after it. */
static void test_head_then_get(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    struct http_conn *c = open_conn(ft);
    char buf[1024];
    size_t n = build_req(buf, sizeof(buf), "HEAD", SEED_PATH, "HTTP/1.1", "h", "");
    ft_queue(ft, buf, n, true);
    queue_get(ft, "g", "", true);
    (void)drive(c, ft, 5, SIZE_MAX);
    assert_int_equal(parse_out(ft, true), 2);
    check_200(&s_resp[0], "h", DATE_AT_START, false, k_seed_body, sizeof(k_seed_body) - 1u, true);
    check_seed(&s_resp[1], "g", false);
    finish(c, ft);
}

/* 408 once the head is not complete APP_HTTP_HEAD_TIMEOUT_MS after its
 * first byte, sent under a small room across polls, then close. */
static void test_head_timeout_408(void **state)
{
    (void)state;
    static const size_t k_room[] = {FT_UNLIMITED, 7, 1};
    for (size_t i = 0; i < ARRAY_LEN(k_room); i++) {
        struct ft_conn *ft = &s_ft[0];
        ft_init(ft);
        struct http_conn *c = open_conn(ft);
        fake_hal_advance_ms(1000); /* the deadline runs from the first byte, not the open */
        ft_queue_str(ft, "GET " SEED_PATH " HTTP/1.1\r\nHost: a\r\n");
        (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
        fake_hal_advance_ms(APP_HTTP_HEAD_TIMEOUT_MS - 1u);
        http_server_poll();
        assert_int_equal(ft->out_len, 0);
        assert_false(ft->closed);
        fake_hal_advance_ms(1);
        unsigned polls = 0;
        while (!ft->closed && polls < 100000u) {
            ft->room = k_room[i];
            http_server_poll();
            polls++;
        }
        assert_true(ft->closed);
        assert_int_equal(parse_out(ft, false), 1);
        check_error(&s_resp[0], 408, "requestTimeout", true);
        if (k_room[i] == 1u) {
            assert_int_equal(polls, ft->out_len);
        }
        assert_int_equal(http_server_active(), 0);
    }
}

/* A slow client that keeps sending does not escape the head deadline. */
static void test_head_timeout_trickle(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    struct http_conn *c = open_conn(ft);
    queue_get(ft, SEED_CRID, "", false);
    uint32_t t = 0;
    while (!ft->closed && ft_unread(ft) > 0u) {
        ft_arrive(ft, 1);
        http_server_event(c);
        fake_hal_advance_ms(100);
        t += 100u;
        http_server_poll();
    }
    assert_true(ft->closed);
    assert_true(t >= APP_HTTP_HEAD_TIMEOUT_MS && t < APP_HTTP_HEAD_TIMEOUT_MS + 200u);
    assert_int_equal(parse_out(ft, false), 1);
    check_error(&s_resp[0], 408, "requestTimeout", true);
}

/* Idle keep-alive connections close silently after APP_HTTP_IDLE_TIMEOUT_MS,
 * counted from the open or from the end of the last response. */
static void test_idle_close(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    (void)open_conn(ft);
    fake_hal_advance_ms(APP_HTTP_IDLE_TIMEOUT_MS - 1u);
    http_server_poll();
    assert_false(ft->closed);
    fake_hal_advance_ms(1);
    http_server_poll();
    assert_true(ft->closed);
    assert_int_equal(ft->out_len, 0);
    assert_int_equal(http_server_active(), 0);

    ft = &s_ft[1];
    struct http_conn *c = open_conn(ft);
    fake_hal_advance_ms(APP_HTTP_IDLE_TIMEOUT_MS / 2u);
    queue_get(ft, SEED_CRID, "", true);
    (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
    size_t sent = ft->out_len;
    assert_true(sent > 0u);
    fake_hal_advance_ms(APP_HTTP_IDLE_TIMEOUT_MS - 1u);
    http_server_poll();
    assert_false(ft->closed);
    fake_hal_advance_ms(1);
    http_server_poll();
    assert_true(ft->closed);
    assert_int_equal(ft->out_len, sent);
}

/* A client that stops reading its response is dropped after the idle
 * timeout (no progress while room() says 0). */
static void test_write_stall_close(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    struct http_conn *c = open_conn(ft);
    queue_get(ft, SEED_CRID, "", true);
    (void)drive(c, ft, 10, SIZE_MAX); /* room 10 once, then ... */
    ft->room = 0;                      /* ... the client stops reading */
    size_t sent = ft->out_len;
    assert_true(sent > 0u);
    for (uint32_t t = 0; t + 1000u < APP_HTTP_IDLE_TIMEOUT_MS; t += 1000u) {
        fake_hal_advance_ms(1000);
        http_server_poll();
        assert_false(ft->closed);
    }
    fake_hal_advance_ms(1000);
    http_server_poll();
    assert_true(ft->closed);
    assert_int_equal(ft->out_len, sent);
}

/* Regression (http_server.c write_some): `progress = 1` was set after
 * every send() call, also one that took 0 bytes, and a progressing write
 * moves the connection's t_mark to now. A transport whose room() reports
 * space but whose send() takes nothing (http_tcp's io_send returns 0 on
 * lwIP ERR_MEM while tcp_sndbuf() > 0) therefore never reached the
 * write-stall idle timeout. Fixed: progress only when k > 0. */
static void test_bug_zero_send_keeps_conn_forever(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    struct http_conn *c = open_conn(ft);
    queue_get(ft, SEED_CRID, "", true);
    ft->send_max = 0; /* room() says 100, send() takes nothing */
    (void)drive(c, ft, 100, SIZE_MAX);
    assert_int_equal(ft->out_len, 0);
    for (uint32_t t = 0; t <= APP_HTTP_IDLE_TIMEOUT_MS && !ft->closed; t += 1000u) {
        fake_hal_advance_ms(1000);
        ft->room = 100;
        http_server_poll();
    }
    if (!ft->closed) {
        http_server_gone(c); /* keep the teardown's leak check meaningful */
    }
    assert_true(ft->closed);
}

/* The pool: HTTP_SERVER_SLOTS opens, then NULL and a 503 from reject;
 * gone frees a slot for the next open. */
static void test_pool(void **state)
{
    (void)state;
    struct http_conn *c[HTTP_SERVER_SLOTS];
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        c[i] = open_conn(&s_ft[i]);
        assert_int_equal(http_server_active(), i + 1u);
        for (size_t j = 0; j < i; j++) {
            assert_ptr_not_equal(c[i], c[j]);
        }
    }
    struct ft_conn *extra = &s_ft[HTTP_SERVER_SLOTS];
    assert_null(http_server_open(&ft_io, extra, false));
    assert_int_equal(http_server_active(), HTTP_SERVER_SLOTS);
    http_server_reject(&ft_io, extra, false);
    assert_true(extra->closed);
    assert_int_equal(parse_out(extra, false), 1);
    check_error(&s_resp[0], 503, "serviceNotAvailable", true);
    size_t n;
    const char *ra = ft_header(&s_resp[0], "Retry-After", &n);
    assert_non_null(ra);
    assert_true(n == 1u && ra[0] == '1');
    assert_int_equal(http_server_active(), HTTP_SERVER_SLOTS);

    /* The busy pool still serves its connections. */
    queue_get(&s_ft[1], SEED_CRID, "", true);
    (void)drive(c[1], &s_ft[1], FT_UNLIMITED, SIZE_MAX);
    assert_int_equal(parse_out(&s_ft[1], false), 1);

    /* gone: the slot is free, the transport is never called again. */
    http_server_gone(c[0]);
    s_ft[0].closed = true; /* any later call on it counts as use after close */
    assert_int_equal(http_server_active(), HTTP_SERVER_SLOTS - 1u);
    http_server_gone(c[0]); /* twice is harmless */
    assert_int_equal(http_server_active(), HTTP_SERVER_SLOTS - 1u);
    http_server_event(c[0]); /* an event on a freed slot does nothing */
    struct ft_conn *again = &s_ft[HTTP_SERVER_SLOTS + 1];
    struct http_conn *c2 = open_conn(again);
    assert_int_equal(http_server_active(), HTTP_SERVER_SLOTS);
    queue_get(again, SEED_CRID, "", true);
    (void)drive(c2, again, FT_UNLIMITED, SIZE_MAX);
    assert_int_equal(parse_out(again, false), 1);
    check_seed(&s_resp[0], SEED_CRID, false);

    /* Everything else goes by idle timeout. */
    fake_hal_advance_ms(APP_HTTP_IDLE_TIMEOUT_MS);
    http_server_poll();
    assert_int_equal(http_server_active(), 0);
    for (size_t i = 1; i < HTTP_SERVER_SLOTS; i++) {
        assert_true(s_ft[i].closed);
    }
    assert_true(again->closed);
}

/* A send() error closes the connection, mid-response too. */
static void test_send_error_closes(void **state)
{
    (void)state;
    for (int mid = 0; mid < 2; mid++) {
        struct ft_conn *ft = &s_ft[0];
        ft_init(ft);
        struct http_conn *c = open_conn(ft);
        queue_get(ft, SEED_CRID, "", true);
        if (mid) {
            ft->room = 100;
            http_server_event(c);
            assert_int_equal(ft->out_len, 100);
        }
        ft->send_err = APP_ERR_IO;
        ft->room = FT_UNLIMITED;
        http_server_event(c);
        assert_true(ft->closed);
        assert_int_equal(ft->out_len, mid ? 100u : 0u);
        assert_int_equal(http_server_active(), 0);
    }
}

/* Head buffers are shared: idle keep-alive connections hold none, a
 * connection that finds them all busy leaves its bytes unread (flow
 * control) and is served once http_server_resume() finds one free. */
static void test_head_pool_shared(void **state)
{
    (void)state;
    _Static_assert(APP_HTTP_HEAD_BUFS + 1 <= HTTP_SERVER_SLOTS, "test needs a slot over the heads");
    enum { BUSY = APP_HTTP_HEAD_BUFS };
    struct http_conn *c[HTTP_SERVER_SLOTS];
    char req[1024];
    size_t n = build_req(req, sizeof(req), "GET", SEED_PATH, "HTTP/1.1", "pool", "");
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        c[i] = open_conn(&s_ft[i]);
    }
    /* Every connection idle (one event each): nobody keeps a buffer, so
     * BUSY connections can start a head now. */
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        http_server_event(c[i]);
    }
    for (size_t i = 0; i < BUSY; i++) {
        ft_queue(&s_ft[i], req, 10, true); /* a head begun, not finished */
        http_server_event(c[i]);
        assert_int_equal(ft_unread(&s_ft[i]), 0);
    }
    uint32_t waits0 = http_server_head_waits();
    struct ft_conn *late = &s_ft[BUSY];
    ft_queue(late, req, n, true);
    http_server_event(c[BUSY]);
    assert_int_equal(ft_unread(late), n); /* nothing read: no buffer */
    assert_int_equal(late->out_len, 0);
    assert_int_equal(http_server_head_waits(), waits0 + 1u);
    http_server_resume(); /* still none free: stays waiting */
    assert_int_equal(ft_unread(late), n);

    /* The first head completes; its buffer returns after the response. */
    ft_queue(&s_ft[0], req + 10, n - 10, true);
    (void)drive(c[0], &s_ft[0], FT_UNLIMITED, SIZE_MAX);
    assert_int_equal(parse_out(&s_ft[0], false), 1);
    check_seed(&s_resp[0], "pool", false);
    http_server_resume();
    assert_int_equal(ft_unread(late), 0);
    assert_int_equal(parse_out(late, false), 1);
    check_seed(&s_resp[0], "pool", false);

    for (size_t i = 1; i < BUSY; i++) {
        ft_queue(&s_ft[i], req + 10, n - 10, true);
        (void)drive(c[i], &s_ft[i], FT_UNLIMITED, SIZE_MAX);
        assert_int_equal(parse_out(&s_ft[i], false), 1);
    }
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        finish(c[i], &s_ft[i]);
    }
}

/* ---- fairness (README "Fairness") -------------------------------------------- */

_Static_assert(APP_HTTP_HEAD_BUFS == 2 && HTTP_SERVER_SLOTS == 6,
               "the fairness tests assume 2 head buffers and 6 slots (4 plain + 2 TLS)");

static struct http_server_stats stats_now(void)
{
    struct http_server_stats s;
    http_server_stats(&s);
    return s;
}

static struct http_conn *open_kind(struct ft_conn *ft, bool tls)
{
    struct http_conn *c = http_server_open(&ft_io, ft, tls);
    assert_non_null(c);
    return c;
}

/* Queue a GET of the seed session on ft and deliver its first n bytes
 * (SIZE_MAX: all of it); the rest arrives with ft_arrive(). */
static void queue_part(struct ft_conn *ft, const char *crid, size_t n)
{
    char buf[1024];
    size_t len = build_req(buf, sizeof(buf), "GET", SEED_PATH, "HTTP/1.1", crid, "");
    ft_queue(ft, buf, len, false);
    (void)ft_arrive(ft, n);
}

/* ft's connection read what arrived (it has a head buffer) / read nothing
 * of it (it waits for one). */
static bool has_read(const struct ft_conn *ft)
{
    return ft->in_pos > 0u && ft->in_pos == ft->in_avail;
}

static bool waits(const struct ft_conn *ft)
{
    return ft->in_avail > 0u && ft->in_pos == 0u;
}

/* The rest of ft's request arrives: answered 200 (the last response on
 * the stream), the head buffer back in the pool, the connection idle. */
static void complete_request(struct http_conn *c, struct ft_conn *ft)
{
    (void)ft_arrive(ft, SIZE_MAX);
    (void)drive(c, ft, FT_UNLIMITED, SIZE_MAX);
    assert_int_equal(ft_unread(ft), 0);
    int n = parse_out(ft, false);
    assert_true(n >= 1);
    assert_int_equal(s_resp[n - 1].status, 200);
    assert_memory_equal(s_resp[n - 1].body, k_seed_body, sizeof(k_seed_body) - 1u);
    assert_false(ft->closed);
}

/* r is the seed session's 200 for crid, whatever the Date. */
static void check_seed_any_date(const struct ft_resp *r, const char *crid)
{
    size_t n;
    assert_int_equal(r->status, 200);
    const char *v = ft_header(r, "client-request-id", &n);
    assert_non_null(v);
    assert_true(n == strlen(crid) && memcmp(v, crid, n) == 0);
    assert_int_equal(r->body_len, sizeof(k_seed_body) - 1u);
    assert_memory_equal(r->body, k_seed_body, r->body_len);
}

/* Free head buffers go first to the port (plain or TLS) that holds fewer,
 * then to its waiters in the order they began to wait, whatever their
 * slot. */
static void test_head_fifo_across_ports(void **state)
{
    (void)state;
    static const bool k_tls[HTTP_SERVER_SLOTS] = {false, true, false, true, false, true};
    static const size_t k_order[] = {5, 2, 4, 3}; /* the waiters, in the order they come */
    struct http_conn *c[HTTP_SERVER_SLOTS];
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        c[i] = open_kind(&s_ft[i], k_tls[i]);
    }
    /* Slots 0 (plain) and 1 (TLS) hold the two buffers with heads begun. */
    for (size_t i = 0; i < 2u; i++) {
        queue_part(&s_ft[i], "holder", 10);
        http_server_event(c[i]);
        assert_true(has_read(&s_ft[i]));
    }
    struct http_server_stats st0 = stats_now();
    for (size_t k = 0; k < ARRAY_LEN(k_order); k++) {
        fake_hal_advance_ms(1);
        struct ft_conn *ft = &s_ft[k_order[k]];
        queue_part(ft, "waiter", 10);
        http_server_event(c[k_order[k]]);
        assert_true(waits(ft));
        /* Another event while waiting: the same place in the queue. */
        http_server_event(c[k_order[k]]);
        assert_true(waits(ft));
    }
    assert_int_equal(stats_now().head_waits, st0.head_waits + ARRAY_LEN(k_order));
    http_server_resume(); /* none free: all wait on */
    for (size_t k = 0; k < ARRAY_LEN(k_order); k++) {
        assert_true(waits(&s_ft[k_order[k]]));
    }

    /* Each finished request frees a buffer for the next waiter: of the
     * port that holds fewer buffers, then in order of arrival. */
    size_t holders[HTTP_SERVER_SLOTS] = {0, 1};
    size_t nh = 2;
    size_t first = 0;
    bool served[HTTP_SERVER_SLOTS] = {false};
    for (size_t k = 0; k < ARRAY_LEN(k_order); k++) {
        size_t done = holders[first++];
        complete_request(c[done], &s_ft[done]);
        unsigned held[2] = {0, 0};
        for (size_t h = first; h < nh; h++) {
            held[k_tls[holders[h]]]++;
        }
        size_t want = SIZE_MAX;
        for (size_t j = 0; j < ARRAY_LEN(k_order); j++) {
            size_t i = k_order[j];
            if (!served[i] && (want == SIZE_MAX || held[k_tls[i]] < held[k_tls[want]])) {
                want = i;
            }
        }
        http_server_resume();
        served[want] = true;
        for (size_t j = 0; j < ARRAY_LEN(k_order); j++) {
            size_t i = k_order[j];
            if (served[i] ? !has_read(&s_ft[i]) : !waits(&s_ft[i])) {
                fail_msg("after %zu releases: slot %zu %s", k + 1u, i,
                         served[i] ? "still waits" : "was served out of turn");
            }
        }
        holders[nh++] = want;
    }
    while (first < nh) {
        size_t i = holders[first++];
        complete_request(c[i], &s_ft[i]);
    }
    assert_int_equal(stats_now().head_waits, st0.head_waits + ARRAY_LEN(k_order));
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        assert_int_equal(parse_out(&s_ft[i], false), 1);
        finish(c[i], &s_ft[i]);
    }
}

/* Two connections that begin to wait within the same millisecond (one
 * pass of the superloop takes several frames) are served in that order,
 * not in slot order. */
static void test_head_fifo_same_ms(void **state)
{
    (void)state;
    struct http_conn *c[HTTP_SERVER_SLOTS];
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        c[i] = open_kind(&s_ft[i], i >= 4u);
    }
    for (size_t i = 0; i < 2u; i++) {
        queue_part(&s_ft[i], "holder", 10);
        http_server_event(c[i]);
    }
    fake_hal_advance_ms(1);
    /* Plain waiters (the holders' port too, so no port goes first). */
    static const size_t k_order[] = {3, 2};
    for (size_t k = 0; k < ARRAY_LEN(k_order); k++) {
        queue_part(&s_ft[k_order[k]], "waiter", 10);
        http_server_event(c[k_order[k]]);
        assert_true(waits(&s_ft[k_order[k]]));
    }
    complete_request(c[0], &s_ft[0]);
    http_server_resume();
    assert_true(has_read(&s_ft[3]));
    assert_true(waits(&s_ft[2]));
    complete_request(c[1], &s_ft[1]);
    http_server_resume();
    assert_true(has_read(&s_ft[2]));
    for (size_t k = 0; k < ARRAY_LEN(k_order); k++) {
        complete_request(c[k_order[k]], &s_ft[k_order[k]]);
        http_server_resume();
    }
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        finish(c[i], &s_ft[i]);
    }
}

/* A buffer that frees up between two http_server_resume() calls is the
 * first waiter's: a later waiter whose transport has an event first (more
 * bytes, lwIP's poll timer) and a newcomer both queue behind it. */
static void test_head_fifo_no_jumping(void **state)
{
    (void)state;
    struct http_conn *c[HTTP_SERVER_SLOTS];
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        c[i] = open_kind(&s_ft[i], false); /* one port: order of arrival only */
    }
    for (size_t i = 0; i < 2u; i++) {
        queue_part(&s_ft[i], "holder", 10);
        http_server_event(c[i]);
    }
    struct http_server_stats st0 = stats_now();
    fake_hal_advance_ms(1);
    queue_part(&s_ft[2], "first", 10);
    http_server_event(c[2]);
    fake_hal_advance_ms(1);
    queue_part(&s_ft[3], "second", 10);
    http_server_event(c[3]);
    assert_true(waits(&s_ft[2]) && waits(&s_ft[3]));

    complete_request(c[0], &s_ft[0]); /* a buffer is free until the next resume */
    (void)ft_arrive(&s_ft[3], 5);
    http_server_event(c[3]);
    assert_true(waits(&s_ft[3]));
    queue_part(&s_ft[4], "newcomer", SIZE_MAX);
    http_server_event(c[4]);
    assert_true(waits(&s_ft[4]));
    assert_int_equal(s_ft[4].out_len, 0);
    assert_int_equal(stats_now().head_waits, st0.head_waits + 3u);
    http_server_event(c[2]); /* the first in line may take it at any time */
    assert_true(has_read(&s_ft[2]));
    http_server_resume();
    assert_true(waits(&s_ft[3]) && waits(&s_ft[4]));

    complete_request(c[1], &s_ft[1]);
    http_server_resume();
    assert_true(has_read(&s_ft[3]));
    assert_true(waits(&s_ft[4]));
    complete_request(c[2], &s_ft[2]);
    http_server_resume(); /* the newcomer's whole request: answered, buffer back */
    assert_int_equal(parse_out(&s_ft[4], false), 1);
    check_seed_any_date(&s_resp[0], "newcomer");
    complete_request(c[3], &s_ft[3]);
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        finish(c[i], &s_ft[i]);
    }
}

/* An event on an idle keep-alive connection (lwIP's poll timer every
 * second, the ACK of its last response) while every head buffer is held
 * is no claim on one: it has sent nothing. Nobody waits, so the holders
 * keep their heads past their share, and the idle connection can still
 * be evicted for a newcomer. */
static void test_idle_event_is_no_claim(void **state)
{
    (void)state;
    struct http_conn *c[3];
    for (size_t i = 0; i < 3u; i++) {
        c[i] = open_kind(&s_ft[i], i == 2u);
    }
    http_server_event(c[2]);
    queue_part(&s_ft[0], "slow", 10);
    http_server_event(c[0]);
    queue_part(&s_ft[1], "slow2", 10);
    http_server_event(c[1]);
    struct http_server_stats st0 = stats_now();
    for (int i = 0; i < 3; i++) {
        fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS / 2u);
        http_server_event(c[2]); /* nothing arrived */
        http_server_poll();
    }
    struct http_server_stats st1 = stats_now();
    assert_int_equal(st1.head_waits, st0.head_waits);
    assert_int_equal(st1.head_late, st0.head_late);
    assert_int_equal(s_ft[0].out_len + s_ft[1].out_len, 0);
    assert_false(s_ft[0].closed || s_ft[1].closed);
    assert_true(http_server_evict(true)); /* no request in 1.5 s: 408 for a newcomer */
    assert_true(s_ft[2].closed);
    assert_int_equal(parse_out(&s_ft[2], false), 1);
    check_error(&s_resp[0], 408, "requestTimeout", true);
    assert_int_equal(stats_now().evicted, st0.evicted + 1u);
    for (size_t i = 0; i < 2u; i++) {
        complete_request(c[i], &s_ft[i]);
        finish(c[i], &s_ft[i]);
    }
}

/* While a connection waits for a head buffer, a head still incomplete
 * APP_HTTP_HEAD_SHARE_MS after its first byte gets 408 and is closed,
 * and its buffer goes to the waiter at once (even while the 408 itself
 * waits for send room); with nobody waiting a head keeps its buffer up to
 * APP_HTTP_HEAD_TIMEOUT_MS. */
static void test_head_share_408_while_waiting(void **state)
{
    (void)state;
    struct http_conn *c[4];
    for (size_t i = 0; i < 4u; i++) {
        c[i] = open_kind(&s_ft[i], i == 1u);
    }
    struct http_server_stats st0 = stats_now();
    const uint32_t a = APP_HTTP_HEAD_SHARE_MS * 2u / 5u; /* 0's head is this much older than 1's */
    const uint32_t b = APP_HTTP_HEAD_SHARE_MS / 5u;      /* and 2 comes this much after 1 */
    fake_hal_advance_ms(3000); /* the share runs from the first byte, not the open */
    queue_part(&s_ft[0], "slow", 10);
    http_server_event(c[0]);
    fake_hal_advance_ms(a);
    queue_part(&s_ft[1], "slow-tls", 10);
    http_server_event(c[1]);
    fake_hal_advance_ms(b);
    queue_part(&s_ft[2], "waiter", SIZE_MAX);
    http_server_event(c[2]);
    assert_true(waits(&s_ft[2]));

    fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS - a - b - 1u);
    http_server_poll();
    assert_int_equal(s_ft[0].out_len, 0);
    http_server_resume();
    assert_true(waits(&s_ft[2]));

    /* Its share is up: 408, though the 408 cannot go out yet. */
    fake_hal_advance_ms(1);
    s_ft[0].room = 0;
    http_server_poll();
    assert_false(s_ft[0].closed);
    assert_int_equal(s_ft[1].out_len, 0);
    assert_int_equal(stats_now().head_late, st0.head_late + 1u);
    http_server_resume();
    assert_int_equal(parse_out(&s_ft[2], false), 1);
    check_seed_any_date(&s_resp[0], "waiter");
    (void)drive(c[0], &s_ft[0], 50, SIZE_MAX);
    assert_true(s_ft[0].closed);
    assert_int_equal(parse_out(&s_ft[0], false), 1);
    check_error(&s_resp[0], 408, "requestTimeout", true);

    /* Nobody waits now: the TLS head keeps its buffer past its share ... */
    fake_hal_advance_ms(APP_HTTP_HEAD_TIMEOUT_MS - APP_HTTP_HEAD_SHARE_MS);
    http_server_poll();
    assert_int_equal(s_ft[1].out_len, 0);
    assert_true(has_read(&s_ft[1]));
    /* ... until its head deadline, counted as a timeout. */
    struct http_server_stats st1 = stats_now();
    fake_hal_advance_ms(a - 1u);
    http_server_poll();
    assert_int_equal(s_ft[1].out_len, 0);
    fake_hal_advance_ms(1);
    http_server_poll();
    assert_true(s_ft[1].closed);
    assert_int_equal(parse_out(&s_ft[1], false), 1);
    check_error(&s_resp[0], 408, "requestTimeout", true);
    assert_int_equal(stats_now().timeouts, st1.timeouts + 1u);
    assert_int_equal(stats_now().head_late, st0.head_late + 1u);
    finish(c[2], &s_ft[2]);
    finish(c[3], &s_ft[3]);
}

/* An idle connection and one in the middle of a response are not late
 * heads: the share rule leaves both alone (the stall rule is below). */
static void test_head_share_only_incomplete_heads(void **state)
{
    (void)state;
    struct http_conn *c[4];
    for (size_t i = 0; i < 4u; i++) {
        c[i] = open_kind(&s_ft[i], false);
    }
    queue_part(&s_ft[0], "half", 10);
    http_server_event(c[0]);
    queue_part(&s_ft[1], "writing", SIZE_MAX);
    s_ft[1].room = 10;
    http_server_event(c[1]);
    assert_int_equal(s_ft[1].out_len, 10);
    queue_part(&s_ft[2], "waiter", 10);
    http_server_event(c[2]);
    assert_true(waits(&s_ft[2]));
    /* The writer moves on a little every 500 ms: not stalled either. */
    for (int i = 0; i < 6; i++) {
        fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS / 2u);
        s_ft[1].room = 10;
        http_server_poll();
        s_ft[1].room = 0;
    }
    assert_false(s_ft[1].closed);
    assert_true(s_ft[0].closed); /* the incomplete head went at its share */
    assert_false(s_ft[3].closed);
    assert_int_equal(s_ft[3].out_len, 0);
    http_server_resume();
    assert_true(has_read(&s_ft[2]));
    (void)drive(c[1], &s_ft[1], FT_UNLIMITED, SIZE_MAX);
    assert_int_equal(parse_out(&s_ft[1], false), 1);
    check_seed_any_date(&s_resp[0], "writing");
    complete_request(c[2], &s_ft[2]);
    for (size_t i = 1; i < 4u; i++) {
        finish(c[i], &s_ft[i]);
    }
}

/* While someone waits for a head buffer, a response that has not moved
 * (room 0) for APP_HTTP_STALL_MS is aborted, not closed (the unsent bytes
 * would hold the stack's heap), and the waiter gets the buffer. */
static void test_stall_abort_while_waiting(void **state)
{
    (void)state;
    struct http_conn *c[3];
    for (size_t i = 0; i < 3u; i++) {
        c[i] = open_kind(&s_ft[i], i == 0u);
    }
    struct http_server_stats st0 = stats_now();
    queue_get(&s_ft[0], "stuck", "", true);
    s_ft[0].room = 100;
    http_server_event(c[0]); /* 100 bytes out, then the client reads no more */
    assert_int_equal(s_ft[0].out_len, 100);
    s_ft[0].room = 0;
    fake_hal_advance_ms(300);
    queue_part(&s_ft[1], "half", 10);
    http_server_event(c[1]);
    fake_hal_advance_ms(100);
    queue_part(&s_ft[2], "waiter", SIZE_MAX);
    http_server_event(c[2]);
    assert_true(waits(&s_ft[2]));

    fake_hal_advance_ms(APP_HTTP_STALL_MS - 400u - 1u);
    http_server_poll();
    assert_false(s_ft[0].closed);
    fake_hal_advance_ms(1);
    http_server_poll();
    assert_true(s_ft[0].closed);
    assert_int_equal(s_ft[0].abort_calls, 1);
    assert_int_equal(s_ft[0].close_calls, 0);
    assert_int_equal(s_ft[0].out_len, 100);
    assert_false(s_ft[1].closed); /* its head is 700 ms old */
    struct http_server_stats st1 = stats_now();
    assert_int_equal(st1.stalled, st0.stalled + 1u);
    assert_int_equal(st1.head_late, st0.head_late);
    assert_int_equal(st1.timeouts, st0.timeouts);
    http_server_resume();
    assert_int_equal(parse_out(&s_ft[2], false), 1);
    check_seed_any_date(&s_resp[0], "waiter");
    complete_request(c[1], &s_ft[1]);
    finish(c[1], &s_ft[1]);
    finish(c[2], &s_ft[2]);
}

/* With nobody waiting, a stalled response keeps its connection (and its
 * head buffer) up to APP_HTTP_IDLE_TIMEOUT_MS, and is then aborted too. */
static void test_stall_without_waiter(void **state)
{
    (void)state;
    struct ft_conn *ft = &s_ft[0];
    struct http_conn *c = open_kind(ft, false);
    struct http_server_stats st0 = stats_now();
    queue_get(ft, "stuck", "", true);
    ft->room = 100;
    http_server_event(c);
    ft->room = 0;
    fake_hal_advance_ms(APP_HTTP_IDLE_TIMEOUT_MS - 1u);
    http_server_poll();
    assert_false(ft->closed);
    fake_hal_advance_ms(1);
    http_server_poll();
    assert_true(ft->closed);
    assert_int_equal(ft->abort_calls, 1);
    assert_int_equal(ft->close_calls, 0);
    assert_int_equal(ft->out_len, 100);
    struct http_server_stats st1 = stats_now();
    assert_int_equal(st1.head_waits, st0.head_waits);
    assert_int_equal(st1.head_late, st0.head_late);
    /* Counted as an idle timeout: "stalled" is for while others waited. */
    assert_int_equal(st1.stalled, st0.stalled);
    assert_int_equal(st1.timeouts, st0.timeouts + 1u);
}

/* A response that lost its head buffer (a 408) holds nothing anyone
 * waits for: not aborted at APP_HTTP_STALL_MS. */
static void test_stall_needs_a_head(void **state)
{
    (void)state;
    struct http_conn *c[3];
    for (size_t i = 0; i < 3u; i++) {
        c[i] = open_kind(&s_ft[i], false);
    }
    queue_part(&s_ft[0], "late", 10);
    http_server_event(c[0]);
    queue_part(&s_ft[1], "other", 10);
    http_server_event(c[1]);
    queue_part(&s_ft[2], "waiter", 10);
    http_server_event(c[2]);
    fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS);
    s_ft[0].room = 0;
    s_ft[1].room = 0;
    http_server_poll(); /* both 408, neither can send it */
    http_server_resume();
    assert_true(has_read(&s_ft[2]));
    queue_part(&s_ft[3], "waiter2", 10);
    struct http_conn *c3 = open_kind(&s_ft[3], false);
    http_server_event(c3);
    /* A buffer is free, so the newcomer has it: nobody waits. Make the
     * waiter's buffer contended again with a fifth connection. */
    assert_true(has_read(&s_ft[3]));
    struct http_conn *c4 = open_kind(&s_ft[4], false);
    queue_part(&s_ft[4], "waiter3", 10);
    http_server_event(c4);
    assert_true(waits(&s_ft[4]));
    fake_hal_advance_ms(APP_HTTP_STALL_MS);
    s_ft[0].room = 0;
    s_ft[1].room = 0;
    http_server_poll();
    assert_false(s_ft[0].closed);
    assert_false(s_ft[1].closed);
    assert_int_equal(s_ft[0].abort_calls + s_ft[1].abort_calls, 0);
    for (size_t i = 0; i < 2u; i++) {
        (void)drive(c[i], &s_ft[i], FT_UNLIMITED, SIZE_MAX);
        assert_true(s_ft[i].closed);
        assert_int_equal(parse_out(&s_ft[i], false), 1);
        check_error(&s_resp[0], 408, "requestTimeout", true);
    }
    /* 2 and 3 got 408 at this poll too (share is up, 4 waits). */
    assert_true(s_ft[2].closed && s_ft[3].closed);
    http_server_resume();
    assert_true(has_read(&s_ft[4]));
    complete_request(c4, &s_ft[4]);
    finish(c4, &s_ft[4]);
}

/* http_server_evict(tls): the longest-idle keep-alive connection of that
 * kind (one that has answered a request), idle at least
 * APP_HTTP_HEAD_SHARE_MS, closed silently; else a head late by that much,
 * or a connection that never sent a request (408 before the close); never
 * a fresh one, one writing, one waiting for a head buffer, or one of the
 * other kind. True when a slot was freed. */
static void test_evict(void **state)
{
    (void)state;
    struct http_conn *c[HTTP_SERVER_SLOTS];
    struct http_server_stats st0 = stats_now();
    /* Slots 0-3 plain, 4 TLS; 5 (TLS) connects later. */
    for (size_t i = 0; i < 5u; i++) {
        c[i] = open_kind(&s_ft[i], i >= 4u);
    }
    /* Fresh: nobody qualifies. */
    fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS - 1u);
    assert_false(http_server_evict(false));
    assert_false(http_server_evict(true));
    for (size_t i = 0; i < 5u; i++) {
        assert_false(s_ft[i].closed);
    }
    assert_int_equal(stats_now().evicted, st0.evicted);

    /* 0 and 4: idle since the open. 1: idle since a response 101 ms
     * later than that. 2: writing (stuck). 3: a head begun. */
    fake_hal_advance_ms(101);
    queue_get(&s_ft[1], "served", "", true);
    (void)drive(c[1], &s_ft[1], FT_UNLIMITED, SIZE_MAX);
    queue_get(&s_ft[2], "stuck", "", true);
    s_ft[2].room = 10;
    http_server_event(c[2]);
    s_ft[2].room = 0;
    fake_hal_advance_ms(100);
    queue_part(&s_ft[3], "late", 10);
    http_server_event(c[3]);
    fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS);
    /* The writer moves on a little: it is slow, not stuck. */
    s_ft[2].room = 10;
    http_server_event(c[2]);
    s_ft[2].room = 0;
    c[5] = open_kind(&s_ft[5], true);

    /* The TLS port: the one that never sent a request (408), not the
     * fresh one. */
    assert_true(http_server_evict(true));
    assert_true(s_ft[4].closed);
    assert_int_equal(s_ft[4].close_calls, 1);
    assert_int_equal(parse_out(&s_ft[4], false), 1);
    check_error(&s_resp[0], 408, "requestTimeout", true);
    assert_false(http_server_evict(true)); /* 5 is fresh */
    assert_false(s_ft[5].closed);
    for (size_t i = 0; i < 4u; i++) {
        assert_false(s_ft[i].closed);
    }

    /* Plain: the idle keep-alive 1 first, closed silently, ... */
    assert_true(http_server_evict(false));
    assert_true(s_ft[1].closed);
    assert_int_equal(s_ft[1].close_calls, 1);
    assert_int_equal(parse_out(&s_ft[1], false), 1); /* just its one response */
    assert_false(s_ft[0].closed);
    /* ... then the longest late: 0, which never sent a request, and the
     * late head 3, each told 408; never a writer that moves. */
    assert_true(http_server_evict(false));
    assert_true(s_ft[0].closed);
    assert_int_equal(parse_out(&s_ft[0], false), 1);
    check_error(&s_resp[0], 408, "requestTimeout", true);
    assert_false(s_ft[3].closed);
    assert_true(http_server_evict(false));
    assert_true(s_ft[3].closed);
    assert_int_equal(parse_out(&s_ft[3], false), 1);
    check_error(&s_resp[0], 408, "requestTimeout", true);
    assert_false(http_server_evict(false));
    assert_false(s_ft[2].closed);
    assert_int_equal(stats_now().evicted, st0.evicted + 4u);
    assert_int_equal(http_server_active(), 2);

    /* A writer that has not moved for APP_HTTP_STALL_MS: its client reads
     * nothing, and it goes first (aborted). */
    fake_hal_advance_ms(APP_HTTP_STALL_MS - 1u);
    assert_false(http_server_evict(false));
    fake_hal_advance_ms(1);
    assert_true(http_server_evict(false));
    assert_true(s_ft[2].closed);
    assert_int_equal(s_ft[2].abort_calls, 1);
    assert_int_equal(s_ft[2].close_calls, 0);
    assert_int_equal(stats_now().evicted, st0.evicted + 5u);
    assert_int_equal(http_server_active(), 1);
    finish(c[5], &s_ft[5]);
}

/* A pipeliner that has held its head buffer APP_HTTP_HEAD_SHARE_MS while
 * another connection waits gets Connection: close on its next response
 * (RFC 9112 9.3.2: its client sends the rest again), and the waiter then
 * gets the buffer; without a waiter it keeps it. */
static void test_pipeliner_yields_its_share(void **state)
{
    (void)state;
    struct http_conn *c[3];
    for (size_t i = 0; i < 3u; i++) {
        c[i] = open_kind(&s_ft[i], false);
    }
    struct http_server_stats st0 = stats_now();
    /* 0 pipelines three GETs; the first response cannot go out yet. */
    s_ft[0].room = 0;
    for (int k = 0; k < 3; k++) {
        queue_get(&s_ft[0], "pipe", "", true);
    }
    http_server_event(c[0]);
    /* 1 holds the other buffer with a head begun; 2 waits. */
    queue_part(&s_ft[1], "holder", 10);
    http_server_event(c[1]);
    fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS / 2u);
    queue_part(&s_ft[2], "waiter", SIZE_MAX);
    http_server_event(c[2]);
    assert_true(waits(&s_ft[2]));
    /* Its share is up (no poll ran: the stall rule is another test's):
     * the first response, begun before, keeps the connection; the next
     * one, begun now that someone waits, closes it. */
    fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS / 2u);
    s_ft[0].room = FT_UNLIMITED;
    http_server_event(c[0]);
    int n = parse_out(&s_ft[0], false);
    assert_int_equal(n, 2);
    assert_false(s_resp[0].conn_close);
    assert_true(s_resp[1].conn_close);
    assert_true(s_ft[0].closed);
    assert_int_equal(s_ft[0].close_calls, 1);
    assert_int_equal(stats_now().head_late, st0.head_late + 1u);
    http_server_resume();
    assert_int_equal(parse_out(&s_ft[2], false), 1);
    check_seed_any_date(&s_resp[0], "waiter");
    complete_request(c[1], &s_ft[1]);
    finish(c[1], &s_ft[1]);
    finish(c[2], &s_ft[2]);
}

/* A late head whose 408 cannot be sent yet: evicted (408 started), but no
 * slot is free (false: the newcomer gets 503); a fresh connection is not
 * taken instead, nor one waiting for a head buffer, however long it has
 * waited. */
static void test_evict_late_unsent_and_waiters(void **state)
{
    (void)state;
    struct http_conn *c[4];
    for (size_t i = 0; i < 3u; i++) {
        c[i] = open_kind(&s_ft[i], false);
    }
    queue_part(&s_ft[0], "late", 10);
    http_server_event(c[0]);
    queue_part(&s_ft[1], "late2", 10);
    http_server_event(c[1]);
    queue_part(&s_ft[2], "waiter", 10);
    http_server_event(c[2]);
    assert_true(waits(&s_ft[2]));
    fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS);
    c[3] = open_kind(&s_ft[3], false); /* fresh */
    struct http_server_stats st0 = stats_now();
    s_ft[0].room = 0;
    s_ft[1].room = 0;
    assert_false(http_server_evict(false));
    assert_false(s_ft[3].closed);
    assert_false(s_ft[2].closed);
    /* One of the late heads has its 408 under way and no buffer now. */
    assert_int_equal(stats_now().evicted, st0.evicted + 1u);
    assert_int_equal(s_ft[0].out_len + s_ft[1].out_len, 0);
    http_server_resume();
    assert_true(has_read(&s_ft[2]));
    fake_hal_advance_ms(APP_HTTP_HEAD_SHARE_MS);
    for (size_t i = 0; i < 2u; i++) {
        s_ft[i].room = FT_UNLIMITED;
    }
    http_server_poll(); /* the 408 goes; the other late head reaches its share */
    assert_true(s_ft[0].closed || s_ft[1].closed);
    complete_request(c[2], &s_ft[2]);
    for (size_t i = 0; i < 2u; i++) {
        if (!s_ft[i].closed) {
            (void)drive(c[i], &s_ft[i], FT_UNLIMITED, SIZE_MAX);
            http_server_gone(c[i]);
            s_ft[i].closed = true;
        }
    }
    finish(c[2], &s_ft[2]);
    finish(c[3], &s_ft[3]);
}

/* 503 from http_server_reject() counted as refused; idle closes and head
 * deadlines as timeouts; nothing else moves the counters. */
static void test_stats_refused_timeouts(void **state)
{
    (void)state;
    struct http_server_stats st0 = stats_now();
    struct ft_conn *ft = &s_ft[0];
    http_server_reject(&ft_io, ft, true);
    http_server_reject(&ft_io, &s_ft[1], false);
    assert_int_equal(parse_out(ft, false), 1);
    check_error(&s_resp[0], 503, "serviceNotAvailable", true);
    struct http_server_stats st1 = stats_now();
    assert_int_equal(st1.refused, st0.refused + 2u);
    (void)open_kind(&s_ft[2], false);
    struct http_conn *c3 = open_kind(&s_ft[3], true);
    queue_part(&s_ft[3], "slow", 10);
    http_server_event(c3);
    fake_hal_advance_ms(APP_HTTP_HEAD_TIMEOUT_MS);
    http_server_poll(); /* 408 for 3 */
    fake_hal_advance_ms(APP_HTTP_IDLE_TIMEOUT_MS - APP_HTTP_HEAD_TIMEOUT_MS);
    http_server_poll(); /* 2 idle */
    assert_true(s_ft[2].closed && s_ft[3].closed);
    struct http_server_stats st2 = stats_now();
    assert_int_equal(st2.timeouts, st1.timeouts + 2u);
    assert_int_equal(st2.refused, st1.refused);
    assert_int_equal(st2.head_waits, st0.head_waits);
    assert_int_equal(st2.head_late, st0.head_late);
    assert_int_equal(st2.stalled, st0.stalled);
    assert_int_equal(st2.evicted, st0.evicted);
    /* http_server_init() starts them from zero. */
    http_server_init();
    st2 = stats_now();
    assert_int_equal(
        st2.refused + st2.timeouts + st2.head_waits + st2.head_late + st2.stalled + st2.evicted, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_seed_get_200, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_room_seed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_room_big, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_room_zero_then_some, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keep_alive_three, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipelining, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_half_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eof_mid_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patch_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patch_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parse_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_api_errors_keep_alive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_then_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_timeout_408, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_timeout_trickle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_stall_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bug_zero_send_keeps_conn_forever, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_error_closes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_pool_shared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_fifo_across_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_fifo_same_ms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_fifo_no_jumping, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idle_event_is_no_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_share_408_while_waiting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_share_only_incomplete_heads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stall_abort_while_waiting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stall_without_waiter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stall_needs_a_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipeliner_yields_its_share, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evict_late_unsent_and_waiters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stats_refused_timeouts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
