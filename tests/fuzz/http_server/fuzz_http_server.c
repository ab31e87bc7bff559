/* libFuzzer harness for firmware/http/http_server.c over the fake
 * transport of the unit test (tests/unit/fake_transport.c), with the real
 * parser, api, store, auth and request ids below it.
 *
 * Input: byte 0 seeds the schedule (input chunk sizes, send rooms, clock
 * steps, all drawn from a small PRNG), byte 1 holds flags (bit 0: TLS,
 * bit 1: the client half-closes after its last byte, bit 2: larger clock
 * steps that reach the head deadline), the rest is what the client sends.
 * The server is driven with http_server_event/http_server_poll until the
 * input is used up, then drained and timed out. Checked: the bytes sent
 * parse as HTTP/1.1 responses with exact Content-Length bodies, every body
 * is one strict JSON object (jsmn, JSMN_STRICT), there are no more
 * responses than request-head terminators + 1, a Connection: close
 * response is the last one and is followed by the close, parse-level
 * errors (408/413/414/431/505) close, and the pool is empty at the end. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#include "store.h"
#include "fake_flash.h"
#include "jsmn.h"

#include "api.h"
#include "app_config.h"
#include "app_err.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "fake_transport.h"
#include "http_server.h"
#include "rng.h"
#include "tls_port.h"
#include "uuid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define CHECK(c)                                                          \
    do {                                                                  \
        if (!(c)) {                                                       \
            fprintf(stderr, "fuzz_http_server:%d: %s\n", __LINE__, #c); \
            abort();                                                      \
        }                                                                 \
    } while (0)

/* The seed configuration (tests/unit/test_config.c), dev token
 * "unit-test-token". */
static const char k_config[] =
    "{\"version\":1,\"serviceRoot\":\"https://graph.microsoft.com/beta\",\"auth\":{\"realm\":"
    "\"uploadsession-device\",\"staticTokens\":["
    "\"86af005077a912401b195560ddd4d7c37ec29d3fbdc6b9e2831b38f80dacc3e1\"]},\"echo\":true,"
    "\"sessions\":[{\"catalogId\":\"73eb2497-3b88-4c0a-8bb3-68ba8162beff\",\"resourceId\":"
    "\"99ab2454-3b88-4c0a-8bb3-68ba8162beff\",\"id\":\"23f27c15-72f9-45fe-9e9c-e3d8f75bdc44\","
    "\"isUploadDone\":true,\"createdDateTime\":\"2024-03-06T01:35:12.123Z\","
    "\"expirationDateTime\":\"2024-03-07T01:35:12.123Z\",\"files\":[{\"name\":"
    "\"building-a-access.csv\",\"size\":2000000,\"uploadedDateTime\":"
    "\"2024-03-06T01:35:12.123Z\"}]}]}";

static struct config s_cfg;
static struct ft_conn s_ft;
static struct ft_resp s_resp[512];
static jsmntok_t s_toks[1024];

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static uint8_t part[CONFIG_HEADER_LEN + sizeof(k_config)];
    size_t n = sizeof(k_config) - 1u;
    put_le32(part, CONFIG_MAGIC);
    part[4] = 1;
    part[6] = 16;
    put_le32(part + 8, (uint32_t)n);
    memcpy(part + CONFIG_HEADER_LEN, k_config, n);
    put_le32(part + 12, config_crc32(part + CONFIG_HEADER_LEN, n));
    char why[CONFIG_WHY_MAX];
    fake_hal_set_ms(1000u);
    fake_flash_setup(1024, 16, 4); /* an erased store: the config imports into it */
    (void)store_mount(0);
    if (config_load(part, CONFIG_HEADER_LEN + n, &s_cfg, why, sizeof(why)) != APP_OK) {
        fprintf(stderr, "fuzz_http_server: config: %s\n", why);
        abort();
    }
    clock_init(INT64_C(1764331200000));
    auth_set_static((const uint8_t(*)[AUTH_DIGEST_LEN])s_cfg.static_tokens, s_cfg.static_token_count);
    api_init(s_cfg.provisioned, s_cfg.service_root, s_cfg.realm);
    tls_port_init();
    CHECK(rng_init(NULL) == APP_OK);
    CHECK(auth_init() == APP_OK);
    return 0;
}

static uint32_t s_rng;

static uint32_t next(void)
{
    /* xorshift32 */
    uint32_t x = s_rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s_rng = x;
    return x;
}

static const size_t k_rooms[] = {1, 7, 100, 1460, FT_UNLIMITED, 3, 536, 0};
static const size_t k_chunks[] = {1, 2, 5, 64, 300, 1500, 4096, SIZE_MAX};

