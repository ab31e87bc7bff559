/* Store power-cut self-test (store_selftest.h). Test image only: the whole
 * file is empty unless APP_STORE_SELFTEST. */
#include "store_selftest.h"

#if APP_STORE_SELFTEST

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "app_err.h"
#include "log.h"
#include "store.h"

/* The seed's catalog and resource: a normal GET finds the w sessions. */
static const char s_cat[] = "73eb2497-3b88-4c0a-8bb3-68ba8162beff";
static const char s_res[] = "99ab2454-3b88-4c0a-8bb3-68ba8162beff";

#define SELFTEST_FILES_MAX 3
#define SELFTEST_FILE_BYTES 20000u
#define SELFTEST_CREATED_MS 1709688912123LL    /* 2024-03-06T01:35:12.123Z */
#define SELFTEST_EXPIRES_MS 4102444800000LL    /* 2100-01-01: stays Active */

/* What session w<N> gets: drawn from N alone, so a run can be replayed. */
struct plan {
    int nfiles;
    uint32_t size[SELFTEST_FILES_MAX];
    bool done;
    bool del;        /* then delete an older w session */
    uint32_t chunks; /* seed of the chunk sizes */
};

enum step { STEP_ADD, STEP_FILE, STEP_DONE, STEP_DEL, STEP_NEXT };

static bool s_on;
static uint32_t s_n; /* the session being written is w<s_n> */
static struct plan s_plan;
static enum step s_step;
static int s_file; /* next file of STEP_FILE */
static struct store_writer s_writer;
static uint8_t s_buf[1024];

static uint32_t xorshift(uint32_t *x)
{
    uint32_t v = *x;
    v ^= v << 13;
    v ^= v >> 17;
    v ^= v << 5;
    *x = v;
    return v;
}

static void plan_for(uint32_t n, struct plan *p)
{
    uint32_t x = n * 2654435761u + 0x9e3779b9u;
    (void)xorshift(&x);
    p->nfiles = 1 + (int)(xorshift(&x) % SELFTEST_FILES_MAX);
    for (int k = 0; k < SELFTEST_FILES_MAX; k++) {
        p->size[k] = xorshift(&x) % (SELFTEST_FILE_BYTES + 1u);
    }
    p->done = (xorshift(&x) % 2u) == 0u;
    p->del = (xorshift(&x) % 3u) == 0u;
    p->chunks = xorshift(&x) | 1u;
}

/* N of an id "w<N>", or -1 for any other id. */
static int64_t w_number(const char *id, size_t len)
{
    if (len < 2 || len > 10 || id[0] != 'w') {
        return -1;
    }
    int64_t n = 0;
    for (size_t i = 1; i < len; i++) {
        if (id[i] < '0' || id[i] > '9') {
            return -1;
        }
        n = n * 10 + (id[i] - '0');
    }
    return n;
}

static int find_w(uint32_t n)
{
    char id[16];
    int len = log_format(id, sizeof(id), "w%u", (unsigned)n);
    const struct store_session *s = NULL;
    if (len < 0 || store_find(s_cat, sizeof(s_cat) - 1u, s_res, sizeof(s_res) - 1u, id,
                              (size_t)len, &s, NULL) != APP_OK) {
        return APP_ERR_NOTFOUND;
    }
    return store_session_index(s);
}

/* Index of the w session to delete: the oldest (smallest N) other than
 * w<s_n> when not_current, or -1. */
static int oldest_w(bool not_current, uint32_t *n_out)
{
    int best = -1;
    int64_t best_n = 0;
    for (int i = 0; i < store_count(); i++) {
        size_t len = 0;
        const char *id = store_session_id(store_session_at(i), &len);
        int64_t n = w_number(id, len);
        if (n < 0 || (not_current && n == (int64_t)s_n)) {
            continue;
        }
        if (best < 0 || n < best_n) {
            best = i;
            best_n = n;
        }
    }
    *n_out = (uint32_t)best_n;
    return best;
}

static void next_session(void)
{
    s_n++;
    plan_for(s_n, &s_plan);
    s_step = STEP_ADD;
    s_file = 0;
}

/* Make room: delete the oldest w session (w<s_n> itself when it is the
 * only one, and then go on with the next). */
static void make_room(int why)
{
    uint32_t n = 0;
    int i = oldest_w(true, &n);
    if (i < 0) {
        i = oldest_w(false, &n);
    }
    if (i < 0) {
        log_printf("selftest: full (%s) with no w session to delete\r\n", app_err_name(why));
        s_on = false;
        return;
    }
    int rc = store_session_delete(i);
    if (rc != APP_OK) {
        log_printf("selftest: delete w%u failed (%s)\r\n", (unsigned)n, app_err_name(rc));
        s_on = false;
        return;
    }
    log_printf("selftest: ack del w%u\r\n", (unsigned)n);
    if (n == s_n) {
        next_session();
    }
}

static int add_session(void)
{
    char id[16];
    int len = log_format(id, sizeof(id), "w%u", (unsigned)s_n);
    struct store_session_in in = {
        .catalog_id = s_cat,
        .catalog_id_len = sizeof(s_cat) - 1u,
        .resource_id = s_res,
        .resource_id_len = sizeof(s_res) - 1u,
        .id = id,
        .id_len = (size_t)len,
        .created_ms = SELFTEST_CREATED_MS,
        .expiration_ms = SELFTEST_EXPIRES_MS,
    };
    return store_session_add(&in, NULL);
}

