/* Upload-session store: static tables, a shared file pool and a string
 * arena. Nothing is ever freed except by store_reset(). */
#include "store.h"

#include <string.h>

#include "app_err.h"
#include "utf8.h"
#include "wordscan.h"

#if APP_MAX_SESSIONS < 1 || APP_MAX_SESSIONS > 255
#error "APP_MAX_SESSIONS must be 1..255"
#endif
#if APP_MAX_FILES < 0 || APP_MAX_FILES > 255
#error "APP_MAX_FILES must be 0..255"
#endif
#if APP_STORE_FILES < 0 || APP_STORE_FILES > 65535
#error "APP_STORE_FILES must be 0..65535 (uint16_t pool indices)"
#endif
#if APP_ID_MAX < 1 || APP_ID_MAX > 255
#error "APP_ID_MAX must be 1..255"
#endif
#if APP_FILE_NAME_MAX < 1 || APP_FILE_NAME_MAX > 65535
#error "APP_FILE_NAME_MAX must be 1..65535"
#endif
#if APP_STORE_ARENA < 1
#error "APP_STORE_ARENA must be at least 1"
#endif

struct store_session {
    const char *cat;
    const char *res;
    const char *id;
    uint8_t cat_len;
    uint8_t res_len;
    uint8_t id_len;
    uint8_t cat_sp; /* '"' and '\\' bytes (store_session_id_esc()) */
    uint8_t res_sp;
    uint8_t id_sp;
    uint8_t nfiles;
    bool done;
    int64_t created_ms;
    int64_t expiration_ms;
    uint16_t files[APP_MAX_FILES > 0 ? APP_MAX_FILES : 1]; /* indices into s_files */
};

struct store_file {
    const char *name;
    uint16_t name_len;
    uint16_t name_sp;
    int64_t size;
    int64_t uploaded_ms;
};

static struct store_session s_sessions[APP_MAX_SESSIONS];
static int s_nsessions;
static struct store_file s_files[APP_STORE_FILES > 0 ? APP_STORE_FILES : 1];
static int s_nfiles;
static char s_arena[APP_STORE_ARENA];
static size_t s_arena_used;
static uint32_t s_gen = 1;

/* Every change: lengths kept by readers are stale. Never 0. */
static void changed(void)
{
    if (++s_gen == 0u) {
        s_gen = 1;
    }
}

/* Bytes that a backslash escapes in JSON strings and HTTP quoted-strings. */
static size_t specials(const char *p, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        k += (size_t)(p[i] == '"' || p[i] == '\\');
    }
    return k;
}

uint32_t store_generation(void)
{
    return s_gen;
}

void store_reset(void)
{
    memset(s_sessions, 0, sizeof(s_sessions));
    memset(s_files, 0, sizeof(s_files));
    s_nsessions = 0;
    s_nfiles = 0;
    s_arena_used = 0;
    changed();
}

/* ---- validity of what goes in -------------------------------------------- */

const char *store_id_problem(const char *p, size_t n)
{
    if (n == 0 || p == NULL) {
        return "empty";
    }
    if (n > APP_ID_MAX) {
        return "longer than APP_ID_MAX bytes";
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '/') {
            return "contains '/'";
        }
        if (c < 0x21 || c > 0x7E) {
            return "contains a byte outside printable ASCII 0x21..0x7E";
        }
    }
    return NULL;
}

const char *store_name_problem(const char *p, size_t n)
{
    if (n == 0 || p == NULL) {
        return "empty";
    }
    if (n > APP_FILE_NAME_MAX) {
        return "longer than APP_FILE_NAME_MAX bytes";
    }
    const unsigned char *u = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x20) {
            return "contains a control byte (< 0x20)";
        }
        size_t k = utf8_seq(u + i, n - i, NULL);
        if (k == 0) {
            return "invalid UTF-8";
        }
        i += k;
    }
    return NULL;
}

/* ---- adding ---------------------------------------------------------------- */

/* Ids are compared on every request (three per session looked up): a
 * word at a time, where newlib-nano's memcmp goes byte by byte. */
static int same(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0;
    if (an != bn) {
        return 0;
    }
    for (; an - i >= sizeof(size_t); i += sizeof(size_t)) {
        if (wordscan_load(a + i) != wordscan_load(b + i)) {
            return 0;
        }
    }
    for (; i < an; i++) {
        if (a[i] != b[i]) {
            return 0;
        }
    }
    return 1;
}

