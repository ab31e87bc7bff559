/* Request body framing (RFC 9112 6): a Content-Length count or the chunked
 * transfer coding (RFC 9112 7.1), decoded in place as bytes arrive, in any
 * split. Chunk extensions are skipped, trailer fields discarded. */
#ifndef HTTP_BODY_H
#define HTTP_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest chunk-size line (size, extensions, CRLF) and trailer line. */
#ifndef APP_HTTP_CHUNK_LINE_MAX
#define APP_HTTP_CHUNK_LINE_MAX 256
#endif

struct http_body {
    uint64_t left;  /* Content-Length: bytes to come; chunked: of this chunk */
    uint16_t line;  /* bytes of the size or trailer line so far */
    uint8_t chunked;
    uint8_t state;
    uint8_t digits; /* hex digits of the chunk size */
};

/* chunked: the body is chunked; else length (>= 0) bytes. */
void http_body_init(struct http_body *b, bool chunked, uint64_t length);

/*
 * Decode from buf[0..n): the body's bytes are moved to the front of buf
 * (memmove; decoded never outruns raw), framing dropped.
 *
 * @param used  raw bytes taken (the rest, after the body's end, belong to
 *              the next request)
 * @param out   decoded bytes now at buf[0..*out)
 * @return 1 when the body ended within these bytes, 0 when more is
 *         needed, APP_ERR_INVAL for bad chunked framing (a size that is
 *         not hex or over 2^60, a missing CRLF, a line over
 *         APP_HTTP_CHUNK_LINE_MAX); once it ended or failed it stays so.
 */
int http_body_decode(struct http_body *b, char *buf, size_t n, size_t *used, size_t *out);

/* Bytes the decoder can take now, at most cap, without reading past the
 * body's end: the rest of a chunk's data (or of a Content-Length body),
 * else one byte of framing; 0 once the body has ended (or failed). A
 * reader that takes no more than this from the connection leaves the next
 * request's bytes where they are. */
size_t http_body_want(const struct http_body *b, size_t cap);

#endif
