/* Host test of firmware/store/store.c: add and find (all three "missing"
 * answers), exact id comparison, shared catalog/resource strings, status
 * at the expiry boundary, derived stats, every pool limit, and input
 * rules. Each test starts from an erased store and checks the pool
 * counters it expects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "fake_flash.h"
#include "store.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define CAT "73eb2497-3b88-4c0a-8bb3-68ba8162beff"
#define RES "99ab2454-3b88-4c0a-8bb3-68ba8162beff"
#define SID "23f27c15-72f9-45fe-9e9c-e3d8f75bdc44"
#define T_CREATED INT64_C(1709688912123)    /* 2024-03-06T01:35:12.123Z */
#define T_EXPIRES INT64_C(1709775312123)    /* 2024-03-07T01:35:12.123Z */

static int setup(void **state)
{
    (void)state;
    fake_flash_setup(1024, 32, 4); /* an erased store each time */
    return store_mount(0) == APP_OK ? 0 : -1;
}

static struct store_session_in session_in(const char *cat, const char *res, const char *id, bool done)
{
    struct store_session_in in = {
        .catalog_id = cat,
        .catalog_id_len = strlen(cat),
        .resource_id = res,
        .resource_id_len = strlen(res),
        .id = id,
        .id_len = strlen(id),
        .upload_done = done,
        .created_ms = T_CREATED,
        .expiration_ms = T_EXPIRES,
    };
    return in;
}

static int add(const char *cat, const char *res, const char *id)
{
    struct store_session_in in = session_in(cat, res, id, false);
    int idx = -1;
    int rc = store_session_add(&in, &idx);
    return rc == APP_OK ? idx : rc;
}

static int find(const char *cat, const char *res, const char *id, const struct store_session **s,
                enum store_missing *missing)
{
    return store_find(cat, strlen(cat), res, strlen(res), id, strlen(id), s, missing);
}

static void assert_usage(int sessions, int files, size_t arena)
{
    struct store_usage u;
    store_usage(&u);
    assert_int_equal(u.sessions, sessions);
    assert_int_equal(u.files, files);
    assert_int_equal(u.arena_used, arena);
}

/* ---- add and find ------------------------------------------------------------- */