/* An already stored copy of p[0..n) in the given field, for sharing. */
static const char *find_catalog(const char *p, size_t n)
{
    for (int i = 0; i < s_nsessions; i++) {
        if (same(s_sessions[i].cat, s_sessions[i].cat_len, p, n)) {
            return s_sessions[i].cat;
        }
    }
    return NULL;
}

static const char *find_resource(const char *p, size_t n)
{
    for (int i = 0; i < s_nsessions; i++) {
        if (same(s_sessions[i].res, s_sessions[i].res_len, p, n)) {
            return s_sessions[i].res;
        }
    }
    return NULL;
}

/* Copy into the arena; the caller checked the room. */
static const char *arena_put(const char *p, size_t n)
{
    char *dst = &s_arena[s_arena_used];
    memcpy(dst, p, n);
    s_arena_used += n;
    return dst;
}

int store_session_add(const struct store_session_in *in, int *index_out)
{
    if (in == NULL || store_id_problem(in->catalog_id, in->catalog_id_len) != NULL ||
        store_id_problem(in->resource_id, in->resource_id_len) != NULL ||
        store_id_problem(in->id, in->id_len) != NULL) {
        return APP_ERR_INVAL;
    }
    const struct store_session *dup;
    if (store_find(in->catalog_id, in->catalog_id_len, in->resource_id, in->resource_id_len,
                   in->id, in->id_len, &dup, NULL) == APP_OK) {
        return APP_ERR_INVAL;
    }
    if (s_nsessions >= APP_MAX_SESSIONS) {
        return APP_ERR_NOMEM;
    }
    const char *cat = find_catalog(in->catalog_id, in->catalog_id_len);
    const char *res = find_resource(in->resource_id, in->resource_id_len);
    size_t need = in->id_len + (cat == NULL ? in->catalog_id_len : 0) +
                  (res == NULL ? in->resource_id_len : 0);
    if (need > APP_STORE_ARENA - s_arena_used) {
        return APP_ERR_NOMEM;
    }
    struct store_session *s = &s_sessions[s_nsessions];
    memset(s, 0, sizeof(*s));
    s->cat = (cat != NULL) ? cat : arena_put(in->catalog_id, in->catalog_id_len);
    s->res = (res != NULL) ? res : arena_put(in->resource_id, in->resource_id_len);
    s->id = arena_put(in->id, in->id_len);
    s->cat_len = (uint8_t)in->catalog_id_len;
    s->res_len = (uint8_t)in->resource_id_len;
    s->id_len = (uint8_t)in->id_len;
    s->cat_sp = (uint8_t)specials(s->cat, s->cat_len);
    s->res_sp = (uint8_t)specials(s->res, s->res_len);
    s->id_sp = (uint8_t)specials(s->id, s->id_len);
    s->done = in->upload_done;
    s->created_ms = in->created_ms;
    s->expiration_ms = in->expiration_ms;
    if (index_out != NULL) {
        *index_out = s_nsessions;
    }
    s_nsessions++;
    changed();
    return APP_OK;
}

int store_file_add(int session, const char *name, size_t name_len, int64_t size,
                   int64_t uploaded_ms)
{
    if (session < 0 || session >= s_nsessions || size < 0 ||
        store_name_problem(name, name_len) != NULL) {
        return APP_ERR_INVAL;
    }
    struct store_session *s = &s_sessions[session];
    if (s->nfiles >= APP_MAX_FILES || s_nfiles >= APP_STORE_FILES ||
        name_len > APP_STORE_ARENA - s_arena_used) {
        return APP_ERR_NOMEM;
    }
    struct store_file *f = &s_files[s_nfiles];
    f->name = arena_put(name, name_len);
    f->name_len = (uint16_t)name_len;
    f->name_sp = (uint16_t)specials(name, name_len);
    f->size = size;
    f->uploaded_ms = uploaded_ms;
    s->files[s->nfiles++] = (uint16_t)s_nfiles;
    s_nfiles++;
    changed();
    return APP_OK;
}

/* ---- lookup ---------------------------------------------------------------- */

