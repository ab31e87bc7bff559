/* Fixed-buffer JSON writer (RFC 8259) with a window: renders a whole HTTP
 * response (raw head text + compact JSON body) into a small caller-owned
 * buffer, in one piece or in slices, without a heap and without ever
 * producing a silently truncated document.
 *
 * Every call appends "logical" bytes numbered from 0. Byte i is stored at
 * buf[i - skip] when skip <= i < skip + cap; producing a byte at
 * i >= skip + cap sets the sticky APP_ERR_OVERFLOW. To send a response
 * larger than the buffer, render it again with skip = 0, cap, 2*cap, ...
 * until json_more() is false. Commas and colons are inserted
 * automatically. Errors are sticky: after APP_ERR_INVAL every call is a
 * no-op; after APP_ERR_OVERFLOW the writer keeps counting (json_total())
 * and checking, and a later APP_ERR_INVAL replaces the overflow. */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Deepest container nesting accepted; one more begin is APP_ERR_INVAL. */
#define JSON_MAX_DEPTH 16u

/** Writer state; the fields are private, use the functions below. */
struct json_out {
    char *buf;           /* window storage, cap bytes (NULL in count mode) */
    size_t cap;          /* window size */
    size_t skip;         /* logical offset of buf[0] */
    size_t pos;          /* logical bytes produced so far */
    int err;             /* sticky: APP_OK, APP_ERR_OVERFLOW or APP_ERR_INVAL */
    uint8_t depth;       /* open containers, 0..JSON_MAX_DEPTH */
    uint8_t after_key;   /* a key was written, its value is due */
    uint32_t need_comma; /* bit d: the container at depth d holds a member */
    uint32_t in_obj;     /* bit d: the container at depth d is an object */
};

/**
 * Start a plain writer over buf[0..cap): output that does not fit is
 * APP_ERR_OVERFLOW (buf then holds the first cap bytes). buf may be NULL
 * only when cap is 0.
 */
void json_init(struct json_out *o, char *buf, size_t cap);

/**
 * Start a windowed writer: only logical bytes skip..skip+cap-1 are stored,
 * at buf[0..cap). Bytes before skip are counted and dropped; the first
 * byte past the window sets APP_ERR_OVERFLOW, which json_more() reports as
 * "more to come". If skip + cap would wrap size_t, the window ends at
 * SIZE_MAX.
 */
void json_init_window(struct json_out *o, char *buf, size_t cap, size_t skip);

/**
 * Start a counting writer: nothing is stored and APP_ERR_OVERFLOW is never
 * set; json_total() gives the length of the rendering (e.g. for
 * Content-Length), json_result() gives 0 or APP_ERR_INVAL.
 */
void json_init_count(struct json_out *o);

/**
 * Append n bytes exactly as given (no escaping, no comma logic), e.g. an
 * HTTP response head. p may be NULL only when n is 0 (else APP_ERR_INVAL).
 */
void json_raw(struct json_out *o, const char *p, size_t n);

/** json_raw() of a NUL-terminated string (NULL: APP_ERR_INVAL). */
void json_raw_str(struct json_out *o, const char *s);

/** Append v in decimal, no quotes, no comma logic (e.g. Content-Length). */
void json_raw_u64(struct json_out *o, uint64_t v);

/**
 * Open an object / array as a value: at top level (once), in an array, or
 * after json_key(). APP_ERR_INVAL when a key is due instead, when a second
 * top-level value is started, or beyond JSON_MAX_DEPTH levels.
 */
void json_obj_begin(struct json_out *o);
void json_arr_begin(struct json_out *o);

/**
 * Close the innermost container. APP_ERR_INVAL when it is of the other
 * kind, when nothing is open, or (objects) when a key still awaits its
 * value.
 */
void json_obj_end(struct json_out *o);
void json_arr_end(struct json_out *o);

/**
 * Write a member name and its colon (escaped like json_str()). Only valid
 * directly inside an object where no key is pending; otherwise, for a NULL
 * key or invalid UTF-8, APP_ERR_INVAL and nothing of the key is written.
 */
void json_key(struct json_out *o, const char *k);
void json_keyn(struct json_out *o, const char *k, size_t n);

/**
 * Write a string value: '"' and '\\' escaped, every byte below 0x20
 * escaped (\\b \\f \\n \\r \\t, else \\u00xx in lowercase hex), 0x7F and valid
 * UTF-8 copied as is. Invalid UTF-8 (overlong forms, surrogates, code
 * points above U+10FFFF, stray or missing continuation bytes), a NULL
 * pointer (json_strn: unless n is 0) or a value where a key is due is
 * APP_ERR_INVAL and nothing of the string is written.
 */
void json_str(struct json_out *o, const char *s);
void json_strn(struct json_out *o, const char *s, size_t n);

/** Write an integer value (INT64_MIN included). Errors as json_str(). */
void json_i64(struct json_out *o, int64_t v);

/** Write true / false. Errors as json_str(). */
void json_bool(struct json_out *o, bool v);

/** Write null. Errors as json_str(). */
void json_null(struct json_out *o);

/**
 * Write a time as a string value "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC).
 * APP_ERR_INVAL when unix_ms is outside years 1970..9999 (see
 * datetime_iso8601()) and as json_str().
 */
void json_time_ms(struct json_out *o, int64_t unix_ms);

/**
 * Decimal digits of v, written backwards so that they end just before
 * end (at most 20 bytes); returns the first. For renderers that place a
 * number themselves (api/resp.c, the request log line).
 */
char *json_u64_digits(char *end, uint64_t v);

/** json_escaped_len() of a string that is not valid UTF-8. */
#define JSON_LEN_INVALID ((size_t)-1)

/**
 * Length of the escaped form of s[0..n) as json_str() writes it, without
 * the quotes; JSON_LEN_INVALID when s is not valid UTF-8 (or NULL with
 * n > 0). One scan, a machine word of plain ASCII at a time.
 */
size_t json_escaped_len(const char *s, size_t n);

/**
 * Write bytes [skip, skip + cap) of the escaped form of s[0..n) to d, for
 * a renderer that sends a long string in slices. s must be valid
 * (json_escaped_len() != JSON_LEN_INVALID).
 * @return the bytes written (less than cap only at the end of the form).
 */
size_t json_escape_window(char *d, size_t cap, const char *s, size_t n, size_t skip);

/**
 * Outcome of the rendering so far.
 * @return the number of bytes stored in the window (0..cap; 0 in count
 *         mode); APP_ERR_INVAL after any misuse or invalid string, or when
 *         a container is still open or a key awaits its value;
 *         APP_ERR_OVERFLOW when output went past the window (the stored
 *         bytes are then a full window, and for skip = 0 a prefix of the
 *         document, never a document of their own).
 */
int json_result(const struct json_out *o);

/** Logical bytes produced so far, stored or not (the rendering's length). */
size_t json_total(const struct json_out *o);

/**
 * True when json_result() is APP_ERR_OVERFLOW: the window is full, the
 * rendering is otherwise fine and more bytes follow it (render again with
 * skip advanced by cap). False on success and on any other error.
 */
bool json_more(const struct json_out *o);

#endif
