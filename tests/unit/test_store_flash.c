/* Host test of the persistent store (firmware/store/) on a simulated NOR
 * flash (fake_flash.c): power cut after every program or erase of a
 * scenario, each with three kinds of tear; then the store must mount,
 * hold exactly the state before or after the operation that was cut (and
 * every operation before it), and keep working. Also: formatting, an
 * unreadable image reported and left alone, limits, store full, the
 * order of files after compaction, and wear spread over 100,000 cycles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "fake_flash.h"
#include "store.h"

#define CAT "73eb2497-3b88-4c0a-8bb3-68ba8162beff"
#define RES "99ab2454-3b88-4c0a-8bb3-68ba8162beff"
#define MAXS 16
#define MAXF 10

/* ---- a model of what the store should hold ----------------------------------- */

struct mfile {
    char name[24];
    uint32_t size;
    uint32_t seed; /* content: byte i is pattern(seed, i) */
};

struct msession {
    char id[24];
    char ref[24];
    bool done;
    int nfiles;
    struct mfile files[MAXF];
};

struct model {
    int n;
    struct msession s[MAXS];
};

static uint8_t pattern(uint32_t seed, uint32_t i)
{
    return (uint8_t)(seed * 31u + i * 7u + (i >> 8) + (i >> 16));
}

static int model_find(const struct model *m, const char *id)
{
    for (int i = 0; i < m->n; i++) {
        if (strcmp(m->s[i].id, id) == 0) {
            return i;
        }
    }
    return -1;
}

static int find(const char *id, const struct store_session **s)
{
    return store_find(CAT, strlen(CAT), RES, strlen(RES), id, strlen(id), s, NULL);
}

/* The store holds exactly m (ids, order, done, references, files and
 * their bytes). Returns 0, or a line number that differs (for messages). */
static int matches(const struct model *m)
{
    if (store_count() != m->n) {
        return __LINE__;
    }
    for (int i = 0; i < m->n; i++) {
        const struct msession *ms = &m->s[i];
        const struct store_session *s = store_session_at(i);
        size_t n = 0;
        const char *id = store_session_id(s, &n);
        char ref[APP_ID_MAX];
        if (n != strlen(ms->id) || memcmp(id, ms->id, n) != 0) {
            return __LINE__;
        }
        if (store_session_upload_done(s) != ms->done || store_session_file_count(s) != ms->nfiles) {
            return __LINE__;
        }
        int rl = store_session_reference_id(s, ref, sizeof(ref));
        if (rl != (int)strlen(ms->ref) || memcmp(ref, ms->ref, (size_t)rl) != 0) {
            return __LINE__;
        }
        for (int k = 0; k < ms->nfiles; k++) {
            struct store_file_info fi;
            const struct mfile *mf = &ms->files[k];
            if (store_session_file(s, k, &fi) != APP_OK || fi.name_len != strlen(mf->name) ||
                memcmp(fi.name, mf->name, fi.name_len) != 0 || fi.size != (int64_t)mf->size) {
                return __LINE__;
            }
            if (store_file_verify(s, k) != APP_OK) {
                return __LINE__;
            }
            uint8_t b[200];
            for (uint32_t off = 0; off < mf->size;) {
                int got = store_file_read(s, k, off, b, sizeof(b));
                if (got <= 0) {
                    return __LINE__;
                }
                for (int j = 0; j < got; j++) {
                    if (b[j] != pattern(mf->seed, off + (uint32_t)j)) {
                        return __LINE__;
                    }
                }
                off += (uint32_t)got;
            }
        }
    }
    return 0;
}

static void dump(const struct model *m)
{
    print_message("model:");
    for (int i = 0; i < m->n; i++) {
        print_message(" %s(%d files%s)", m->s[i].id, m->s[i].nfiles, m->s[i].done ? ", done" : "");
    }
    print_message("\nstore:");
    for (int i = 0; i < store_count(); i++) {
        size_t n = 0;
        const char *id = store_session_id(store_session_at(i), &n);
        print_message(" %.*s(%d files%s)", (int)n, id, store_session_file_count(store_session_at(i)),
                      store_session_upload_done(store_session_at(i)) ? ", done" : "");
    }
    print_message("\n");
}

