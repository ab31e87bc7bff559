/* Upload-session store: the sessions the device serves, kept on the
 * board's flash (hal_flash) in a power-cut-safe log (store_log.h) and
 * indexed in static RAM tables. Up to APP_MAX_SESSIONS sessions; their files
 * come from one pool of APP_STORE_FILES entries; every id and file name is
 * copied into one byte arena of APP_STORE_ARENA bytes (equal catalog and
 * resource ids are stored once). A session's referenceId and review data,
 * and every file's bytes, stay on flash only.
 *
 * Durability (contract, Part 2 "Durability"): each call that changes
 * something returns APP_OK only once the change is on flash; a power cut
 * at any instant leaves the state before or after the call.
 * Not thread-safe: one superloop owns it. */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app_config.h"

/** A stored session (opaque; read it through the accessors below). */
struct store_session;

/** What store_session_add() copies in. Ids need not be NUL-terminated. */
struct store_session_in {
    const char *catalog_id;
    size_t catalog_id_len;
    const char *resource_id;
    size_t resource_id_len;
    const char *id;
    size_t id_len;
    const char *reference_id; /**< may be empty; <= APP_ID_MAX bytes, kept on flash only */
    size_t reference_id_len;
    const void *data; /**< review data, opaque to the store; <= STORE_DATA_MAX bytes */
    size_t data_len;
    bool upload_done;
    int64_t created_ms;    /**< Unix ms */
    int64_t expiration_ms; /**< Unix ms */
};

/** One file of a session, as store_session_file() reports it. */
struct store_file_info {
    const char *name; /**< name_len bytes of UTF-8, not NUL-terminated */
    size_t name_len;
    size_t name_esc_len; /**< name_len plus one per '"' and '\\' (see store_session_id_esc()) */
    int64_t size;        /**< bytes, >= 0 */
    int64_t uploaded_ms; /**< Unix ms */
};

/** Why store_find() found nothing: the first id that matched no session. */
enum store_missing {
    STORE_MISSING_NONE = 0,  /**< found */
    STORE_MISSING_CATALOG,   /**< no session has that catalog id */
    STORE_MISSING_RESOURCE,  /**< the catalog exists, that resource not in it */
    STORE_MISSING_SESSION,   /**< catalog and resource exist, not that session id */
};

/** Graph's customDataProvidedResourceUploadSession status. */
enum store_status {
    STORE_STATUS_ACTIVE = 0,
    STORE_STATUS_COMPLETE,
    STORE_STATUS_EXPIRED,
};

/** Bytes of review data a session can carry. */
#define STORE_DATA_MAX 512u

/** Pool counters, for limits in messages and leak checks in tests. */
struct store_usage {
    int sessions;      /**< of APP_MAX_SESSIONS */
    int files;         /**< of APP_STORE_FILES */
    size_t arena_used; /**< of APP_STORE_ARENA bytes */
    uint32_t sector_size;  /**< flash: bytes per sector (0 when not mounted) */
    uint32_t sectors;      /**< sectors in the area */
    uint32_t free_sectors; /**< not holding metadata or a file's bytes */
    uint32_t meta_sectors; /**< holding the metadata log */
};

/** Bytes on their way to flash, in whole program units (store_log.c). */
struct store_prog {
    uint32_t addr; /**< where buf[0] goes */
    uint32_t n;    /**< bytes in buf */
    uint8_t buf[64];
};

/** A file being written (store_file_begin() .. commit or abort). Owned by
 * the caller; one at a time. */
struct store_writer {
    bool active;
    uint32_t session_key;
    uint32_t file_key;
    uint32_t size; /**< bytes written so far */
    uint32_t crc;
    uint32_t room; /**< bytes left in the current data sector */
    uint16_t nsect;
    uint16_t name_len;
    struct store_prog prog;
    uint8_t sect[2 * APP_STORE_FILE_SECTORS]; /**< sector numbers, u16 little-endian */
    char name[APP_FILE_NAME_MAX];
};

/** Forget the RAM index; the store is unmounted until store_mount(). */
void store_reset(void);

/**
 * Mount the flash area (hal_flash_init()) and rebuild the index from it;
 * an erased area is formatted. Bounded time: every sector header and the
 * metadata log are read once, no file bytes.
 *
 * @param seed where wear spreading starts (random per boot)
 * @return APP_OK; APP_ERR_NODEV (no area); APP_ERR_INVAL (geometry the
 *         store cannot use); APP_ERR_CORRUPT (unreadable: reported, never
 *         formatted); APP_ERR_NOMEM (more on flash than the RAM tables
 *         hold); APP_ERR_IO. Until it succeeds, every call that needs the
 *         store fails with APP_ERR_STATE.
 */