/* Byte off of file k of w<n>: a pattern no other file has at that place. */
static uint8_t pattern(uint32_t n, uint32_t k, uint32_t off)
{
    return (uint8_t)(n * 131u + k * 29u + off + (off >> 8) * 7u);
}

/* File s_file of w<s_n>, whole, in uneven chunks; APP_OK once committed. */
static int upload_file(void)
{
    int i = find_w(s_n);
    if (i < 0) {
        return i;
    }
    char name[16];
    int name_len = log_format(name, sizeof(name), "f%d.bin", s_file);
    int rc = store_file_begin(&s_writer, i, name, (size_t)name_len);
    if (rc != APP_OK) {
        return rc;
    }
    uint32_t size = s_plan.size[s_file];
    uint32_t x = s_plan.chunks + (uint32_t)s_file;
    for (uint32_t off = 0; off < size;) {
        uint32_t n = 1u + xorshift(&x) % (uint32_t)sizeof(s_buf);
        if (n > size - off) {
            n = size - off;
        }
        for (uint32_t j = 0; j < n; j++) {
            s_buf[j] = pattern(s_n, (uint32_t)s_file, off + j);
        }
        rc = store_file_write(&s_writer, s_buf, n);
        if (rc != APP_OK) {
            store_file_abort(&s_writer);
            return rc;
        }
        off += n;
    }
    uint8_t fid[16] = {0};
    memcpy(fid, &s_n, sizeof(s_n));
    return store_file_commit(&s_writer, fid, SELFTEST_CREATED_MS, NULL);
}

void store_selftest_start(void)
{
    int rc = store_state();
    if (rc != APP_OK) {
        log_printf("selftest: store not mounted (%s): no writes\r\n", app_err_name(rc));
        return;
    }
    /* The test counts on every ack being on the UART before the next
     * operation starts: the ring would keep (or drop) lines at a kill. */
    log_sync();
    int64_t max_n = 0;
    int count = store_count();
    for (int i = 0; i < count; i++) {
        const struct store_session *s = store_session_at(i);
        size_t len = 0;
        const char *id = store_session_id(s, &len);
        char idz[APP_ID_MAX + 1];
        memcpy(idz, id, len);
        idz[len] = '\0';
        char sizes[4 * 12] = "";
        size_t used = 0;
        const char *verify = "ok";
        int nf = store_session_file_count(s);
        for (int k = 0; k < nf; k++) {
            struct store_file_info fi;
            if (store_session_file(s, k, &fi) == APP_OK && used < sizeof(sizes)) {
                int w = log_format(sizes + used, sizeof(sizes) - used, "%s%u", k ? "," : "",
                                   (unsigned)fi.size);
                used += (w > 0) ? (size_t)w : sizeof(sizes);
            }
            int v = store_file_verify(s, k);
            if (v == APP_ERR_CORRUPT) {
                verify = "corrupt";
            } else if (v != APP_OK && v != APP_ERR_NOTFOUND && verify[0] == 'o') {
                verify = app_err_name(v); /* NOTFOUND: imported, no bytes held */
            }
        }
        log_printf("selftest: have %s files=%d bytes=%u done=%d sizes=%s verify=%s\r\n",
                   idz, nf, (unsigned)store_total_bytes(s),
                   store_session_upload_done(s) ? 1 : 0, nf ? sizes : "-", verify);
        int64_t n = w_number(id, len);
        if (n > max_n) {
            max_n = n;
        }
    }
    log_printf("selftest: holding %d\r\n", count);
    s_n = (uint32_t)max_n;
    next_session();
    s_on = true;
}

void store_selftest_poll(void)
{
    if (!s_on) {
        return;
    }
    int rc = APP_OK;
    switch (s_step) {
    case STEP_ADD:
        rc = add_session();
        if (rc == APP_OK) {
            log_printf("selftest: ack add w%u\r\n", (unsigned)s_n);
            s_step = STEP_FILE;
        }
        break;
    case STEP_FILE:
        if (s_file >= s_plan.nfiles) {
            s_step = STEP_DONE;
            break;
        }
        rc = upload_file();
        if (rc == APP_OK) {
            log_printf("selftest: ack file w%u %d %u\r\n", (unsigned)s_n, s_file,
                       (unsigned)s_plan.size[s_file]);
            s_file++;
        }
        break;
    case STEP_DONE:
        if (s_plan.done) {
            int i = find_w(s_n);
            rc = (i < 0) ? i : store_session_set_done(i);
            if (rc == APP_OK) {
                log_printf("selftest: ack done w%u\r\n", (unsigned)s_n);
            }
        }
        if (rc == APP_OK) {
            s_step = STEP_DEL;
        }
        break;
    case STEP_DEL:
        if (s_plan.del) {
            uint32_t n = 0;
            int i = oldest_w(true, &n);
            if (i >= 0) {
                rc = store_session_delete(i);
                if (rc == APP_OK) {
                    log_printf("selftest: ack del w%u\r\n", (unsigned)n);
                }
            }
        }
        if (rc == APP_OK) {
            s_step = STEP_NEXT;
        }
        break;
    case STEP_NEXT:
    default:
        next_session();
        break;
    }
    if (rc == APP_ERR_NOSPACE || rc == APP_ERR_NOMEM) {
        make_room(rc);
    } else if (rc != APP_OK) {
        log_printf("selftest: w%u step %d failed (%s); stopping\r\n", (unsigned)s_n, (int)s_step,
                   app_err_name(rc));
        s_on = false;
    }
}

#endif