/* ---- operations, on the store and on the model -------------------------------- */

enum op_kind { OP_ADD, OP_FILE, OP_ABORTED_FILE, OP_DONE, OP_DEL };

struct op {
    enum op_kind kind;
    const char *id;
    const char *name; /* OP_FILE */
    uint32_t size;
    uint32_t seed;
};

static struct store_writer s_w;

static int do_add(const struct op *o)
{
    struct store_session_in in = {
        .catalog_id = CAT,
        .catalog_id_len = strlen(CAT),
        .resource_id = RES,
        .resource_id_len = strlen(RES),
        .id = o->id,
        .id_len = strlen(o->id),
        .reference_id = o->id,
        .reference_id_len = strlen(o->id),
        .data = "review",
        .data_len = 6,
        .created_ms = 1000,
        .expiration_ms = 2000,
    };
    return store_session_add(&in, NULL);
}

/* Write a file in uneven chunks, as a network would deliver it. */
static int do_file(const struct op *o, bool commit)
{
    const struct store_session *s;
    int rc = find(o->id, &s);
    if (rc != APP_OK) {
        return rc;
    }
    rc = store_file_begin(&s_w, store_session_index(s), o->name, strlen(o->name));
    uint8_t b[173];
    for (uint32_t off = 0; rc == APP_OK && off < o->size;) {
        uint32_t k = 1u + (off * 7u + 13u) % (uint32_t)sizeof(b);
        k = (o->size - off < k) ? o->size - off : k;
        for (uint32_t j = 0; j < k; j++) {
            b[j] = pattern(o->seed, off + j);
        }
        rc = store_file_write(&s_w, b, k);
        off += k;
    }
    if (rc == APP_OK && commit) {
        return store_file_commit(&s_w, NULL, 1500, NULL);
    }
    store_file_abort(&s_w);
    return rc;
}

static int run_op(const struct op *o)
{
    const struct store_session *s;
    switch (o->kind) {
    case OP_ADD: return do_add(o);
    case OP_FILE: return do_file(o, true);
    case OP_ABORTED_FILE: return do_file(o, false);
    case OP_DONE:
        return find(o->id, &s) == APP_OK ? store_session_set_done(store_session_index(s))
                                         : APP_ERR_NOTFOUND;
    case OP_DEL:
        return find(o->id, &s) == APP_OK ? store_session_delete(store_session_index(s))
                                         : APP_ERR_NOTFOUND;
    }
    return APP_ERR_INVAL;
}

static void model_op(struct model *m, const struct op *o)
{
    int i = model_find(m, o->id);
    switch (o->kind) {
    case OP_ADD:
        memset(&m->s[m->n], 0, sizeof(m->s[0]));
        snprintf(m->s[m->n].id, sizeof(m->s[0].id), "%s", o->id);
        snprintf(m->s[m->n].ref, sizeof(m->s[0].ref), "%s", o->id);
        m->n++;
        break;
    case OP_FILE: {
        struct mfile *f = &m->s[i].files[m->s[i].nfiles++];
        snprintf(f->name, sizeof(f->name), "%s", o->name);
        f->size = o->size;
        f->seed = o->seed;
        break;
    }
    case OP_ABORTED_FILE: break;
    case OP_DONE: m->s[i].done = true; break;
    case OP_DEL:
        memmove(&m->s[i], &m->s[i + 1], (size_t)(m->n - i - 1) * sizeof(m->s[0]));
        m->n--;
        break;
    }
}

/* The scenario: creates, files in chunks across sectors, done, deletes,
 * an abandoned upload, and enough churn on a 24-sector flash that the
 * metadata log is compacted and the allocator wraps round several times. */
static struct op s_ops[96];
static int s_nops;
static char s_names[80][24];

