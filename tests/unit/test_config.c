/* Host test of firmware/config/config.c with the real store, json_tok and
 * datetime: the provisioned seed config and a full config load with the
 * expected values; a table of broken partitions, each with its return
 * code and the message naming the field; after every failure the store is
 * empty and the config holds only defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fake_flash.h"
#include "app_err.h"
#include "config.h"
#include "store.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define SEED_CAT "73eb2497-3b88-4c0a-8bb3-68ba8162beff"
#define SEED_RES "99ab2454-3b88-4c0a-8bb3-68ba8162beff"
#define SEED_SID "23f27c15-72f9-45fe-9e9c-e3d8f75bdc44"
#define T_CREATED INT64_C(1709688912123) /* 2024-03-06T01:35:12.123Z */
#define T_EXPIRES INT64_C(1709775312123) /* 2024-03-07T01:35:12.123Z */

/* What `provision init` + `provision pack` produce, with the dev token
 * "unit-test-token" (SHA-256 86af0050...). */
static const char s_seed_json[] =
    "{\"version\":1,\"serviceRoot\":\"https://graph.microsoft.com/beta\",\"auth\":{\"realm\":"
    "\"uploadsession-device\",\"staticTokens\":["
    "\"86af005077a912401b195560ddd4d7c37ec29d3fbdc6b9e2831b38f80dacc3e1\"]},\"echo\":true,"
    "\"sessions\":[{\"catalogId\":\"" SEED_CAT "\",\"resourceId\":\"" SEED_RES "\",\"id\":\"" SEED_SID
    "\",\"isUploadDone\":true,\"createdDateTime\":\"2024-03-06T01:35:12.123Z\","
    "\"expirationDateTime\":\"2024-03-07T01:35:12.123Z\",\"files\":[{\"name\":"
    "\"building-a-access.csv\",\"size\":2000000,\"uploadedDateTime\":"
    "\"2024-03-06T01:35:12.123Z\"}]}]}";

static const uint8_t s_seed_digest[32] = {
    0x86, 0xaf, 0x00, 0x50, 0x77, 0xa9, 0x12, 0x40, 0x1b, 0x19, 0x55, 0x60, 0xdd, 0xd4, 0xd7, 0xc3,
    0x7e, 0xc2, 0x9d, 0x3f, 0xbd, 0xc6, 0xb9, 0xe2, 0x83, 0x1b, 0x38, 0xf8, 0x0d, 0xac, 0xc3, 0xe1,
};

static uint8_t s_part[CONFIG_HEADER_LEN + APP_CONFIG_MAX + 256];
static size_t s_part_len;
static char s_json[APP_CONFIG_MAX + 256];
static struct config s_cfg;
static char s_why[CONFIG_WHY_MAX];

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* Frame json[0..n) the way tools/provision does. */
static void frame(const char *json, size_t n)
{
    assert_true(n <= sizeof(s_part) - CONFIG_HEADER_LEN);
    put_le32(s_part, CONFIG_MAGIC);
    s_part[4] = 1;
    s_part[5] = 0;
    s_part[6] = 16;
    s_part[7] = 0;
    put_le32(s_part + 8, (uint32_t)n);
    memcpy(s_part + CONFIG_HEADER_LEN, json, n);
    put_le32(s_part + 12, config_crc32(s_part + CONFIG_HEADER_LEN, n));
    s_part_len = CONFIG_HEADER_LEN + n;
}

static int load(void)
{
    memset(s_why, 'X', sizeof(s_why));
    fake_flash_setup(1024, 16, 4); /* an erased store: the config imports into it */
    (void)store_mount(0);
    return config_load(s_part, s_part_len, &s_cfg, s_why, sizeof(s_why));
}

static int load_json(const char *json)
{
    frame(json, strlen(json));
    return load();
}

static void assert_store_empty(void)
{
    struct store_usage u;
    store_usage(&u);
    assert_int_equal(store_count(), 0);
    assert_int_equal(u.sessions, 0);
    assert_int_equal(u.files, 0);
    assert_int_equal(u.arena_used, 0);
}

static void assert_defaults(void)
{
    assert_false(s_cfg.provisioned);
    assert_true(s_cfg.echo);
    assert_int_equal(s_cfg.service_root_len, 0);
    assert_string_equal(s_cfg.service_root, "");
    assert_int_equal(s_cfg.realm_len, 0);
    assert_int_equal(s_cfg.static_token_count, 0);
    assert_false(s_cfg.has_clock_floor);
    assert_false(s_cfg.net.has_ip);
    assert_false(s_cfg.net.has_hostname);
    assert_false(s_cfg.has_tls);
    assert_null(s_cfg.tls_cert.raw);
    assert_null(s_cfg.tls_key.raw);
    assert_int_equal(s_cfg.redirect_port, 443);
    assert_int_equal(s_cfg.plain_http, CONFIG_PLAIN_SERVE);
    assert_false(s_cfg.has_nv_seed);
    assert_true(s_cfg.static_tokens_enabled);
    assert_false(s_cfg.has_jwt);
    assert_int_equal(s_cfg.jwt_issuer_len, 0);
    assert_int_equal(s_cfg.jwt_audience_len, 0);
    assert_true(s_cfg.jwt_skew_s == 300);
    assert_int_equal(s_cfg.jwt_tenant_count, 0);
    assert_int_equal(s_cfg.jwt_key_count, 0);
    assert_null(s_cfg.jwt_keys[0].pem.raw);
    assert_null(s_cfg.jwt_keys[0].n.raw);
    assert_null(s_cfg.jwt_keys[0].x.raw);
}

static int setup(void **state)
{
    (void)state;
    /* Every test starts with something loaded, so that "the store is empty
     * after a failure" means the failure emptied it. */
    assert_int_equal(load_json(s_seed_json), APP_OK);
    assert_int_equal(store_count(), 1);
    return 0;
}

/* ---- loads that succeed ----------------------------------------------------------- */

