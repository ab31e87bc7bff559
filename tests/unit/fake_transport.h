/* A fake http_io for host tests of firmware/http/http_server.c: an input
 * queue the test fills and releases piece by piece, a send room the test
 * sets before every event (0 and 1 included), a record of every byte sent,
 * and counters that catch use after close. Also a reader of the recorded
 * byte stream as HTTP/1.1 responses. */
#ifndef FAKE_TRANSPORT_H
#define FAKE_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_server.h"

#define FT_IN_MAX 65536u
#define FT_OUT_MAX 262144u
#define FT_UNLIMITED SIZE_MAX

struct ft_conn {
    /* Input: in[0..in_len) queued, [0..in_avail) arrived, [0..in_pos) read. */
    uint8_t in[FT_IN_MAX];
    size_t in_len;
    size_t in_avail;
    size_t in_pos;
    bool eof;            /* the peer half-closed after everything queued */
    /* Output. room is what room() reports and what send() may take in
     * total until the test sets it again; send_max caps one send() call
     * below that (a transport whose room() overstates, like lwIP on
     * ERR_MEM); send_err, when non-zero, is what send() returns. */
    size_t room;
    size_t send_max;
    int send_err;
    uint8_t out[FT_OUT_MAX];
    size_t out_len;
    bool out_overflow;
    /* Calls. */
    unsigned recv_calls, pending_calls, room_calls, send_calls, flush_calls, close_calls,
        abort_calls;
    unsigned calls_after_close; /* any call once closed: a server bug */
    bool closed;
};

extern const struct http_io ft_io;

/* Zero c: empty queues, unlimited room, open. */
void ft_init(struct ft_conn *c);
/* Queue bytes; arrive says whether they are delivered at once. */
void ft_queue(struct ft_conn *c, const void *p, size_t n, bool arrive);
void ft_queue_str(struct ft_conn *c, const char *s);
/* Deliver up to n more queued bytes; returns how many. */
size_t ft_arrive(struct ft_conn *c, size_t n);
/* Bytes queued but not yet read by the server. */
size_t ft_unread(const struct ft_conn *c);

/* One response read back from the recorded stream. */
struct ft_resp {
    unsigned status;
    const char *head;       /* from the status line to the blank line, inclusive */
    size_t head_len;
    const char *body;
    size_t body_len;        /* = Content-Length, 0 for a HEAD answer */
    size_t content_length;
    bool head_only;
    bool conn_close;        /* "Connection: close" */
};

/* Parse the HTTP/1.1 responses in p[0..n), strictly: status line
 * "HTTP/1.1 DDD reason", header fields "name: value" with a token name,
 * exactly one Content-Length, and then exactly that many body bytes.
 * With allow_head_only, a response followed by the end of the stream or by
 * "HTTP/" instead of its body is taken as an answer to HEAD (no body;
 * every body the server sends is a JSON object, so this is unambiguous).
 * Returns the count parsed (<= max) or -1 when the stream is malformed or
 * ends in the middle of a response; *why says where. */
int ft_parse_responses(const char *p, size_t n, bool allow_head_only, struct ft_resp *out, int max,
                       const char **why);

/* Value of header name (case-insensitive) in a parsed head, or NULL;
 * *vlen gets its length. */
const char *ft_header(const struct ft_resp *r, const char *name, size_t *vlen);

/* s[0..36) is a lowercase RFC 9562 version-4 UUID. */
bool ft_uuid_v4(const char *s, size_t n);

/* ---- host fakes of the board services (fake_server_hal.c) ---- */

/* hal_time_ms() returns this until changed. */
void fake_hal_set_ms(uint32_t ms);
void fake_hal_advance_ms(uint32_t ms);
uint32_t fake_hal_ms(void);
/* Console lines written (log_write/log_printf), and the last one. */
unsigned fake_hal_console_lines(void);
const char *fake_hal_console_last(void);

#endif