static void build_scenario(void)
{
    s_nops = 0;
    struct op base[] = {
        {OP_ADD, "A", NULL, 0, 0},
        {OP_FILE, "A", "a1.csv", 1200, 1},
        {OP_ADD, "B", NULL, 0, 0},
        {OP_FILE, "B", "b1.csv", 300, 2},
        {OP_DONE, "A", NULL, 0, 0},
        {OP_FILE, "B", "b2.csv", 0, 3},
        {OP_FILE, "B", "b3.csv", 900, 4},
        {OP_DEL, "A", NULL, 0, 0},
        {OP_ADD, "C", NULL, 0, 0},
        {OP_ABORTED_FILE, "C", "c0.csv", 700, 5},
        {OP_FILE, "C", "c1.csv", 2000, 6},
    };
    for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
        s_ops[s_nops++] = base[i];
    }
    for (int k = 0; k < 14; k++) {
        snprintf(s_names[k], sizeof(s_names[k]), "D%d", k);
        s_ops[s_nops++] = (struct op){OP_ADD, s_names[k], NULL, 0, 0};
        s_ops[s_nops++] = (struct op){OP_FILE, s_names[k], "d.csv", 600u + 50u * (uint32_t)k,
                                      10u + (uint32_t)k};
        if (k % 3 == 2) {
            s_ops[s_nops++] = (struct op){OP_DONE, s_names[k], NULL, 0, 0};
        }
        if (k != 5) {
            s_ops[s_nops++] = (struct op){OP_DEL, s_names[k], NULL, 0, 0};
        }
    }
    s_ops[s_nops++] = (struct op){OP_DONE, "B", NULL, 0, 0};
    s_ops[s_nops++] = (struct op){OP_FILE, "C", "c2.csv", 1000, 7};
    s_ops[s_nops++] = (struct op){OP_DEL, "B", NULL, 0, 0};
}

#define SECT 512u
#define NSECT 24u

static uint32_t s_sect = SECT;
static uint32_t s_nsect = NSECT;
static uint32_t s_unit = 4;

static void fresh(void)
{
    fake_flash_setup(s_sect, s_nsect, s_unit);
    store_reset();
    assert_int_equal(store_mount(7), APP_OK);
}

/* Every cut point of the scenario, in the three tear modes. */
static void power_cuts(uint32_t sect, uint32_t nsect, uint32_t unit)
{
    s_sect = sect;
    s_nsect = nsect;
    s_unit = unit;
    build_scenario();
    /* A full run: how many programs and erases the scenario makes. */
    fresh();
    struct model m = {0};
    for (int i = 0; i < s_nops; i++) {
        assert_int_equal(run_op(&s_ops[i]), APP_OK);
        model_op(&m, &s_ops[i]);
        assert_int_equal(matches(&m), 0);
    }
    long total = fake_flash_ops();
    long runs = 0;
    uint32_t erases = 0;
    for (uint32_t i = 0; i < nsect; i++) {
        erases += fake_flash_erase_count(i);
    }
    /* The scenario really wraps round the flash (the first pass takes erased
     * sectors; every erase is a sector used again) and so compacts. */
    assert_true(erases >= nsect);
    static const enum fake_flash_tear tears[] = {FAKE_FLASH_TEAR_NONE, FAKE_FLASH_TEAR_PREFIX,
                                                 FAKE_FLASH_TEAR_RANDOM};
    for (size_t t = 0; t < 3; t++) {
        for (long cut = 0; cut <= total; cut++) {
            fresh();
            long base = fake_flash_ops();
            fake_flash_cut_after(cut, tears[t], (uint32_t)(cut * 3 + (long)t + 1));
            struct model before = {0};
            struct model after = {0};
            int i = 0;
            for (; i < s_nops; i++) {
                after = before;
                model_op(&after, &s_ops[i]);
                if (run_op(&s_ops[i]) != APP_OK) {
                    break;
                }
                before = after;
            }
            (void)base;
            fake_flash_power_on();
            store_reset();
            int rc = store_mount((uint32_t)cut);
            if (rc != APP_OK) {
                fail_msg("cut %ld (tear %zu, op %d): mount %s", cut, t, i, app_err_name(rc));
            }
            int old_line = matches(&before);
            int new_line = (i < s_nops) ? matches(&after) : old_line;
            if (old_line != 0 && new_line != 0) {
                fail_msg("cut %ld (tear %zu, during op %d of %d): neither the old state (line %d) "
                         "nor the new (line %d)",
                         cut, t, i, s_nops, old_line, new_line);
            }
            /* ... and it keeps working: one more session with a file. */
            struct model now = (old_line == 0) ? before : after;
            if (now.n < MAXS - 1 && model_find(&now, "Z") < 0) {
                struct op z[] = {{OP_ADD, "Z", NULL, 0, 0}, {OP_FILE, "Z", "z.csv", 800, 99}};
                for (int k = 0; k < 2; k++) {
                    int zr = run_op(&z[k]);
                    if (zr != APP_OK) {
                        fail_msg("cut %ld (tear %zu): after the cut, op %d: %s", cut, t, k,
                                 app_err_name(zr));
                    }
                    model_op(&now, &z[k]);
                }
                int pre = matches(&now);
                store_reset();
                assert_int_equal(store_mount(1), APP_OK);
                int line = matches(&now);
                if (line != 0) {
                    dump(&now);
                    fail_msg("cut %ld (tear %zu, op %d): after new writes and a remount: line %d "
                             "(before the remount: %d)", cut, t, i, line, pre);
                }
            }
            if (fake_flash_reprograms() != 0) {
                fail_msg("cut %ld tear %zu op %d: %ld reprograms", cut, t, i, fake_flash_reprograms());
            }
            runs++;
        }
    }
    print_message("power cuts, %u x %u B sectors, program unit %u: %ld cut points (%ld "
                  "programs/erases x 3 tears, %u erases in a full run), every one mounted to "
                  "the old or new state and took new writes\n",
                  nsect, sect, unit, runs, total + 1, erases);
    s_sect = SECT;
    s_nsect = NSECT;
    s_unit = 4;
}