int store_mount(uint32_t seed);

/** APP_OK when mounted, else why not (the last store_mount() result). */
int store_state(void);

/** True when the store has never imported the configuration's sessions
 * (a freshly formatted one); false otherwise or when not mounted. */
bool store_import_needed(void);

/** Record that the configuration's sessions are imported (durable); later
 * boots leave what was deleted since deleted. */
int store_import_done(void);

/**
 * Why p[0..n) is not a valid id (contract: 1..APP_ID_MAX bytes of
 * printable ASCII 0x21..0x7E without '/'), as a short static text, or
 * NULL when it is valid.
 */
const char *store_id_problem(const char *p, size_t n);

/**
 * Why p[0..n) is not a valid file name (1..APP_FILE_NAME_MAX bytes of
 * valid UTF-8 without bytes < 0x20), as a short static text, or NULL.
 */
const char *store_name_problem(const char *p, size_t n);

/**
 * Add a session with no files, durably, copying its ids.
 *
 * @param index_out if not NULL, set to the new session's index
 * @return APP_OK; APP_ERR_INVAL for a NULL argument, an invalid id
 *         (store_id_problem()), a referenceId or data too long, or a
 *         (catalog, resource, id) triple that is already stored;
 *         APP_ERR_NOMEM when APP_MAX_SESSIONS sessions exist or the arena
 *         cannot hold the ids; APP_ERR_NOSPACE when the flash is full;
 *         APP_ERR_STATE when not mounted; APP_ERR_IO. Nothing is added on
 *         error.
 */
int store_session_add(const struct store_session_in *in, int *index_out);

/** Set isUploadDone (durable; again on a done session is APP_OK and
 * writes nothing). APP_ERR_NOTFOUND for a bad index. */
int store_session_set_done(int session);

/** Delete a session and its files (durable); their flash is reclaimed.
 * Indices of later sessions move down by one. */
int store_session_delete(int session);

/** Delete every session that is Expired at now_ms (not done, past its
 * expiration), to make room. Returns how many, or an error. */
int store_reclaim_expired(int64_t now_ms);

/** The session's referenceId, copied into buf (cap >= APP_ID_MAX).
 * Returns its length or a negative app_err. */
int store_session_reference_id(const struct store_session *s, char *buf, size_t cap);

/** The session's review data, copied into buf. Returns its length or a
 * negative app_err (APP_ERR_OVERFLOW when cap is too small). */
int store_session_data(const struct store_session *s, void *buf, size_t cap);

/**
 * Append a file whose bytes the device does not hold (imported from the
 * configuration: name, size and time only), durably.
 *
 * @return APP_OK; APP_ERR_INVAL for a bad session index, an invalid name
 *         (store_name_problem()) or size < 0; APP_ERR_NOMEM when the
 *         session already has APP_MAX_FILES files, the shared pool of
 *         APP_STORE_FILES is used up, or the arena cannot hold the name;
 *         APP_ERR_NOSPACE, APP_ERR_STATE, APP_ERR_IO as above.
 */
int store_file_add(int session, const char *name, size_t name_len, int64_t size,
                   int64_t uploaded_ms);

/**
 * Start writing a file into session number `session`. Its bytes go to
 * flash as they come (store_file_write()); the file exists only once
 * store_file_commit() returns.
 *
 * @return APP_OK; APP_ERR_NOTFOUND (bad index); APP_ERR_INVAL (bad name);
 *         APP_ERR_TOOBIG (the session has APP_MAX_FILES files);
 *         APP_ERR_NOMEM (file pool or arena full); APP_ERR_BUSY (another
 *         writer is active); APP_ERR_STATE (not mounted).
 */
int store_file_begin(struct store_writer *w, int session, const char *name, size_t name_len);

/**
 * Append n bytes to the file.
 * @return APP_OK; APP_ERR_TOOBIG when the file would pass
 *         APP_STORE_FILE_MAX or its session APP_STORE_SESSION_MAX;
 *         APP_ERR_NOSPACE when the flash is full; APP_ERR_IO. After an
 *         error the caller aborts.
 */
int store_file_write(struct store_writer *w, const void *p, size_t n);

/**
 * Make the file part of its session (durable when this returns APP_OK).
 * @param id          16 bytes (e.g. a UUID), stored with the file; may be NULL (zeros)
 * @param index_out   if not NULL, the file's number in its session
 * @return APP_OK; APP_ERR_NOTFOUND when the session was deleted meanwhile;
 *         the errors of store_session_add(). On error nothing is kept.
 */
