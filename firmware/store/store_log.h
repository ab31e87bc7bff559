/* The store's flash format, inside firmware/store/ only (store.c keeps the
 * RAM index and the public API in store.h).
 *
 * The area is hal_flash sectors of three kinds, told apart by a 16-byte
 * header at offset 0:
 *   metadata  "SMET", allocation sequence number, 0, CRC-32 of the first 12
 *             bytes; then records, each aligned, back to back;
 *   data      "SDAT", file key, chunk number, CRC-32; then the file's
 *             bytes (sector_size - 16 of them);
 *   free      anything else (erased, invalidated, torn).
 * A record is a 12-byte header (type, 0, payload length as u16, key as
 * u32, CRC-32 over the first 8 header bytes and the payload) and the
 * payload, padded with 0xFF to the alignment. Everything is little-endian.
 *
 * The metadata sectors form a log, oldest to newest by sequence number;
 * replaying it in order rebuilds the state (Zephyr's NVS and littlefs work
 * the same way). A record is valid only if its CRC matches, so a program
 * cut short is never taken for data; the first invalid record ends its
 * sector, and the next write then starts a new sector rather than
 * programming next to bytes of unknown state. A file's bytes are written to
 * data sectors before the FILE record that names them: until that record
 * is on flash, the sectors belong to nobody and are free again at the next
 * mount.
 *
 * Compaction copies the live records of the oldest metadata sector to the
 * newest and then zeroes the old sector's header: a cut in between leaves
 * two copies of the same records, which replay reads as one. */
#ifndef STORE_LOG_H
#define STORE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h" /* struct store_prog */

#define STORE_SECT_HDR 16u /* bytes of a sector header */
#define STORE_REC_HDR 12u  /* bytes of a record header */

enum store_rec_type {
    STORE_REC_SESSION = 1, /* a session's fixed fields and strings */
    STORE_REC_FILE = 2,    /* a file: its session, size, sectors, name */
    STORE_REC_DONE = 3,    /* isUploadDone became true */
    STORE_REC_DEL = 4,     /* the session and its files are gone */
    STORE_REC_IMPORT = 5,  /* the configuration's sessions were imported */
};

/* A valid record found on flash. */
struct store_rec {
    uint32_t addr; /* of its header */
    uint32_t key;
    uint16_t len; /* payload bytes, at addr + STORE_REC_HDR */
    uint8_t type;
};

/* One part of a record payload. */
struct store_piece {
    const void *p;
    size_t n;
};


/* Called for each valid record in log order while mounting, twice: pass 1
 * then pass 2 (compaction can move a session's record after the records
 * of its files: the sessions are known first, then what belongs to them).
 * Returns APP_OK or an error that stops the mount. */
typedef int (*store_log_apply_fn)(const struct store_rec *r, int pass);

/* Implemented by store.c, for compaction: whether the record at addr is
 * still referenced by the RAM index, and that it now lives at to. */
bool store_index_live(uint32_t addr);
void store_index_moved(uint32_t from, uint32_t to);

uint32_t store_crc32(uint32_t crc, const void *p, size_t n);

int store_log_mount(store_log_apply_fn apply, uint32_t seed);
bool store_log_mounted(void);
int store_log_read(uint32_t addr, void *buf, size_t n);
int store_log_append(uint8_t type, uint32_t key, const struct store_piece *pc, int n,
                     uint32_t *addr_out);
uint32_t store_log_rec_size(uint32_t len);
void store_log_live(int32_t delta);

uint32_t store_log_sector_size(void);
uint32_t store_log_sector_count(void);
uint32_t store_log_free_sectors(void);
uint32_t store_log_meta_sectors(void);
int store_log_claim(uint32_t sector);
void store_log_release(uint32_t sector);

int store_log_data_open(uint32_t file_key, uint32_t chunk, uint32_t *sector_out);
void store_log_prog_begin(struct store_prog *p, uint32_t addr);
int store_log_prog_put(struct store_prog *p, const void *src, size_t n);
int store_log_prog_end(struct store_prog *p);

#endif
