/* Upload-session store: the sessions the device serves, in static tables.
 * Up to APP_MAX_SESSIONS sessions; their files come from one pool of
 * APP_STORE_FILES entries and every id and file name is copied into one
 * byte arena of APP_STORE_ARENA bytes (equal catalog and resource ids are
 * stored once). Filled by config_load() at boot; read per request.
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

/** Pool counters, for limits in messages and leak checks in tests. */
struct store_usage {
    int sessions;      /**< of APP_MAX_SESSIONS */
    int files;         /**< of APP_STORE_FILES */
    size_t arena_used; /**< of APP_STORE_ARENA bytes */
};

/** Empty every table (sessions, file pool, arena). */
void store_reset(void);

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
 * Add a session with no files, copying its ids.
 *
 * @param index_out if not NULL, set to the new session's index
 * @return APP_OK; APP_ERR_INVAL for a NULL argument, an invalid id
 *         (store_id_problem()), or a (catalog, resource, id) triple that is
 *         already stored; APP_ERR_NOMEM when APP_MAX_SESSIONS sessions exist
 *         or the arena cannot hold the ids (nothing is added then).
 */
int store_session_add(const struct store_session_in *in, int *index_out);

/**
 * Append a file to session number `session`, copying its name.
 *
 * @return APP_OK; APP_ERR_INVAL for a bad session index, an invalid name
 *         (store_name_problem()) or size < 0; APP_ERR_NOMEM when the
 *         session already has APP_MAX_FILES files, the shared pool of
 *         APP_STORE_FILES is used up, or the arena cannot hold the name
 *         (nothing is added then).
 */
int store_file_add(int session, const char *name, size_t name_len, int64_t size,
                   int64_t uploaded_ms);

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