static void test_seed_session(void **state)
{
    (void)state;
    struct store_session_in in = session_in(CAT, RES, SID, true);
    int idx = -1;
    assert_int_equal(store_session_add(&in, &idx), APP_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(store_file_add(0, "building-a-access.csv", 21, 2000000, T_CREATED), APP_OK);
    assert_usage(1, 1, 3 * 36 + 21);

    const struct store_session *s = NULL;
    enum store_missing missing = STORE_MISSING_CATALOG;
    assert_int_equal(find(CAT, RES, SID, &s, &missing), APP_OK);
    assert_non_null(s);
    assert_int_equal(missing, STORE_MISSING_NONE);
    assert_ptr_equal(s, store_session_at(0));
    assert_int_equal(store_session_index(s), 0);
    assert_int_equal(store_count(), 1);

    size_t n = 0;
    const char *p = store_session_catalog_id(s, &n);
    assert_int_equal(n, 36);
    assert_memory_equal(p, CAT, n);
    p = store_session_resource_id(s, &n);
    assert_int_equal(n, 36);
    assert_memory_equal(p, RES, n);
    p = store_session_id(s, &n);
    assert_int_equal(n, 36);
    assert_memory_equal(p, SID, n);
    assert_true(store_session_upload_done(s));
    assert_true(store_session_created_ms(s) == T_CREATED);
    assert_true(store_session_expiration_ms(s) == T_EXPIRES);
    assert_int_equal(store_session_file_count(s), 1);

    struct store_file_info f;
    assert_int_equal(store_session_file(s, 0, &f), APP_OK);
    assert_int_equal(f.name_len, 21);
    assert_memory_equal(f.name, "building-a-access.csv", 21);
    assert_true(f.size == 2000000);
    assert_true(f.uploaded_ms == T_CREATED);
    assert_int_equal(store_session_file(s, 1, &f), APP_ERR_NOTFOUND);
    assert_int_equal(store_session_file(s, -1, &f), APP_ERR_NOTFOUND);
    assert_int_equal(store_files_uploaded(s), 1);
    assert_true(store_total_bytes(s) == 2000000);
    assert_int_equal(store_status(s, T_EXPIRES + 1), STORE_STATUS_COMPLETE);
    assert_string_equal(store_status_name(store_status(s, 0)), "Complete");

    /* The ids are copies: the caller's buffers may go away. */
    char cat[] = CAT;
    struct store_session_in in2 = session_in(cat, "r", "s", false);
    assert_int_equal(store_session_add(&in2, NULL), APP_OK);
    cat[0] = 'X';
    assert_int_equal(find(CAT, "r", "s", &s, NULL), APP_OK);
}

struct find_case {
    const char *cat;
    const char *res;
    const char *id;
    int rc;
    enum store_missing missing;
    int index; /* expected session when found */
};

/* Sessions: 0 = (c1, r1, s1), 1 = (c1, r1, s2), 2 = (c1, r2, s1),
 * 3 = (c2, r3, s1). */
static const struct find_case s_find[] = {
    {"c1", "r1", "s1", APP_OK, STORE_MISSING_NONE, 0},
    {"c1", "r1", "s2", APP_OK, STORE_MISSING_NONE, 1},
    {"c1", "r2", "s1", APP_OK, STORE_MISSING_NONE, 2},
    {"c2", "r3", "s1", APP_OK, STORE_MISSING_NONE, 3},
    {"c3", "r1", "s1", APP_ERR_NOTFOUND, STORE_MISSING_CATALOG, -1},
    {"C1", "r1", "s1", APP_ERR_NOTFOUND, STORE_MISSING_CATALOG, -1},   /* exact bytes */
    {"c", "r1", "s1", APP_ERR_NOTFOUND, STORE_MISSING_CATALOG, -1},    /* prefix */
    {"c11", "r1", "s1", APP_ERR_NOTFOUND, STORE_MISSING_CATALOG, -1},  /* longer */
    {"", "", "", APP_ERR_NOTFOUND, STORE_MISSING_CATALOG, -1},
    {"c1", "r3", "s1", APP_ERR_NOTFOUND, STORE_MISSING_RESOURCE, -1}, /* r3 is in c2 only */
    {"c2", "r1", "s1", APP_ERR_NOTFOUND, STORE_MISSING_RESOURCE, -1},
    {"c1", "R1", "s1", APP_ERR_NOTFOUND, STORE_MISSING_RESOURCE, -1},
    {"c1", "r1", "s3", APP_ERR_NOTFOUND, STORE_MISSING_SESSION, -1},
    {"c2", "r3", "s2", APP_ERR_NOTFOUND, STORE_MISSING_SESSION, -1},  /* s2 is under c1/r1 */
    {"c1", "r2", "S1", APP_ERR_NOTFOUND, STORE_MISSING_SESSION, -1},
    {"c1", "r1", "s1 ", APP_ERR_NOTFOUND, STORE_MISSING_SESSION, -1},
};

static void test_find_table(void **state)
{
    (void)state;
    assert_int_equal(add("c1", "r1", "s1"), 0);
    assert_int_equal(add("c1", "r1", "s2"), 1);
    assert_int_equal(add("c1", "r2", "s1"), 2);
    assert_int_equal(add("c2", "r3", "s1"), 3);
    for (size_t i = 0; i < ARRAY_LEN(s_find); i++) {
        const struct find_case *c = &s_find[i];
        const struct store_session *s = (const struct store_session *)&s_find; /* poison */
        enum store_missing missing = (enum store_missing)99;
        int rc = find(c->cat, c->res, c->id, &s, &missing);
        if (rc != c->rc || missing != c->missing) {
            print_error("case %zu (%s,%s,%s): rc %d missing %d\n", i, c->cat, c->res, c->id, rc,
                        (int)missing);
        }
        assert_int_equal(rc, c->rc);
        assert_int_equal(missing, c->missing);
        if (rc == APP_OK) {
            assert_ptr_equal(s, store_session_at(c->index));
        } else {
            assert_null(s);
        }
    }
    /* missing may be NULL; out may not. */
    const struct store_session *s;
    assert_int_equal(find("c9", "r1", "s1", &s, NULL), APP_ERR_NOTFOUND);
    assert_int_equal(store_find("c1", 2, "r1", 2, "s1", 2, NULL, NULL), APP_ERR_INVAL);
    assert_int_equal(store_find(NULL, 2, "r1", 2, "s1", 2, &s, NULL), APP_ERR_INVAL);
    assert_int_equal(store_find(NULL, 0, NULL, 0, NULL, 0, &s, NULL), APP_ERR_NOTFOUND);
}

static void test_shared_strings(void **state)
{
    (void)state;
    /* Equal catalog and resource ids are stored once. */
    assert_int_equal(add(CAT, RES, "s1"), 0);
    assert_usage(1, 0, 36 + 36 + 2);
    assert_int_equal(add(CAT, RES, "s2"), 1);
    assert_usage(2, 0, 36 + 36 + 2 + 2);
    assert_int_equal(add(CAT, "r-other", "s3"), 2);
    assert_usage(3, 0, 36 + 36 + 2 + 2 + 7 + 2);
    size_t n0 = 0;
    size_t n1 = 0;
    assert_ptr_equal(store_session_catalog_id(store_session_at(0), &n0),
                     store_session_catalog_id(store_session_at(2), &n1));
    assert_int_equal(n0, n1);
}

static void test_duplicate_triple(void **state)
{
    (void)state;
    assert_int_equal(add("c", "r", "s"), 0);
    assert_int_equal(add("c", "r", "s"), APP_ERR_INVAL);
    assert_usage(1, 0, 3);
    assert_int_equal(add("c", "r", "t"), 1); /* one id different is another session */
    assert_int_equal(add("c", "q", "s"), 2);
    assert_int_equal(add("d", "r", "s"), 3);
}

/* ---- status and stats ----------------------------------------------------------- */

static void test_status_boundary(void **state)
{
    (void)state;
    assert_int_equal(add("c", "r", "s"), 0);
    const struct store_session *s = store_session_at(0);
    static const struct {
        int64_t now;
        enum store_status st;
    } cases[] = {
        {0, STORE_STATUS_ACTIVE},
        {T_CREATED, STORE_STATUS_ACTIVE},
        {T_EXPIRES - 1, STORE_STATUS_ACTIVE},
        {T_EXPIRES, STORE_STATUS_ACTIVE}, /* "past" the expiration, not at it */
        {T_EXPIRES + 1, STORE_STATUS_EXPIRED},
        {INT64_MAX, STORE_STATUS_EXPIRED},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        assert_int_equal(store_status(s, cases[i].now), cases[i].st);
    }
    /* Done wins over expired. */
    struct store_session_in in = session_in("c", "r", "done", true);
    assert_int_equal(store_session_add(&in, NULL), APP_OK);
    assert_int_equal(store_status(store_session_at(1), T_EXPIRES - 1), STORE_STATUS_COMPLETE);
    assert_int_equal(store_status(store_session_at(1), T_EXPIRES + 1), STORE_STATUS_COMPLETE);

    assert_string_equal(store_status_name(STORE_STATUS_ACTIVE), "Active");
    assert_string_equal(store_status_name(STORE_STATUS_COMPLETE), "Complete");
    assert_string_equal(store_status_name(STORE_STATUS_EXPIRED), "Expired");
    assert_string_equal(store_status_name((enum store_status)7), "unknownFutureValue");
}

static void test_derived_stats(void **state)
{
    (void)state;
    assert_int_equal(add("c", "r", "empty"), 0);
    assert_int_equal(add("c", "r", "three"), 1);
    assert_int_equal(add("c", "r", "huge"), 2);
    const struct store_session *e = store_session_at(0);
    assert_int_equal(store_files_uploaded(e), 0);
    assert_true(store_total_bytes(e) == 0);

    assert_int_equal(store_file_add(1, "a", 1, 0, 1), APP_OK);
    assert_int_equal(store_file_add(1, "b", 1, 5, 2), APP_OK);
    assert_int_equal(store_file_add(1, "c", 1, INT64_C(5000000000), 3), APP_OK);
    const struct store_session *t = store_session_at(1);
    assert_int_equal(store_files_uploaded(t), 3);
    assert_true(store_total_bytes(t) == INT64_C(5000000005));
    /* Files keep their order. */
    struct store_file_info f;
    assert_int_equal(store_session_file(t, 2, &f), APP_OK);
    assert_memory_equal(f.name, "c", 1);
    assert_true(f.uploaded_ms == 3);

    /* The sum saturates instead of overflowing. */
    assert_int_equal(store_file_add(2, "x", 1, INT64_MAX, 0), APP_OK);
    assert_true(store_total_bytes(store_session_at(2)) == INT64_MAX);
    assert_int_equal(store_file_add(2, "y", 1, 1, 0), APP_OK);
    assert_true(store_total_bytes(store_session_at(2)) == INT64_MAX);
    assert_int_equal(store_file_add(2, "z", 1, INT64_MAX, 0), APP_OK);
    assert_true(store_total_bytes(store_session_at(2)) == INT64_MAX);
    assert_int_equal(store_files_uploaded(store_session_at(2)), 3);
    /* Saturation when the big one comes second. */
    assert_int_equal(add("c", "r", "late-huge"), 3);
    assert_int_equal(store_file_add(3, "s", 1, 5, 0), APP_OK);
    assert_int_equal(store_file_add(3, "h", 1, INT64_MAX, 0), APP_OK);
    assert_true(store_total_bytes(store_session_at(3)) == INT64_MAX);
    /* Other sessions are untouched by files of their neighbours. */
    assert_int_equal(store_files_uploaded(e), 0);
    assert_usage(4, 8, 1 + 1 + 5 + 5 + 4 + 9 + 6 + 2);
}

/* ---- limits ------------------------------------------------------------------------ */

static void test_session_limit(void **state)
{
    (void)state;
    char id[16];
    for (int i = 0; i < APP_MAX_SESSIONS; i++) {
        snprintf(id, sizeof(id), "s%d", i);
        assert_int_equal(add("c", "r", id), i);
    }
    struct store_usage before;
    store_usage(&before);
    assert_int_equal(add("c", "r", "one-more"), APP_ERR_NOMEM);
    assert_usage(before.sessions, 0, before.arena_used);
    assert_int_equal(store_count(), APP_MAX_SESSIONS);
    assert_null(store_session_at(APP_MAX_SESSIONS));
    assert_null(store_session_at(-1));
    (void)setup(NULL);
    assert_usage(0, 0, 0);
    assert_int_equal(store_count(), 0);
    const struct store_session *s;
    assert_int_equal(find("c", "r", "s0", &s, NULL), APP_ERR_NOTFOUND);
}

static void test_files_per_session_limit(void **state)
{
    (void)state;
    assert_int_equal(add("c", "r", "s"), 0);
    for (int i = 0; i < APP_MAX_FILES; i++) {
        assert_int_equal(store_file_add(0, "f", 1, i, 0), APP_OK);
    }
    assert_int_equal(store_file_add(0, "f", 1, 0, 0), APP_ERR_NOMEM);
    assert_usage(1, APP_MAX_FILES, 3 + APP_MAX_FILES);
    assert_int_equal(store_session_file_count(store_session_at(0)), APP_MAX_FILES);
}

static void test_file_pool_limit(void **state)
{
    (void)state;
    int added = 0;
    int session = 0;
    char id[16];
    /* Fill the shared pool across as many sessions as it takes. */
    while (added < APP_STORE_FILES) {
        snprintf(id, sizeof(id), "s%d", session);
        assert_int_equal(add("c", "r", id), session);
        for (int k = 0; k < APP_MAX_FILES && added < APP_STORE_FILES; k++, added++) {
            assert_int_equal(store_file_add(session, "f", 1, 1, 0), APP_OK);
        }
        session++;
    }
    struct store_usage before;
    store_usage(&before);
    assert_int_equal(before.files, APP_STORE_FILES);
    /* A session with room of its own still finds the pool empty. */
    if (session < APP_MAX_SESSIONS) {
        assert_int_equal(add("c", "r", "fresh"), session);
        store_usage(&before);
        assert_int_equal(store_file_add(session, "f", 1, 1, 0), APP_ERR_NOMEM);
        assert_int_equal(store_session_file_count(store_session_at(session)), 0);
    }
    assert_int_equal(store_file_add(0, "f", 1, 1, 0), APP_ERR_NOMEM);
    assert_usage(before.sessions, APP_STORE_FILES, before.arena_used);
}

static void test_arena_limit(void **state)
{
    (void)state;
    char name[APP_FILE_NAME_MAX];
    memset(name, 'n', sizeof(name));
    /* Ids of 64 bytes each: 192 bytes for the first session. */
    char cat[APP_ID_MAX + 1];
    memset(cat, 'c', APP_ID_MAX);
    cat[APP_ID_MAX] = '\0';
    char res[APP_ID_MAX + 1];
    memset(res, 'r', APP_ID_MAX);
    res[APP_ID_MAX] = '\0';
    char id[APP_ID_MAX + 1];
    memset(id, 'i', APP_ID_MAX);
    id[APP_ID_MAX] = '\0';
    assert_int_equal(add(cat, res, id), 0);
    size_t used = 3 * APP_ID_MAX;
    assert_usage(1, 0, used);
    /* "c" and "r" stored once here; later sessions cost their id only. */
    assert_int_equal(add("c", "r", "x"), 1);
    used += 3;
    int nsess = 2;

    /* Names until the next one would not fit (files spread over sessions
     * so that the per-session and pool limits stay out of the way). */
    int files = 0;
    int session = 0;
    while (APP_STORE_ARENA - used >= sizeof(name) && files < APP_STORE_FILES) {
        if (store_session_file_count(store_session_at(session)) == APP_MAX_FILES) {
            char sid[16];
            snprintf(sid, sizeof(sid), "x%d", session);
            session = add("c", "r", sid);
            assert_int_equal(session, nsess);
            nsess++;
            used += strlen(sid);
        }
        assert_int_equal(store_file_add(session, name, sizeof(name), 1, 0), APP_OK);
        used += sizeof(name);
        files++;
    }
    assert_true(files < APP_STORE_FILES); /* the arena ran out first */
    size_t left = APP_STORE_ARENA - used;
    assert_usage(nsess, files, used);
    /* One byte too many fails and changes nothing. */
    assert_int_equal(store_file_add(session, name, left + 1, 1, 0), APP_ERR_NOMEM);
    assert_usage(nsess, files, used);
    /* Leave exactly 3 bytes ("c" and "r" are already stored, so a new
     * session costs its id only). */
    assert_true(left > 3);
    assert_int_equal(store_file_add(session, name, left - 3, 1, 0), APP_OK);
    files++;
    assert_usage(nsess, files, APP_STORE_ARENA - 3);
    assert_int_equal(add("c", "r", "abcd"), APP_ERR_NOMEM);
    assert_usage(nsess, files, APP_STORE_ARENA - 3);
    int last = add("c", "r", "abc");
    assert_int_equal(last, nsess);
    assert_usage(nsess + 1, files, APP_STORE_ARENA);
    /* Full to the last byte: nothing more, not even one byte. */
    assert_int_equal(store_file_add(last, "x", 1, 1, 0), APP_ERR_NOMEM);
    assert_int_equal(add("c", "r", "z"), APP_ERR_NOMEM);
    assert_int_equal(store_count(), nsess + 1);
    assert_usage(nsess + 1, files, APP_STORE_ARENA);
}

/* ---- input rules --------------------------------------------------------------------- */

struct rule_case {
    const char *s;
    size_t len; /* 0: strlen(s) */
    const char *problem; /* substring, or NULL for valid */
};

static char s_long_id[APP_ID_MAX + 2];
static char s_long_name[APP_FILE_NAME_MAX + 2];

static void test_id_rules(void **state)
{
    (void)state;
    memset(s_long_id, 'a', sizeof(s_long_id) - 1);
    const struct rule_case cases[] = {
        {"a", 0, NULL},
        {"!~%AZaz09-_.", 0, NULL},
        {s_long_id, APP_ID_MAX, NULL},
        {s_long_id, APP_ID_MAX + 1, "longer than"},
        {"", 0, "empty"},
        {"a/b", 0, "'/'"},
        {"a b", 0, "printable"},
        {"a\x7f", 0, "printable"},
        {"a\tb", 0, "printable"},
        {"\xc3\xa9", 0, "printable"},
        {"a\0b", 3, "printable"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);
        const char *p = store_id_problem(cases[i].s, len);
        if (cases[i].problem == NULL) {
            assert_null(p);
        } else {
            assert_non_null(p);
            assert_non_null(strstr(p, cases[i].problem));
        }
        /* The store enforces the same rule. */
        struct store_session_in in = session_in("c", "r", "s", false);
        in.id = cases[i].s;
        in.id_len = len;
        (void)setup(NULL);
        assert_int_equal(store_session_add(&in, NULL), p == NULL ? APP_OK : APP_ERR_INVAL);
        in = session_in("c", "r", "s", false);
        in.catalog_id = cases[i].s;
        in.catalog_id_len = len;
        (void)setup(NULL);
        assert_int_equal(store_session_add(&in, NULL), p == NULL ? APP_OK : APP_ERR_INVAL);
        in = session_in("c", "r", "s", false);
        in.resource_id = cases[i].s;
        in.resource_id_len = len;
        (void)setup(NULL);
        assert_int_equal(store_session_add(&in, NULL), p == NULL ? APP_OK : APP_ERR_INVAL);
    }
    assert_int_equal(store_session_add(NULL, NULL), APP_ERR_INVAL);
}

static void test_name_rules(void **state)
{
    (void)state;
    memset(s_long_name, 'n', sizeof(s_long_name) - 1);
    const struct rule_case cases[] = {
        {"building-a-access.csv", 0, NULL},
        {"with space/and slash.csv", 0, NULL},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80.csv", 0, NULL},
        {"del\x7f", 0, NULL}, /* only bytes < 0x20 are refused */
        {s_long_name, APP_FILE_NAME_MAX, NULL},
        {s_long_name, APP_FILE_NAME_MAX + 1, "longer than"},
        {"", 0, "empty"},
        {"a\nb", 0, "control"},
        {"a\0b", 3, "control"},
        {"\x1f", 0, "control"},
        {"\xff", 0, "UTF-8"},
        {"\xc3", 0, "UTF-8"},
        {"\xc0\xaf", 0, "UTF-8"},
        {"\xed\xa0\x80", 0, "UTF-8"},
        {"\xf4\x90\x80\x80", 0, "UTF-8"},
        {"a\x80", 0, "UTF-8"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].s);
        const char *p = store_name_problem(cases[i].s, len);
        if (cases[i].problem == NULL) {
            if (p != NULL) {
                print_error("case %zu: unexpected problem %s\n", i, p);
            }
            assert_null(p);
        } else {
            assert_non_null(p);
            assert_non_null(strstr(p, cases[i].problem));
        }
        (void)setup(NULL);
        assert_int_equal(add("c", "r", "s"), 0);
        assert_int_equal(store_file_add(0, cases[i].s, len, 1, 0),
                         p == NULL ? APP_OK : APP_ERR_INVAL);
        assert_int_equal(store_session_file_count(store_session_at(0)), p == NULL ? 1 : 0);
    }
}