/* Upper bound on complete request heads: CRLF CRLF occurrences,
 * overlapping ones included. */
static size_t head_ends(const uint8_t *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i + 4u <= n; i++) {
        if (memcmp(p + i, "\r\n\r\n", 4) == 0) {
            k++;
        }
    }
    return k;
}

static void check_json(const char *b, size_t n)
{
    jsmn_parser p;
    jsmn_init(&p);
    int r = jsmn_parse(&p, b, n, s_toks, sizeof(s_toks) / sizeof(s_toks[0]));
    if (r < 1 || s_toks[0].type != JSMN_OBJECT || s_toks[0].start != 0 ||
        (size_t)s_toks[0].end != n) {
        fprintf(stderr, "fuzz_http_server: body is not one JSON object (%d): %.*s\n", r, (int)n, b);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2u) {
        return 0;
    }
    s_rng = 0x9E3779B9u ^ ((uint32_t)data[0] * 0x01000193u);
    if (s_rng == 0u) {
        s_rng = 1;
    }
    uint8_t flags = data[1];
    data += 2;
    size -= 2;
    if (size > FT_IN_MAX) {
        size = FT_IN_MAX;
    }

    http_server_init();
    ft_init(&s_ft);
    struct ft_conn *ft = &s_ft;
    struct http_conn *c = http_server_open(&ft_io, ft, (flags & 1u) != 0u);
    CHECK(c != NULL);
    ft_queue(ft, data, size, false);

    /* Phase 1: the input in chunks, with rooms and clock steps. Room 0 only
     * for one event at a time, so a stall never lasts an idle timeout. */
    uint32_t max_step = (flags & 4u) ? 3000u : 50u;
    unsigned iter = 0;
    while (!ft->closed && (ft->in_avail < ft->in_len || ft_unread(ft) > 0u) && iter < 100000u) {
        iter++;
        (void)ft_arrive(ft, k_chunks[next() % 8u]);
        size_t room = k_rooms[next() % 8u];
        ft->room = (room == 0u && (iter & 1u)) ? 1u : room;
        http_server_event(c);
        if (ft->closed) {
            break;
        }
        fake_hal_advance_ms(next() % max_step);
        ft->room = k_rooms[next() % 7u];
        http_server_poll();
    }
    /* Phase 2: drain what is pending with room, then the peer's EOF or the
     * deadlines end the connection. */
    if (!ft->closed && (flags & 2u)) {
        ft->eof = true;
    }
    for (unsigned i = 0; i < 100000u && !ft->closed; i++) {
        size_t out0 = ft->out_len;
        ft->room = FT_UNLIMITED;
        http_server_event(c);
        if (ft->out_len == out0) {
            break;
        }
    }
    if (!ft->closed) {
        fake_hal_advance_ms(APP_HTTP_IDLE_TIMEOUT_MS);
        ft->room = FT_UNLIMITED;
        http_server_poll();
        if (!ft->closed) {
            http_server_poll(); /* a 408 sent and closed by the first */
        }
    }
    CHECK(ft->closed);
    CHECK(ft->close_calls == 1u);
    CHECK(ft->calls_after_close == 0u);
    CHECK(http_server_active() == 0u);
    CHECK(!ft->out_overflow);

    const char *why;
    int n = ft_parse_responses((const char *)ft->out, ft->out_len, true, s_resp,
                               (int)(sizeof(s_resp) / sizeof(s_resp[0])), &why);
    if (n < 0) {
        fprintf(stderr, "fuzz_http_server: not HTTP: %s\n", why);
        abort();
    }
    CHECK((size_t)n <= head_ends(data, size) + 1u);
    for (int i = 0; i < n; i++) {
        const struct ft_resp *r = &s_resp[i];
        size_t vn;
        const char *rid = ft_header(r, "request-id", &vn);
        CHECK(rid != NULL && ft_uuid_v4(rid, vn));
        CHECK(r->status == 200u || r->status == 201u || r->status == 204u ||
              (r->status >= 400u && r->status <= 507u));
        size_t ctn = 0;
        const char *ct = ft_header(r, "Content-Type", &ctn);
        if (r->status == 204u) {
            CHECK(ct == NULL && r->body_len == 0u); /* RFC 9110 15.3.5 */
        } else if (!r->head_only && ct != NULL && ctn >= 16u &&
                   memcmp(ct, "application/json", 16) == 0) {
            check_json(r->body, r->body_len); /* not /health, /metrics or a file's $value */
        }
        unsigned st = r->status;
        if (st == 408u || st == 413u || st == 414u || st == 431u || st == 505u) {
            CHECK(r->conn_close);
        }
        if (r->conn_close) {
            CHECK(i == n - 1);
        }
    }
    return 0;
}