int store_find(const char *cat, size_t cat_len, const char *res, size_t res_len, const char *id,
               size_t id_len, const struct store_session **out, enum store_missing *missing)
{
    int have_cat = 0;
    int have_res = 0;
    if (out == NULL || (cat == NULL && cat_len > 0) || (res == NULL && res_len > 0) ||
        (id == NULL && id_len > 0)) {
        return APP_ERR_INVAL;
    }
    *out = NULL;
    for (int i = 0; i < s_nsessions; i++) {
        const struct store_session *s = &s_sessions[i];
        if (!same(s->cat, s->cat_len, cat, cat_len)) {
            continue;
        }
        have_cat = 1;
        if (!same(s->res, s->res_len, res, res_len)) {
            continue;
        }
        have_res = 1;
        if (same(s->id, s->id_len, id, id_len)) {
            *out = s;
            if (missing != NULL) {
                *missing = STORE_MISSING_NONE;
            }
            return APP_OK;
        }
    }
    if (missing != NULL) {
        *missing = !have_cat ? STORE_MISSING_CATALOG
                   : !have_res ? STORE_MISSING_RESOURCE
                               : STORE_MISSING_SESSION;
    }
    return APP_ERR_NOTFOUND;
}

int store_count(void)
{
    return s_nsessions;
}

const struct store_session *store_session_at(int i)
{
    if (i < 0 || i >= s_nsessions) {
        return NULL;
    }
    return &s_sessions[i];
}

int store_session_index(const struct store_session *s)
{
    /* Arithmetic on addresses, not a search: this runs on every GET.
     * Integers, because comparing pointers into different objects is
     * undefined (C11 6.5.8). */
    uintptr_t off = (uintptr_t)s - (uintptr_t)s_sessions;
    if (s == NULL || off % sizeof(s_sessions[0]) != 0u ||
        off / sizeof(s_sessions[0]) >= (uintptr_t)s_nsessions) {
        return APP_ERR_INVAL;
    }
    return (int)(off / sizeof(s_sessions[0]));
}

/* ---- accessors ------------------------------------------------------------- */

const char *store_session_catalog_id(const struct store_session *s, size_t *len)
{
    if (len != NULL) {
        *len = s->cat_len;
    }
    return s->cat;
}

const char *store_session_resource_id(const struct store_session *s, size_t *len)
{
    if (len != NULL) {
        *len = s->res_len;
    }
    return s->res;
}

const char *store_session_id(const struct store_session *s, size_t *len)
{
    if (len != NULL) {
        *len = s->id_len;
    }
    return s->id;
}

size_t store_session_catalog_id_esc(const struct store_session *s)
{
    return (size_t)s->cat_len + s->cat_sp;
}

size_t store_session_resource_id_esc(const struct store_session *s)
{
    return (size_t)s->res_len + s->res_sp;
}

size_t store_session_id_esc(const struct store_session *s)
{
    return (size_t)s->id_len + s->id_sp;
}

bool store_session_upload_done(const struct store_session *s)
{
    return s->done;
}

int64_t store_session_created_ms(const struct store_session *s)
{
    return s->created_ms;
}

int64_t store_session_expiration_ms(const struct store_session *s)
{
    return s->expiration_ms;
}

int store_session_file_count(const struct store_session *s)
{
    return s->nfiles;
}

int store_session_file(const struct store_session *s, int i, struct store_file_info *out)
{
    if (s == NULL || out == NULL) {
        return APP_ERR_INVAL;
    }
    if (i < 0 || i >= s->nfiles) {
        return APP_ERR_NOTFOUND;
    }
    const struct store_file *f = &s_files[s->files[i]];
    out->name = f->name;
    out->name_len = f->name_len;
    out->name_esc_len = (size_t)f->name_len + f->name_sp;
    out->size = f->size;
    out->uploaded_ms = f->uploaded_ms;
    return APP_OK;
}

int32_t store_files_uploaded(const struct store_session *s)
{
    return (int32_t)s->nfiles;
}

int64_t store_total_bytes(const struct store_session *s)
{
    int64_t total = 0;
    for (unsigned i = 0; i < s->nfiles; i++) {
        int64_t size = s_files[s->files[i]].size; /* >= 0, checked on entry */
        if (size > INT64_MAX - total) {
            return INT64_MAX;
        }
        total += size;
    }
    return total;
}

enum store_status store_status(const struct store_session *s, int64_t now_ms)
{
    if (s->done) {
        return STORE_STATUS_COMPLETE;
    }
    if (now_ms > s->expiration_ms) {
        return STORE_STATUS_EXPIRED;
    }
    return STORE_STATUS_ACTIVE;
}

const char *store_status_name(enum store_status st)
{
    switch (st) {
    case STORE_STATUS_ACTIVE: return "Active";
    case STORE_STATUS_COMPLETE: return "Complete";
    case STORE_STATUS_EXPIRED: return "Expired";
    default: return "unknownFutureValue";
    }
}

void store_usage(struct store_usage *out)
{
    if (out == NULL) {
        return;
    }
    out->sessions = s_nsessions;
    out->files = s_nfiles;
    out->arena_used = s_arena_used;
}
