/* The store's flash format: sectors, records, the metadata log and its
 * compaction (store_log.h says the layout and why it survives power cuts). */
#include "store_log.h"

#include <string.h>

#include "app_config.h"
#include "app_err.h"
#include "hal_flash.h"
#include "wordscan.h"

#if APP_STORE_META_MAX < 2 || APP_STORE_RESERVE < 1
#error "the metadata log needs >= 2 sectors and >= 1 reserved for compaction"
#endif

#define MAGIC_META 0x54454D53u /* "SMET" */
#define MAGIC_DATA 0x54414453u /* "SDAT" */
#define CHUNK 64u              /* bytes per read/compare on the stack */

static struct hal_flash_geometry s_geo;
static uint32_t s_align; /* record alignment: max(4, program unit) */
static bool s_mounted;
static uint8_t s_used[(APP_STORE_MAX_SECTORS + 7) / 8];
static uint32_t s_nused;
static uint16_t s_meta[APP_STORE_META_MAX];      /* sector numbers, oldest first */
static uint16_t s_meta_end[APP_STORE_META_MAX];  /* bytes used in each */
static uint32_t s_nmeta;
static bool s_head_closed; /* the newest sector ends in bytes of unknown state */
static uint32_t s_next_seq;
static uint32_t s_cursor;     /* next sector the allocator looks at */
static uint32_t s_chain_bytes; /* record bytes in the metadata sectors */
static uint32_t s_live_bytes;  /* ... of which the index still refers to */
static bool s_compacting;

/* ---- little helpers --------------------------------------------------------- */

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320), four bits per step: a 64-byte
 * table instead of 1 KiB of flash. */
/* A nibble table (64 B): ~11 instructions a byte on the Cortex-M3. A
 * 256-entry table would save ~3 k instructions per uploaded KB (make bench,
 * "upload") for 1 KiB of flash, which the 192 KiB budget cannot spare. */
uint32_t store_crc32(uint32_t crc, const void *p, size_t n)
{
    static const uint32_t tab[16] = {
        0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
        0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
        0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu,
    };
    const uint8_t *b = p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= b[i];
        crc = (crc >> 4) ^ tab[crc & 15u];
        crc = (crc >> 4) ^ tab[crc & 15u];
    }
    return ~crc;
}

