/* Request body framing: Content-Length and chunked (RFC 9112 6.3, 7.1). */
#include "http_body.h"

#include <string.h>

#include "app_err.h"

enum {
    B_SIZE,      /* chunk-size hex digits */
    B_EXT,       /* chunk extensions, up to the CR */
    B_SIZE_LF,   /* CR of the size line seen */
    B_DATA,      /* chunk-data */
    B_DATA_CR,   /* after chunk-data: CR */
    B_DATA_LF,   /* ... LF */
    B_TRAILER,   /* start of a trailer line (or the final CRLF) */
    B_TRAILER_LINE,
    B_TRAILER_LF,
    B_END_LF,    /* CR of the final empty line seen */
    B_DONE,
    B_ERROR,
};

void http_body_init(struct http_body *b, bool chunked, uint64_t length)
{
    memset(b, 0, sizeof(*b));
    b->chunked = chunked;
    b->left = chunked ? 0u : length;
    b->state = (chunked || length > 0u) ? (chunked ? B_SIZE : B_DATA) : B_DONE;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (unsigned char)(c | 0x20u);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* One byte of a size or trailer line counts towards the line limit. */
static bool line_ok(struct http_body *b)
{
    return ++b->line <= APP_HTTP_CHUNK_LINE_MAX;
}

int http_body_decode(struct http_body *b, char *buf, size_t n, size_t *used, size_t *out)
{
    size_t i = 0;
    size_t o = 0;
    while (i < n && b->state != B_DONE && b->state != B_ERROR) {
        unsigned char c = (unsigned char)buf[i];
        switch (b->state) {
        case B_DATA: {
            size_t k = n - i;
            if (k > b->left) {
                k = (size_t)b->left;
            }
            if (o != i) {
                memmove(buf + o, buf + i, k); /* chunked: close up over the framing */
            }
            o += k;
            i += k;
            b->left -= k;
            if (b->left == 0u) {
                b->state = b->chunked ? B_DATA_CR : B_DONE;
            }
            continue;
        }
        case B_SIZE: {
            int h = hexval(c);
            if (h >= 0 && b->digits < 15u) { /* 15 hex digits: < 2^60 */
                b->left = b->left * 16u + (unsigned)h;
                b->digits++;
            } else if (b->digits > 0u && (c == ';' || c == ' ' || c == '\t')) {
                b->state = B_EXT; /* chunk-ext, BWS allowed before it */
            } else if (b->digits > 0u && c == '\r') {
                b->state = B_SIZE_LF;
            } else {
                b->state = B_ERROR;
            }
            b->state = line_ok(b) ? b->state : B_ERROR;
            break;
        }
        case B_EXT:
            b->state = (c == '\r') ? B_SIZE_LF : (c == '\n' || c < 0x09) ? B_ERROR : B_EXT;
            b->state = line_ok(b) ? b->state : B_ERROR;
            break;
        case B_SIZE_LF:
            if (c != '\n') {
                b->state = B_ERROR;
                break;
            }
            b->line = 0;
            b->digits = 0;
            b->state = (b->left > 0u) ? B_DATA : B_TRAILER;
            break;
        case B_DATA_CR:
            b->state = (c == '\r') ? B_DATA_LF : B_ERROR;
            break;
        case B_DATA_LF:
            b->state = (c == '\n') ? B_SIZE : B_ERROR;
            break;
        case B_TRAILER:
            b->line = 0;
            b->state = (c == '\r') ? B_END_LF : (c == '\n') ? B_ERROR : B_TRAILER_LINE;
            break;
        case B_TRAILER_LINE:
            b->state = (c == '\r') ? B_TRAILER_LF : (c == '\n') ? B_ERROR : B_TRAILER_LINE;
            b->state = line_ok(b) ? b->state : B_ERROR;
            break;
        case B_TRAILER_LF:
            b->state = (c == '\n') ? B_TRAILER : B_ERROR;
            break;
        case B_END_LF:
            b->state = (c == '\n') ? B_DONE : B_ERROR;
            break;
        default:
            b->state = B_ERROR;
            break;
        }
        i++;
    }
    *used = i;
    *out = o;
    if (b->state == B_ERROR) {
        return APP_ERR_INVAL;
    }
    return b->state == B_DONE ? 1 : 0;
}

size_t http_body_want(const struct http_body *b, size_t cap)
{
    if (b->state == B_DONE || b->state == B_ERROR) {
        return 0;
    }
    if (b->state == B_DATA) {
        return b->left < cap ? (size_t)b->left : cap;
    }
    return cap > 0u ? 1u : 0u;
}