static void test_crc32(void **state)
{
    (void)state;
    assert_int_equal(config_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
    assert_int_equal(config_crc32((const uint8_t *)"", 0), 0);
    assert_int_equal(config_crc32((const uint8_t *)"a", 1), 0xE8B7BE43u);
}

/* The seed with text spliced in after its opening brace. */
static int load_with(const char *extra)
{
    static char doc[sizeof(s_seed_json) + 1024];
    snprintf(doc, sizeof(doc), "{%s,%s", extra, s_seed_json + 1);
    return load_json(doc);
}

/* Provisioned catalogs and resources: the seed's session pair, plus a
 * "catalogs" section; lifetimes; limits and escapes refused. */
static void test_catalogs(void **state)
{
    (void)state;
    assert_int_equal(load_json(s_seed_json), APP_OK);
    assert_int_equal(s_cfg.catalog_count, 1);
    assert_int_equal(s_cfg.resource_count, 1);
    assert_int_equal(s_cfg.session_lifetime_s, 86400);
    assert_int_equal(config_catalog_missing(&s_cfg, SEED_CAT, 36, SEED_RES, 36), 0);
    assert_int_equal(config_catalog_missing(&s_cfg, SEED_CAT, 36, "r2", 2), 2);
    assert_int_equal(config_catalog_missing(&s_cfg, "c2", 2, SEED_RES, 36), 1);

    assert_int_equal(load_with("\"catalogs\":[{\"id\":\"c2\",\"resources\":[\"r1\",\"r2\"]},"
                               "{\"id\":\"" SEED_CAT "\",\"resources\":[\"r3\"]}],"
                               "\"sessionLifetimeSeconds\":3600"),
                     APP_OK);
    assert_int_equal(s_cfg.catalog_count, 2);
    assert_int_equal(s_cfg.resource_count, 4);
    assert_int_equal(s_cfg.session_lifetime_s, 3600);
    assert_int_equal(config_catalog_missing(&s_cfg, "c2", 2, "r2", 2), 0);
    assert_int_equal(config_catalog_missing(&s_cfg, "c2", 2, "r3", 2), 2);
    assert_int_equal(config_catalog_missing(&s_cfg, SEED_CAT, 36, "r3", 2), 0);
    assert_int_equal(config_catalog_missing(&s_cfg, SEED_CAT, 36, SEED_RES, 36), 0);

    assert_int_equal(load_with("\"catalogs\":[{\"id\":\"c\\u0032\",\"resources\":[]}]"), APP_ERR_INVAL);
    assert_non_null(strstr(s_why, "escapes"));
    assert_int_equal(load_with("\"catalogs\":[{\"id\":\"a\",\"resources\":[]},{\"id\":\"b\",\"resources\":[]},"
                               "{\"id\":\"c\",\"resources\":[\"x\"]},{\"id\":\"d\",\"resources\":[\"x\"]}]"),
                     APP_ERR_NOMEM);
    assert_non_null(strstr(s_why, "CONFIG_MAX_CATALOGS"));
    assert_int_equal(load_with("\"catalogs\":[{\"id\":\"a\",\"resources\":[\"1\",\"2\",\"3\",\"4\","
                               "\"5\",\"6\",\"7\",\"8\"]}]"),
                     APP_ERR_NOMEM);
    assert_non_null(strstr(s_why, "CONFIG_MAX_RESOURCES"));
    assert_int_equal(load_with("\"catalogs\":[{\"id\":\"a/b\",\"resources\":[]}]"), APP_ERR_INVAL);
    assert_int_equal(load_with("\"sessionLifetimeSeconds\":59"), APP_ERR_INVAL);
    assert_int_equal(load_with("\"sessionLifetimeSeconds\":2592001"), APP_ERR_INVAL);
    assert_int_equal(load_with("\"sessionLifetimeSeconds\":\"1\""), APP_ERR_INVAL);
}

static void test_seed_config(void **state)
{
    (void)state;
    assert_int_equal(load_json(s_seed_json), APP_OK);
    assert_string_equal(s_why, "");
    assert_true(s_cfg.provisioned);
    assert_string_equal(s_cfg.service_root, "https://graph.microsoft.com/beta");
    assert_int_equal(s_cfg.service_root_len, strlen("https://graph.microsoft.com/beta"));
    assert_string_equal(s_cfg.realm, "uploadsession-device");
    assert_int_equal(s_cfg.realm_len, 20);
    assert_int_equal(s_cfg.static_token_count, 1);
    assert_memory_equal(s_cfg.static_tokens[0], s_seed_digest, 32);
    assert_true(s_cfg.static_tokens_enabled);
    assert_false(s_cfg.has_jwt);
    assert_int_equal(s_cfg.jwt_key_count, 0);
    assert_true(s_cfg.jwt_skew_s == 300);
    assert_true(s_cfg.echo);
    assert_false(s_cfg.has_clock_floor);
    assert_false(s_cfg.net.has_hostname || s_cfg.net.has_mac || s_cfg.net.has_dhcp ||
                 s_cfg.net.has_ip || s_cfg.net.has_netmask || s_cfg.net.has_gateway);

    assert_int_equal(store_count(), 1);
    const struct store_session *s = NULL;
    enum store_missing missing;
    assert_int_equal(store_find(SEED_CAT, 36, SEED_RES, 36, SEED_SID, 36, &s, &missing), APP_OK);
    assert_true(store_session_upload_done(s));
    assert_true(store_session_created_ms(s) == T_CREATED);
    assert_true(store_session_expiration_ms(s) == T_EXPIRES);
    assert_int_equal(store_session_file_count(s), 1);
    struct store_file_info f;
    assert_int_equal(store_session_file(s, 0, &f), APP_OK);
    assert_int_equal(f.name_len, strlen("building-a-access.csv"));
    assert_memory_equal(f.name, "building-a-access.csv", f.name_len);
    assert_true(f.size == 2000000);
    assert_true(f.uploaded_ms == T_CREATED);
    assert_int_equal(store_files_uploaded(s), 1);
    assert_true(store_total_bytes(s) == 2000000);
    assert_string_equal(store_status_name(store_status(s, T_EXPIRES + 1)), "Complete");
    /* The other ids of the seed URL are not sessions. */
    assert_int_equal(store_find(SEED_RES, 36, SEED_CAT, 36, SEED_SID, 36, &s, &missing),
                     APP_ERR_NOTFOUND);
    assert_int_equal(missing, STORE_MISSING_CATALOG);
}

/* Every optional field, escapes that decode, several sessions. */
static const char s_full_json[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"serviceRoot\": \"http://10.0.2.15:8080\",\n"
    "  \"network\": {\"hostname\": \"Upload-Session-1\", \"mac\": \"02:12:34:AB:cd:EF\",\n"
    "              \"dhcp\": false, \"ip\": \"10.0.2.15\", \"netmask\": \"255.255.255.0\",\n"
    "              \"gateway\": \"10.0.2.2\"},\n"
    "  \"clock\": {\"floorUnixMs\": 1732800000000},\n"
    "  \"auth\": {\"realm\": \"lab realm 1\", \"staticTokens\": [\n"
    "    \"0000000000000000000000000000000000000000000000000000000000000000\",\n"
    "    \"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\",\n"
    "    \"0123456789abcdefABCDEF0123456789abcdefABCDEF0123456789abcdef0123\",\n"
    "    \"86af005077a912401b195560ddd4d7c37ec29d3fbdc6b9e2831b38f80dacc3e1\"]},\n"
    "  \"echo\": false,\n"
    "  \"sessions\": [\n"
    "    {\"catalogId\": \"cat\", \"resourceId\": \"res\", \"id\": \"\\u0041%20~\",\n"
    "     \"isUploadDone\": false, \"createdDateTime\": \"1970-01-01T00:00:00Z\",\n"
    "     \"expirationDateTime\": \"9999-12-31T23:59:59.999999999Z\", \"files\": []},\n"
    "    {\"files\": [{\"uploadedDateTime\": \"2024-03-06T01:35:12Z\", \"size\": 0,\n"
    "                 \"name\": \"caf\\u00e9 \\ud83d\\ude00 \xe2\x82\xac\\/x.csv\"},\n"
    "                {\"name\": \"b\", \"size\": 9223372036854775807,\n"
    "                 \"uploadedDateTime\": \"2024-03-06T01:35:12.1Z\"}],\n"
    "     \"expirationDateTime\": \"2024-03-07T01:35:12.123Z\",\n"
    "     \"createdDateTime\": \"2024-03-06T01:35:12.123Z\", \"isUploadDone\": true,\n"
    "     \"id\": \"s\", \"resourceId\": \"res\", \"catalogId\": \"cat\"}\n"
    "  ]\n"
    "}\n";

static void test_full_config(void **state)
{
    (void)state;
    assert_int_equal(load_json(s_full_json), APP_OK);
    assert_string_equal(s_why, "");
    assert_true(s_cfg.provisioned);
    assert_string_equal(s_cfg.service_root, "http://10.0.2.15:8080");
    const struct config_network *n = &s_cfg.net;
    assert_true(n->has_hostname);
    assert_string_equal(n->hostname, "Upload-Session-1");
    assert_true(n->has_mac);
    static const uint8_t mac[6] = {0x02, 0x12, 0x34, 0xAB, 0xCD, 0xEF};
    assert_memory_equal(n->mac, mac, 6);
    assert_true(n->has_dhcp);
    assert_false(n->dhcp);
    static const uint8_t ip[4] = {10, 0, 2, 15};
    static const uint8_t mask[4] = {255, 255, 255, 0};
    static const uint8_t gw[4] = {10, 0, 2, 2};
    assert_true(n->has_ip && n->has_netmask && n->has_gateway);
    assert_memory_equal(n->ip, ip, 4);
    assert_memory_equal(n->netmask, mask, 4);
    assert_memory_equal(n->gateway, gw, 4);
    assert_true(s_cfg.has_clock_floor);
    assert_true(s_cfg.clock_floor_ms == INT64_C(1732800000000));
    assert_string_equal(s_cfg.realm, "lab realm 1");
    assert_int_equal(s_cfg.static_token_count, 4);
    uint8_t all[32];
    memset(all, 0x00, 32);
    assert_memory_equal(s_cfg.static_tokens[0], all, 32);
    memset(all, 0xFF, 32);
    assert_memory_equal(s_cfg.static_tokens[1], all, 32);
    assert_int_equal(s_cfg.static_tokens[2][0], 0x01);
    assert_int_equal(s_cfg.static_tokens[2][5], 0xAB);
    assert_int_equal(s_cfg.static_tokens[2][31], 0x23);
    assert_memory_equal(s_cfg.static_tokens[3], s_seed_digest, 32);
    assert_false(s_cfg.echo);

    assert_int_equal(store_count(), 2);
    const struct store_session *s = NULL;
    assert_int_equal(store_find("cat", 3, "res", 3, "A%20~", 5, &s, NULL), APP_OK);
    assert_int_equal(store_session_file_count(s), 0);
    assert_true(store_session_created_ms(s) == 0);
    assert_true(store_session_expiration_ms(s) == INT64_C(253402300799999));
    assert_int_equal(store_status(s, INT64_C(1732800000000)), STORE_STATUS_ACTIVE);
    assert_int_equal(store_find("cat", 3, "res", 3, "s", 1, &s, NULL), APP_OK);
    assert_int_equal(store_session_file_count(s), 2);
    struct store_file_info f;
    assert_int_equal(store_session_file(s, 0, &f), APP_OK);
    static const char name0[] = "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x82\xac/x.csv";
    assert_int_equal(f.name_len, strlen(name0));
    assert_memory_equal(f.name, name0, f.name_len);
    assert_true(f.size == 0);
    assert_true(f.uploaded_ms == INT64_C(1709688912000));
    assert_int_equal(store_session_file(s, 1, &f), APP_OK);
    assert_true(f.size == INT64_MAX);
    assert_true(f.uploaded_ms == INT64_C(1709688912100));
    assert_true(store_total_bytes(s) == INT64_MAX);
}

static void test_partition_tail_ignored(void **state)
{
    (void)state;
    /* Erased flash after the JSON. */
    frame(s_seed_json, strlen(s_seed_json));
    memset(s_part + s_part_len, 0xFF, 100);
    s_part_len += 100;
    assert_int_equal(load(), APP_OK);
    assert_int_equal(store_count(), 1);
}

/* The firmware lends the parser a workspace (the idle HTTP pool): a
 * missing, short or misaligned one is refused cleanly, a good one loads
 * exactly like the module's own. */
static void test_workspace(void **state)
{
    static uint32_t ws[CONFIG_WORKSPACE_SIZE / 4u + 1u];
    char why[CONFIG_WHY_MAX];
    struct config cfg;
    (void)state;
    frame(s_seed_json, strlen(s_seed_json));
    fake_flash_setup(1024, 16, 4);
    assert_int_equal(store_mount(0), APP_OK);
    assert_int_equal(config_load_ws(s_part, s_part_len, &cfg, why, sizeof(why), NULL, 0), APP_ERR_INVAL);
    assert_false(cfg.provisioned);
    assert_int_equal(store_count(), 0);
    assert_int_equal(config_load_ws(s_part, s_part_len, &cfg, why, sizeof(why), ws,
                                    CONFIG_WORKSPACE_SIZE - 1u), APP_ERR_INVAL);
    assert_int_equal(config_load_ws(s_part, s_part_len, &cfg, why, sizeof(why),
                                    (char *)ws + 1, CONFIG_WORKSPACE_SIZE), APP_ERR_INVAL);
    assert_non_null(strstr(why, "workspace"));
    assert_int_equal(config_load_ws(s_part, s_part_len, &cfg, why, sizeof(why), ws,
                                    CONFIG_WORKSPACE_SIZE), APP_OK);
    assert_true(cfg.provisioned);
    assert_int_equal(store_count(), 1);
}

static void test_reload_replaces(void **state)
{
    (void)state;
    assert_int_equal(load_json(s_full_json), APP_OK);
    assert_int_equal(store_count(), 2);
    assert_int_equal(load_json(s_seed_json), APP_OK);
    assert_int_equal(store_count(), 1);
    assert_true(s_cfg.echo);               /* back to the default */
    assert_false(s_cfg.has_clock_floor);   /* not carried over */
    assert_false(s_cfg.net.has_ip);
    assert_int_equal(s_cfg.static_token_count, 1);
    const struct store_session *s;
    assert_int_equal(store_find("cat", 3, "res", 3, "s", 1, &s, NULL), APP_ERR_NOTFOUND);
}

/* ---- generated documents ----------------------------------------------------------- */

struct gen {
    char *p;
    size_t len;
};

static void put(struct gen *g, const char *s)
{
    size_t n = strlen(s);
    assert_true(g->len + n < sizeof(s_json));
    memcpy(g->p + g->len, s, n);
    g->len += n;
    g->p[g->len] = '\0';
}

static void put_fmt(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put_fmt(struct gen *g, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof(tmp));
    put(g, tmp);
}

static void put_repeat(struct gen *g, char c, size_t n)
{
    assert_true(g->len + n < sizeof(s_json));
    memset(g->p + g->len, c, n);
    g->len += n;
    g->p[g->len] = '\0';
}

#define TOP_OK "\"version\":1,\"serviceRoot\":\"https://graph.example/beta\",\"auth\":{\"realm\":\"dev\"}"
#define T1 "\"2024-03-06T01:35:12.123Z\""
#define T2 "\"2024-03-07T01:35:12.123Z\""

static void gen_begin(struct gen *g)
{
    g->p = s_json;
    g->len = 0;
    put(g, "{" TOP_OK ",\"sessions\":[");
}

static void gen_session_open(struct gen *g, int i, const char *id)
{
    put_fmt(g, "%s{\"catalogId\":\"c\",\"resourceId\":\"r\",\"id\":\"%s\",\"isUploadDone\":false,"
               "\"createdDateTime\":" T1 ",\"expirationDateTime\":" T2 ",\"files\":[",
            i > 0 ? "," : "", id);
}

static void gen_file(struct gen *g, int j, size_t name_len)
{
    put(g, j > 0 ? ",{\"name\":\"" : "{\"name\":\"");
    put_repeat(g, 'n', name_len);
    put(g, "\",\"size\":1,\"uploadedDateTime\":" T1 "}");
}

/* One session more than CONFIG_MAX_SESSIONS. */
static void gen_too_many_sessions(void)
{
    struct gen g;
    gen_begin(&g);
    for (int i = 0; i <= CONFIG_MAX_SESSIONS; i++) {
        char id[16];
        snprintf(id, sizeof(id), "s%d", i);
        gen_session_open(&g, i, id);
        put(&g, "]}");
    }
    put(&g, "]}");
}

/* sessions[1] with APP_MAX_FILES + 1 files. */
static void gen_too_many_files(void)
{
    struct gen g;
    gen_begin(&g);
    gen_session_open(&g, 0, "s0");
    put(&g, "]}");
    gen_session_open(&g, 1, "s1");
    for (int j = 0; j <= APP_MAX_FILES; j++) {
        gen_file(&g, j, 1);
    }
    put(&g, "]}]}");
}

/* Full sessions until the shared file pool runs out. */
static char s_pool_expect[96];
static void gen_file_pool(void)
{
    struct gen g;
    gen_begin(&g);
    int total = 0;
    for (int i = 0; total <= APP_STORE_FILES; i++) {
        char id[16];
        snprintf(id, sizeof(id), "s%d", i);
        gen_session_open(&g, i, id);
        for (int j = 0; j < APP_MAX_FILES; j++, total++) {
            if (total == APP_STORE_FILES) {
                snprintf(s_pool_expect, sizeof(s_pool_expect),
                         "sessions[%d].files[%d]: file pool exhausted (APP_STORE_FILES=%d)", i, j,
                         APP_STORE_FILES);
            }
            gen_file(&g, j, 1);
        }
        put(&g, "]}");
    }
    put(&g, "]}");
}

/* Names of APP_FILE_NAME_MAX bytes until the arena is full (the store's
 * accounting is mirrored here: "c" and "r" are stored once). */
static char s_arena_name_expect[128];
static void gen_arena_names(void)
{
    struct gen g;
    gen_begin(&g);
    size_t used = 0;
    int done = 0;
    for (int i = 0; !done; i++) {
        char id[16];
        snprintf(id, sizeof(id), "s%d", i);
        gen_session_open(&g, i, id);
        used += strlen(id) + (i == 0 ? 2 : 0);
        for (int j = 0; j < APP_MAX_FILES && !done; j++) {
            if (used + APP_FILE_NAME_MAX > APP_STORE_ARENA) {
                snprintf(s_arena_name_expect, sizeof(s_arena_name_expect),
                         "sessions[%d].files[%d].name: store string space exhausted "
                         "(APP_STORE_ARENA=%d)",
                         i, j, APP_STORE_ARENA);
                done = 1;
            }
            gen_file(&g, j, APP_FILE_NAME_MAX);
            used += APP_FILE_NAME_MAX;
        }
        put(&g, "]}");
    }
    put(&g, "]}");
}

/* Fill the arena to the last byte with file names, then a session whose
 * id no longer fits. */
static char s_arena_id_expect[128];
static void gen_arena_ids(void)
{
    struct gen g;
    gen_begin(&g);
    size_t used = 0;
    int i = 0;
    for (;; i++) {
        char id[16];
        snprintf(id, sizeof(id), "s%d", i);
        gen_session_open(&g, i, id);
        used += strlen(id) + (i == 0 ? 2 : 0);
        int j;
        for (j = 0; j < APP_MAX_FILES && used < APP_STORE_ARENA; j++) {
            size_t n = APP_STORE_ARENA - used;
            n = n > APP_FILE_NAME_MAX ? APP_FILE_NAME_MAX : n;
            gen_file(&g, j, n);
            used += n;
        }
        put(&g, "]}");
        if (used == APP_STORE_ARENA) {
            break;
        }
    }
    i++;
    gen_session_open(&g, i, "late");
    put(&g, "]}]}");
    snprintf(s_arena_id_expect, sizeof(s_arena_id_expect),
             "sessions[%d]: store string space exhausted (APP_STORE_ARENA=%d)", i,
             APP_STORE_ARENA);
}

/* More tokens than APP_CONFIG_MAX_TOKENS in otherwise valid JSON. */
static void gen_too_many_tokens(void)
{
    struct gen g;
    g.p = s_json;
    g.len = 0;
    put(&g, "{" TOP_OK ",\"sessions\":[],\"x\":[0");
    for (int i = 0; i < APP_CONFIG_MAX_TOKENS; i++) {
        put(&g, ",0");
    }
    put(&g, "]}");
}

static void gen_too_deep(void)
{
    struct gen g;
    g.p = s_json;
    g.len = 0;
    put(&g, "{\"version\":1,\"x\":");
    put_repeat(&g, '[', 40);
    put_repeat(&g, ']', 40);
    put(&g, "}");
}

static void gen_long_service_root(void)
{
    struct gen g;
    g.p = s_json;
    g.len = 0;
    put(&g, "{\"version\":1,\"serviceRoot\":\"https://");
    put_repeat(&g, 'a', APP_SERVICE_ROOT_MAX + 1 - 8);
    put(&g, "\",\"auth\":{\"realm\":\"dev\"},\"sessions\":[]}");
}

static void gen_long_id(void)
{
    struct gen g;
    gen_begin(&g);
    gen_session_open(&g, 0, "s0");
    put(&g, "]}");
    char id[APP_ID_MAX + 2];
    memset(id, 'i', APP_ID_MAX + 1);
    id[APP_ID_MAX + 1] = '\0';
    gen_session_open(&g, 1, id);
    put(&g, "]}]}");
}

static void gen_long_name(void)
{
    struct gen g;
    gen_begin(&g);
    gen_session_open(&g, 0, "s0");
    gen_file(&g, 0, APP_FILE_NAME_MAX + 1);
    put(&g, "]}]}");
}

static void gen_long_realm(void)
{
    struct gen g;
    g.p = s_json;
    g.len = 0;
    put(&g, "{\"version\":1,\"serviceRoot\":\"https://x\",\"auth\":{\"realm\":\"");
    put_repeat(&g, 'r', CONFIG_REALM_MAX + 1);
    put(&g, "\"},\"sessions\":[]}");
}

static void gen_long_hostname(void)
{
    struct gen g;
    g.p = s_json;
    g.len = 0;
    put(&g, "{" TOP_OK ",\"network\":{\"hostname\":\"");
    put_repeat(&g, 'h', CONFIG_HOSTNAME_MAX + 1);
    put(&g, "\"},\"sessions\":[]}");
}

/* auth.jwt with strings of the given lengths (0: a short default): the
 * issuer, the audience, keys[0].kid, keys[0].n (an RS256 JWK) and
 * keys[1].pem (an ES256 PEM key, "-----BEGIN " then filler). */
static void gen_jwt_sized(size_t iss, size_t aud, size_t kid, size_t n, size_t pem)
{
    struct gen g;
    g.p = s_json;
    g.len = 0;
    put(&g, "{\"version\":1,\"serviceRoot\":\"https://x\",\"auth\":{\"realm\":\"r\",\"jwt\":{"
            "\"issuer\":\"");
    put_repeat(&g, 'i', iss ? iss : 3);
    put(&g, "\",\"audience\":\"");
    put_repeat(&g, 'a', aud ? aud : 3);
    put(&g, "\",\"keys\":[{\"kid\":\"");
    put_repeat(&g, 'k', kid ? kid : 3);
    put(&g, "\",\"alg\":\"RS256\",\"kty\":\"RSA\",\"n\":\"");
    put_repeat(&g, 'N', n ? n : 3);
    put(&g, "\",\"e\":\"AQAB\"},{\"kid\":\"p\",\"alg\":\"ES256\",\"pem\":\"-----BEGIN ");
    put_repeat(&g, 'P', (pem ? pem : 20) - 11u);
    put(&g, "\"}]}},\"sessions\":[]}");
}

static void gen_long_issuer(void) { gen_jwt_sized(CONFIG_ISSUER_MAX + 1, 0, 0, 0, 0); }
static void gen_long_audience(void) { gen_jwt_sized(0, CONFIG_ISSUER_MAX + 1, 0, 0, 0); }
static void gen_long_kid(void) { gen_jwt_sized(0, 0, CONFIG_KID_MAX + 1, 0, 0); }
static void gen_long_n(void) { gen_jwt_sized(0, 0, 0, APP_TLS_PEM_MAX + 1, 0); }
static void gen_long_jwt_pem(void) { gen_jwt_sized(0, 0, 0, 0, APP_TLS_PEM_MAX + 1); }

/* tls with one PEM string of written_len bytes as it stands in the JSON:
 * "-----BEGIN " then filler, or "\\n" escapes (two bytes written, one
 * decoded) when escaped. */
static void gen_tls_pem(struct gen *g, bool cert, size_t written_len, bool escaped)
{
    static const char begin[] = "-----BEGIN ";
    static const char other[] = "\"-----BEGIN X-----\\n-----END X-----\\n\"";
    g->p = s_json;
    g->len = 0;
    put(g, "{" TOP_OK ",\"sessions\":[],\"tls\":{\"cert\":");
    if (!cert) {
        put(g, other);
        put(g, ",\"key\":");
    }
    put(g, "\"");
    put(g, begin);
    size_t fill = written_len - (sizeof(begin) - 1u);
    if (escaped) {
        assert_int_equal(fill % 2u, 0);
        for (size_t i = 0; i < fill / 2u; i++) {
            put(g, "\\n");
        }
    } else {
        put_repeat(g, 'A', fill);
    }
    put(g, "\"");
    if (cert) {
        put(g, ",\"key\":");
        put(g, other);
    }
    put(g, "}}");
}

static void gen_long_cert(void)
{
    struct gen g;
    gen_tls_pem(&g, true, APP_TLS_PEM_MAX + 1, false);
}

static void gen_long_key(void)
{
    struct gen g;
    gen_tls_pem(&g, false, APP_TLS_PEM_MAX + 1, false);
}

/* Decoded it would fit; the limit is on the text as written. */
static void gen_long_cert_escaped(void)
{
    struct gen g;
    gen_tls_pem(&g, true, APP_TLS_PEM_MAX + 1 + ((APP_TLS_PEM_MAX + 1 - 11) % 2), true);
}

/* ---- partition mutations ------------------------------------------------------------ */

static void mut_short(void) { s_part_len = 15; }
static void mut_empty(void) { s_part_len = 0; }
static void mut_magic(void) { s_part[0] ^= 0x20; }
static void mut_erased(void)
{
    memset(s_part, 0xFF, s_part_len);
}
static void mut_version(void) { s_part[4] = 2; }
static void mut_header_len(void) { s_part[6] = 20; }
static void mut_json_len_past_end(void) { put_le32(s_part + 8, (uint32_t)(s_part_len - 16 + 1)); }
static void mut_json_len_huge(void)
{
    put_le32(s_part + 8, APP_CONFIG_MAX + 1);
}
static void mut_json_byte(void) { s_part[CONFIG_HEADER_LEN + 20] ^= 0x01; }
static void mut_crc(void) { s_part[12] ^= 0x80; }
static void mut_truncate(void) { s_part_len -= 1; } /* json_len now one past the end */
static void mut_json_len_zero(void)
{
    put_le32(s_part + 8, 0);
    put_le32(s_part + 12, 0); /* crc32 of nothing */
}

/* ---- the table of broken configs ------------------------------------------------------- */

struct bad_case {
    const char *json;        /* framed correctly, or NULL to use gen */
    void (*gen)(void);       /* fills s_json */
    void (*mutate)(void);    /* applied to the framed seed (json and gen NULL) */
    int rc;
    const char *why;         /* substring expected in the message */
    const char *const *why_dyn; /* or a message computed by gen */
};

#define DOC_TOP(extra) "{" TOP_OK extra ",\"sessions\":[]}"
#define DOC_AUTH(auth) "{\"version\":1,\"serviceRoot\":\"https://x\",\"auth\":" auth ",\"sessions\":[]}"
#define DOC_ROOT(root) "{\"version\":1,\"serviceRoot\":" root ",\"auth\":{\"realm\":\"dev\"},\"sessions\":[]}"
#define DOC_NET(net) DOC_TOP(",\"network\":" net)
/* PEM text as written in the JSON (newlines escaped), without quotes. */
#define PEM_C "-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIUfZ\\n-----END CERTIFICATE-----\\n"
#define PEM_K "-----BEGIN PRIVATE KEY-----\\nMIGHAgEAMBMGByqGSM49\\n-----END PRIVATE KEY-----\\n"
#define TLS_PEMS(cert, key) "{\"cert\":" cert ",\"key\":" key "}"
#define TLS_OK TLS_PEMS("\"" PEM_C "\"", "\"" PEM_K "\"")
#define TLS_PORT(p) "{\"cert\":\"" PEM_C "\",\"key\":\"" PEM_K "\",\"redirectPort\":" p "}"
#define DOC_TLS(tls) DOC_TOP(",\"tls\":" tls)
#define DOC_PLAIN(v) DOC_TOP(",\"plainHttp\":" v)
#define DOC_ENT(e) DOC_TOP(",\"entropy\":" e)
#define HEX63 "00112233445566778899aabbccddeeffFFEEDDCCBBAA9988776655443322110"
#define SEED64 "\"" HEX63 "0\""
#define SESS(cat, res, id, done, cr, ex, files)                                               \
    "{\"catalogId\":" cat ",\"resourceId\":" res ",\"id\":" id ",\"isUploadDone\":" done      \
    ",\"createdDateTime\":" cr ",\"expirationDateTime\":" ex ",\"files\":" files "}"
#define FILEJ(name, size, up) "{\"name\":" name ",\"size\":" size ",\"uploadedDateTime\":" up "}"
#define FILE_OK FILEJ("\"f.csv\"", "1", T1)
/* sessions[0] is valid and loads (with a file) before sessions[1] fails. */
#define S0 SESS("\"c\"", "\"r\"", "\"s0\"", "false", T1, T2, "[" FILE_OK "]")
#define DOC_S1(s) "{" TOP_OK ",\"sessions\":[" S0 "," s "]}"
#define S1(cat, res, id, done, cr, ex, files) DOC_S1(SESS(cat, res, id, done, cr, ex, files))
#define S1_ID(id) S1("\"c\"", "\"r\"", id, "false", T1, T2, "[]")
#define S1_FILES(files) S1("\"c\"", "\"r\"", "\"s1\"", "false", T1, T2, files)
/* sessions[1].files[1] is the given file (files[0] is valid). */
#define S1_FILE(name, size, up) S1_FILES("[" FILE_OK "," FILEJ(name, size, up) "]")
/* A session with one member replaced by raw text (for missing/unknown keys). */
#define S1_RAW(members) DOC_S1("{" members "}")
#define M_CAT "\"catalogId\":\"c\""
#define M_RES "\"resourceId\":\"r\""
#define M_ID "\"id\":\"s1\""
#define M_DONE "\"isUploadDone\":true"
#define M_CR "\"createdDateTime\":" T1
#define M_EX "\"expirationDateTime\":" T2
#define M_FILES "\"files\":[]"

/* auth.jwt */
#define ISS "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
#define AUD "api://uploadsession-device"
#define TID1 "72f988bf-86f1-41af-91ab-2d7cd011db47"
#define TID2 "00000000-0000-0000-0000-000000000000"
#define PEM_PUB "-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\\n-----END PUBLIC KEY-----\\n"
#define B64N "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw"
#define B64E "AQAB"
#define B64X "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
#define B64Y "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
#define KEY_PEM(kid, alg) "{\"kid\":\"" kid "\",\"alg\":\"" alg "\",\"pem\":\"" PEM_PUB "\"}"
#define KEY_RSA(kid) "{\"kid\":\"" kid "\",\"alg\":\"RS256\",\"kty\":\"RSA\",\"n\":\"" B64N "\",\"e\":\"" B64E "\"}"
#define KEY_EC(kid) "{\"kid\":\"" kid "\",\"alg\":\"ES256\",\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" B64X "\",\"y\":\"" B64Y "\"}"
/* One key object with raw members (for the JWK rules). */
#define KEY_RAW(members) "{\"kid\":\"k\"," members "}"
#define M_RSA "\"alg\":\"RS256\",\"kty\":\"RSA\""
#define M_EC "\"alg\":\"ES256\",\"kty\":\"EC\""
#define M_NE "\"n\":\"" B64N "\",\"e\":\"AQAB\""
#define M_CXY "\"crv\":\"P-256\",\"x\":\"" B64X "\",\"y\":\"" B64Y "\""
#define JWT_IA "\"issuer\":\"" ISS "\",\"audience\":\"" AUD "\""
#define JWT_WITH(members) "{" JWT_IA "," members "}"
#define JWT_KEYS(keys) JWT_WITH("\"keys\":[" keys "]")
#define DOC_AUTH_R(members) DOC_AUTH("{\"realm\":\"r\"," members "}")
#define DOC_JWT(jwt) DOC_AUTH_R("\"jwt\":" jwt)
#define DOC_KEY(key) DOC_JWT(JWT_KEYS(key))
#define DOC_KEY1(key) DOC_JWT(JWT_KEYS(KEY_EC("first") "," key))
#define DOC_TENANTS(list) DOC_JWT(JWT_WITH("\"tenants\":" list ",\"keys\":[" KEY_EC("e") "]"))
#define DOC_SKEW(v) DOC_JWT(JWT_WITH("\"skewSeconds\":" v ",\"keys\":[" KEY_EC("e") "]"))
#define DOC_ISS(v) DOC_JWT("{\"issuer\":" v ",\"audience\":\"" AUD "\",\"keys\":[" KEY_EC("e") "]}")
#define DOC_AUD(v) DOC_JWT("{\"issuer\":\"" ISS "\",\"audience\":" v ",\"keys\":[" KEY_EC("e") "]}")
#define B64_EXPECTED "expected base64url text (A-Z, a-z, 0-9, '-', '_'; no '=')"
#define TID_EXPECTED "expected a lowercase GUID like"

static const char *const s_dyn_pool = s_pool_expect;
static const char *const s_dyn_arena_name = s_arena_name_expect;
static const char *const s_dyn_arena_id = s_arena_id_expect;

static const struct bad_case s_bad[] = {
    /* The frame. */
    {NULL, NULL, mut_short, APP_ERR_INVAL, "header: partition of 15 bytes is shorter than the 16-byte header", NULL},
    {NULL, NULL, mut_empty, APP_ERR_INVAL, "header: partition of 0 bytes", NULL},
    {NULL, NULL, mut_magic, APP_ERR_NOTFOUND, "header: bad magic 0x43505375", NULL},
    {NULL, NULL, mut_erased, APP_ERR_NOTFOUND, "header: bad magic 0xffffffff", NULL},
    {NULL, NULL, mut_version, APP_ERR_INVAL, "header: unsupported format version 2", NULL},
    {NULL, NULL, mut_header_len, APP_ERR_INVAL, "header: header_len 20, expected 16", NULL},
    {NULL, NULL, mut_json_len_past_end, APP_ERR_INVAL, "header: json_len 578 exceeds the 577 bytes after the header", NULL},
    {NULL, NULL, mut_truncate, APP_ERR_INVAL, "header: json_len 577 exceeds the 576 bytes", NULL},
    {NULL, NULL, mut_json_len_huge, APP_ERR_NOMEM, "header: json_len 16385 exceeds APP_CONFIG_MAX=16384", NULL},
    {NULL, NULL, mut_json_byte, APP_ERR_INVAL, "header: crc32 mismatch", NULL},
    {NULL, NULL, mut_crc, APP_ERR_INVAL, "header: crc32 mismatch (header 0x", NULL},
    {NULL, NULL, mut_json_len_zero, APP_ERR_INVAL, "json: not valid JSON (syntax error: ends early at byte 0)", NULL},
    /* JSON. */
    {"{version:1}", NULL, NULL, APP_ERR_INVAL, "json: not valid JSON (syntax error at byte 1)", NULL},
    {"{\"version\":1", NULL, NULL, APP_ERR_INVAL, "json: not valid JSON (syntax error: ends early at byte 12)", NULL},
    {"{\"version\":1,}", NULL, NULL, APP_ERR_INVAL, "syntax error at byte 13", NULL},
    {"{\"version\":1}{}", NULL, NULL, APP_ERR_INVAL, "syntax error at byte 13", NULL},
    {"\xef\xbb\xbf{}", NULL, NULL, APP_ERR_INVAL, "json: not valid JSON (syntax error at byte 0)", NULL},
    {"{\"version\":1,\"x\":\"a\tb\"}", NULL, NULL, APP_ERR_INVAL, "syntax error at byte 19", NULL},
    {"[]", NULL, NULL, APP_ERR_INVAL, "top level: expected an object", NULL},
    {"\"config\"", NULL, NULL, APP_ERR_INVAL, "top level: expected an object", NULL},
    {"17", NULL, NULL, APP_ERR_INVAL, "top level: expected an object", NULL},
    {NULL, gen_too_deep, NULL, APP_ERR_NOMEM, "json: nested deeper than JSON_TOK_MAX_DEPTH=32", NULL},
    {NULL, gen_too_many_tokens, NULL, APP_ERR_NOMEM, "json: more than APP_CONFIG_MAX_TOKENS=512 tokens", NULL},
    /* Top level. */
    {"{\"serviceRoot\":\"https://x\",\"auth\":{\"realm\":\"r\"},\"sessions\":[]}", NULL, NULL, APP_ERR_INVAL, "version: missing (required)", NULL},
    {"{\"version\":1,\"auth\":{\"realm\":\"r\"},\"sessions\":[]}", NULL, NULL, APP_ERR_INVAL, "serviceRoot: missing (required)", NULL},
    {"{\"version\":1,\"serviceRoot\":\"https://x\",\"sessions\":[]}", NULL, NULL, APP_ERR_INVAL, "auth: missing (required)", NULL},
    {"{" TOP_OK "}", NULL, NULL, APP_ERR_INVAL, "sessions: missing (required)", NULL},
    {"{}", NULL, NULL, APP_ERR_INVAL, "version: missing (required)", NULL},
    {"{\"version\":2,\"future\":true}", NULL, NULL, APP_ERR_INVAL, "version: unsupported version 2 (this firmware reads version 1)", NULL},
    {"{\"version\":-1}", NULL, NULL, APP_ERR_INVAL, "version: unsupported version -1", NULL},
    {"{\"version\":\"1\"}", NULL, NULL, APP_ERR_INVAL, "version: expected the integer 1", NULL},
    {"{\"version\":1.0}", NULL, NULL, APP_ERR_INVAL, "version: expected the integer 1", NULL},
    {DOC_TOP(",\"sesions\":[]"), NULL, NULL, APP_ERR_INVAL, "sesions: unknown key", NULL},
    {DOC_TOP(",\"Echo\":true"), NULL, NULL, APP_ERR_INVAL, "Echo: unknown key", NULL},
    {DOC_TOP(",\"version\":1"), NULL, NULL, APP_ERR_INVAL, "version: duplicate key", NULL},
    {DOC_TOP(",\"echo\":true,\"ech\\u006f\":false"), NULL, NULL, APP_ERR_INVAL, "ech\\u006f: duplicate key", NULL},
    {DOC_TOP(",\"\\ud800\":1"), NULL, NULL, APP_ERR_INVAL, "\\ud800: invalid key: lone surrogate", NULL},
    {DOC_TOP(",\"echo\":\"yes\""), NULL, NULL, APP_ERR_INVAL, "echo: expected true or false", NULL},
    {DOC_TOP(",\"echo\":null"), NULL, NULL, APP_ERR_INVAL, "echo: expected true or false", NULL},
    {DOC_TOP(",\"echo\":1"), NULL, NULL, APP_ERR_INVAL, "echo: expected true or false", NULL},
    /* serviceRoot */
    {DOC_ROOT("5"), NULL, NULL, APP_ERR_INVAL, "serviceRoot: expected a string", NULL},
    {DOC_ROOT("[\"https://x\"]"), NULL, NULL, APP_ERR_INVAL, "serviceRoot: expected a string", NULL},
    {DOC_ROOT("\"\""), NULL, NULL, APP_ERR_INVAL, "serviceRoot: must not be empty", NULL},
    {DOC_ROOT("\"ftp://x\""), NULL, NULL, APP_ERR_INVAL, "serviceRoot: must start with \"https://\" or \"http://\"", NULL},
    {DOC_ROOT("\"HTTPS://x\""), NULL, NULL, APP_ERR_INVAL, "serviceRoot: must start with", NULL},
    {DOC_ROOT("\"https://graph.microsoft.com/beta/\""), NULL, NULL, APP_ERR_INVAL, "serviceRoot: must not end with '/'", NULL},
    {DOC_ROOT("\"https://\""), NULL, NULL, APP_ERR_INVAL, "serviceRoot: must not end with '/'", NULL},
    {DOC_ROOT("\"https://a b\""), NULL, NULL, APP_ERR_INVAL, "serviceRoot: contains a byte outside printable ASCII", NULL},
    {NULL, gen_long_service_root, NULL, APP_ERR_INVAL, "serviceRoot: longer than 128 bytes (APP_SERVICE_ROOT_MAX)", NULL},
    /* network */
    {DOC_NET("[]"), NULL, NULL, APP_ERR_INVAL, "network: expected an object", NULL},
    {DOC_NET("{\"hostnmae\":\"x\"}"), NULL, NULL, APP_ERR_INVAL, "network.hostnmae: unknown key", NULL},
    {DOC_NET("{\"ip\":\"10.0.2.15\",\"ip\":\"10.0.2.16\"}"), NULL, NULL, APP_ERR_INVAL, "network.ip: duplicate key", NULL},
    {DOC_NET("{\"hostname\":5}"), NULL, NULL, APP_ERR_INVAL, "network.hostname: expected a string", NULL},
    {DOC_NET("{\"hostname\":\"\"}"), NULL, NULL, APP_ERR_INVAL, "network.hostname: must not be empty", NULL},
    {DOC_NET("{\"hostname\":\"up_load\"}"), NULL, NULL, APP_ERR_INVAL, "network.hostname: may only contain A-Z, a-z, 0-9 and '-'", NULL},
    {DOC_NET("{\"hostname\":\"dev.local\"}"), NULL, NULL, APP_ERR_INVAL, "network.hostname: may only contain", NULL},
    {DOC_NET("{\"hostname\":\"-dev\"}"), NULL, NULL, APP_ERR_INVAL, "network.hostname: must not start or end with '-'", NULL},
    {NULL, gen_long_hostname, NULL, APP_ERR_INVAL, "network.hostname: longer than 63 bytes", NULL},
    {DOC_NET("{\"mac\":\"01:00:5e:00:00:01\"}"), NULL, NULL, APP_ERR_INVAL, "network.mac: not a unicast address", NULL},
    {DOC_NET("{\"mac\":\"ff:ff:ff:ff:ff:ff\"}"), NULL, NULL, APP_ERR_INVAL, "network.mac: not a unicast address", NULL},
    {DOC_NET("{\"mac\":\"00:00:00:00:00:00\"}"), NULL, NULL, APP_ERR_INVAL, "network.mac: must not be 00:00:00:00:00:00", NULL},
    {DOC_NET("{\"mac\":\"02:00:00:00:00\"}"), NULL, NULL, APP_ERR_INVAL, "network.mac: expected a MAC address", NULL},
    {DOC_NET("{\"mac\":\"02-00-00-00-00-01\"}"), NULL, NULL, APP_ERR_INVAL, "network.mac: expected a MAC address", NULL},
    {DOC_NET("{\"mac\":\"02:00:00:00:00:0g\"}"), NULL, NULL, APP_ERR_INVAL, "network.mac: expected a MAC address", NULL},
    {DOC_NET("{\"mac\":\"02:00:00:00:00:011\"}"), NULL, NULL, APP_ERR_INVAL, "network.mac: expected a MAC address", NULL},
    {DOC_NET("{\"mac\":2}"), NULL, NULL, APP_ERR_INVAL, "network.mac: expected a MAC address", NULL},
    {DOC_NET("{\"dhcp\":\"true\"}"), NULL, NULL, APP_ERR_INVAL, "network.dhcp: expected true or false", NULL},
    {DOC_NET("{\"ip\":\"10.0.2\"}"), NULL, NULL, APP_ERR_INVAL, "network.ip: expected a dotted IPv4 address", NULL},
    {DOC_NET("{\"ip\":\"10.0.2.256\"}"), NULL, NULL, APP_ERR_INVAL, "network.ip: expected a dotted IPv4 address", NULL},
    {DOC_NET("{\"ip\":\"10.0.02.15\"}"), NULL, NULL, APP_ERR_INVAL, "network.ip: expected a dotted IPv4 address", NULL},
    {DOC_NET("{\"ip\":\"10.0.2.15 \"}"), NULL, NULL, APP_ERR_INVAL, "network.ip: expected a dotted IPv4 address", NULL},
    {DOC_NET("{\"ip\":\"10.0.2.1.5\"}"), NULL, NULL, APP_ERR_INVAL, "network.ip: expected a dotted IPv4 address", NULL},
    {DOC_NET("{\"ip\":\"\"}"), NULL, NULL, APP_ERR_INVAL, "network.ip: expected a dotted IPv4 address", NULL},
    {DOC_NET("{\"ip\":167772687}"), NULL, NULL, APP_ERR_INVAL, "network.ip: expected a dotted IPv4 address", NULL},
    {DOC_NET("{\"netmask\":\"255.0.255.0\"}"), NULL, NULL, APP_ERR_INVAL, "network.netmask: not a contiguous netmask", NULL},
    {DOC_NET("{\"netmask\":\"0.255.255.255\"}"), NULL, NULL, APP_ERR_INVAL, "network.netmask: not a contiguous netmask", NULL},
    {DOC_NET("{\"gateway\":\"a.b.c.d\"}"), NULL, NULL, APP_ERR_INVAL, "network.gateway: expected a dotted IPv4 address", NULL},
    /* clock */
    {DOC_TOP(",\"clock\":5"), NULL, NULL, APP_ERR_INVAL, "clock: expected an object", NULL},
    {DOC_TOP(",\"clock\":{}"), NULL, NULL, APP_ERR_INVAL, "clock.floorUnixMs: missing (required)", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1,\"skew\":2}"), NULL, NULL, APP_ERR_INVAL, "clock.skew: unknown key", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":-1}"), NULL, NULL, APP_ERR_INVAL, "clock.floorUnixMs: expected a non-negative integer", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1.5}"), NULL, NULL, APP_ERR_INVAL, "clock.floorUnixMs: expected a non-negative integer", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1e12}"), NULL, NULL, APP_ERR_INVAL, "clock.floorUnixMs: expected a non-negative integer", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":\"1\"}"), NULL, NULL, APP_ERR_INVAL, "clock.floorUnixMs: expected a non-negative integer", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":9223372036854775808}"), NULL, NULL, APP_ERR_INVAL, "clock.floorUnixMs: integer out of range", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1,\"sntpServers\":\"10.0.2.2\"}"), NULL, NULL, APP_ERR_INVAL, "clock.sntpServers: expected an array", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1,\"sntpServers\":[\"10.0.2.2\",\"10.0.2.3\",\"10.0.2.4\"]}"), NULL, NULL, APP_ERR_NOMEM, "clock.sntpServers: 3 entries, more than CONFIG_SNTP_MAX=2", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1,\"sntpServers\":[\"10.0.2.300\"]}"), NULL, NULL, APP_ERR_INVAL, "clock.sntpServers[0]: expected a dotted IPv4 address", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1,\"sntpServers\":[\"10.0.2.2\",\"pool.ntp.org\"]}"), NULL, NULL, APP_ERR_INVAL, "clock.sntpServers[1]: expected a dotted IPv4 address", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1,\"sntpServers\":[1]}"), NULL, NULL, APP_ERR_INVAL, "clock.sntpServers[0]: expected a dotted IPv4 address", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1,\"sntpPort\":0}"), NULL, NULL, APP_ERR_INVAL, "clock.sntpPort: expected a port number 1..65535", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1,\"sntpPort\":65536}"), NULL, NULL, APP_ERR_INVAL, "clock.sntpPort: expected a port number 1..65535", NULL},
    {DOC_TOP(",\"clock\":{\"floorUnixMs\":1,\"sntpPort\":\"123\"}"), NULL, NULL, APP_ERR_INVAL, "clock.sntpPort: expected a port number 1..65535", NULL},
    /* auth */
    {DOC_AUTH("[]"), NULL, NULL, APP_ERR_INVAL, "auth: expected an object", NULL},
    {DOC_AUTH("{}"), NULL, NULL, APP_ERR_INVAL, "auth.realm: missing (required)", NULL},
    {DOC_AUTH("{\"realm\":\"r\",\"staticToken\":[]}"), NULL, NULL, APP_ERR_INVAL, "auth.staticToken: unknown key", NULL},
    {DOC_AUTH("{\"realm\":1}"), NULL, NULL, APP_ERR_INVAL, "auth.realm: expected a string", NULL},
    {DOC_AUTH("{\"realm\":\"\"}"), NULL, NULL, APP_ERR_INVAL, "auth.realm: must not be empty", NULL},
    {DOC_AUTH("{\"realm\":\"a\\\"b\"}"), NULL, NULL, APP_ERR_INVAL, "auth.realm: may only contain printable ASCII other than '\"' and '\\'", NULL},
    {DOC_AUTH("{\"realm\":\"a\\\\b\"}"), NULL, NULL, APP_ERR_INVAL, "auth.realm: may only contain", NULL},
    {DOC_AUTH("{\"realm\":\"a\\nb\"}"), NULL, NULL, APP_ERR_INVAL, "auth.realm: may only contain", NULL},
    {DOC_AUTH("{\"realm\":\"caf\\u00e9\"}"), NULL, NULL, APP_ERR_INVAL, "auth.realm: may only contain", NULL},
    {NULL, gen_long_realm, NULL, APP_ERR_INVAL, "auth.realm: longer than 64 bytes", NULL},
    {DOC_AUTH("{\"realm\":\"r\",\"staticTokens\":\"ab\"}"), NULL, NULL, APP_ERR_INVAL, "auth.staticTokens: expected an array", NULL},
    {DOC_AUTH("{\"realm\":\"r\",\"staticTokens\":[5]}"), NULL, NULL, APP_ERR_INVAL, "auth.staticTokens[0]: expected 64 hex digits", NULL},
    {DOC_AUTH("{\"realm\":\"r\",\"staticTokens\":[\"abc\"]}"), NULL, NULL, APP_ERR_INVAL, "auth.staticTokens[0]: expected 64 hex digits (a SHA-256 digest)", NULL},
    {DOC_AUTH("{\"realm\":\"r\",\"staticTokens\":[\"0000000000000000000000000000000000000000000000000000000000000000\","
              "\"000000000000000000000000000000000000000000000000000000000000000g\"]}"), NULL, NULL, APP_ERR_INVAL, "auth.staticTokens[1]: expected 64 hex digits", NULL},
    {DOC_AUTH("{\"realm\":\"r\",\"staticTokens\":[\"000000000000000000000000000000000000000000000000000000000000000\"]}"), NULL, NULL, APP_ERR_INVAL, "auth.staticTokens[0]: expected 64 hex digits", NULL},
    {DOC_AUTH("{\"realm\":\"r\",\"staticTokens\":[\"00000000000000000000000000000000000000000000000000000000000000000\"]}"), NULL, NULL, APP_ERR_INVAL, "auth.staticTokens[0]: expected 64 hex digits", NULL},
    {DOC_AUTH("{\"realm\":\"r\",\"staticTokens\":[\"\",\"\",\"\",\"\",\"\"]}"), NULL, NULL, APP_ERR_NOMEM, "auth.staticTokens: 5 entries, more than APP_MAX_STATIC_TOKENS=4", NULL},
    /* auth.staticTokensEnabled */
    {DOC_AUTH_R("\"staticTokensEnabled\":\"false\""), NULL, NULL, APP_ERR_INVAL, "auth.staticTokensEnabled: expected true or false", NULL},
    {DOC_AUTH_R("\"staticTokensEnabled\":0"), NULL, NULL, APP_ERR_INVAL, "auth.staticTokensEnabled: expected true or false", NULL},
    {DOC_AUTH_R("\"staticTokensEnabled\":null"), NULL, NULL, APP_ERR_INVAL, "auth.staticTokensEnabled: expected true or false", NULL},
    {DOC_AUTH_R("\"staticTokensEnabled\":true,\"staticTokensEnabled\":false"), NULL, NULL, APP_ERR_INVAL, "auth.staticTokensEnabled: duplicate key", NULL},
    {DOC_AUTH_R("\"statictokensEnabled\":true"), NULL, NULL, APP_ERR_INVAL, "auth.statictokensEnabled: unknown key", NULL},
    /* auth.jwt */
    {DOC_JWT("5"), NULL, NULL, APP_ERR_INVAL, "auth.jwt: expected an object", NULL},
    {DOC_JWT("[" JWT_KEYS(KEY_EC("e")) "]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt: expected an object", NULL},
    {DOC_JWT("{}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: missing (required)", NULL},
    {DOC_JWT("{\"audience\":\"" AUD "\",\"keys\":[" KEY_EC("e") "]}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: missing (required)", NULL},
    {DOC_JWT("{\"issuer\":\"" ISS "\",\"keys\":[" KEY_EC("e") "]}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.audience: missing (required)", NULL},
    {DOC_JWT("{" JWT_IA "}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys: missing (required)", NULL},
    {DOC_JWT(JWT_WITH("\"keys\":[" KEY_EC("e") "],\"issuers\":[]")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuers: unknown key", NULL},
    {DOC_JWT(JWT_WITH("\"keys\":[" KEY_EC("e") "],\"skew\":5")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.skew: unknown key", NULL},
    {DOC_JWT(JWT_WITH("\"keys\":[" KEY_EC("e") "],\"issuer\":\"" ISS "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: duplicate key", NULL},
    {DOC_AUTH_R("\"jwt\":" JWT_KEYS(KEY_EC("e")) ",\"jwt\":" JWT_KEYS(KEY_EC("e"))), NULL, NULL, APP_ERR_INVAL, "auth.jwt: duplicate key", NULL},
    /* issuer, audience */
    {DOC_ISS("5"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: expected a string", NULL},
    {DOC_ISS("[\"" ISS "\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: expected a string", NULL},
    {DOC_ISS("\"\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: must not be empty", NULL},
    {DOC_ISS("\"https://x/\\n\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: may only contain printable ASCII 0x20..0x7E", NULL},
    {DOC_ISS("\"https://x/\\u007f\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: may only contain printable ASCII", NULL},
    {DOC_ISS("\"https://caf\\u00e9/\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: may only contain printable ASCII", NULL},
    {DOC_ISS("\"https://x/\\u0000\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.issuer: invalid string: NUL character", NULL},
    {NULL, gen_long_issuer, NULL, APP_ERR_INVAL, "auth.jwt.issuer: longer than 128 bytes (CONFIG_ISSUER_MAX)", NULL},
    {DOC_AUD("null"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.audience: expected a string", NULL},
    {DOC_AUD("\"\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.audience: must not be empty", NULL},
    {DOC_AUD("\"api://x\\t\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.audience: may only contain printable ASCII 0x20..0x7E", NULL},
    {DOC_AUD("\"api://\xc3\xa9\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.audience: may only contain printable ASCII", NULL},
    {DOC_AUD("\"api://\xff\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.audience: invalid string: invalid UTF-8", NULL},
    {NULL, gen_long_audience, NULL, APP_ERR_INVAL, "auth.jwt.audience: longer than 128 bytes (CONFIG_ISSUER_MAX)", NULL},
    /* skewSeconds */
    {DOC_SKEW("-1"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.skewSeconds: expected an integer 0..3600 (seconds)", NULL},
    {DOC_SKEW("3601"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.skewSeconds: expected an integer 0..3600", NULL},
    {DOC_SKEW("1.5"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.skewSeconds: expected an integer 0..3600", NULL},
    {DOC_SKEW("3e2"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.skewSeconds: expected an integer 0..3600", NULL},
    {DOC_SKEW("\"300\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.skewSeconds: expected an integer 0..3600", NULL},
    {DOC_SKEW("true"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.skewSeconds: expected an integer 0..3600", NULL},
    {DOC_SKEW("null"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.skewSeconds: expected an integer 0..3600", NULL},
    {DOC_SKEW("18446744073709551916"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.skewSeconds: expected an integer 0..3600", NULL},
    /* tenants */
    {DOC_TENANTS("\"" TID1 "\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants: expected an array", NULL},
    {DOC_TENANTS("{}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants: expected an array", NULL},
    {DOC_TENANTS("[\"" TID1 "\",\"" TID2 "\",\"" TID1 "\",\"" TID2 "\",\"" TID1 "\"]"), NULL, NULL, APP_ERR_NOMEM, "auth.jwt.tenants: 5 entries, more than CONFIG_JWT_MAX_TENANTS=4", NULL},
    {DOC_TENANTS("[\"72F988BF-86F1-41AF-91AB-2D7CD011DB47\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[0]: " TID_EXPECTED " \"72f988bf-86f1-41af-91ab-2d7cd011db47\"", NULL},
    {DOC_TENANTS("[\"" TID2 "\",\"72f988bf-86f1-41af-91ab-2d7cd011db4\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[1]: " TID_EXPECTED, NULL},
    {DOC_TENANTS("[\"72f988bf-86f1-41af-91ab-2d7cd011db477\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[0]: " TID_EXPECTED, NULL},
    {DOC_TENANTS("[\"{72f988bf-86f1-41af-91ab-2d7cd011db47}\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[0]: " TID_EXPECTED, NULL},
    {DOC_TENANTS("[\"72f988bf86f141af91ab2d7cd011db47\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[0]: " TID_EXPECTED, NULL},
    {DOC_TENANTS("[\"72f988bf-86f1-41af-91ab2-d7cd011db47\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[0]: " TID_EXPECTED, NULL},
    {DOC_TENANTS("[\"72f988bg-86f1-41af-91ab-2d7cd011db47\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[0]: " TID_EXPECTED, NULL},
    {DOC_TENANTS("[\"common\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[0]: " TID_EXPECTED, NULL},
    {DOC_TENANTS("[\"\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[0]: " TID_EXPECTED, NULL},
    {DOC_TENANTS("[7]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[0]: " TID_EXPECTED, NULL},
    {DOC_TENANTS("[\"" TID1 "\",\"" TID2 "\",\"" TID1 "\"]"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.tenants[2]: same tenant as tenants[0]", NULL},
    /* keys */
    {DOC_JWT(JWT_WITH("\"keys\":" KEY_EC("e"))), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys: expected an array", NULL},
    {DOC_JWT(JWT_KEYS("")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys: must list at least one key", NULL},
    {DOC_JWT(JWT_KEYS(KEY_EC("a") "," KEY_EC("b") "," KEY_EC("c") "," KEY_EC("d") "," KEY_EC("e"))), NULL, NULL, APP_ERR_NOMEM, "auth.jwt.keys: 5 entries, more than CONFIG_JWT_MAX_KEYS=4", NULL},
    {DOC_KEY("5"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0]: expected an object", NULL},
    {DOC_KEY1("\"" PEM_PUB "\""), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[1]: expected an object", NULL},
    {DOC_KEY("{\"alg\":\"ES256\",\"pem\":\"" PEM_PUB "\"}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kid: missing (required)", NULL},
    {DOC_KEY("{\"kid\":\"k\",\"pem\":\"" PEM_PUB "\"}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: missing (required)", NULL},
    {DOC_KEY1(KEY_RAW(M_EC "," M_CXY ",\"use\":\"sig\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[1].use: unknown key", NULL},
    {DOC_KEY(KEY_RAW(M_EC "," M_CXY ",\"d\":\"" B64X "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].d: unknown key", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"pem\":\"" PEM_PUB "\",\"pem\":\"" PEM_PUB "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].pem: duplicate key", NULL},
    /* kid */
    {DOC_KEY("{\"kid\":5,\"alg\":\"ES256\",\"pem\":\"" PEM_PUB "\"}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kid: expected a string", NULL},
    {DOC_KEY(KEY_PEM("", "ES256")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kid: must not be empty", NULL},
    {DOC_KEY(KEY_PEM("a\\u0001", "ES256")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kid: may only contain printable ASCII 0x20..0x7E", NULL},
    {DOC_KEY(KEY_PEM("caf\\u00e9", "ES256")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kid: may only contain printable ASCII", NULL},
    {NULL, gen_long_kid, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kid: longer than 64 bytes (CONFIG_KID_MAX)", NULL},
    {DOC_JWT(JWT_KEYS(KEY_PEM("k1", "ES256") "," KEY_RSA("k1"))), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[1].kid: same kid as keys[0]", NULL},
    {DOC_JWT(JWT_KEYS(KEY_EC("a") "," KEY_RSA("b") "," KEY_PEM("\\u0062", "RS256"))), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[2].kid: same kid as keys[1]", NULL},
    /* alg */
    {DOC_KEY(KEY_PEM("k", "HS256")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: expected \"ES256\" or \"RS256\"", NULL},
    {DOC_KEY(KEY_PEM("k", "none")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: expected \"ES256\" or \"RS256\"", NULL},
    {DOC_KEY(KEY_PEM("k", "es256")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: expected \"ES256\" or \"RS256\"", NULL},
    {DOC_KEY(KEY_PEM("k", "ES384")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: expected \"ES256\" or \"RS256\"", NULL},
    {DOC_KEY(KEY_PEM("k", "PS256")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: expected \"ES256\" or \"RS256\"", NULL},
    {DOC_KEY(KEY_PEM("k", "RS256 ")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: expected \"ES256\" or \"RS256\"", NULL},
    {DOC_KEY(KEY_PEM("k", "")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: expected \"ES256\" or \"RS256\"", NULL},
    {DOC_KEY("{\"kid\":\"k\",\"alg\":256,\"pem\":\"" PEM_PUB "\"}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: expected \"ES256\" or \"RS256\"", NULL},
    {DOC_KEY("{\"kid\":\"k\",\"alg\":[\"ES256\"],\"pem\":\"" PEM_PUB "\"}"), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].alg: expected \"ES256\" or \"RS256\"", NULL},
    /* pem */
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"pem\":\"\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].pem: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"pem\":\"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].pem: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"pem\":\"\\n" PEM_PUB "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].pem: expected PEM text starting with", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"pem\":5")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].pem: expected a string", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"pem\":\"-----BEGIN \\ud800\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].pem: invalid string: lone surrogate", NULL},
    {NULL, gen_long_jwt_pem, NULL, APP_ERR_INVAL, "auth.jwt.keys[1].pem: longer than 4096 bytes (APP_TLS_PEM_MAX)", NULL},
    /* PEM or JWK, not both, not neither */
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"pem\":\"" PEM_PUB "\",\"kty\":\"EC\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kty: not allowed with \"pem\" (a key is PEM or a JWK, not both)", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"RS256\",\"pem\":\"" PEM_PUB "\",\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].e: not allowed with \"pem\"", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"y\":\"" B64Y "\",\"pem\":\"" PEM_PUB "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].y: not allowed with \"pem\"", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0]: needs \"pem\" or the JWK members (\"kty\" and the key's)", NULL},
    {DOC_KEY1(KEY_RAW("\"alg\":\"RS256\"," M_NE)), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[1]: needs \"pem\" or the JWK members", NULL},
    /* kty */
    {DOC_KEY(KEY_RAW("\"alg\":\"RS256\",\"kty\":\"oct\"," M_NE)), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kty: expected \"EC\" or \"RSA\"", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"RS256\",\"kty\":\"rsa\"," M_NE)), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kty: expected \"EC\" or \"RSA\"", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"kty\":\"OKP\"," M_CXY)), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kty: expected \"EC\" or \"RSA\"", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"kty\":1," M_CXY)), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kty: expected \"EC\" or \"RSA\"", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"RS256\",\"kty\":\"EC\"," M_CXY)), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kty: \"EC\" does not match alg \"RS256\" (which needs \"RSA\")", NULL},
    {DOC_KEY(KEY_RAW("\"alg\":\"ES256\",\"kty\":\"RSA\"," M_NE)), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].kty: \"RSA\" does not match alg \"ES256\" (which needs \"EC\")", NULL},
    /* RSA members */
    {DOC_KEY(KEY_RAW(M_RSA ",\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: missing (required for kty \"RSA\")", NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":\"" B64N "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].e: missing (required for kty \"RSA\")", NULL},
    {DOC_KEY(KEY_RAW(M_RSA "," M_NE ",\"x\":\"" B64X "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].x: not a member of an RSA key (kty \"RSA\": n, e)", NULL},
    {DOC_KEY(KEY_RAW(M_RSA "," M_NE ",\"crv\":\"P-256\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].crv: not a member of an RSA key", NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":\"" B64N "=\",\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: " B64_EXPECTED, NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":\"ab+c\",\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: " B64_EXPECTED, NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":\"ab/c\",\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: " B64_EXPECTED, NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":\"ab c\",\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: " B64_EXPECTED, NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":\"ab\\u0041\",\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: " B64_EXPECTED, NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":\"ab\\/c\",\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: " B64_EXPECTED, NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":5,\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: " B64_EXPECTED, NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":\"" B64N "\",\"e\":\"\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].e: must not be empty", NULL},
    {DOC_KEY(KEY_RAW(M_RSA ",\"n\":\"" B64N "\",\"e\":65537")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].e: " B64_EXPECTED, NULL},
    {NULL, gen_long_n, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: longer than 4096 bytes (APP_TLS_PEM_MAX)", NULL},
    /* EC members */
    {DOC_KEY(KEY_RAW(M_EC ",\"x\":\"" B64X "\",\"y\":\"" B64Y "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].crv: missing (required for kty \"EC\")", NULL},
    {DOC_KEY(KEY_RAW(M_EC ",\"crv\":\"P-256\",\"y\":\"" B64Y "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].x: missing (required for kty \"EC\")", NULL},
    {DOC_KEY(KEY_RAW(M_EC ",\"crv\":\"P-256\",\"x\":\"" B64X "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].y: missing (required for kty \"EC\")", NULL},
    {DOC_KEY(KEY_RAW(M_EC "," M_CXY ",\"n\":\"" B64N "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].n: not a member of an EC key (kty \"EC\": crv, x, y)", NULL},
    {DOC_KEY(KEY_RAW(M_EC "," M_CXY ",\"e\":\"AQAB\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].e: not a member of an EC key", NULL},
    {DOC_KEY(KEY_RAW(M_EC ",\"crv\":\"P-384\",\"x\":\"" B64X "\",\"y\":\"" B64Y "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].crv: expected \"P-256\" (ES256)", NULL},
    {DOC_KEY(KEY_RAW(M_EC ",\"crv\":\"p-256\",\"x\":\"" B64X "\",\"y\":\"" B64Y "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].crv: expected \"P-256\"", NULL},
    {DOC_KEY(KEY_RAW(M_EC ",\"crv\":256,\"x\":\"" B64X "\",\"y\":\"" B64Y "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].crv: expected \"P-256\"", NULL},
    {DOC_KEY(KEY_RAW(M_EC ",\"crv\":\"P-256\",\"x\":\"" B64X "=\",\"y\":\"" B64Y "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].x: " B64_EXPECTED, NULL},
    {DOC_KEY(KEY_RAW(M_EC ",\"crv\":\"P-256\",\"x\":\"\",\"y\":\"" B64Y "\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].x: must not be empty", NULL},
    {DOC_KEY1(KEY_RAW(M_EC ",\"crv\":\"P-256\",\"x\":\"" B64X "\",\"y\":\"a.b\"")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[1].y: " B64_EXPECTED, NULL},
    {DOC_KEY(KEY_RAW(M_EC ",\"crv\":\"P-256\",\"x\":\"" B64X "\",\"y\":null")), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0].y: " B64_EXPECTED, NULL},
    /* A broken jwt is reported even after a valid staticTokens list. */
    {DOC_AUTH_R("\"staticTokens\":[],\"staticTokensEnabled\":false,\"jwt\":" JWT_KEYS(KEY_RAW("\"alg\":\"ES256\""))), NULL, NULL, APP_ERR_INVAL, "auth.jwt.keys[0]: needs \"pem\"", NULL},
    /* tls */
    {DOC_TLS("5"), NULL, NULL, APP_ERR_INVAL, "tls: expected an object", NULL},
    {DOC_TLS("[" TLS_OK "]"), NULL, NULL, APP_ERR_INVAL, "tls: expected an object", NULL},
    {DOC_TLS("\"" PEM_C "\""), NULL, NULL, APP_ERR_INVAL, "tls: expected an object", NULL},
    {DOC_TLS("{}"), NULL, NULL, APP_ERR_INVAL, "tls.cert: missing (required)", NULL},
    {DOC_TLS("{\"cert\":\"" PEM_C "\"}"), NULL, NULL, APP_ERR_INVAL, "tls.key: missing (required)", NULL},
    {DOC_TLS("{\"key\":\"" PEM_K "\"}"), NULL, NULL, APP_ERR_INVAL, "tls.cert: missing (required)", NULL},
    {DOC_TLS("{\"redirectPort\":443}"), NULL, NULL, APP_ERR_INVAL, "tls.cert: missing (required)", NULL},
    {DOC_TLS("{\"cert\":\"" PEM_C "\",\"key\":\"" PEM_K "\",\"chain\":\"" PEM_C "\"}"), NULL, NULL, APP_ERR_INVAL, "tls.chain: unknown key", NULL},
    {DOC_TLS("{\"cert\":\"" PEM_C "\",\"key\":\"" PEM_K "\",\"redirect_port\":443}"), NULL, NULL, APP_ERR_INVAL, "tls.redirect_port: unknown key", NULL},
    {DOC_TLS("{\"Cert\":\"" PEM_C "\",\"key\":\"" PEM_K "\"}"), NULL, NULL, APP_ERR_INVAL, "tls.Cert: unknown key", NULL},
    {DOC_TLS("{\"cert\":\"" PEM_C "\",\"key\":\"" PEM_K "\",\"cert\":\"" PEM_C "\"}"), NULL, NULL, APP_ERR_INVAL, "tls.cert: duplicate key", NULL},
    {DOC_TLS("{\"cert\":5,\"key\":\"" PEM_K "\"}"), NULL, NULL, APP_ERR_INVAL, "tls.cert: expected a string", NULL},
    {DOC_TLS("{\"cert\":[\"" PEM_C "\"],\"key\":\"" PEM_K "\"}"), NULL, NULL, APP_ERR_INVAL, "tls.cert: expected a string", NULL},
    {DOC_TLS("{\"cert\":\"" PEM_C "\",\"key\":null}"), NULL, NULL, APP_ERR_INVAL, "tls.key: expected a string", NULL},
    {DOC_TLS("{\"cert\":\"" PEM_C "\",\"key\":{}}"), NULL, NULL, APP_ERR_INVAL, "tls.key: expected a string", NULL},
    {DOC_TLS(TLS_PEMS("\"\"", "\"" PEM_K "\"")), NULL, NULL, APP_ERR_INVAL, "tls.cert: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_TLS(TLS_PEMS("\"" PEM_C "\"", "\"\"")), NULL, NULL, APP_ERR_INVAL, "tls.key: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_TLS(TLS_PEMS("\"-----BEGIN\"", "\"" PEM_K "\"")), NULL, NULL, APP_ERR_INVAL, "tls.cert: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_TLS(TLS_PEMS("\"-----BEGIN-CERTIFICATE-----\"", "\"" PEM_K "\"")), NULL, NULL, APP_ERR_INVAL, "tls.cert: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_TLS(TLS_PEMS("\"-----begin CERTIFICATE-----\"", "\"" PEM_K "\"")), NULL, NULL, APP_ERR_INVAL, "tls.cert: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_TLS(TLS_PEMS("\"\\n" PEM_C "\"", "\"" PEM_K "\"")), NULL, NULL, APP_ERR_INVAL, "tls.cert: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_TLS(TLS_PEMS("\" " PEM_C "\"", "\"" PEM_K "\"")), NULL, NULL, APP_ERR_INVAL, "tls.cert: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_TLS(TLS_PEMS("\"" PEM_C "\"", "\"MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\"")), NULL, NULL, APP_ERR_INVAL, "tls.key: expected PEM text starting with \"-----BEGIN \"", NULL},
    {DOC_TLS(TLS_PEMS("\"-----BEGIN \\u0000\"", "\"" PEM_K "\"")), NULL, NULL, APP_ERR_INVAL, "tls.cert: invalid string: NUL character", NULL},
    {DOC_TLS(TLS_PEMS("\"" PEM_C "\"", "\"-----BEGIN \\ud800\"")), NULL, NULL, APP_ERR_INVAL, "tls.key: invalid string: lone surrogate", NULL},
    {DOC_TLS(TLS_PEMS("\"" PEM_C "\"", "\"-----BEGIN \xff\"")), NULL, NULL, APP_ERR_INVAL, "tls.key: invalid string: invalid UTF-8", NULL},
    {NULL, gen_long_cert, NULL, APP_ERR_INVAL, "tls.cert: longer than 4096 bytes (APP_TLS_PEM_MAX)", NULL},
    {NULL, gen_long_key, NULL, APP_ERR_INVAL, "tls.key: longer than 4096 bytes (APP_TLS_PEM_MAX)", NULL},
    {NULL, gen_long_cert_escaped, NULL, APP_ERR_INVAL, "tls.cert: longer than 4096 bytes (APP_TLS_PEM_MAX)", NULL},
    {DOC_TLS(TLS_PORT("0")), NULL, NULL, APP_ERR_INVAL, "tls.redirectPort: expected a port number 1..65535", NULL},
    {DOC_TLS(TLS_PORT("65536")), NULL, NULL, APP_ERR_INVAL, "tls.redirectPort: expected a port number 1..65535", NULL},
    {DOC_TLS(TLS_PORT("-443")), NULL, NULL, APP_ERR_INVAL, "tls.redirectPort: expected a port number 1..65535", NULL},
    {DOC_TLS(TLS_PORT("\"443\"")), NULL, NULL, APP_ERR_INVAL, "tls.redirectPort: expected a port number 1..65535", NULL},
    {DOC_TLS(TLS_PORT("443.0")), NULL, NULL, APP_ERR_INVAL, "tls.redirectPort: expected a port number 1..65535", NULL},
    {DOC_TLS(TLS_PORT("4.43e2")), NULL, NULL, APP_ERR_INVAL, "tls.redirectPort: expected a port number 1..65535", NULL},
    {DOC_TLS(TLS_PORT("true")), NULL, NULL, APP_ERR_INVAL, "tls.redirectPort: expected a port number 1..65535", NULL},
    {DOC_TLS(TLS_PORT("null")), NULL, NULL, APP_ERR_INVAL, "tls.redirectPort: expected a port number 1..65535", NULL},
    {DOC_TLS(TLS_PORT("18446744073709551616")), NULL, NULL, APP_ERR_INVAL, "tls.redirectPort: expected a port number 1..65535", NULL},
    /* plainHttp */
    {DOC_PLAIN("\"Redirect\""), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("\"x\""), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("\"\""), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("\"OFF\""), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("\"serve \""), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("\"redirects\""), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("\"redirect-to-https\""), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("\"of\""), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("true"), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("false"), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("1"), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("[\"off\"]"), NULL, NULL, APP_ERR_INVAL, "plainHttp: expected \"serve\", \"redirect\" or \"off\"", NULL},
    {DOC_PLAIN("\"redirect\""), NULL, NULL, APP_ERR_INVAL, "plainHttp: \"redirect\" needs a tls section", NULL},
    {DOC_TOP(",\"plainHttp\":\"redirect\",\"entropy\":{\"nvSeed\":" SEED64 "}"), NULL, NULL, APP_ERR_INVAL, "plainHttp: \"redirect\" needs a tls section", NULL},
    /* A broken tls section is reported as such, not as a missing one. */
    {DOC_TOP(",\"plainHttp\":\"redirect\",\"tls\":{\"cert\":\"" PEM_C "\"}"), NULL, NULL, APP_ERR_INVAL, "tls.key: missing (required)", NULL},
    {DOC_TOP(",\"plainHttp\":\"serve\",\"plainHttp\":\"off\""), NULL, NULL, APP_ERR_INVAL, "plainHttp: duplicate key", NULL},
    {DOC_TOP(",\"plainhttp\":\"off\""), NULL, NULL, APP_ERR_INVAL, "plainhttp: unknown key", NULL},
    /* entropy */
    {DOC_ENT("5"), NULL, NULL, APP_ERR_INVAL, "entropy: expected an object", NULL},
    {DOC_ENT(SEED64), NULL, NULL, APP_ERR_INVAL, "entropy: expected an object", NULL},
    {DOC_ENT("{}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: missing (required)", NULL},
    {DOC_ENT("{\"nvSeed\":" SEED64 ",\"source\":\"host\"}"), NULL, NULL, APP_ERR_INVAL, "entropy.source: unknown key", NULL},
    {DOC_ENT("{\"nvseed\":" SEED64 "}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvseed: unknown key", NULL},
    {DOC_ENT("{\"nvSeed\":" SEED64 ",\"nvSeed\":" SEED64 "}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: duplicate key", NULL},
    {DOC_ENT("{\"nvSeed\":\"" HEX63 "\"}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":\"" HEX63 "01\"}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":\"" HEX63 "0123\"}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":\"" HEX63 "g\"}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":\"" HEX63 " \"}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":\"0x" HEX63 "\"}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":\"\"}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":\"" HEX63 "\\u0030\\u0030\"}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":12345}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":[" SEED64 "]}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    {DOC_ENT("{\"nvSeed\":null}"), NULL, NULL, APP_ERR_INVAL, "entropy.nvSeed: expected 64 hex digits (32 bytes)", NULL},
    /* sessions */
    {"{" TOP_OK ",\"sessions\":{}}", NULL, NULL, APP_ERR_INVAL, "sessions: expected an array", NULL},
    {"{" TOP_OK ",\"sessions\":[1]}", NULL, NULL, APP_ERR_INVAL, "sessions[0]: expected an object", NULL},
    {DOC_S1("[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1]: expected an object", NULL},
    {NULL, gen_too_many_sessions, NULL, APP_ERR_NOMEM, "sessions: 17 entries, more than CONFIG_MAX_SESSIONS=16", NULL},
    {S1_RAW(M_RES "," M_ID "," M_DONE "," M_CR "," M_EX "," M_FILES), NULL, NULL, APP_ERR_INVAL, "sessions[1].catalogId: missing (required)", NULL},
    {S1_RAW(M_CAT "," M_ID "," M_DONE "," M_CR "," M_EX "," M_FILES), NULL, NULL, APP_ERR_INVAL, "sessions[1].resourceId: missing (required)", NULL},
    {S1_RAW(M_CAT "," M_RES "," M_DONE "," M_CR "," M_EX "," M_FILES), NULL, NULL, APP_ERR_INVAL, "sessions[1].id: missing (required)", NULL},
    {S1_RAW(M_CAT "," M_RES "," M_ID "," M_CR "," M_EX "," M_FILES), NULL, NULL, APP_ERR_INVAL, "sessions[1].isUploadDone: missing (required)", NULL},
    {S1_RAW(M_CAT "," M_RES "," M_ID "," M_DONE "," M_EX "," M_FILES), NULL, NULL, APP_ERR_INVAL, "sessions[1].createdDateTime: missing (required)", NULL},
    {S1_RAW(M_CAT "," M_RES "," M_ID "," M_DONE "," M_CR "," M_FILES), NULL, NULL, APP_ERR_INVAL, "sessions[1].expirationDateTime: missing (required)", NULL},
    {S1_RAW(M_CAT "," M_RES "," M_ID "," M_DONE "," M_CR "," M_EX), NULL, NULL, APP_ERR_INVAL, "sessions[1].files: missing (required)", NULL},
    {S1_RAW(M_CAT "," M_RES "," M_ID "," M_DONE "," M_CR "," M_EX "," M_FILES ",\"status\":\"Active\""), NULL, NULL, APP_ERR_INVAL, "sessions[1].status: unknown key", NULL},
    {S1_RAW(M_CAT "," M_RES "," M_ID "," M_DONE "," M_CR "," M_EX "," M_FILES "," M_ID), NULL, NULL, APP_ERR_INVAL, "sessions[1].id: duplicate key", NULL},
    {S1("5", "\"r\"", "\"s1\"", "false", T1, T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].catalogId: expected a string", NULL},
    {S1("\"c\"", "null", "\"s1\"", "false", T1, T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].resourceId: expected a string", NULL},
    {S1("\"c\"", "\"r\"", "{}", "false", T1, T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].id: expected a string", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "\"false\"", T1, T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].isUploadDone: expected true or false", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "0", T1, T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].isUploadDone: expected true or false", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "false", "1709688912123", T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].createdDateTime: expected an ISO 8601 UTC timestamp", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "false", T1, "false", "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].expirationDateTime: expected an ISO 8601 UTC timestamp", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "false", T1, T2, "{}"), NULL, NULL, APP_ERR_INVAL, "sessions[1].files: expected an array", NULL},
    {S1_ID("\"a/b\""), NULL, NULL, APP_ERR_INVAL, "sessions[1].id: contains '/'", NULL},
    {S1_ID("\"a\\/b\""), NULL, NULL, APP_ERR_INVAL, "sessions[1].id: contains '/'", NULL}, /* after unescaping */
    {S1_ID("\"a b\""), NULL, NULL, APP_ERR_INVAL, "sessions[1].id: contains a byte outside printable ASCII 0x21..0x7E", NULL},
    {S1_ID("\"caf\\u00e9\""), NULL, NULL, APP_ERR_INVAL, "sessions[1].id: contains a byte outside printable ASCII", NULL},
    {S1_ID("\"\""), NULL, NULL, APP_ERR_INVAL, "sessions[1].id: must not be empty", NULL},
    {S1_ID("\"a\\u0000\""), NULL, NULL, APP_ERR_INVAL, "sessions[1].id: invalid string: NUL character", NULL},
    {NULL, gen_long_id, NULL, APP_ERR_INVAL, "sessions[1].id: longer than 64 bytes (APP_ID_MAX)", NULL},
    {S1("\"c/\"", "\"r\"", "\"s1\"", "false", T1, T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].catalogId: contains '/'", NULL},
    {S1("\"c\"", "\"r\\t\"", "\"s1\"", "false", T1, T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].resourceId: contains a byte outside", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "false", "\"2024-03-06 01:35:12Z\"", T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].createdDateTime: expected an ISO 8601 UTC timestamp like \"2024-03-06T01:35:12.123Z\"", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "false", "\"2024-02-30T00:00:00Z\"", T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].createdDateTime: expected an ISO 8601", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "false", "\"2024-03-06T01:35:12.123\"", T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].createdDateTime: expected an ISO 8601", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "false", "\"2024-03-06T01:35:12.123+00:00\"", T2, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].createdDateTime: expected an ISO 8601", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "false", T1, "\"2024-03-07T01:35:12.123Z and then some more text\"", "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].expirationDateTime: expected an ISO 8601", NULL},
    {S1("\"c\"", "\"r\"", "\"s1\"", "false", T2, T1, "[]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].expirationDateTime: earlier than createdDateTime", NULL},
    {S1_ID("\"s0\""), NULL, NULL, APP_ERR_INVAL, "sessions[1]: same catalogId, resourceId and id as sessions[0]", NULL},
    /* files */
    {S1_FILES("[" FILE_OK ",1]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1]: expected an object", NULL},
    {S1_FILES("[" FILE_OK ",{\"size\":1,\"uploadedDateTime\":" T1 "}]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: missing (required)", NULL},
    {S1_FILES("[" FILE_OK ",{\"name\":\"a\",\"uploadedDateTime\":" T1 "}]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].size: missing (required)", NULL},
    {S1_FILES("[" FILE_OK ",{\"name\":\"a\",\"size\":1}]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].uploadedDateTime: missing (required)", NULL},
    {S1_FILES("[" FILE_OK ",{\"Name\":\"a\",\"size\":1,\"uploadedDateTime\":" T1 "}]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].Name: unknown key", NULL},
    {S1_FILES("[" FILE_OK ",{\"name\":\"a\",\"name\":\"b\",\"size\":1,\"uploadedDateTime\":" T1 "}]"), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: duplicate key", NULL},
    {S1_FILE("5", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: expected a string", NULL},
    {S1_FILE("\"\"", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: must not be empty", NULL},
    {S1_FILE("\"a\\nb.csv\"", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: contains a control byte (< 0x20)", NULL},
    {S1_FILE("\"a\\u001fb.csv\"", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: contains a control byte", NULL},
    {S1_FILE("\"a\xff.csv\"", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: invalid string: invalid UTF-8", NULL},
    {S1_FILE("\"a\xc0\xae.csv\"", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: invalid string: invalid UTF-8", NULL},
    {S1_FILE("\"a\xed\xa0\x80.csv\"", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: invalid string: invalid UTF-8", NULL},
    {S1_FILE("\"a\\ud800.csv\"", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: invalid string: lone surrogate", NULL},
    {S1_FILE("\"a\\udc00\\ud800.csv\"", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: invalid string: lone surrogate", NULL},
    {S1_FILE("\"a\\u0000\"", "1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].name: invalid string: NUL", NULL},
    {NULL, gen_long_name, NULL, APP_ERR_INVAL, "sessions[0].files[0].name: longer than 255 bytes (APP_FILE_NAME_MAX)", NULL},
    {S1_FILE("\"a\"", "-1", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].size: expected a non-negative integer", NULL},
    {S1_FILE("\"a\"", "2.5", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].size: expected a non-negative integer", NULL},
    {S1_FILE("\"a\"", "2e6", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].size: expected a non-negative integer", NULL},
    {S1_FILE("\"a\"", "\"2000000\"", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].size: expected a non-negative integer", NULL},
    {S1_FILE("\"a\"", "true", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].size: expected a non-negative integer", NULL},
    {S1_FILE("\"a\"", "9223372036854775808", T1), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].size: integer out of range", NULL},
    {S1_FILE("\"a\"", "1", "\"yesterday\""), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].uploadedDateTime: expected an ISO 8601", NULL},
    {S1_FILE("\"a\"", "1", "0"), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].uploadedDateTime: expected an ISO 8601", NULL},
    {S1_FILE("\"a\"", "1", "\"1969-12-31T23:59:59Z\""), NULL, NULL, APP_ERR_INVAL, "sessions[1].files[1].uploadedDateTime: expected an ISO 8601", NULL},
    {NULL, gen_too_many_files, NULL, APP_ERR_NOMEM, "sessions[1].files: 11 entries, more than APP_MAX_FILES=10", NULL},
    /* Shared pools. */
    {NULL, gen_file_pool, NULL, APP_ERR_NOMEM, NULL, &s_dyn_pool},
    {NULL, gen_arena_names, NULL, APP_ERR_NOMEM, NULL, &s_dyn_arena_name},
    {NULL, gen_arena_ids, NULL, APP_ERR_NOMEM, NULL, &s_dyn_arena_id},
};

static void test_bad_table(void **state)
{
    (void)state;
    size_t failed = 0;
    for (size_t i = 0; i < ARRAY_LEN(s_bad); i++) {
        const struct bad_case *c = &s_bad[i];
        /* Start loaded, so that an empty store afterwards is the failure's doing. */
        assert_int_equal(load_json(s_seed_json), APP_OK);
        assert_int_equal(store_count(), 1);
        if (c->json != NULL) {
            frame(c->json, strlen(c->json));
        } else if (c->gen != NULL) {
            c->gen();
            frame(s_json, strlen(s_json));
        } else {
            frame(s_seed_json, strlen(s_seed_json));
            c->mutate();
        }
        int rc = load();
        const char *want = c->why != NULL ? c->why : *c->why_dyn;
        int ok = rc == c->rc && memchr(s_why, '\0', sizeof(s_why)) != NULL &&
                 strstr(s_why, want) != NULL;
        if (!ok) {
            print_error("case %zu: rc %d (want %d)\n  why  \"%.*s\"\n  want \"%s\"\n", i, rc, c->rc,
                        (int)sizeof(s_why), s_why, want);
            failed++;
            continue;
        }
        assert_store_empty();
        assert_defaults();
    }
    assert_int_equal(failed, 0);
}

/* ---- tls, plainHttp, entropy ------------------------------------------------------------ */

/* The PEM strings are kept as written (escapes undecoded), pointing into
 * the partition itself. */
static void assert_text_in_part(const struct config_text *t, const char *written)
{
    size_t n = strlen(written);
    const char *json = (const char *)s_part + CONFIG_HEADER_LEN;
    const char *at = strstr(json, written);
    assert_non_null(at);
    assert_ptr_equal(t->raw, at);
    assert_int_equal(t->raw_len, n);
    assert_true(t->raw >= json && t->raw + t->raw_len <= (const char *)s_part + s_part_len);
}

/* clock.sntpServers / sntpPort: defaults, both servers, the port. */
static void test_sntp_config(void **state)
{
    (void)state;
    assert_int_equal(load_json(DOC_TOP(",\"clock\":{\"floorUnixMs\":5}")), APP_OK);
    assert_int_equal(s_cfg.sntp_count, 0);
    assert_int_equal(s_cfg.sntp_port, 123);
    assert_int_equal(load_json(DOC_TOP(",\"clock\":{\"sntpPort\":12345,\"floorUnixMs\":5,"
                                       "\"sntpServers\":[\"10.0.2.2\",\"192.168.1.254\"]}")),
                     APP_OK);
    assert_string_equal(s_why, "");
    assert_int_equal(s_cfg.clock_floor_ms, 5);
    assert_int_equal(s_cfg.sntp_count, 2);
    static const uint8_t a[4] = {10, 0, 2, 2};
    static const uint8_t b[4] = {192, 168, 1, 254};
    assert_memory_equal(s_cfg.sntp_servers[0], a, 4);
    assert_memory_equal(s_cfg.sntp_servers[1], b, 4);
    assert_int_equal(s_cfg.sntp_port, 12345);
    assert_int_equal(load_json(DOC_TOP(",\"clock\":{\"floorUnixMs\":5,\"sntpServers\":[]}")), APP_OK);
    assert_int_equal(s_cfg.sntp_count, 0);
}

static void test_tls_config(void **state)
{
    (void)state;
    /* The seed config: none of it. */
    assert_false(s_cfg.has_tls);
    assert_int_equal(s_cfg.redirect_port, 443);
    assert_int_equal(s_cfg.plain_http, CONFIG_PLAIN_SERVE);
    assert_false(s_cfg.has_nv_seed);

    /* tls alone: redirectPort 443, plain HTTP served. */
    assert_int_equal(load_json(DOC_TLS(TLS_OK)), APP_OK);
    assert_string_equal(s_why, "");
    assert_true(s_cfg.provisioned);
    assert_true(s_cfg.has_tls);
    assert_text_in_part(&s_cfg.tls_cert, PEM_C);
    assert_text_in_part(&s_cfg.tls_key, PEM_K);
    assert_int_equal(s_cfg.redirect_port, 443);
    assert_int_equal(s_cfg.plain_http, CONFIG_PLAIN_SERVE);
    assert_false(s_cfg.has_nv_seed);

    /* Everything, plainHttp before tls in the document. */
    assert_int_equal(load_json("{" TOP_OK ",\"plainHttp\":\"redirect\",\"sessions\":[],"
                               "\"entropy\":{\"nvSeed\":" SEED64 "},\"tls\":" TLS_PORT("8443") "}"),
                     APP_OK);
    assert_string_equal(s_why, "");
    assert_true(s_cfg.has_tls);
    assert_text_in_part(&s_cfg.tls_cert, PEM_C);
    assert_text_in_part(&s_cfg.tls_key, PEM_K);
    assert_int_equal(s_cfg.redirect_port, 8443);
    assert_int_equal(s_cfg.plain_http, CONFIG_PLAIN_REDIRECT);
    assert_true(s_cfg.has_nv_seed);
    static const uint8_t seed[CONFIG_NV_SEED_LEN] = {
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
        0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x00,
    };
    assert_memory_equal(s_cfg.nv_seed, seed, CONFIG_NV_SEED_LEN);

    /* The port's bounds. */
    assert_int_equal(load_json(DOC_TLS(TLS_PORT("1"))), APP_OK);
    assert_int_equal(s_cfg.redirect_port, 1);
    assert_int_equal(load_json(DOC_TLS(TLS_PORT("65535"))), APP_OK);
    assert_int_equal(s_cfg.redirect_port, 65535);
    assert_int_equal(load_json(DOC_TLS(TLS_PORT("443"))), APP_OK);
    assert_int_equal(s_cfg.redirect_port, 443);

    /* plainHttp without tls, except "redirect". */
    assert_int_equal(load_json(DOC_PLAIN("\"off\"")), APP_OK);
    assert_int_equal(s_cfg.plain_http, CONFIG_PLAIN_OFF);
    assert_false(s_cfg.has_tls);
    assert_null(s_cfg.tls_cert.raw);
    assert_int_equal(load_json(DOC_PLAIN("\"serve\"")), APP_OK);
    assert_int_equal(s_cfg.plain_http, CONFIG_PLAIN_SERVE);
    assert_int_equal(load_json(DOC_TOP(",\"plainHttp\":\"off\",\"tls\":" TLS_OK)), APP_OK);
    assert_int_equal(s_cfg.plain_http, CONFIG_PLAIN_OFF);
    assert_true(s_cfg.has_tls);

    /* entropy alone; the value escaped still reads (it is decoded). */
    assert_int_equal(load_json(DOC_ENT("{\"nvSeed\":\"" HEX63 "\\u0030\"}")), APP_OK);
    assert_true(s_cfg.has_nv_seed);
    assert_memory_equal(s_cfg.nv_seed, seed, CONFIG_NV_SEED_LEN);
    assert_false(s_cfg.has_tls);

    /* Nothing carries over to the next load. */
    assert_int_equal(load_json(DOC_TOP(",\"plainHttp\":\"redirect\",\"tls\":" TLS_PORT("8443")
                                       ",\"entropy\":{\"nvSeed\":" SEED64 "}")),
                     APP_OK);
    assert_int_equal(load_json(s_seed_json), APP_OK);
    assert_false(s_cfg.has_tls);
    assert_null(s_cfg.tls_cert.raw);
    assert_int_equal(s_cfg.tls_cert.raw_len, 0);
    assert_null(s_cfg.tls_key.raw);
    assert_int_equal(s_cfg.redirect_port, 443);
    assert_int_equal(s_cfg.plain_http, CONFIG_PLAIN_SERVE);
    assert_false(s_cfg.has_nv_seed);
}

/* PEM strings of exactly APP_TLS_PEM_MAX bytes as written load. */
static void test_tls_pem_limit(void **state)
{
    (void)state;
    struct gen g;
    gen_tls_pem(&g, true, APP_TLS_PEM_MAX, false);
    assert_int_equal(load_json(s_json), APP_OK);
    assert_int_equal(s_cfg.tls_cert.raw_len, APP_TLS_PEM_MAX);
    assert_memory_equal(s_cfg.tls_cert.raw, "-----BEGIN AAAA", 15);
    gen_tls_pem(&g, false, APP_TLS_PEM_MAX, false);
    assert_int_equal(load_json(s_json), APP_OK);
    assert_int_equal(s_cfg.tls_key.raw_len, APP_TLS_PEM_MAX);
    /* Escapes count as written: 11 + 2 * 2042 bytes, 2053 decoded. */
    gen_tls_pem(&g, true, APP_TLS_PEM_MAX - 1 + (APP_TLS_PEM_MAX - 1 - 11) % 2, true);
    assert_int_equal(load_json(s_json), APP_OK);
    static char buf[APP_TLS_PEM_MAX + 1];
    int n = config_string(&s_cfg.tls_cert, buf, sizeof(buf));
    assert_int_equal(n, 11 + (s_cfg.tls_cert.raw_len - 11) / 2);
    assert_memory_equal(buf, "-----BEGIN \n\n\n", 14);
}

/* config_string() decodes the PEM as tls/ needs it: newlines and other
 * escapes resolved, NUL-terminated, never past cap. */
static void test_config_string(void **state)
{
    (void)state;
    static const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUfZ\n"
                              "-----END CERTIFICATE-----\n";
    static const char key[] = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n"
                              "-----END PRIVATE KEY-----\n";
    const size_t n = sizeof(pem) - 1u;
    char buf[sizeof(pem) + 8];

    assert_int_equal(load_json(DOC_TLS(TLS_OK)), APP_OK);
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(config_string(&s_cfg.tls_cert, buf, sizeof(buf)), (int)n);
    assert_string_equal(buf, pem);
    assert_int_equal(config_string(&s_cfg.tls_key, buf, sizeof(buf)), (int)(sizeof(key) - 1u));
    assert_string_equal(buf, key);

    /* Exactly enough room: the text and its NUL. */
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(config_string(&s_cfg.tls_cert, buf, n + 1u), (int)n);
    assert_memory_equal(buf, pem, n + 1u);
    assert_int_equal(buf[n + 1u], 'X');
    /* One byte short (no room for the NUL), and far too short. */
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(config_string(&s_cfg.tls_cert, buf, n), APP_ERR_OVERFLOW);
    assert_int_equal(buf[n], 'X'); /* nothing written past cap */
    assert_true(memchr(buf, '\0', n) != NULL);
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(config_string(&s_cfg.tls_cert, buf, 10), APP_ERR_OVERFLOW);
    assert_int_equal(buf[10], 'X');
    assert_true(memchr(buf, '\0', 10) != NULL);

    /* Other escapes, from a text that is not in a partition. */
    static const char raw[] = "-----BEGIN X-----\\r\\n\\u0041\\/b\\\\\\\"\\t-----END X-----";
    struct config_text t = {raw, sizeof(raw) - 1u};
    static const char decoded[] = "-----BEGIN X-----\r\nA/b\\\"\t-----END X-----";
    assert_int_equal(config_string(&t, buf, sizeof(buf)), (int)(sizeof(decoded) - 1u));
    assert_string_equal(buf, decoded);
    /* Only raw_len bytes are read. */
    t.raw_len = 17;
    assert_int_equal(config_string(&t, buf, sizeof(buf)), 17);
    assert_string_equal(buf, "-----BEGIN X-----");
    t.raw_len = 0;
    assert_int_equal(config_string(&t, buf, 1), 0);
    assert_string_equal(buf, "");
    assert_int_equal(config_string(&t, buf, 0), APP_ERR_OVERFLOW);
    /* Nothing configured. */
    struct config_text none = {NULL, 0};
    assert_int_equal(config_string(&none, buf, sizeof(buf)), APP_ERR_INVAL);
}

/* ---- auth.jwt, auth.staticTokensEnabled --------------------------------------------------- */

static void assert_key_texts(const struct config_jwt_key *k, const char *pem, const char *n,
                             const char *e, const char *x, const char *y)
{
    const struct config_text *t[5] = {&k->pem, &k->n, &k->e, &k->x, &k->y};
    const char *want[5] = {pem, n, e, x, y};
    for (int i = 0; i < 5; i++) {
        if (want[i] == NULL) {
            assert_null(t[i]->raw);
            assert_int_equal(t[i]->raw_len, 0);
        } else {
            assert_text_in_part(t[i], want[i]);
        }
    }
}

/* Every form of key, tenants, skew, static tokens off; read back. */
static void test_jwt_config(void **state)
{
    (void)state;
    assert_int_equal(
        load_json(DOC_AUTH_R("\"staticTokensEnabled\":false,\"staticTokens\":[\"" HEX63 "0\"],"
                             "\"jwt\":{\"keys\":[" KEY_PEM("dev-es256", "ES256") "," KEY_RSA("dev-rs256") ","
                             KEY_EC("ec jwk") "," KEY_PEM("rsa pem", "RS256") "],"
                             "\"tenants\":[\"" TID1 "\",\"" TID2 "\"],\"skewSeconds\":0," JWT_IA "}")),
        APP_OK);
    assert_string_equal(s_why, "");
    assert_true(s_cfg.provisioned);
    assert_false(s_cfg.static_tokens_enabled);
    assert_int_equal(s_cfg.static_token_count, 1); /* listed, but switched off */
    assert_true(s_cfg.has_jwt);
    assert_string_equal(s_cfg.jwt_issuer, ISS);
    assert_int_equal(s_cfg.jwt_issuer_len, strlen(ISS));
    assert_string_equal(s_cfg.jwt_audience, AUD);
    assert_int_equal(s_cfg.jwt_audience_len, strlen(AUD));
    assert_true(s_cfg.jwt_skew_s == 0);
    assert_int_equal(s_cfg.jwt_tenant_count, 2);
    assert_string_equal(s_cfg.jwt_tenants[0], TID1);
    assert_string_equal(s_cfg.jwt_tenants[1], TID2);
    assert_int_equal(s_cfg.jwt_key_count, 4);

    const struct config_jwt_key *k = s_cfg.jwt_keys;
    assert_string_equal(k[0].kid, "dev-es256");
    assert_int_equal(k[0].kid_len, 9);
    assert_int_equal(k[0].alg, CONFIG_JWT_ES256);
    assert_key_texts(&k[0], PEM_PUB, NULL, NULL, NULL, NULL);
    assert_string_equal(k[1].kid, "dev-rs256");
    assert_int_equal(k[1].alg, CONFIG_JWT_RS256);
    assert_key_texts(&k[1], NULL, B64N, B64E, NULL, NULL);
    assert_string_equal(k[2].kid, "ec jwk");
    assert_int_equal(k[2].kid_len, 6);
    assert_int_equal(k[2].alg, CONFIG_JWT_ES256);
    assert_key_texts(&k[2], NULL, NULL, NULL, B64X, B64Y);
    assert_string_equal(k[3].kid, "rsa pem");
    assert_int_equal(k[3].alg, CONFIG_JWT_RS256);
    assert_non_null(k[3].pem.raw);

    /* The PEM decodes for the key parser. */
    char buf[128];
    assert_int_equal(config_string(&k[0].pem, buf, sizeof(buf)),
                     (int)strlen("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n"
                                 "-----END PUBLIC KEY-----\n"));
    assert_memory_equal(buf, "-----BEGIN PUBLIC KEY-----\nMFkw", 31);

    /* Defaults: skew 300, no tenants, static tokens on; one key is enough. */
    assert_int_equal(load_json(DOC_JWT(JWT_KEYS(KEY_RSA("only")))), APP_OK);
    assert_true(s_cfg.has_jwt);
    assert_true(s_cfg.static_tokens_enabled);
    assert_true(s_cfg.jwt_skew_s == 300);
    assert_int_equal(s_cfg.jwt_tenant_count, 0);
    assert_int_equal(s_cfg.jwt_key_count, 1);
    assert_key_texts(&s_cfg.jwt_keys[0], NULL, B64N, B64E, NULL, NULL);
    assert_null(s_cfg.jwt_keys[1].n.raw); /* nothing left over from the load before */
    assert_int_equal(s_cfg.jwt_keys[1].kid_len, 0);

    /* An empty tenant list; the skew's upper bound; the EC key by itself. */
    assert_int_equal(load_json(DOC_JWT(JWT_WITH("\"skewSeconds\":3600,\"tenants\":[],\"keys\":["
                                                KEY_EC("e") "]"))),
                     APP_OK);
    assert_true(s_cfg.jwt_skew_s == 3600);
    assert_int_equal(s_cfg.jwt_tenant_count, 0);
    assert_key_texts(&s_cfg.jwt_keys[0], NULL, NULL, NULL, B64X, B64Y);

    /* staticTokensEnabled alone, both ways; no jwt. */
    assert_int_equal(load_json(DOC_AUTH_R("\"staticTokensEnabled\":true")), APP_OK);
    assert_true(s_cfg.static_tokens_enabled);
    assert_false(s_cfg.has_jwt);
    assert_int_equal(load_json(DOC_AUTH_R("\"staticTokensEnabled\":false")), APP_OK);
    assert_false(s_cfg.static_tokens_enabled);
    assert_false(s_cfg.has_jwt);

    /* Escapes in issuer, audience and kid are decoded; the issuer may hold a space. */
    assert_int_equal(load_json(DOC_JWT("{\"issuer\":\"https:\\/\\/iss x\",\"audience\":\"\\u0061pi\","
                                       "\"keys\":[" KEY_PEM("k\\u0031", "ES256") "]}")),
                     APP_OK);
    assert_string_equal(s_cfg.jwt_issuer, "https://iss x");
    assert_int_equal(s_cfg.jwt_issuer_len, 13);
    assert_string_equal(s_cfg.jwt_audience, "api");
    assert_string_equal(s_cfg.jwt_keys[0].kid, "k1");
    assert_int_equal(s_cfg.jwt_keys[0].kid_len, 2);

    /* Nothing carries over to a config without them. */
    assert_int_equal(load_json(s_seed_json), APP_OK);
    assert_true(s_cfg.static_tokens_enabled);
    assert_false(s_cfg.has_jwt);
    assert_int_equal(s_cfg.jwt_key_count, 0);
    assert_int_equal(s_cfg.jwt_tenant_count, 0);
    assert_int_equal(s_cfg.jwt_issuer_len, 0);
    assert_string_equal(s_cfg.jwt_issuer, "");
    assert_true(s_cfg.jwt_skew_s == 300);
    assert_null(s_cfg.jwt_keys[0].pem.raw);
}

/* Every jwt limit, exactly. */
static void test_jwt_limits(void **state)
{
    (void)state;
    gen_jwt_sized(CONFIG_ISSUER_MAX, CONFIG_ISSUER_MAX, CONFIG_KID_MAX, APP_TLS_PEM_MAX,
                  APP_TLS_PEM_MAX);
    assert_int_equal(load_json(s_json), APP_OK);
    assert_int_equal(s_cfg.jwt_issuer_len, CONFIG_ISSUER_MAX);
    assert_int_equal(strlen(s_cfg.jwt_issuer), CONFIG_ISSUER_MAX);
    assert_int_equal(s_cfg.jwt_audience_len, CONFIG_ISSUER_MAX);
    assert_int_equal(s_cfg.jwt_keys[0].kid_len, CONFIG_KID_MAX);
    assert_int_equal(strlen(s_cfg.jwt_keys[0].kid), CONFIG_KID_MAX);
    assert_int_equal(s_cfg.jwt_keys[0].n.raw_len, APP_TLS_PEM_MAX);
    assert_int_equal(s_cfg.jwt_keys[1].pem.raw_len, APP_TLS_PEM_MAX);
    assert_int_equal(s_cfg.jwt_key_count, 2);

    /* Four keys, four tenants; one-character base64url members. */
    assert_int_equal(
        load_json(DOC_JWT(JWT_WITH(
            "\"tenants\":[\"" TID1 "\",\"" TID2 "\",\"ffffffff-ffff-ffff-ffff-ffffffffffff\","
            "\"01234567-89ab-cdef-0123-456789abcdef\"],\"keys\":[" KEY_EC("a") "," KEY_RSA("b") ","
            KEY_PEM("c", "ES256") ",{\"kid\":\"d\",\"alg\":\"RS256\",\"kty\":\"RSA\",\"n\":\"_\","
            "\"e\":\"-\"}]"))),
        APP_OK);
    assert_string_equal(s_why, "");
    assert_int_equal(s_cfg.jwt_key_count, CONFIG_JWT_MAX_KEYS);
    assert_int_equal(s_cfg.jwt_tenant_count, CONFIG_JWT_MAX_TENANTS);
    assert_string_equal(s_cfg.jwt_tenants[3], "01234567-89ab-cdef-0123-456789abcdef");
    assert_string_equal(s_cfg.jwt_keys[3].kid, "d");
    assert_int_equal(s_cfg.jwt_keys[3].n.raw_len, 1);
    assert_memory_equal(s_cfg.jwt_keys[3].n.raw, "_", 1);
    assert_memory_equal(s_cfg.jwt_keys[3].e.raw, "-", 1);
}

/* ---- limits that still load -------------------------------------------------------------- */

static void test_limits_exactly(void **state)
{
    (void)state;
    struct gen g;
    /* CONFIG_MAX_SESSIONS sessions, the first with APP_MAX_FILES files, ids of
     * APP_ID_MAX bytes and a name of APP_FILE_NAME_MAX bytes. */
    gen_begin(&g);
    char id[APP_ID_MAX + 1];
    memset(id, 'i', APP_ID_MAX);
    id[APP_ID_MAX] = '\0';
    for (int i = 0; i < CONFIG_MAX_SESSIONS; i++) {
        id[0] = (char)('A' + i);
        gen_session_open(&g, i, id);
        for (int j = 0; i == 0 && j < APP_MAX_FILES; j++) {
            gen_file(&g, j, j == 0 ? APP_FILE_NAME_MAX : 1);
        }
        put(&g, "]}");
    }
    put(&g, "]}");
    assert_int_equal(load_json(s_json), APP_OK);
    assert_int_equal(store_count(), CONFIG_MAX_SESSIONS);
    assert_int_equal(store_session_file_count(store_session_at(0)), APP_MAX_FILES);
    struct store_file_info f;
    assert_int_equal(store_session_file(store_session_at(0), 0, &f), APP_OK);
    assert_int_equal(f.name_len, APP_FILE_NAME_MAX);
    size_t n = 0;
    store_session_id(store_session_at(CONFIG_MAX_SESSIONS - 1), &n);
    assert_int_equal(n, APP_ID_MAX);

    /* serviceRoot of APP_SERVICE_ROOT_MAX bytes, realm of 64, hostname of 63. */
    g.p = s_json;
    g.len = 0;
    put(&g, "{\"version\":1,\"serviceRoot\":\"https://");
    put_repeat(&g, 'a', APP_SERVICE_ROOT_MAX - 8);
    put(&g, "\",\"network\":{\"hostname\":\"");
    put_repeat(&g, 'h', CONFIG_HOSTNAME_MAX);
    put(&g, "\"},\"auth\":{\"realm\":\"");
    put_repeat(&g, 'r', CONFIG_REALM_MAX);
    put(&g, "\"},\"sessions\":[]}");
    assert_int_equal(load_json(s_json), APP_OK);
    assert_int_equal(s_cfg.service_root_len, APP_SERVICE_ROOT_MAX);
    assert_int_equal(s_cfg.realm_len, CONFIG_REALM_MAX);
    assert_int_equal(strlen(s_cfg.net.hostname), CONFIG_HOSTNAME_MAX);
    assert_int_equal(store_count(), 0);

    /* A document of exactly APP_CONFIG_MAX bytes (padded with whitespace). */
    size_t len = strlen(s_seed_json);
    memcpy(s_json, s_seed_json, len);
    memset(s_json + len, ' ', APP_CONFIG_MAX - len);
    s_json[APP_CONFIG_MAX] = '\0';
    assert_int_equal(load_json(s_json), APP_OK);
    assert_int_equal(store_count(), 1);
}

static void test_why_buffer(void **state)
{
    (void)state;
    char small[12];
    fake_flash_setup(1024, 16, 4);
    assert_int_equal(store_mount(0), APP_OK);
    frame("[]", 2);
    memset(small, 'X', sizeof(small));
    assert_int_equal(config_load(s_part, s_part_len, &s_cfg, small, sizeof(small)),
                     APP_ERR_INVAL);
    assert_string_equal(small, "top level: "); /* cut, NUL-terminated */
    /* No buffer at all is fine. */
    assert_int_equal(config_load(s_part, s_part_len, &s_cfg, NULL, 0), APP_ERR_INVAL);
    assert_store_empty();
    /* Success clears an earlier message. */
    frame(s_seed_json, strlen(s_seed_json));
    strcpy(s_why, "stale");
    assert_int_equal(config_load(s_part, s_part_len, &s_cfg, s_why, sizeof(s_why)), APP_OK);
    assert_string_equal(s_why, "");
    /* NULL partition or output. */
    assert_int_equal(config_load(NULL, 0, &s_cfg, s_why, sizeof(s_why)), APP_ERR_INVAL);
    assert_true(strlen(s_why) > 0);
    /* A rejected document leaves the stored sessions alone: they are the
     * device's data now, not the configuration's. */
    assert_int_equal(store_count(), 1);
    assert_int_equal(config_load(s_part, s_part_len, NULL, s_why, sizeof(s_why)), APP_ERR_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32),
        cmocka_unit_test_setup(test_seed_config, setup),
        cmocka_unit_test_setup(test_catalogs, setup),
        cmocka_unit_test_setup(test_full_config, setup),
        cmocka_unit_test_setup(test_partition_tail_ignored, setup),
        cmocka_unit_test_setup(test_reload_replaces, setup),
        cmocka_unit_test_setup(test_workspace, setup),
        cmocka_unit_test_setup(test_bad_table, setup),
        cmocka_unit_test_setup(test_sntp_config, setup),
        cmocka_unit_test_setup(test_tls_config, setup),
        cmocka_unit_test_setup(test_tls_pem_limit, setup),
        cmocka_unit_test_setup(test_config_string, setup),
        cmocka_unit_test_setup(test_jwt_config, setup),
        cmocka_unit_test_setup(test_jwt_limits, setup),
        cmocka_unit_test_setup(test_limits_exactly, setup),
        cmocka_unit_test_setup(test_why_buffer, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
