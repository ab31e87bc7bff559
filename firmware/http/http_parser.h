/* HTTP/1.1 request-head parser (RFC 9112 sections 2-5, RFC 9110 where it
 * constrains fields we use). Resumable: feed it the bytes received so far,
 * it scans each byte once across calls, never copies and never allocates;
 * the results are slices into the caller's buffer. */
#ifndef HTTP_PARSER_H
#define HTTP_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_method {
    HTTP_METHOD_GET,
    HTTP_METHOD_HEAD,
    HTTP_METHOD_POST,
    HTTP_METHOD_PUT,
    HTTP_METHOD_PATCH,
    HTTP_METHOD_DELETE,
    HTTP_METHOD_OPTIONS,
    HTTP_METHOD_OTHER, /* any other token; method_text has it */
};

/* n bytes at p, not NUL-terminated. */
struct http_slice {
    const char *p;
    uint16_t n;
};

/* One parsed request head. Slices point into the buffer given to
 * http_parser_feed() and stay valid as long as its bytes do. */
struct http_request {
    enum http_method method; /* methods are case-sensitive: "get" is OTHER */
    struct http_slice method_text;
    struct http_slice target; /* request-target as sent */
    /* Origin-form path ("/..."), or the path part of an absolute-form
     * target (RFC 9112 3.2.2). Not percent-decoded. Empty only for an
     * absolute-form target without a path ("http://h" or "http://h?q"),
     * which RFC 9112 3.2.1 reads as "/". */
    struct http_slice path;
    struct http_slice query; /* bytes after the first '?', without it */
    bool has_query;
    bool absolute_form;          /* target was "http(s)://authority..." */
    struct http_slice authority; /* absolute-form only: host[:port] */
    uint8_t version_minor;       /* 0 or 1 */
    /* Field values with OWS trimmed on both sides. */
    struct http_slice host, authorization, client_request_id;
    bool has_host, has_authorization, has_client_request_id;
    int64_t content_length;  /* -1 when absent; else 0..10^15 */
    bool transfer_encoding;  /* any Transfer-Encoding field seen */
    bool te_chunked;         /* ... exactly one, and its value is "chunked" */
    struct http_slice content_type; /* the value, OWS trimmed */
    bool has_content_type;
    bool conn_close;         /* "close" among the Connection tokens */
    bool conn_keep_alive;    /* "keep-alive" among the Connection tokens */
    uint16_t header_count;   /* field lines in the head */
    uint16_t head_len;       /* bytes of the head incl. the final empty line */
    uint16_t status;         /* on error: 400, 414, 431 or 505 */
    const char *reason;      /* on error: short English sentence (else NULL) */
};

/* Scan state of one request head between feeds, including the request
 * parsed so far. Read-only for callers; http_parser_init() before the
 * first feed of every request. */
struct http_parser {
    size_t scanned;          /* bytes of the buffer already examined */
    int result;              /* 0 while scanning, then the sticky return value */
    struct http_request req; /* the fields found so far */
    uint16_t line_start;     /* first byte of the request line */
    uint16_t mark;           /* first byte of the element being scanned */
    uint16_t qmark;          /* offset of the target's first '?', 0 if none */
    uint8_t state;
    uint8_t field;           /* which known field the current line is */
};

/* Make p ready for the first byte of a new request head. */
void http_parser_init(struct http_parser *p);

/* Scan the head of one request.
 *
 * buf holds the len bytes received so far for this request (the head
 * starts at buf[0]); call again with the same buf and a larger len as bytes
 * arrive: the scan resumes where it stopped, so the total work is linear in
 * the head length (a call with fewer bytes than the last one does nothing).
 * Bytes of buf are never written, and never read at or beyond len. cap is
 * the capacity of buf (APP_HTTP_HEAD_MAX in the server; values above
 * UINT16_MAX count as UINT16_MAX): a head that does not end within the
 * first cap bytes is refused with 431, a request line longer than
 * APP_HTTP_LINE_MAX (with its CRLF) with 414 as soon as that many bytes of
 * it have arrived.
 *
 * req is written only when the return is non-zero (any object will do on
 * each call: the parser keeps what it found so far in p). Once a call
 * returns non-zero, further calls return the same value and fill req the
 * same way.
 *
 * Returns 0 when the head is not complete yet (need more bytes); the head
 * length (> 0, includes leading empty lines and the final CRLF) when it is
 * complete, with req filled; bytes after it (a body, a pipelined request)
 * are not examined. Returns APP_ERR_INVAL when the head is malformed or over
 * a limit, with req->status (400, 414, 431 or 505) and req->reason saying
 * what to answer. Connection persistence is left to the caller: only the
 * Connection tokens are reported, not the version's default. */
int http_parser_feed(struct http_parser *p, const char *buf, size_t len, size_t cap,
                     struct http_request *req);

#endif