static void put32(uint8_t *b, uint32_t v)
{
    b[0] = (uint8_t)v;
    b[1] = (uint8_t)(v >> 8);
    b[2] = (uint8_t)(v >> 16);
    b[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* A word at a time: every data sector taken is checked whole for erased. */
static bool all_ff(const uint8_t *b, size_t n)
{
    size_t i = 0;
    for (; n - i >= sizeof(size_t); i += sizeof(size_t)) {
        if (wordscan_load(b + i) != (size_t)-1) {
            return false;
        }
    }
    for (; i < n; i++) {
        if (b[i] != 0xFFu) {
            return false;
        }
    }
    return true;
}

static uint32_t sector_addr(uint32_t sector)
{
    return sector * s_geo.sector_size;
}

static bool used(uint32_t sector)
{
    return (s_used[sector / 8u] >> (sector % 8u)) & 1u;
}

uint32_t store_log_rec_size(uint32_t len)
{
    return (STORE_REC_HDR + len + s_align - 1u) & ~(s_align - 1u);
}

int store_log_read(uint32_t addr, void *buf, size_t n)
{
    return hal_flash_read(addr, buf, n);
}

uint32_t store_log_sector_size(void)
{
    return s_geo.sector_size;
}

uint32_t store_log_sector_count(void)
{
    return s_geo.sector_count;
}

uint32_t store_log_free_sectors(void)
{
    return s_geo.sector_count - s_nused;
}

uint32_t store_log_meta_sectors(void)
{
    return s_nmeta;
}

bool store_log_mounted(void)
{
    return s_mounted;
}

void store_log_live(int32_t delta)
{
    s_live_bytes = (uint32_t)((int32_t)s_live_bytes + delta);
}

int store_log_claim(uint32_t sector)
{
    if (sector >= s_geo.sector_count || used(sector)) {
        return APP_ERR_CORRUPT; /* two owners, or outside the area */
    }
    s_used[sector / 8u] |= (uint8_t)(1u << (sector % 8u));
    s_nused++;
    return APP_OK;
}

void store_log_release(uint32_t sector)
{
    if (sector < s_geo.sector_count && used(sector)) {
        s_used[sector / 8u] &= (uint8_t)~(1u << (sector % 8u));
        s_nused--;
    }
}

/* ---- programming ------------------------------------------------------------ */

/* Program and read back: a cell that did not take the bits (worn, or a
 * program over bits already cleared) is an error here, not a record that
 * fails its CRC at the next boot. */
/* a[0..n) == b[0..n), a word at a time whatever their alignment (newlib's
 * memcmp goes a byte at a time unless both are aligned, and uploaded bytes
 * are programmed from wherever they landed in the request buffer). */
static bool same(const uint8_t *a, const uint8_t *b, size_t n)
{
    size_t i = 0;
    for (; n - i >= sizeof(size_t); i += sizeof(size_t)) {
        if (wordscan_load(a + i) != wordscan_load(b + i)) {
            return false;
        }
    }
    for (; i < n; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

static int program(uint32_t addr, const uint8_t *b, size_t n)
{
    uint8_t back[CHUNK];
    int rc = hal_flash_program(addr, b, n);
    for (size_t off = 0; rc == APP_OK && off < n; off += CHUNK) {
        size_t k = (n - off < CHUNK) ? n - off : CHUNK;
        rc = hal_flash_read(addr + (uint32_t)off, back, k);
        if (rc == APP_OK && !same(back, b + off, k)) {
            rc = APP_ERR_IO;
        }
    }
    return rc;
}

void store_log_prog_begin(struct store_prog *p, uint32_t addr)
{
    p->addr = addr;
    p->n = 0;
}

int store_log_prog_put(struct store_prog *p, const void *src, size_t n)
{
    const uint8_t *b = src;
    while (n > 0) {
        if (p->n == 0u && n >= sizeof(p->buf)) {
            /* Whole buffers' worth straight from the caller: one program
             * (and one read-back) for a received segment, not one per 64
             * bytes copied first (the same bytes at the same addresses). */
            size_t whole = n - n % sizeof(p->buf);
            int rc = program(p->addr, b, whole);
            if (rc != APP_OK) {
                return rc;
            }
            p->addr += (uint32_t)whole;
            b += whole;
            n -= whole;
            continue;
        }
        size_t k = sizeof(p->buf) - p->n;
        if (k > n) {
            k = n;
        }
        memcpy(p->buf + p->n, b, k);
        p->n += (uint32_t)k;
        b += k;
        n -= k;
        if (p->n == sizeof(p->buf)) {
            int rc = program(p->addr, p->buf, sizeof(p->buf));
            if (rc != APP_OK) {
                return rc;
            }
            p->addr += sizeof(p->buf);
            p->n = 0;
        }
    }
    return APP_OK;
}

/* The tail, padded with 0xFF (no bit programmed) to the alignment. */
int store_log_prog_end(struct store_prog *p)
{
    uint32_t n = (p->n + s_align - 1u) & ~(s_align - 1u);
    if (n == 0) {
        return APP_OK;
    }
    memset(p->buf + p->n, 0xFF, n - p->n);
    int rc = program(p->addr, p->buf, n);
    p->addr += n;
    p->n = 0;
    return rc;
}

/* ---- sectors ---------------------------------------------------------------- */

static int read_hdr(uint32_t sector, uint32_t w[4], bool *blank)
{
    uint8_t b[STORE_SECT_HDR];
    int rc = hal_flash_read(sector_addr(sector), b, sizeof(b));
    if (rc != APP_OK) {
        return rc;
    }
    for (int i = 0; i < 4; i++) {
        w[i] = get32(b + 4 * i);
    }
    if (blank != NULL) {
        *blank = all_ff(b, sizeof(b));
    }
    return (store_crc32(0, b, 12) == w[3]) ? APP_OK : APP_ERR_CORRUPT;
}

static int write_hdr(uint32_t sector, uint32_t magic, uint32_t a, uint32_t b)
{
    uint8_t h[STORE_SECT_HDR];
    put32(h, magic);
    put32(h + 4, a);
    put32(h + 8, b);
    put32(h + 12, store_crc32(0, h, 12));
    return program(sector_addr(sector), h, sizeof(h));
}

static int blank_from(uint32_t addr, uint32_t end, bool *blank)
{
    uint8_t b[CHUNK];
    *blank = true;
    for (; addr < end; addr += CHUNK) {
        size_t k = (end - addr < CHUNK) ? end - addr : CHUNK;
        int rc = hal_flash_read(addr, b, k);
        if (rc != APP_OK) {
            return rc;
        }
        if (!all_ff(b, k)) {
            *blank = false;
            return APP_OK;
        }
    }
    return APP_OK;
}

/* Take a free sector and make it erased. The search starts where the last
 * one ended (and, after boot, at a random sector), so erases go round the
 * whole area: wear is spread without erase counters. An erased sector is
 * not erased again (it costs wear and, on NOR, tens of ms). Only the
 * metadata log may take the last APP_STORE_RESERVE sectors. */
static int alloc(bool meta, uint32_t *out)
{
    uint32_t n = s_geo.sector_count;
    uint32_t avail = n - s_nused;
    if (avail == 0 || (!meta && avail <= APP_STORE_RESERVE)) {
        return APP_ERR_NOSPACE;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t sec = (s_cursor + i) % n;
        if (used(sec)) {
            continue;
        }
        s_cursor = (sec + 1u) % n;
        bool blank = false;
        int rc = blank_from(sector_addr(sec), sector_addr(sec) + s_geo.sector_size, &blank);
        if (rc == APP_OK && !blank) {
            rc = hal_flash_erase(sector_addr(sec));
            if (rc == APP_OK) {
                rc = blank_from(sector_addr(sec), sector_addr(sec) + s_geo.sector_size, &blank);
                rc = (rc == APP_OK && !blank) ? APP_ERR_IO : rc;
            }
        }
        if (rc != APP_OK) {
            return rc;
        }
        (void)store_log_claim(sec);
        *out = sec;
        return APP_OK;
    }
    return APP_ERR_NOSPACE;
}

int store_log_data_open(uint32_t file_key, uint32_t chunk, uint32_t *sector_out)
{
    uint32_t sec = 0;
    int rc = alloc(false, &sec);
    if (rc == APP_OK) {
        rc = write_hdr(sec, MAGIC_DATA, file_key, chunk);
        if (rc != APP_OK) {
            store_log_release(sec);
        }
    }
    if (rc == APP_OK) {
        *sector_out = sec;
    }
    return rc;
}

/* ---- the metadata log -------------------------------------------------------- */

static uint32_t head_sector(void)
{
    return s_meta[s_nmeta - 1u];
}

static int meta_open(void)
{
    uint32_t sec = 0;
    if (s_nmeta >= APP_STORE_META_MAX) {
        return APP_ERR_NOSPACE;
    }
    int rc = alloc(true, &sec);
    if (rc != APP_OK) {
        return rc;
    }
    rc = write_hdr(sec, MAGIC_META, s_next_seq, 0);
    if (rc != APP_OK) {
        store_log_release(sec);
        return rc;
    }
    s_next_seq++;
    s_meta[s_nmeta] = (uint16_t)sec;
    s_meta_end[s_nmeta] = STORE_SECT_HDR;
    s_nmeta++;
    s_head_closed = false;
    return APP_OK;
}

/* Read and check the record at addr (within its sector, which ends at
 * end). APP_OK with *r filled; APP_ERR_NOTFOUND for erased bytes (the end
 * of the log in that sector); APP_ERR_CORRUPT for anything else. */
static int rec_at(uint32_t addr, uint32_t end, struct store_rec *r, bool check)
{
    uint8_t h[STORE_REC_HDR];
    uint8_t b[CHUNK];
    if (end - addr < STORE_REC_HDR) {
        return APP_ERR_NOTFOUND;
    }
    int rc = hal_flash_read(addr, h, sizeof(h));
    if (rc != APP_OK) {
        return rc;
    }
    if (all_ff(h, sizeof(h))) {
        return APP_ERR_NOTFOUND;
    }
    r->addr = addr;
    r->type = h[0];
    r->len = (uint16_t)(h[2] | h[3] << 8);
    r->key = get32(h + 4);
    if (h[1] != 0 || r->type < STORE_REC_SESSION || r->type > STORE_REC_IMPORT ||
        store_log_rec_size(r->len) > end - addr) {
        return APP_ERR_CORRUPT;
    }
    if (!check) {
        return APP_OK;
    }
    uint32_t crc = store_crc32(0, h, 8);
    for (uint32_t off = 0; off < r->len; off += CHUNK) {
        size_t k = (r->len - off < CHUNK) ? r->len - off : CHUNK;
        rc = hal_flash_read(addr + STORE_REC_HDR + off, b, k);
        if (rc != APP_OK) {
            return rc;
        }
        crc = store_crc32(crc, b, k);
    }
    return (crc == get32(h + 8)) ? APP_OK : APP_ERR_CORRUPT;
}

static int write_raw(uint32_t to, uint32_t from, uint32_t size)
{
    struct store_prog p;
    uint8_t b[CHUNK];
    store_log_prog_begin(&p, to);
    for (uint32_t off = 0; off < size; off += CHUNK) {
        size_t k = (size - off < CHUNK) ? size - off : CHUNK;
        int rc = hal_flash_read(from + off, b, k);
        if (rc == APP_OK) {
            rc = store_log_prog_put(&p, b, k);
        }
        if (rc != APP_OK) {
            return rc;
        }
    }
    return store_log_prog_end(&p);
}

static int room_for(uint32_t size);

/* Move the live records of the oldest metadata sector to the newest, then
 * zero the old sector's header (it is erased when next allocated). */
static int compact_tail(void)
{
    uint32_t tail = s_meta[0];
    uint32_t base = sector_addr(tail);
    uint32_t end = base + s_meta_end[0];
    struct store_rec r;
    s_compacting = true;
    int rc = APP_OK;
    for (uint32_t a = base + STORE_SECT_HDR; a < end && rc == APP_OK;) {
        if (rec_at(a, end, &r, true) != APP_OK) {
            break; /* the rest of this sector never held a valid record */
        }
        uint32_t size = store_log_rec_size(r.len);
        if (store_index_live(a)) {
            rc = room_for(size);
            if (rc == APP_OK) {
                uint32_t to = sector_addr(head_sector()) + s_meta_end[s_nmeta - 1u];
                rc = write_raw(to, a, size);
                if (rc == APP_OK) {
                    s_meta_end[s_nmeta - 1u] = (uint16_t)(s_meta_end[s_nmeta - 1u] + size);
                    s_chain_bytes += size;
                    store_index_moved(a, to);
                } else {
                    s_head_closed = true;
                }
            }
        }
        a += size;
    }
    s_compacting = false;
    if (rc != APP_OK) {
        return rc;
    }
    static const uint8_t zero[STORE_SECT_HDR];
    rc = hal_flash_program(base, zero, sizeof(zero));
    s_chain_bytes -= (uint32_t)(s_meta_end[0] - STORE_SECT_HDR);
    memmove(&s_meta[0], &s_meta[1], (s_nmeta - 1u) * sizeof(s_meta[0]));
    memmove(&s_meta_end[0], &s_meta_end[1], (s_nmeta - 1u) * sizeof(s_meta_end[0]));
    s_nmeta--;
    store_log_release(tail);
    return rc;
}

static bool should_compact(void)
{
    /* One sector slot stays free for the copies themselves; with free
     * sectors low, only dead records are worth moving the log for. */
    uint32_t dead = (s_chain_bytes > s_live_bytes) ? s_chain_bytes - s_live_bytes : 0u;
    return s_nmeta >= 2u &&
           (s_nmeta + 1u >= APP_STORE_META_MAX ||
            (dead > 0u && s_geo.sector_count - s_nused <= APP_STORE_RESERVE) ||
            dead >= s_geo.sector_size - STORE_SECT_HDR);
}

/* Make the newest metadata sector able to take size more bytes. */
static int room_for(uint32_t size)
{
    if (size > s_geo.sector_size - STORE_SECT_HDR) {
        return APP_ERR_TOOBIG;
    }
    if (s_nmeta > 0 && !s_head_closed &&
        s_geo.sector_size - s_meta_end[s_nmeta - 1u] >= size) {
        return APP_OK;
    }
    if (!s_compacting) {
        /* Each pass frees the oldest sector; a few passes at most. */
        for (uint32_t i = 0; i < APP_STORE_META_MAX && should_compact(); i++) {
            uint32_t before = s_nmeta;
            int rc = compact_tail();
            if (rc != APP_OK) {
                return rc;
            }
            if (s_nmeta >= before) {
                break; /* the tail was all live: moving more gains nothing now */
            }
        }
        if (!s_head_closed && s_geo.sector_size - s_meta_end[s_nmeta - 1u] >= size) {
            return APP_OK;
        }
    }
    return meta_open();
}

int store_log_append(uint8_t type, uint32_t key, const struct store_piece *pc, int n,
                     uint32_t *addr_out)
{
    uint8_t h[STORE_REC_HDR];
    uint32_t len = 0;
    if (!s_mounted) {
        return APP_ERR_STATE;
    }
    for (int i = 0; i < n; i++) {
        len += (uint32_t)pc[i].n;
    }
    if (len > 0xFFFFu) {
        return APP_ERR_TOOBIG;
    }
    h[0] = type;
    h[1] = 0;
    h[2] = (uint8_t)len;
    h[3] = (uint8_t)(len >> 8);
    put32(h + 4, key);
    uint32_t crc = store_crc32(0, h, 8);
    for (int i = 0; i < n; i++) {
        crc = store_crc32(crc, pc[i].p, pc[i].n);
    }
    put32(h + 8, crc);
    uint32_t size = store_log_rec_size(len);
    int rc = APP_OK;
    /* A program that fails leaves the sector's tail unknown: close it and
     * write the record once more in a fresh sector. */
    for (int attempt = 0; attempt < 2; attempt++) {
        rc = room_for(size);
        if (rc != APP_OK) {
            return rc;
        }
        uint32_t at = sector_addr(head_sector()) + s_meta_end[s_nmeta - 1u];
        struct store_prog p;
        store_log_prog_begin(&p, at);
        rc = store_log_prog_put(&p, h, sizeof(h));
        for (int i = 0; i < n && rc == APP_OK; i++) {
            rc = store_log_prog_put(&p, pc[i].p, pc[i].n);
        }
        if (rc == APP_OK) {
            rc = store_log_prog_end(&p);
        }
        if (rc == APP_OK) {
            s_meta_end[s_nmeta - 1u] = (uint16_t)(s_meta_end[s_nmeta - 1u] + size);
            s_chain_bytes += size;
            if (addr_out != NULL) {
                *addr_out = at;
            }
            return APP_OK;
        }
        s_head_closed = true;
    }
    return rc;
}

/* ---- mount -------------------------------------------------------------------- */

/* Replay one metadata sector; sets its end and whether bytes after the
 * last valid record are not erased. */
static int replay(uint32_t i, store_log_apply_fn apply, int pass, bool *dirty)
{
    uint32_t base = sector_addr(s_meta[i]);
    /* Pass 2 reads only what pass 1 found valid, without the CRCs again. */
    uint32_t end = base + ((pass == 1) ? s_geo.sector_size : s_meta_end[i]);
    uint32_t a = base + STORE_SECT_HDR;
    struct store_rec r;
    if (pass == 1) {
        *dirty = false;
    }
    for (;;) {
        int rc = rec_at(a, end, &r, pass == 1);
        if (rc == APP_ERR_NOTFOUND && pass == 2) {
            break;
        }
        if (rc == APP_ERR_NOTFOUND) {
            bool blank = false;
            rc = blank_from(a, end, &blank);
            if (rc != APP_OK) {
                return rc;
            }
            *dirty = !blank;
            break;
        }
        if (rc == APP_ERR_CORRUPT) {
            *dirty = true; /* a record cut short: nothing after it counts */
            break;
        }
        if (rc == APP_OK) {
            rc = apply(&r, pass);
        }
        if (rc != APP_OK) {
            return rc;
        }
        a += store_log_rec_size(r.len);
    }
    if (pass == 1) {
        s_meta_end[i] = (uint16_t)(a - base);
        s_chain_bytes += a - base - STORE_SECT_HDR;
    }
    return APP_OK;
}

static int geometry_ok(void)
{
    uint32_t ss = s_geo.sector_size;
    uint32_t pu = s_geo.program_unit;
    if (ss < 256u || ss > 32768u || (ss & (ss - 1u)) != 0u || s_geo.sector_count < 4u ||
        s_geo.sector_count > APP_STORE_MAX_SECTORS || pu == 0u || pu > 16u ||
        (pu & (pu - 1u)) != 0u) {
        return APP_ERR_INVAL;
    }
    s_align = (pu < 4u) ? 4u : pu;
    return APP_OK;
}

int store_log_mount(store_log_apply_fn apply, uint32_t seed)
{
    uint32_t seqs[APP_STORE_META_MAX];
    uint32_t other = 0;   /* sectors that are neither erased, metadata nor data */
    uint32_t in_use = 0;  /* ... that are data sectors */
    s_mounted = false;
    memset(s_used, 0, sizeof(s_used));
    s_nused = 0;
    s_nmeta = 0;
    s_chain_bytes = 0;
    s_live_bytes = 0;
    s_next_seq = 1;
    s_head_closed = false;
    int rc = hal_flash_init(&s_geo);
    if (rc != APP_OK) {
        return rc;
    }
    rc = geometry_ok();
    if (rc != APP_OK) {
        return rc;
    }
    for (uint32_t sec = 0; sec < s_geo.sector_count; sec++) {
        uint32_t w[4];
        bool blank = false;
        rc = read_hdr(sec, w, &blank);
        if (rc == APP_ERR_IO) {
            return rc;
        }
        if (rc != APP_OK || w[0] != MAGIC_META) {
            other += (uint32_t)(!blank && !(rc == APP_OK && w[0] == MAGIC_DATA));
            in_use += (uint32_t)(rc == APP_OK && w[0] == MAGIC_DATA);
            continue;
        }
        if (s_nmeta >= APP_STORE_META_MAX) {
            return APP_ERR_CORRUPT;
        }
        /* Insert in sequence order. */
        uint32_t j = s_nmeta;
        while (j > 0 && seqs[j - 1u] > w[1]) {
            seqs[j] = seqs[j - 1u];
            s_meta[j] = s_meta[j - 1u];
            j--;
        }
        if (j > 0 && seqs[j - 1u] == w[1]) {
            return APP_ERR_CORRUPT;
        }
        seqs[j] = w[1];
        s_meta[j] = (uint16_t)sec;
        s_nmeta++;
        (void)store_log_claim(sec);
        if (w[1] >= s_next_seq) {
            s_next_seq = w[1] + 1u;
        }
    }
    /* A remount (after a delete) goes on where the allocator was. */
    static bool seeded;
    if (!seeded) {
        s_cursor = seed % s_geo.sector_count;
        seeded = true;
    }
    s_cursor %= s_geo.sector_count;
    if (s_nmeta == 0) {
        /* No log: an erased area (or one cut while being formatted: a single
         * sector of unknown bytes) is formatted; anything more may be
         * someone's data and is reported, never erased. */
        if (in_use > 0 || other > 1u) {
            return APP_ERR_CORRUPT;
        }
        s_mounted = true;
        rc = meta_open();
        s_mounted = (rc == APP_OK);
        return rc;
    }
    bool dirty = false;
    for (int pass = 1; pass <= 2; pass++) {
        for (uint32_t i = 0; i < s_nmeta; i++) {
            rc = replay(i, apply, pass, &dirty);
            if (rc != APP_OK) {
                return rc;
            }
        }
    }
    s_head_closed = dirty;
    s_mounted = true;
    return APP_OK;
}
