/* Upload-session store: the RAM index (static tables, a shared file pool,
 * a string arena) over the flash log of store_log.c. Every change is
 * appended to the log first and applied to the index after it is on flash;
 * mounting replays the log into the index. */
#include "store.h"

#include <string.h>

#include "app_err.h"
#include "store_log.h"
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

/* Record payloads (little-endian; store_log.h has the framing). */
#define SESS_FIXED 24u /* created i64, expiration i64, 4 id lengths, data length u16, flags, 0 */
#define FILE_FIXED 48u /* session key, size i64, uploaded i64, crc, nsect, name length, slot, flags, 2 x 0, id[16] */
#define SESS_DONE 0x01u    /* SESSION flags: created done (imported) */
#define FILE_EXTERNAL 0x01u /* FILE flags: the device does not hold the bytes */

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
    uint8_t ref_len;
    bool done;
    uint16_t data_len;
    uint32_t key;      /* serial number, also in its records */
    uint32_t rec;      /* flash address of its SESSION record */
    uint32_t done_rec; /* ... of its DONE record, 0 if none */
    int64_t created_ms;
    int64_t expiration_ms;
    uint16_t files[APP_MAX_FILES > 0 ? APP_MAX_FILES : 1]; /* indices into s_files */
};

struct store_file {
    const char *name;
    uint16_t name_len;
    uint16_t name_sp;
    uint16_t nsect;
    uint8_t flags;
    uint8_t slot; /* place in its session */
    int64_t size;
    int64_t uploaded_ms;
    uint32_t key; /* 0: a free pool entry */
    uint32_t rec; /* flash address of its FILE record */
};

static struct store_session s_sessions[APP_MAX_SESSIONS];
static int s_nsessions;
static struct store_file s_files[APP_STORE_FILES > 0 ? APP_STORE_FILES : 1];
static int s_nfiles;
static char s_arena[APP_STORE_ARENA];
static size_t s_arena_used;
static uint32_t s_gen = 1;
static int s_state = APP_ERR_STATE;
static uint32_t s_next_key = 1;
static uint32_t s_import_rec;
static struct store_writer *s_writer;

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

static void put16(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *b, uint32_t v)
{
    put16(b, v);
    put16(b + 2, v >> 16);
}

static void put64(uint8_t *b, int64_t v)
{
    put32(b, (uint32_t)(uint64_t)v);
    put32(b + 4, (uint32_t)((uint64_t)v >> 32));
}

static uint32_t get16(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8;
}

static uint32_t get32(const uint8_t *b)
{
    return get16(b) | get16(b + 2) << 16;
}

static int64_t get64(const uint8_t *b)
{
    return (int64_t)((uint64_t)get32(b) | (uint64_t)get32(b + 4) << 32);
}

uint32_t store_generation(void)
{
    return s_gen;
}

static void index_clear(void)
{
    memset(s_sessions, 0, sizeof(s_sessions));
    memset(s_files, 0, sizeof(s_files));
    s_nsessions = 0;
    s_nfiles = 0;
    s_arena_used = 0;
    s_import_rec = 0;
    s_next_key = 1;
    changed();
}

void store_reset(void)
{
    index_clear();
    s_writer = NULL;
    s_state = APP_ERR_STATE;
}