static void test_power_cut_at_every_op(void **state)
{
    (void)state;
    power_cuts(512, 24, 4);
}

static void test_power_cut_at_every_op_unit8(void **state)
{
    (void)state;
    power_cuts(1024, 16, 8);
}

/* A second cut during the recovery of the first (mounting writes nothing,
 * but the first write after it opens a fresh sector). */
static void test_cut_twice(void **state)
{
    (void)state;
    build_scenario();
    long runs = 0;
    for (long cut = 5; cut < 400; cut += 7) {
        fresh();
        fake_flash_cut_after(cut, FAKE_FLASH_TEAR_RANDOM, (uint32_t)cut);
        struct model before = {0};
        int i = 0;
        for (; i < s_nops; i++) {
            if (run_op(&s_ops[i]) != APP_OK) {
                break;
            }
            model_op(&before, &s_ops[i]);
        }
        for (long second = 0; second < 6; second++) {
            fake_flash_power_on();
            store_reset();
            assert_int_equal(store_mount(3), APP_OK);
            fake_flash_cut_after(second, FAKE_FLASH_TEAR_RANDOM, (uint32_t)(cut + second));
            struct op z = {OP_ADD, "Y", NULL, 0, 0};
            (void)run_op(&z);
            fake_flash_power_on();
            store_reset();
            assert_int_equal(store_mount(3), APP_OK);
            const struct store_session *s;
            if (find("Y", &s) == APP_OK) {
                assert_int_equal(store_session_delete(store_session_index(s)), APP_OK);
            }
            runs++;
        }
        (void)i;
    }
    print_message("double cuts: %ld\n", runs);
}

static void test_blank_is_formatted_garbage_is_not(void **state)
{
    (void)state;
    fake_flash_setup(SECT, NSECT, 4);
    store_reset();
    assert_int_equal(store_mount(0), APP_OK);
    assert_true(store_import_needed());
    assert_int_equal(store_import_done(), APP_OK);
    assert_false(store_import_needed());
    store_reset();
    assert_int_equal(store_mount(0), APP_OK);
    assert_false(store_import_needed());

    /* Bytes that are not a store: reported, and not one bit changed. */
    fake_flash_setup(SECT, NSECT, 4);
    uint8_t *mem = fake_flash_mem();
    for (size_t i = 0; i < fake_flash_size(); i++) {
        mem[i] = (uint8_t)(i * 13u + 5u);
    }
    static uint8_t copy[SECT * NSECT];
    memcpy(copy, mem, sizeof(copy));
    store_reset();
    assert_int_equal(store_mount(0), APP_ERR_CORRUPT);
    assert_int_equal(store_state(), APP_ERR_CORRUPT);
    assert_memory_equal(copy, mem, sizeof(copy));
    assert_int_equal(do_add(&(struct op){OP_ADD, "X", NULL, 0, 0}), APP_ERR_STATE);
    assert_memory_equal(copy, mem, sizeof(copy));
}

