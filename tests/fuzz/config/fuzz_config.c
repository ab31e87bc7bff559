/* libFuzzer harness for the config partition loader (config_load with
 * the real store, json_tok and datetime). Each input is tried twice:
 * as the JSON of a correctly framed partition (so the fuzzer reaches the
 * schema walk without having to forge a CRC), and raw as a whole
 * partition (the frame checks). Both buffers are exactly sized heap
 * copies, so ASan sees any read past the end.
 *
 * Invariants: on failure the store is empty, the config is not
 * provisioned and why is a non-empty NUL-terminated string; on success
 * why is "", every session is found by its own ids, ids and names obey
 * the store's rules, and the derived stats equal the sums over the files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_flash.h"
#include "app_err.h"
#include "config.h"
#include "store.h"

#define CHECK(c)                                                                              \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

static struct config s_cfg;
static char s_why[CONFIG_WHY_MAX];

static void check_session(const struct store_session *s, int *files)
{
    size_t cat_len;
    size_t res_len;
    size_t id_len;
    const char *cat = store_session_catalog_id(s, &cat_len);
    const char *res = store_session_resource_id(s, &res_len);
    const char *id = store_session_id(s, &id_len);
    CHECK(store_id_problem(cat, cat_len) == NULL);
    CHECK(store_id_problem(res, res_len) == NULL);
    CHECK(store_id_problem(id, id_len) == NULL);

    const struct store_session *found = NULL;
    enum store_missing missing = STORE_MISSING_CATALOG;
    CHECK(store_find(cat, cat_len, res, res_len, id, id_len, &found, &missing) == APP_OK);
    CHECK(found == s);
    CHECK(missing == STORE_MISSING_NONE);
    CHECK(store_session_expiration_ms(s) >= store_session_created_ms(s));

    int n = store_session_file_count(s);
    CHECK(n >= 0 && n <= APP_MAX_FILES);
    int64_t sum = 0;
    for (int j = 0; j < n; j++) {
        struct store_file_info f;
        CHECK(store_session_file(s, j, &f) == APP_OK);
        CHECK(f.size >= 0);
        CHECK(store_name_problem(f.name, f.name_len) == NULL);
        sum = (f.size > INT64_MAX - sum) ? INT64_MAX : sum + f.size;
    }
    struct store_file_info f;
    CHECK(store_session_file(s, n, &f) == APP_ERR_NOTFOUND);
    CHECK(store_files_uploaded(s) == n);
    CHECK(store_total_bytes(s) == sum);
    *files += n;
}

static void check(int rc)
{
    struct store_usage u;
    store_usage(&u);
    CHECK(memchr(s_why, '\0', sizeof(s_why)) != NULL);
    if (rc != APP_OK) {
        CHECK(rc == APP_ERR_INVAL || rc == APP_ERR_NOMEM || rc == APP_ERR_NOTFOUND);
        CHECK(s_why[0] != '\0');
        CHECK(store_count() == 0);
        CHECK(u.sessions == 0 && u.files == 0 && u.arena_used == 0);
        CHECK(!s_cfg.provisioned);
        CHECK(s_cfg.echo && s_cfg.static_token_count == 0 && s_cfg.service_root_len == 0);
        return;
    }
    CHECK(s_why[0] == '\0');
    CHECK(s_cfg.provisioned);
    CHECK(s_cfg.service_root_len >= 1 && s_cfg.service_root_len <= APP_SERVICE_ROOT_MAX);
    CHECK(strlen(s_cfg.service_root) == s_cfg.service_root_len);
    CHECK(s_cfg.service_root[s_cfg.service_root_len - 1] != '/');
    CHECK(s_cfg.realm_len >= 1 && strlen(s_cfg.realm) == s_cfg.realm_len);
    CHECK(s_cfg.static_token_count <= APP_MAX_STATIC_TOKENS);
    CHECK(!s_cfg.has_clock_floor || s_cfg.clock_floor_ms >= 0);
    CHECK(store_count() == u.sessions && u.sessions <= APP_MAX_SESSIONS);
    CHECK(u.arena_used <= APP_STORE_ARENA);
    int files = 0;
    for (int i = 0; i < store_count(); i++) {
        const struct store_session *s = store_session_at(i);
        CHECK(s != NULL);
        CHECK(store_session_index(s) == i);
        check_session(s, &files);
    }
    CHECK(files == u.files && files <= APP_STORE_FILES);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size <= APP_CONFIG_MAX) {
        uint8_t *part = malloc(CONFIG_HEADER_LEN + size);
        if (part != NULL) {
            put_le32(part, CONFIG_MAGIC);
            part[4] = 1;
            part[5] = 0;
            part[6] = CONFIG_HEADER_LEN;
            part[7] = 0;
            put_le32(part + 8, (uint32_t)size);
            if (size > 0) {
                memcpy(part + CONFIG_HEADER_LEN, data, size);
            }
            put_le32(part + 12, config_crc32(part + CONFIG_HEADER_LEN, size));
            memset(s_why, 'X', sizeof(s_why));
            fake_flash_setup(1024, 16, 4); /* an erased store: the config imports into it */
            (void)store_mount(0);
            check(config_load(part, CONFIG_HEADER_LEN + size, &s_cfg, s_why, sizeof(s_why)));
            free(part);
        }
    }
    memset(s_why, 'X', sizeof(s_why));
    fake_flash_setup(1024, 16, 4); /* an erased store: the config imports into it */
    (void)store_mount(0);
    check(config_load(data, size, &s_cfg, s_why, sizeof(s_why)));
    return 0;
}
