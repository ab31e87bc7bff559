/* libFuzzer harness for the store's mount (firmware/store/): the input is
 * a flash image (16 x 256-byte sectors, program unit 4; short inputs are
 * padded with erased bytes). Whatever the bytes, the mount must end
 * (libFuzzer's timeout catches a loop), must not touch an image it refuses
 * (never a silent wipe), and a store it accepts must read back (every
 * accessor, every file against its CRC) and keep working: a session and a
 * file written, then a remount that finds them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app_err.h"
#include "fake_flash.h"
#include "store.h"

#define SECT 256u
#define NSECT 16u

static uint8_t s_before[SECT * NSECT];

static void check(int cond)
{
    if (!cond) {
        abort();
    }
}

static void read_all(void)
{
    char ref[APP_ID_MAX];
    uint8_t data[STORE_DATA_MAX];
    uint8_t b[64];
    for (int i = 0; i < store_count(); i++) {
        const struct store_session *s = store_session_at(i);
        size_t n = 0;
        check(store_session_id(s, &n) != NULL && n > 0);
        check(store_session_reference_id(s, ref, sizeof(ref)) >= 0);
        check(store_session_data(s, data, sizeof(data)) >= 0);
        (void)store_total_bytes(s);
        for (int k = 0; k < store_session_file_count(s); k++) {
            struct store_file_info fi;
            check(store_session_file(s, k, &fi) == APP_OK);
            int rc = store_file_verify(s, k);
            check(rc == APP_OK || rc == APP_ERR_CORRUPT || rc == APP_ERR_NOTFOUND);
            (void)store_file_read(s, k, 0, b, sizeof(b));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fake_flash_setup(SECT, NSECT, 4);
    uint8_t *mem = fake_flash_mem();
    memcpy(mem, data, size < SECT * NSECT ? size : SECT * NSECT);
    memcpy(s_before, mem, sizeof(s_before));
    store_reset();
    int rc = store_mount(1);
    check(rc == APP_OK || rc == APP_ERR_CORRUPT || rc == APP_ERR_NOMEM);
    if (rc != APP_OK) {
        check(memcmp(s_before, mem, sizeof(s_before)) == 0);
        return 0;
    }
    read_all();
    int before = store_count();
    static const char cat[] = "c";
    static const char id[] = "fuzz-new";
    struct store_session_in in = {
        .catalog_id = cat, .catalog_id_len = 1, .resource_id = cat, .resource_id_len = 1,
        .id = id, .id_len = sizeof(id) - 1, .created_ms = 1, .expiration_ms = 2,
    };
    int at = -1;
    rc = store_session_add(&in, &at);
    check(rc == APP_OK || rc == APP_ERR_NOSPACE || rc == APP_ERR_NOMEM || rc == APP_ERR_INVAL);
    int files = 0;
    if (rc == APP_OK) {
        static struct store_writer w;
        if (store_file_begin(&w, at, "f.csv", 5) == APP_OK) {
            uint8_t b[300];
            memset(b, 'x', sizeof(b));
            if (store_file_write(&w, b, sizeof(b)) == APP_OK &&
                store_file_commit(&w, NULL, 3, NULL) == APP_OK) {
                files = 1;
            } else {
                store_file_abort(&w);
            }
        }
        store_reset();
        check(store_mount(1) == APP_OK);
        const struct store_session *s = NULL;
        check(store_find(cat, 1, cat, 1, id, sizeof(id) - 1, &s, NULL) == APP_OK);
        check(store_session_file_count(s) == files);
        check(files == 0 || store_file_verify(s, 0) == APP_OK);
        check(store_count() == before + 1);
        read_all();
    }
    return 0;
}