static void test_limits_and_full(void **state)
{
    (void)state;
    fake_flash_setup(SECT, NSECT, 4);
    store_reset();
    assert_int_equal(store_mount(0), APP_OK);
    struct model m = {0};
    struct op a = {OP_ADD, "L", NULL, 0, 0};
    assert_int_equal(run_op(&a), APP_OK);
    model_op(&m, &a);
    /* Fill the flash with files until it says so. */
    int rc = APP_OK;
    int k = 0;
    for (; k < MAXF && rc == APP_OK; k++) {
        snprintf(s_names[k], sizeof(s_names[k]), "f%d.csv", k);
        struct op f = {OP_FILE, "L", s_names[k], 2000, (uint32_t)k};
        rc = run_op(&f);
        if (rc == APP_OK) {
            model_op(&m, &f);
        }
    }
    assert_int_equal(rc, APP_ERR_NOSPACE);
    assert_int_equal(matches(&m), 0);
    store_reset();
    assert_int_equal(store_mount(0), APP_OK);
    assert_int_equal(matches(&m), 0);
    /* Deleting gives the room back. */
    const struct store_session *s;
    assert_int_equal(find("L", &s), APP_OK);
    assert_int_equal(store_session_delete(store_session_index(s)), APP_OK);
    struct store_usage u;
    store_usage(&u);
    assert_int_equal(u.files, 0);
    assert_true(u.free_sectors >= NSECT - 3);

    /* Ten files per session; the eleventh is TOOBIG before a byte is written. */
    assert_int_equal(run_op(&a), APP_OK);
    assert_int_equal(find("L", &s), APP_OK);
    for (k = 0; k < MAXF; k++) {
        struct op f = {OP_FILE, "L", "x.csv", 10, 1};
        assert_int_equal(run_op(&f), APP_OK);
    }
    struct op f = {OP_FILE, "L", "x.csv", 10, 1};
    assert_int_equal(run_op(&f), APP_ERR_TOOBIG);
}

static void test_file_limit(void **state)
{
    (void)state;
    fake_flash_setup(4096, 200, 4);
    store_reset();
    assert_int_equal(store_mount(0), APP_OK);
    struct op a = {OP_ADD, "F", NULL, 0, 0};
    assert_int_equal(run_op(&a), APP_OK);
    struct op big = {OP_FILE, "F", "big.csv", APP_STORE_FILE_MAX, 3};
    assert_int_equal(run_op(&big), APP_OK);
    struct op over = {OP_FILE, "F", "over.csv", APP_STORE_FILE_MAX + 1u, 3};
    assert_int_equal(run_op(&over), APP_ERR_TOOBIG);
    const struct store_session *s;
    assert_int_equal(find("F", &s), APP_OK);
    assert_int_equal(store_session_file_count(s), 1);
    assert_int_equal(store_file_verify(s, 0), APP_OK);
    /* The session's total: 512 KiB + 256 KiB is the limit. */
    struct op rest = {OP_FILE, "F", "rest.csv", APP_STORE_SESSION_MAX - APP_STORE_FILE_MAX + 1u, 4};
    assert_int_equal(run_op(&rest), APP_ERR_TOOBIG);
    store_reset();
    assert_int_equal(store_mount(0), APP_OK);
    assert_int_equal(find("F", &s), APP_OK);
    assert_int_equal(store_session_file_count(s), 1);
    assert_int_equal(store_file_verify(s, 0), APP_OK);
}

/* Expired sessions (not done, past expiration) give their room back;
 * done ones and live ones stay. The review data reads back as given. */
