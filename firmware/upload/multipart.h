/* Streaming reader of a multipart/form-data request body (RFC 7578, with
 * the delimiters of RFC 2046 5.1.1): fed the body in chunks of any size, it
 * hands the content of the one part named "file" to a sink as it passes,
 * never holding it. Pure: no I/O, no heap, all state in struct mp_reader. */
#ifndef MULTIPART_H
#define MULTIPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits. Defaults here rather than in app_config.h so that the module
 * stands alone; a build may override them with -D. */
#ifndef APP_MP_HDR_LINE_MAX
#define APP_MP_HDR_LINE_MAX 256u   /* one part header line, without its CRLF */
#endif
#ifndef APP_MP_HDR_MAX
#define APP_MP_HDR_MAX 1024u       /* a part's whole header block, CRLFs included */
#endif
#ifndef APP_MP_FILENAME_MAX
#define APP_MP_FILENAME_MAX 128u   /* decoded filename bytes */
#endif
#if APP_MP_HDR_LINE_MAX > APP_MP_HDR_MAX || APP_MP_HDR_MAX > 65535u
#error "APP_MP_HDR_LINE_MAX must be <= APP_MP_HDR_MAX <= 65535"
#endif

#define MP_BOUNDARY_MAX 70u  /* RFC 2046 5.1.1: 1..70 characters */
#define MP_NAME_MAX 32u      /* bytes of an unexpected part's name kept for the message */

/* What the reader calls for the part named "file". Each returns 0 to go on;
 * any other value stops the reader, and mp_feed returns it (and keeps
 * returning it). */
struct mp_sink {
    /* The part's headers are complete. filename[0..len) is the decoded
     * filename parameter (quoted-pair undone, no percent-decoding; never
     * empty; not NUL-terminated); valid during the call only. */
    int (*begin)(void *ctx, const char *filename, size_t len);
    /* The next n > 0 content bytes; p is valid during the call only (it
     * points into the caller's chunk or into the reader). */
    int (*data)(void *ctx, const void *p, size_t n);
    /* The part's closing delimiter has been read: the content is complete. */
    int (*end)(void *ctx);
};

/* Caller-owned reader state; fixed size, no pointers into caller memory. */
struct mp_reader {
    /* Static text of the first fault ("no file part", "header line too
     * long", ...), NULL while none, for the API's "bad multipart: ..."
     * message; "upload stopped" when a sink callback failed. */
    const char *reason;
    /* For reason "unexpected part": the part's name (truncated to
     * MP_NAME_MAX bytes), NUL-terminated. */
    char part_name[MP_NAME_MAX + 1];
    /* Private below. */
    int err;
    uint8_t state;
    bool in_file;     /* inside the content of the "file" part */
    bool file_done;   /* the "file" part has been seen whole */
    bool started;     /* a delimiter has been read */
    bool has_cd, has_name, has_filename, is_file;
    size_t dl;        /* delimiter length: 4 + boundary length */
    size_t k;         /* delimiter bytes matched so far (0..dl + 1) */
    uint16_t line_len, hdr_total, filename_len;
    /* "\r\n--" boundary "-": the delimiter and the first byte of the close
     * delimiter's "--", so that a partial match carried over between feeds
     * that turns out to be content is handed on from here. */
    char delim[4u + MP_BOUNDARY_MAX + 1u];
    char line[APP_MP_HDR_LINE_MAX];
    char filename[APP_MP_FILENAME_MAX];
};

/* The boundary of a Content-Type field value content_type[0..n): the media
 * type must be multipart/form-data (case-insensitive, OWS around it and
 * around ';', parameters per RFC 9110 5.6.6, other parameters ignored),
 * with exactly one boundary parameter, a token or a quoted-string of 1..70
 * RFC 2046 bchars not ending in a space. On success *b points into
 * content_type and *blen is its length.
 * Returns 0; APP_ERR_INVAL if the media type is not multipart/form-data
 * (HTTP 415); APP_ERR_PROTO if it is but the parameters are malformed or
 * the boundary is missing, repeated, invalid, or a quoted-string with a
 * backslash escape (refused as unsupported: no real client sends one, and
 * *b could not point at the undone text) (HTTP 400). */
int mp_boundary(const char *content_type, size_t n, const char **b, size_t *blen);

/* Starts a reader for boundary[0..n) (as mp_boundary returns it).
 * Returns 0; APP_ERR_INVAL if m or boundary is NULL, or n is not 1..70, or
 * the boundary holds a byte that is not a bchar. */
int mp_init(struct mp_reader *m, const char *boundary, size_t n);

/* Reads the next n bytes of the body (any split, 1 byte at a time works),
 * calling sink (with ctx) for the "file" part. The preamble and epilogue
 * are ignored. Rules: every part has a Content-Disposition form-data with
 * a name; exactly one part, named "file", with a non-empty filename; any
 * other part, or a second "file" part, is a fault.
 * Returns 0; APP_ERR_INVAL for malformed multipart (m->reason says what);
 * a sink callback's non-zero return; after a fault, the same value again. */
int mp_feed(struct mp_reader *m, const void *p, size_t n, const struct mp_sink *sink, void *ctx);

/* The body has ended. Returns 0 if the close delimiter was read after the
 * "file" part; the fault mp_feed returned, if any; else APP_ERR_INVAL
 * (m->reason: "unterminated body", or "no delimiter" if not one was seen). */
int mp_end(struct mp_reader *m);

#endif