int store_file_commit(struct store_writer *w, const uint8_t *id, int64_t uploaded_ms,
                      int *index_out);

/** Drop a file being written: its sectors are free again. */
void store_file_abort(struct store_writer *w);

/**
 * Read up to n bytes of file i of s from byte off.
 * @return bytes read (0 at the end); APP_ERR_NOTFOUND when the device does
 *         not hold the file's bytes (imported) or i is out of range;
 *         APP_ERR_IO.
 */
int store_file_read(const struct store_session *s, int i, uint32_t off, void *buf, size_t n);

/** Read file i of s whole and check it against the CRC-32 taken when it
 * was written: APP_OK, APP_ERR_CORRUPT, or the errors of store_file_read(). */
int store_file_verify(const struct store_session *s, int i);

/** The 16-byte id given at commit (zeros for an imported file). */
int store_file_id(const struct store_session *s, int i, uint8_t id[16]);

/**
 * Find the session with exactly these ids (byte for byte; lengths are
 * compared first). Linear in the number of sessions.
 *
 * @param out     set to the session, or NULL when not found
 * @param missing if not NULL, set to STORE_MISSING_NONE on success or to
 *                the first id that matched nothing
 * @return APP_OK; APP_ERR_NOTFOUND when there is no such session;
 *         APP_ERR_INVAL for a NULL id pointer with a non-zero length or a
 *         NULL out.
 */
int store_find(const char *cat, size_t cat_len, const char *res, size_t res_len, const char *id,
               size_t id_len, const struct store_session **out, enum store_missing *missing);

/** A session's serial number: stays the same while the session exists
 * (indices move when others are deleted). */
uint32_t store_session_key(const struct store_session *s);

/** Index of the session with that key, or APP_ERR_NOTFOUND. */
int store_session_by_key(uint32_t key);

/** Number of stored sessions. */
int store_count(void);

/** Session number i (0..store_count()-1), or NULL. */
const struct store_session *store_session_at(int i);

/** Index of s in the table (the inverse of store_session_at()), or
 * APP_ERR_INVAL if s is not a stored session. */
int store_session_index(const struct store_session *s);

/** The session's ids: pointer to *len bytes (not NUL-terminated). */
const char *store_session_catalog_id(const struct store_session *s, size_t *len);
const char *store_session_resource_id(const struct store_session *s, size_t *len);
const char *store_session_id(const struct store_session *s, size_t *len);

/**
 * Length of an id once '"' and '\\' are escaped with a backslash, as a
 * JSON string (RFC 8259 7) or an HTTP quoted-string (RFC 9110 5.6.4)
 * writes it: the only bytes of a valid id or name that need escaping
 * (ids are printable ASCII, names have no control bytes). Counted when
 * the string is stored, so that responses need not scan it.
 */
size_t store_session_catalog_id_esc(const struct store_session *s);
size_t store_session_resource_id_esc(const struct store_session *s);
size_t store_session_id_esc(const struct store_session *s);

/**
 * A number that changes whenever anything stored changes (never 0), so
 * that lengths derived from the store can be kept until then.
 */
uint32_t store_generation(void);

bool store_session_upload_done(const struct store_session *s);
int64_t store_session_created_ms(const struct store_session *s);
int64_t store_session_expiration_ms(const struct store_session *s);

/** Number of files of s (0..APP_MAX_FILES). */
int store_session_file_count(const struct store_session *s);

/**
 * File number i of s, in the order added.
 * @return APP_OK; APP_ERR_NOTFOUND when i is out of range;
 *         APP_ERR_INVAL for NULL arguments.
 */
int store_session_file(const struct store_session *s, int i, struct store_file_info *out);

/** stats.filesUploaded: the number of files (derived, never stored). */
int32_t store_files_uploaded(const struct store_session *s);

/** stats.totalBytesUploaded: the sum of the file sizes, saturating at
 * INT64_MAX (derived, never stored). */
int64_t store_total_bytes(const struct store_session *s);

/** COMPLETE if the upload is done; else EXPIRED once now_ms is past
 * expirationDateTime (now == expiration is still ACTIVE); else ACTIVE. */
enum store_status store_status(const struct store_session *s, int64_t now_ms);

/** "Active", "Complete", "Expired" (the seed's spelling);
 * "unknownFutureValue" for anything else. Never NULL. */
const char *store_status_name(enum store_status st);

/** Current pool counters. */
void store_usage(struct store_usage *out);

#endif