static void test_reclaim_expired(void **state)
{
    (void)state;
    fresh();
    struct op ops[] = {
        {OP_ADD, "E1", NULL, 0, 0}, {OP_FILE, "E1", "e.csv", 3000, 1},
        {OP_ADD, "E2", NULL, 0, 0}, {OP_DONE, "E2", NULL, 0, 0},
        {OP_ADD, "E3", NULL, 0, 0}, {OP_FILE, "E3", "e.csv", 3000, 2},
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        assert_int_equal(run_op(&ops[i]), APP_OK);
    }
    const struct store_session *s;
    uint8_t data[STORE_DATA_MAX];
    assert_int_equal(find("E3", &s), APP_OK);
    assert_int_equal(store_session_data(s, data, sizeof(data)), 6);
    assert_memory_equal(data, "review", 6);
    struct store_usage before;
    store_usage(&before);
    /* Sessions expire at 2000 ms (do_add): at 2000 all are still Active. */
    assert_int_equal(store_reclaim_expired(2000), 0);
    assert_int_equal(store_reclaim_expired(2001), 2);
    assert_int_equal(store_count(), 1);
    assert_int_equal(find("E2", &s), APP_OK);
    struct store_usage after;
    store_usage(&after);
    assert_true(after.free_sectors >= before.free_sectors + 2 * ((3000 + SECT - 17) / (SECT - 16)));
    store_reset();
    assert_int_equal(store_mount(0), APP_OK);
    assert_int_equal(store_count(), 1);
    assert_int_equal(find("E2", &s), APP_OK);
}

/* 100,000 sessions created (with a small file) and deleted on a 1 MiB
 * flash of 4 KiB sectors: every sector takes its share of the erases. */
static void test_wear_spread(void **state)
{
    (void)state;
    const uint32_t n = 256;
    fake_flash_setup(4096, n, 4);
    store_reset();
    assert_int_equal(store_mount(12345), APP_OK);
    struct op keep = {OP_ADD, "K", NULL, 0, 0};
    assert_int_equal(run_op(&keep), APP_OK);
    struct op kf = {OP_FILE, "K", "cold.csv", 20000, 5}; /* data that never moves */
    assert_int_equal(run_op(&kf), APP_OK);
    for (int c = 0; c < 100000; c++) {
        struct op add = {OP_ADD, "W", NULL, 0, 0};
        struct op file = {OP_FILE, "W", "w.csv", 100, (uint32_t)c};
        struct op del = {OP_DEL, "W", NULL, 0, 0};
        assert_int_equal(run_op(&add), APP_OK);
        assert_int_equal(run_op(&file), APP_OK);
        assert_int_equal(run_op(&del), APP_OK);
        if (c % 25000 == 24999) {
            store_reset();
            assert_int_equal(store_mount((uint32_t)c), APP_OK);
        }
    }
    uint32_t lo = UINT32_MAX;
    uint32_t hi = 0;
    uint64_t sum = 0;
    uint32_t zero = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t e = fake_flash_erase_count(i);
        lo = (e < lo) ? e : lo;
        hi = (e > hi) ? e : hi;
        sum += e;
        zero += (e == 0);
    }
    print_message("wear: 100000 create+file+delete cycles, 256 x 4 KiB sectors: erases per "
                  "sector min %u, mean %.1f, max %u (%u sectors never erased: the cold file's)\n",
                  lo, (double)sum / n, hi, zero);
    /* Only the cold file's sectors may stay unworn; the rest share evenly. */
    assert_true(zero <= 6);
    assert_true(hi <= 2 * (uint32_t)(sum / n) + 2);
    const struct store_session *s;
    assert_int_equal(find("K", &s), APP_OK);
    assert_int_equal(store_file_verify(s, 0), APP_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blank_is_formatted_garbage_is_not),
        cmocka_unit_test(test_limits_and_full),
        cmocka_unit_test(test_file_limit),
        cmocka_unit_test(test_reclaim_expired),
        cmocka_unit_test(test_power_cut_at_every_op),
        cmocka_unit_test(test_power_cut_at_every_op_unit8),
        cmocka_unit_test(test_cut_twice),
        cmocka_unit_test(test_wear_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