static void test_file_add_rejects(void **state)
{
    (void)state;
    assert_int_equal(add("c", "r", "s"), 0);
    assert_int_equal(store_file_add(0, "f", 1, -1, 0), APP_ERR_INVAL);
    assert_int_equal(store_file_add(0, "f", 1, INT64_MIN, 0), APP_ERR_INVAL);
    assert_int_equal(store_file_add(1, "f", 1, 1, 0), APP_ERR_INVAL); /* no session 1 */
    assert_int_equal(store_file_add(-1, "f", 1, 1, 0), APP_ERR_INVAL);
    assert_int_equal(store_file_add(0, NULL, 1, 1, 0), APP_ERR_INVAL);
    assert_usage(1, 0, 3);
    assert_int_equal(store_file_add(0, "f", 1, 0, 0), APP_OK); /* size 0 is fine */
    assert_int_equal(store_session_index((const struct store_session *)&state), APP_ERR_INVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_seed_session, setup),
        cmocka_unit_test_setup(test_find_table, setup),
        cmocka_unit_test_setup(test_shared_strings, setup),
        cmocka_unit_test_setup(test_duplicate_triple, setup),
        cmocka_unit_test_setup(test_status_boundary, setup),
        cmocka_unit_test_setup(test_derived_stats, setup),
        cmocka_unit_test_setup(test_session_limit, setup),
        cmocka_unit_test_setup(test_files_per_session_limit, setup),
        cmocka_unit_test_setup(test_file_pool_limit, setup),
        cmocka_unit_test_setup(test_arena_limit, setup),
        cmocka_unit_test_setup(test_id_rules, setup),
        cmocka_unit_test_setup(test_name_rules, setup),
        cmocka_unit_test_setup(test_file_add_rejects, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