int store_state(void)
{
    return s_state;
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

/* ---- the index ---------------------------------------------------------------- */

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

/* After a delete: slide the strings still referenced down over the freed
 * ones, lowest first, and repoint every reference (shared catalog and
 * resource ids included). Quadratic in the few dozen strings. */
static void arena_compact(void)
{
    size_t used = 0;
    const char *from = s_arena; /* strings below this are placed */
    for (;;) {
        const char *low = NULL;
        size_t len = 0;
        for (int i = 0; i < s_nsessions; i++) {
            const struct store_session *s = &s_sessions[i];
            const char *c[3] = {s->cat, s->res, s->id};
            size_t l[3] = {s->cat_len, s->res_len, s->id_len};
            for (int k = 0; k < 3; k++) {
                if ((uintptr_t)c[k] >= (uintptr_t)from && (low == NULL || (uintptr_t)c[k] < (uintptr_t)low)) {
                    low = c[k];
                    len = l[k];
                }
            }
        }
        for (int i = 0; i < APP_STORE_FILES; i++) {
            const struct store_file *f = &s_files[i];
            if (f->key != 0 && (uintptr_t)f->name >= (uintptr_t)from &&
                (low == NULL || (uintptr_t)f->name < (uintptr_t)low)) {
                low = f->name;
                len = f->name_len;
            }
        }
        if (low == NULL) {
            break;
        }
        char *to = &s_arena[used];
        memmove(to, low, len);
        for (int i = 0; i < s_nsessions; i++) {
            struct store_session *s = &s_sessions[i];
            s->cat = (s->cat == low) ? to : s->cat;
            s->res = (s->res == low) ? to : s->res;
            s->id = (s->id == low) ? to : s->id;
        }
        for (int i = 0; i < APP_STORE_FILES; i++) {
            if (s_files[i].key != 0 && s_files[i].name == low) {
                s_files[i].name = to;
            }
        }
        used += len;
        from = low + (len > 0 ? len : 1);
    }
    s_arena_used = used;
}

static uint32_t session_rec_len(const struct store_session *s)
{
    return SESS_FIXED + s->cat_len + s->res_len + s->id_len + s->ref_len + s->data_len;
}

static uint32_t file_rec_len(const struct store_file *f)
{
    return FILE_FIXED + 2u * f->nsect + f->name_len;
}

/* Live record bytes of s and its files (what compaction must keep). */
static uint32_t session_live_bytes(const struct store_session *s)
{
    uint32_t n = store_log_rec_size(session_rec_len(s));
    if (s->done_rec != 0) {
        n += store_log_rec_size(0);
    }
    for (unsigned i = 0; i < s->nfiles; i++) {
        n += store_log_rec_size(file_rec_len(&s_files[s->files[i]]));
    }
    return n;
}

static int session_by_key(uint32_t key)
{
    for (int i = 0; i < s_nsessions; i++) {
        if (s_sessions[i].key == key) {
            return i;
        }
    }
    return APP_ERR_NOTFOUND;
}

static int file_by_key(uint32_t key)
{
    for (int i = 0; i < APP_STORE_FILES; i++) {
        if (s_files[i].key == key) {
            return i;
        }
    }
    return APP_ERR_NOTFOUND;
}

static int free_file_entry(void)
{
    return (s_nfiles < APP_STORE_FILES) ? file_by_key(0) : APP_ERR_NOMEM;
}

/* Sector number k of file f, from its FILE record on flash. */
static int file_sector(const struct store_file *f, uint32_t k, uint32_t *sector)
{
    uint8_t b[2];
    int rc = store_log_read(f->rec + STORE_REC_HDR + FILE_FIXED + 2u * k, b, 2);
    *sector = get16(b);
    return rc;
}

/* Claim (or, on delete, release) the data sectors of f. */
static int file_sectors(const struct store_file *f, bool claim)
{
    for (uint32_t k = 0; k < f->nsect; k++) {
        uint32_t sec = 0;
        int rc = file_sector(f, k, &sec);
        if (rc == APP_OK && claim) {
            rc = store_log_claim(sec);
        } else if (rc == APP_OK) {
            store_log_release(sec);
        }
        if (rc != APP_OK) {
            return rc;
        }
    }
    return APP_OK;
}

/* Drop session i and its files from the index (its records are already
 * dead on flash). */
static void index_remove(int i)
{
    struct store_session *s = &s_sessions[i];
    for (unsigned k = 0; k < s->nfiles; k++) {
        memset(&s_files[s->files[k]], 0, sizeof(s_files[0]));
        s_nfiles--;
    }
    memmove(&s_sessions[i], &s_sessions[i + 1],
            (size_t)(s_nsessions - i - 1) * sizeof(s_sessions[0]));
    s_nsessions--;
    memset(&s_sessions[s_nsessions], 0, sizeof(s_sessions[0]));
    arena_compact();
    changed();
}

bool store_index_live(uint32_t addr)
{
    if (addr == s_import_rec) {
        return true;
    }
    for (int i = 0; i < s_nsessions; i++) {
        if (s_sessions[i].rec == addr || s_sessions[i].done_rec == addr) {
            return true;
        }
    }
    for (int i = 0; i < APP_STORE_FILES; i++) {
        if (s_files[i].key != 0 && s_files[i].rec == addr) {
            return true;
        }
    }
    return false;
}

void store_index_moved(uint32_t from, uint32_t to)
{
    s_import_rec = (s_import_rec == from) ? to : s_import_rec;
    for (int i = 0; i < s_nsessions; i++) {
        struct store_session *s = &s_sessions[i];
        s->rec = (s->rec == from) ? to : s->rec;
        s->done_rec = (s->done_rec == from) ? to : s->done_rec;
    }
    for (int i = 0; i < APP_STORE_FILES; i++) {
        if (s_files[i].key != 0 && s_files[i].rec == from) {
            s_files[i].rec = to;
        }
    }
}

/* ---- replay ------------------------------------------------------------------- */

/* Read n bytes of r's payload at off into dst; CORRUPT past its end. */
static int payload(const struct store_rec *r, uint32_t off, void *dst, size_t n)
{
    if (off > r->len || n > r->len - off) {
        return APP_ERR_CORRUPT;
    }
    return store_log_read(r->addr + STORE_REC_HDR + off, dst, n);
}

/* Copy a string of the payload into the arena (or share an equal one). */
static int payload_str(const struct store_rec *r, uint32_t off, size_t n, const char **out,
                       int field)
{
    if (n > APP_STORE_ARENA - s_arena_used) {
        return APP_ERR_NOMEM;
    }
    char *dst = &s_arena[s_arena_used];
    int rc = payload(r, off, dst, n);
    if (rc != APP_OK) {
        return rc;
    }
    const char *shared = (field == 0) ? find_catalog(dst, n) : (field == 1) ? find_resource(dst, n) : NULL;
    if (shared != NULL) {
        *out = shared;
    } else {
        *out = dst;
        s_arena_used += n;
    }
    return APP_OK;
}

static int apply_session(const struct store_rec *r)
{
    uint8_t b[SESS_FIXED];
    int i = session_by_key(r->key);
    if (i >= 0) {
        s_sessions[i].rec = r->addr; /* a copy made by compaction */
        return APP_OK;
    }
    int rc = payload(r, 0, b, sizeof(b));
    if (rc != APP_OK) {
        return rc;
    }
    if (s_nsessions >= APP_MAX_SESSIONS) {
        return APP_ERR_NOMEM;
    }
    struct store_session *s = &s_sessions[s_nsessions];
    memset(s, 0, sizeof(*s));
    s->created_ms = get64(b);
    s->expiration_ms = get64(b + 8);
    s->cat_len = b[16];
    s->res_len = b[17];
    s->id_len = b[18];
    s->ref_len = b[19];
    s->data_len = (uint16_t)get16(b + 20);
    s->done = (b[22] & SESS_DONE) != 0;
    s->key = r->key;
    s->rec = r->addr;
    if (session_rec_len(s) != r->len || s->ref_len > APP_ID_MAX || s->data_len > STORE_DATA_MAX) {
        return APP_ERR_CORRUPT;
    }
    size_t used = s_arena_used;
    uint32_t off = SESS_FIXED;
    rc = payload_str(r, off, s->cat_len, &s->cat, 0);
    off += s->cat_len;
    if (rc == APP_OK) {
        rc = payload_str(r, off, s->res_len, &s->res, 1);
        off += s->res_len;
    }
    if (rc == APP_OK) {
        rc = payload_str(r, off, s->id_len, &s->id, 2);
    }
    if (rc == APP_OK && (store_id_problem(s->cat, s->cat_len) != NULL ||
                         store_id_problem(s->res, s->res_len) != NULL ||
                         store_id_problem(s->id, s->id_len) != NULL)) {
        rc = APP_ERR_CORRUPT;
    }
    if (rc != APP_OK) {
        s_arena_used = used;
        return rc;
    }
    s->cat_sp = (uint8_t)specials(s->cat, s->cat_len);
    s->res_sp = (uint8_t)specials(s->res, s->res_len);
    s->id_sp = (uint8_t)specials(s->id, s->id_len);
    s_nsessions++;
    return APP_OK;
}

static int apply_file(const struct store_rec *r)
{
    uint8_t b[FILE_FIXED];
    int j = file_by_key(r->key);
    if (j >= 0) {
        s_files[j].rec = r->addr;
        return APP_OK;
    }
    int rc = payload(r, 0, b, sizeof(b));
    if (rc != APP_OK) {
        return rc;
    }
    int i = session_by_key(get32(b));
    if (i < 0) {
        return APP_OK; /* its session was deleted */
    }
    struct store_session *s = &s_sessions[i];
    uint32_t nsect = get16(b + 24);
    uint32_t name_len = get16(b + 26);
    uint32_t slot = b[28];
    uint8_t flags = b[29];
    int64_t size = get64(b + 4);
    uint64_t cap = (uint64_t)nsect * (store_log_sector_size() - STORE_SECT_HDR);
    if (r->len != FILE_FIXED + 2u * nsect + name_len || slot >= APP_MAX_FILES || size < 0 ||
        (!(flags & FILE_EXTERNAL) && ((uint64_t)size > cap || nsect > APP_STORE_FILE_SECTORS)) ||
        name_len > APP_FILE_NAME_MAX) {
        return APP_ERR_CORRUPT;
    }
    for (unsigned k = 0; k < s->nfiles; k++) {
        if (s_files[s->files[k]].slot == slot) {
            return APP_ERR_CORRUPT; /* two files in one place */
        }
    }
    j = free_file_entry();
    if (j < 0) {
        return APP_ERR_NOMEM;
    }
    struct store_file *f = &s_files[j];
    size_t used = s_arena_used;
    rc = payload_str(r, FILE_FIXED + 2u * nsect, name_len, &f->name, 2);
    if (rc == APP_OK && store_name_problem(f->name, name_len) != NULL) {
        rc = APP_ERR_CORRUPT;
    }
    if (rc != APP_OK) {
        s_arena_used = used;
        f->name = NULL;
        return rc;
    }
    f->name_len = (uint16_t)name_len;
    f->name_sp = (uint16_t)specials(f->name, name_len);
    f->nsect = (uint16_t)nsect;
    f->flags = flags;
    f->slot = (uint8_t)slot;
    f->size = size;
    f->uploaded_ms = get64(b + 12);
    f->key = r->key;
    f->rec = r->addr;
    s->files[s->nfiles++] = (uint16_t)j;
    s_nfiles++;
    return APP_OK;
}

/* Pass 1 makes the set of sessions (a DEL always follows every copy of the
 * session it deletes); pass 2 gives them their files and done flags, which
 * may precede the session's record once compaction has moved it. */
static int apply(const struct store_rec *r, int pass)
{
    int i;
    if (r->key >= s_next_key) {
        s_next_key = r->key + 1u;
    }
    if ((pass == 1) != (r->type != STORE_REC_FILE && r->type != STORE_REC_DONE)) {
        return APP_OK;
    }
    switch (r->type) {
    case STORE_REC_SESSION: return apply_session(r);
    case STORE_REC_FILE: return apply_file(r);
    case STORE_REC_DONE:
        i = session_by_key(r->key);
        if (i >= 0) {
            s_sessions[i].done = true;
            s_sessions[i].done_rec = r->addr;
        }
        return APP_OK;
    case STORE_REC_DEL:
        i = session_by_key(r->key);
        if (i >= 0) {
            index_remove(i);
        }
        return APP_OK;
    case STORE_REC_IMPORT: s_import_rec = r->addr; return APP_OK;
    default: return APP_ERR_CORRUPT;
    }
}

int store_mount(uint32_t seed)
{
    index_clear();
    s_writer = NULL;
    int rc = store_log_mount(apply, seed);
    /* Sessions in creation order, whatever order compaction left the
     * records in (keys are serial numbers). */
    for (int i = 1; rc == APP_OK && i < s_nsessions; i++) {
        struct store_session t = s_sessions[i];
        int j = i;
        for (; j > 0 && s_sessions[j - 1].key > t.key; j--) {
            s_sessions[j] = s_sessions[j - 1];
        }
        s_sessions[j] = t;
    }
    /* Files in the order they were added (compaction may have moved an
     * earlier one's record after a later one's): slots 0..n-1 exactly. */
    for (int i = 0; rc == APP_OK && i < s_nsessions; i++) {
        struct store_session *s = &s_sessions[i];
        for (unsigned k = 0; k < s->nfiles; k++) {
            while (rc == APP_OK && s_files[s->files[k]].slot != k) {
                unsigned to = s_files[s->files[k]].slot;
                if (to >= s->nfiles) {
                    rc = APP_ERR_CORRUPT; /* a gap: a file's record is missing */
                    break;
                }
                uint16_t t = s->files[to];
                s->files[to] = s->files[k];
                s->files[k] = t;
            }
        }
    }
    uint32_t live = (s_import_rec != 0) ? store_log_rec_size(0) : 0u;
    for (int i = 0; rc == APP_OK && i < s_nsessions; i++) {
        const struct store_session *s = &s_sessions[i];
        live += session_live_bytes(s);
        for (unsigned k = 0; rc == APP_OK && k < s->nfiles; k++) {
            rc = file_sectors(&s_files[s->files[k]], true);
        }
    }
    if (rc == APP_OK) {
        store_log_live((int32_t)live);
    } else {
        index_clear();
    }
    s_state = rc;
    changed();
    return rc;
}

/* ---- changes ------------------------------------------------------------------ */

static int writable(void)
{
    return (s_state == APP_OK) ? APP_OK : APP_ERR_STATE;
}

static int append(uint8_t type, uint32_t key, const struct store_piece *pc, int n, uint32_t *addr)
{
    uint32_t at = 0;
    int rc = store_log_append(type, key, pc, n, &at);
    if (rc == APP_OK) {
        uint32_t len = 0;
        for (int i = 0; i < n; i++) {
            len += (uint32_t)pc[i].n;
        }
        if (type != STORE_REC_DEL) {
            store_log_live((int32_t)store_log_rec_size(len));
        }
        if (addr != NULL) {
            *addr = at;
        }
    }
    return rc;
}

bool store_import_needed(void)
{
    return s_state == APP_OK && s_import_rec == 0;
}

int store_import_done(void)
{
    int rc = writable();
    if (rc == APP_OK && s_import_rec == 0) {
        rc = append(STORE_REC_IMPORT, 0, NULL, 0, &s_import_rec);
    }
    return rc;
}

int store_session_add(const struct store_session_in *in, int *index_out)
{
    uint8_t b[SESS_FIXED];
    if (in == NULL || store_id_problem(in->catalog_id, in->catalog_id_len) != NULL ||
        store_id_problem(in->resource_id, in->resource_id_len) != NULL ||
        store_id_problem(in->id, in->id_len) != NULL || in->reference_id_len > APP_ID_MAX ||
        in->data_len > STORE_DATA_MAX || (in->reference_id == NULL && in->reference_id_len > 0) ||
        (in->data == NULL && in->data_len > 0)) {
        return APP_ERR_INVAL;
    }
    int rc = writable();
    if (rc != APP_OK) {
        return rc;
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
    put64(b, in->created_ms);
    put64(b + 8, in->expiration_ms);
    b[16] = (uint8_t)in->catalog_id_len;
    b[17] = (uint8_t)in->resource_id_len;
    b[18] = (uint8_t)in->id_len;
    b[19] = (uint8_t)in->reference_id_len;
    put16(b + 20, (uint32_t)in->data_len);
    b[22] = in->upload_done ? SESS_DONE : 0u;
    b[23] = 0;
    struct store_piece pc[] = {
        {b, sizeof(b)},
        {in->catalog_id, in->catalog_id_len},
        {in->resource_id, in->resource_id_len},
        {in->id, in->id_len},
        {in->reference_id, in->reference_id_len},
        {in->data, in->data_len},
    };
    uint32_t key = s_next_key;
    uint32_t at = 0;
    rc = append(STORE_REC_SESSION, key, pc, (int)(sizeof(pc) / sizeof(pc[0])), &at);
    if (rc != APP_OK) {
        return rc;
    }
    s_next_key++;
    struct store_session *s = &s_sessions[s_nsessions];
    memset(s, 0, sizeof(*s));
    s->cat = (cat != NULL) ? cat : arena_put(in->catalog_id, in->catalog_id_len);
    s->res = (res != NULL) ? res : arena_put(in->resource_id, in->resource_id_len);
    s->id = arena_put(in->id, in->id_len);
    s->cat_len = (uint8_t)in->catalog_id_len;
    s->res_len = (uint8_t)in->resource_id_len;
    s->id_len = (uint8_t)in->id_len;
    s->ref_len = (uint8_t)in->reference_id_len;
    s->data_len = (uint16_t)in->data_len;
    s->cat_sp = (uint8_t)specials(s->cat, s->cat_len);
    s->res_sp = (uint8_t)specials(s->res, s->res_len);
    s->id_sp = (uint8_t)specials(s->id, s->id_len);
    s->done = in->upload_done;
    s->created_ms = in->created_ms;
    s->expiration_ms = in->expiration_ms;
    s->key = key;
    s->rec = at;
    if (index_out != NULL) {
        *index_out = s_nsessions;
    }
    s_nsessions++;
    changed();
    return APP_OK;
}

/* Session number i for a change: APP_OK and *out, or why not. */
static int for_change(int i, struct store_session **out)
{
    int rc = writable();
    if (rc == APP_OK && (i < 0 || i >= s_nsessions)) {
        rc = APP_ERR_NOTFOUND;
    }
    *out = (rc == APP_OK) ? &s_sessions[i] : NULL;
    return rc;
}

int store_session_set_done(int session)
{
    struct store_session *s;
    int rc = for_change(session, &s);
    if (rc != APP_OK) {
        return rc;
    }
    if (s->done) {
        return APP_OK;
    }
    rc = append(STORE_REC_DONE, s->key, NULL, 0, &s->done_rec);
    if (rc == APP_OK) {
        s->done = true;
        changed();
    }
    return rc;
}

int store_session_delete(int session)
{
    struct store_session *s;
    int rc = for_change(session, &s);
    if (rc != APP_OK) {
        return rc;
    }
    rc = append(STORE_REC_DEL, s->key, NULL, 0, NULL);
    if (rc != APP_OK) {
        return rc;
    }
    /* On flash it is gone; its sectors are free once the index forgets it. */
    store_log_live(-(int32_t)session_live_bytes(s));
    for (unsigned k = 0; k < s->nfiles; k++) {
        (void)file_sectors(&s_files[s->files[k]], false);
    }
    index_remove(session);
    return APP_OK;
}

int store_reclaim_expired(int64_t now_ms)
{
    int n = 0;
    for (int i = 0; i < s_nsessions;) {
        if (store_status(&s_sessions[i], now_ms) != STORE_STATUS_EXPIRED) {
            i++;
            continue;
        }
        int rc = store_session_delete(i);
        if (rc != APP_OK) {
            return rc;
        }
        n++;
    }
    return n;
}

int store_session_reference_id(const struct store_session *s, char *buf, size_t cap)
{
    if (s == NULL || buf == NULL || cap < s->ref_len) {
        return APP_ERR_OVERFLOW;
    }
    int rc = store_log_read(s->rec + STORE_REC_HDR + SESS_FIXED + s->cat_len + s->res_len + s->id_len,
                            buf, s->ref_len);
    return (rc == APP_OK) ? (int)s->ref_len : rc;
}

int store_session_data(const struct store_session *s, void *buf, size_t cap)
{
    if (s == NULL || buf == NULL || cap < s->data_len) {
        return APP_ERR_OVERFLOW;
    }
    int rc = store_log_read(s->rec + STORE_REC_HDR + SESS_FIXED + s->cat_len + s->res_len +
                                s->id_len + s->ref_len,
                            buf, s->data_len);
    return (rc == APP_OK) ? (int)s->data_len : rc;
}

/* ---- files -------------------------------------------------------------------- */

/* Write the FILE record of a file and add it to session i. */
static int file_record(int i, uint32_t key, const char *name, size_t name_len, int64_t size,
                       int64_t uploaded_ms, uint32_t crc, const uint8_t *sect, uint32_t nsect,
                       uint8_t flags, const uint8_t *id)
{
    uint8_t b[FILE_FIXED];
    struct store_session *s = &s_sessions[i];
    if (s->nfiles >= APP_MAX_FILES) {
        return APP_ERR_TOOBIG;
    }
    int j = free_file_entry();
    if (j < 0 || name_len > APP_STORE_ARENA - s_arena_used) {
        return APP_ERR_NOMEM;
    }
    put32(b, s->key);
    put64(b + 4, size);
    put64(b + 12, uploaded_ms);
    put32(b + 20, crc);
    put16(b + 24, nsect);
    put16(b + 26, (uint32_t)name_len);
    b[28] = s->nfiles;
    b[29] = flags;
    b[30] = 0;
    b[31] = 0;
    if (id != NULL) {
        memcpy(b + 32, id, 16);
    } else {
        memset(b + 32, 0, 16);
    }
    struct store_piece pc[] = {{b, sizeof(b)}, {sect, 2u * nsect}, {name, name_len}};
    uint32_t at = 0;
    int rc = append(STORE_REC_FILE, key, pc, 3, &at);
    if (rc != APP_OK) {
        return rc;
    }
    struct store_file *f = &s_files[j];
    f->name = arena_put(name, name_len);
    f->name_len = (uint16_t)name_len;
    f->name_sp = (uint16_t)specials(name, name_len);
    f->nsect = (uint16_t)nsect;
    f->flags = flags;
    f->slot = s->nfiles;
    f->size = size;
    f->uploaded_ms = uploaded_ms;
    f->key = key;
    f->rec = at;
    s->files[s->nfiles++] = (uint16_t)j;
    s_nfiles++;
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
    int rc = writable();
    if (rc != APP_OK) {
        return rc;
    }
    rc = file_record(session, s_next_key, name, name_len, size, uploaded_ms, 0, NULL, 0,
                     FILE_EXTERNAL, NULL);
    if (rc == APP_ERR_TOOBIG) {
        rc = APP_ERR_NOMEM;
    }
    if (rc == APP_OK) {
        s_next_key++;
    }
    return rc;
}

int store_file_begin(struct store_writer *w, int session, const char *name, size_t name_len)
{
    int rc = writable();
    if (w == NULL || rc != APP_OK) {
        return (w == NULL) ? APP_ERR_INVAL : rc;
    }
    if (s_writer != NULL && s_writer->active) {
        return APP_ERR_BUSY;
    }
    if (session < 0 || session >= s_nsessions) {
        return APP_ERR_NOTFOUND;
    }
    if (store_name_problem(name, name_len) != NULL) {
        return APP_ERR_INVAL;
    }
    const struct store_session *s = &s_sessions[session];
    if (s->nfiles >= APP_MAX_FILES) {
        return APP_ERR_TOOBIG;
    }
    if (free_file_entry() < 0 || name_len > APP_STORE_ARENA - s_arena_used) {
        return APP_ERR_NOMEM;
    }
    memset(w, 0, sizeof(*w));
    w->active = true;
    w->session_key = s->key;
    w->file_key = s_next_key++;
    w->name_len = (uint16_t)name_len;
    memcpy(w->name, name, name_len);
    s_writer = w;
    return APP_OK;
}

int store_file_write(struct store_writer *w, const void *p, size_t n)
{
    const uint8_t *b = p;
    if (w == NULL || !w->active || w != s_writer) {
        return APP_ERR_STATE;
    }
    int i = session_by_key(w->session_key);
    if (i < 0) {
        return APP_ERR_NOTFOUND;
    }
    int64_t total = store_total_bytes(&s_sessions[i]);
    if (n > APP_STORE_FILE_MAX - w->size || total > (int64_t)APP_STORE_SESSION_MAX ||
        (int64_t)(w->size + n) > (int64_t)APP_STORE_SESSION_MAX - total) {
        return APP_ERR_TOOBIG;
    }
    w->crc = store_crc32(w->crc, b, n);
    while (n > 0) {
        if (w->room == 0) {
            uint32_t sec = 0;
            int rc = (w->nsect > 0) ? store_log_prog_end(&w->prog) : APP_OK;
            if (rc == APP_OK && w->nsect >= APP_STORE_FILE_SECTORS) {
                rc = APP_ERR_TOOBIG;
            }
            if (rc == APP_OK) {
                rc = store_log_data_open(w->file_key, w->nsect, &sec);
            }
            if (rc != APP_OK) {
                return rc;
            }
            put16(&w->sect[2u * w->nsect], sec);
            w->nsect++;
            store_log_prog_begin(&w->prog, sec * store_log_sector_size() + STORE_SECT_HDR);
            w->room = store_log_sector_size() - STORE_SECT_HDR;
        }
        size_t k = (n < w->room) ? n : w->room;
        int rc = store_log_prog_put(&w->prog, b, k);
        if (rc != APP_OK) {
            return rc;
        }
        w->room -= (uint32_t)k;
        w->size += (uint32_t)k;
        b += k;
        n -= k;
    }
    return APP_OK;
}

static void writer_release(struct store_writer *w)
{
    for (uint32_t k = 0; k < w->nsect; k++) {
        store_log_release(get16(&w->sect[2u * k]));
    }
    w->active = false;
    if (s_writer == w) {
        s_writer = NULL;
    }
}

int store_file_commit(struct store_writer *w, const uint8_t *id, int64_t uploaded_ms,
                      int *index_out)
{
    if (w == NULL || !w->active || w != s_writer) {
        return APP_ERR_STATE;
    }
    int i = session_by_key(w->session_key);
    int rc = (i < 0) ? APP_ERR_NOTFOUND : writable();
    if (rc == APP_OK && w->nsect > 0) {
        rc = store_log_prog_end(&w->prog);
    }
    if (rc == APP_OK) {
        rc = file_record(i, w->file_key, w->name, w->name_len, (int64_t)w->size, uploaded_ms,
                         w->crc, w->sect, w->nsect, 0, id);
    }
    if (rc != APP_OK) {
        writer_release(w);
        return rc;
    }
    if (index_out != NULL) {
        *index_out = s_sessions[i].nfiles - 1;
    }
    w->active = false; /* the sectors now belong to the file */
    s_writer = NULL;
    return APP_OK;
}

void store_file_abort(struct store_writer *w)
{
    if (w != NULL && w->active) {
        writer_release(w);
    }
}

static const struct store_file *file_of(const struct store_session *s, int i)
{
    if (s == NULL || i < 0 || i >= s->nfiles) {
        return NULL;
    }
    return &s_files[s->files[i]];
}

int store_file_read(const struct store_session *s, int i, uint32_t off, void *buf, size_t n)
{
    const struct store_file *f = file_of(s, i);
    uint8_t *b = buf;
    if (f == NULL || (f->flags & FILE_EXTERNAL)) {
        return APP_ERR_NOTFOUND;
    }
    uint32_t per = store_log_sector_size() - STORE_SECT_HDR;
    size_t got = 0;
    if (n > 0x7FFFFFFFu) {
        n = 0x7FFFFFFFu;
    }
    while (got < n && off < (uint64_t)f->size) {
        uint32_t sec = 0;
        int rc = file_sector(f, off / per, &sec);
        uint32_t in = off % per;
        size_t k = per - in;
        k = (k > n - got) ? n - got : k;
        k = (k > (uint64_t)f->size - off) ? (size_t)((uint64_t)f->size - off) : k;
        if (rc == APP_OK) {
            rc = store_log_read(sec * store_log_sector_size() + STORE_SECT_HDR + in, b + got, k);
        }
        if (rc != APP_OK) {
            return rc;
        }
        got += k;
        off += (uint32_t)k;
    }
    return (int)got;
}

int store_file_verify(const struct store_session *s, int i)
{
    const struct store_file *f = file_of(s, i);
    uint8_t b[64];
    uint8_t c[4];
    uint32_t crc = 0;
    if (f == NULL) {
        return APP_ERR_NOTFOUND;
    }
    for (uint32_t off = 0;;) {
        int n = store_file_read(s, i, off, b, sizeof(b));
        if (n <= 0) {
            if (n < 0) {
                return n;
            }
            break;
        }
        crc = store_crc32(crc, b, (size_t)n);
        off += (uint32_t)n;
    }
    int rc = store_log_read(f->rec + STORE_REC_HDR + 20u, c, 4);
    if (rc != APP_OK) {
        return rc;
    }
    return (crc == get32(c)) ? APP_OK : APP_ERR_CORRUPT;
}

int store_file_id(const struct store_session *s, int i, uint8_t id[16])
{
    const struct store_file *f = file_of(s, i);
    if (f == NULL || id == NULL) {
        return APP_ERR_NOTFOUND;
    }
    return store_log_read(f->rec + STORE_REC_HDR + 32u, id, 16);
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

uint32_t store_session_key(const struct store_session *s)
{
    return s->key;
}

int store_session_by_key(uint32_t key)
{
    return session_by_key(key);
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
    bool m = store_log_mounted();
    out->sector_size = m ? store_log_sector_size() : 0u;
    out->sectors = m ? store_log_sector_count() : 0u;
    out->free_sectors = m ? store_log_free_sectors() : 0u;
    out->meta_sectors = m ? store_log_meta_sectors() : 0u;
}
