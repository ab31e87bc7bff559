/* HTTP/1.1 connection handling (RFC 9112): request heads are parsed by
 * http_parser, answered by api, and written through the transport. */
#include "http_server.h"

#include <stddef.h>
#include <string.h>

#include "api.h"
#include "app_config.h"
#include "app_err.h"
#include "auth.h"
#include "hal_time.h"
#include "http_body.h"
#include "http_parser.h"
#include "json.h"
#include "log.h"
#include "metrics.h"
#include "prof.h"
#include "wordscan.h"

/* Shared window for rendering responses: one superloop, one writer at a
 * time, so the connections need no response buffers of their own. A
 * response larger than the window goes out in several slices, each
 * rendered once where the last stopped (the cursor), so the window only
 * sets how many transport sends a response takes (README "Memory"). */
#ifndef APP_HTTP_SCRATCH
#define APP_HTTP_SCRATCH 1024
#endif
/* The stack window an upload's body is read through once its head buffer
 * has gone back (stream_some()). */
#ifndef APP_HTTP_STREAM_WINDOW
#define APP_HTTP_STREAM_WINDOW 512
#endif

enum conn_state { CONN_FREE = 0, CONN_READ, CONN_BODY, CONN_WRITE };

struct http_conn {
    const struct http_io *io;
    void *ctx;
    uint8_t state;
    uint8_t tls;
    uint8_t eof;                /* the peer closed its sending side */
    uint8_t waiting;            /* in the queue for a head buffer (since t_mark) */
    uint8_t answered;           /* a response has gone out on it (else it never sent a request) */
    uint16_t len;               /* bytes in head[] (0 whenever head is NULL) */
    uint16_t consumed;          /* bytes of head[] the current response answers */
    uint32_t ticket;            /* place in that queue (while waiting) */
    uint32_t t_mark;            /* head start, idle start, or last write progress */
    uint32_t t_req;             /* request complete (for the log) */
    uint32_t t_head;            /* the head buffer was taken */
    struct resp_cursor cur;     /* how far the response has been rendered and sent */
    struct auth_cache auth;     /* last token that verified here (28 bytes) */
    /* CONN_BODY: the request body's decoder, and where its bytes are in
     * head[] behind the head: head[body_at..body_end) decoded,
     * head[body_end..len) not yet. With head NULL (an upload whose head
     * buffer went back, stream_some()) only the decoder is used. */
    struct http_body body;
    uint16_t body_at, body_end;
    struct api_response resp;
    /* A buffer of the shared head pool (struct http_head's buf), held
     * from the first byte of a request until its response is sent (or
     * while pipelined bytes wait); NULL for an idle keep-alive connection. */
    char *head;
};

/* A head buffer with what only a connection reading a head needs: its
 * parser comes with the buffer, not with every connection slot (136
 * bytes a slot). */
struct http_head {
    struct http_parser parser;
    char buf[APP_HTTP_HEAD_MAX];
};

/* Request heads are received into a pool of APP_HTTP_HEAD_BUFS buffers
 * shared by all connections: only a connection in the middle of a request
 * needs one, and idle keep-alive connections (the common case) hold none.
 * A connection that finds them all busy leaves its bytes in the transport
 * (which then closes the TCP window) until one frees up. Connections and
 * heads sit in one block so that boot can lend both as scratch. */
static struct {
    struct http_conn conns[HTTP_SERVER_SLOTS];
    struct http_head heads[APP_HTTP_HEAD_BUFS];
} s_pool __attribute__((section(".pool.http.conns")));

/* The head buffer c holds (c->head != NULL). */
static struct http_head *head_of(const struct http_conn *c)
{
    return (struct http_head *)(void *)(c->head - offsetof(struct http_head, buf));
}
static uint32_t s_heads_used; /* bit i: heads[i] is lent out */
static bool s_head_waiters;   /* a connection found no free head */
static uint32_t s_tickets;    /* the next place in the queue for a head */
static struct http_server_stats s_stats;

_Static_assert(APP_HTTP_HEAD_BUFS >= 1 && APP_HTTP_HEAD_BUFS <= 32,
               "APP_HTTP_HEAD_BUFS must be 1..32 (one bit each)");
static char s_scratch[APP_HTTP_SCRATCH] __attribute__((section(".pool.http.scratch")));
static unsigned s_active;

void *http_server_boot_scratch(size_t *len)
{
    *len = sizeof(s_pool);
    return &s_pool;
}

void http_server_init(void)
{
    memset(&s_pool, 0, sizeof(s_pool));
    s_active = 0;
    s_heads_used = 0;
    s_head_waiters = false;
    s_tickets = 0;
    memset(&s_stats, 0, sizeof(s_stats));
}

unsigned http_server_active(void)
{
    return s_active;
}

/* The connection first in the queue for a head buffer, or NULL: of the
 * port (plain or TLS) that holds fewer head buffers, so that the two
 * ports never wait on each other's clients, then first come, first
 * served. Tickets, not wait times: several connections can begin to wait
 * within one millisecond (one pass of the superloop). */
static struct http_conn *head_first(void)
{
    unsigned held[2] = {0, 0};
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        held[s_pool.conns[i].tls] += s_pool.conns[i].head != NULL;
    }
    struct http_conn *first = NULL;
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        struct http_conn *c = &s_pool.conns[i];
        if (c->waiting &&
            (first == NULL || held[c->tls] < held[first->tls] ||
             (held[c->tls] == held[first->tls] && (int32_t)(c->ticket - first->ticket) < 0))) {
            first = c;
        }
    }
    return first;
}

static bool head_take(struct http_conn *c)
{
    if (c->head != NULL) {
        return true;
    }
    /* A free buffer is the first waiter's: nobody passes the queue, not a
     * later waiter whose transport has an event before
     * http_server_resume() runs, nor a connection that was not waiting. */
    struct http_conn *first = s_head_waiters ? head_first() : NULL;
    for (unsigned i = 0; (first == NULL || first == c) && i < APP_HTTP_HEAD_BUFS; i++) {
        if ((s_heads_used & (1u << i)) == 0u) {
            s_heads_used |= 1u << i;
            c->head = s_pool.heads[i].buf;
            http_parser_init(&s_pool.heads[i].parser); /* c->len is 0 here */
            c->t_head = hal_time_ms();
            c->waiting = 0;
            return true;
        }
    }
    /* Queue (first come, first served: http_server_resume()), only with
     * something to read: an idle connection's next bytes bring it back
     * (the transport's receive event). */
    if (!c->waiting) {
        if (!c->io->pending(c->ctx)) {
            return false;
        }
        c->waiting = 1;
        c->ticket = s_tickets++;
        c->t_mark = hal_time_ms();
        s_stats.head_waits++;
    }
    s_head_waiters = true;
    return false;
}

static void head_give(struct http_conn *c)
{
    if (c->head != NULL) {
        unsigned i = (unsigned)(head_of(c) - s_pool.heads);
        s_heads_used &= ~(1u << i);
        c->head = NULL;
        c->len = 0;
    }
}

static void conn_free(struct http_conn *c)
{
    if (c->state == CONN_BODY) {
        api_body_abort(&c->resp); /* an upload cut off: nothing of it is kept */
    }
    head_give(c);
    c->waiting = 0;
    c->state = CONN_FREE;
    c->io = NULL;
    c->ctx = NULL;
    s_active--;
}

struct http_conn *http_server_open(const struct http_io *io, void *ctx, bool tls)
{
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        struct http_conn *c = &s_pool.conns[i];
        if (c->state == CONN_FREE) {
            c->io = io;
            c->ctx = ctx;
            c->tls = tls;
            c->state = CONN_READ;
            c->eof = 0;
            c->waiting = 0;
            c->answered = 0;
            c->len = 0;
            c->t_mark = hal_time_ms();
            memset(&c->auth, 0, sizeof(c->auth));
            s_active++;
            return c;
        }
    }
    return NULL;
}

#if APP_LOG_REQUESTS
static size_t put_str(char *o, const char *s, size_t n)
{
    memcpy(o, s, n);
    return n;
}

static size_t put_u32(char *o, uint32_t v)
{
    char t[10];
    const char *p = json_u64_digits(t + sizeof(t), v);
    size_t n = (size_t)(t + sizeof(t) - p);
    memcpy(o, p, n);
    return n;
}

/* One line per request: method, path (shortened), status, bytes, ms,
 * request-id. Put together by hand: this runs on every request, and the
 * general formatter costs about three times as much. */
enum { LOG_HEAD_KEEP = 24, LOG_TAIL_KEEP = 44 };

/* The target, shortened to its start and its end (the ids) when long,
 * with anything unprintable shown as '?'. */
static size_t put_target(char *d, struct http_slice t)
{
    size_t o;
    if (t.n == 0u) {
        return 0; /* none (t.p may be NULL) */
    }
    if (t.n > LOG_HEAD_KEEP + LOG_TAIL_KEEP + 3) {
        memcpy(d, t.p, LOG_HEAD_KEEP);
        memcpy(d + LOG_HEAD_KEEP, "...", 3);
        memcpy(d + LOG_HEAD_KEEP + 3, t.p + t.n - LOG_TAIL_KEEP, LOG_TAIL_KEEP);
        o = LOG_HEAD_KEEP + 3 + LOG_TAIL_KEEP;
    } else {
        memcpy(d, t.p, t.n);
        o = t.n;
    }
    /* The parser lets only visible ASCII into a target (RFC 9112 3.2), so
     * this finds nothing on the way from the network: a word at a time. */
    for (size_t i = 0; i < o; i += sizeof(size_t)) {
        size_t k = o - i < sizeof(size_t) ? o - i : sizeof(size_t);
        if (k == sizeof(size_t)) {
            size_t w = wordscan_load(d + i);
            if ((wordscan_less(w, 0x21u) | wordscan_more(w, 0x7Eu)) == 0u) {
                continue;
            }
        }
        for (size_t j = i; j < i + k; j++) {
            unsigned char ch = (unsigned char)d[j];
            if (ch < 0x21u || ch > 0x7Eu) {
                d[j] = '?';
            }
        }
    }
    return o;
}

static void log_request(const struct http_conn *c)
{
    const struct api_response *r = &c->resp;
    char line[LOG_HEAD_KEEP + 3 + LOG_TAIL_KEEP + UUID_STR_LEN + 64];
    size_t n = put_str(line, "http ", 5);
    n += put_str(line + n, r->log_method, strlen(r->log_method));
    line[n++] = ' ';
    n += put_target(line + n, r->log_target);
    line[n++] = ' ';
    n += put_u32(line + n, r->status);
    line[n++] = ' ';
    n += put_u32(line + n, c->cur.done);
    line[n++] = 'B';
    line[n++] = ' ';
    n += put_u32(line + n, hal_time_ms() - c->t_req);
    n += put_str(line + n, "ms rid=", 7);
    n += put_str(line + n, r->request_id, UUID_STR_LEN);
    n += put_str(line + n, "\r\n", 2);
    log_write(line, n);
}
#endif /* APP_LOG_REQUESTS */

/* Move the response out as far as the transport's room allows, rendering
 * each slice once, where the cursor stopped (no slice is rendered twice,
 * none from byte 0 again). Returns 1 when done, 0 when waiting for room,
 * APP_ERR_IO when broken. */
static int write_some(struct http_conn *c)
{
    int progress = 0;
    while (!api_done(&c->resp, &c->cur)) {
        size_t room = c->io->room(c->ctx);
        if (room == 0u) {
            break;
        }
        size_t cap = room < sizeof(s_scratch) ? room : sizeof(s_scratch);
        struct resp_cursor before = c->cur;
        PROF_APP_BEGIN();
        size_t n = api_fill(&c->resp, &c->cur, s_scratch, cap);
        PROF_APP_END();
        if (n == 0u) {
            break; /* the end came with this call */
        }
        int k = c->io->send(c->ctx, s_scratch, n);
        if (k < 0) {
            return APP_ERR_IO;
        }
        if ((size_t)k < n) {
            /* Taken only in part (lwIP's heap ran short): step the cursor
             * over what went, the rest is rendered again next time. */
            c->cur = before;
            if (k > 0) {
                (void)api_fill(&c->resp, &c->cur, s_scratch, (size_t)k);
                progress = 1;
            }
            break;
        }
        /* Only bytes taken count as progress: a transport that keeps
         * taking nothing must still reach the stalled-write deadline. */
        progress = 1;
    }
    if (progress) {
        c->io->flush(c->ctx);
        c->t_mark = hal_time_ms();
    }
    if (!api_done(&c->resp, &c->cur)) {
        return 0;
    }
    /* A body of another length than promised is a bug: never leave the
     * client with a wrong framing. */
    return api_length_ok(&c->resp, &c->cur) ? 1 : APP_ERR_IO;
}

static void start_response(struct http_conn *c, uint16_t consumed)
{
    c->consumed = consumed;
    c->answered = 1;
    PROF_APP_BEGIN();
    api_prepare(&c->resp);
    PROF_APP_END();
    if (c->resp.kind == API_BODY_FILE && c->head != NULL && c->len == consumed) {
        /* A stored file (up to 512 KiB) goes out without the head buffer:
         * the requests waiting for one need not wait for the download.
         * (Not with pipelined bytes behind it: they stay in the buffer.) */
        api_detach(&c->resp);
        head_give(c);
        c->consumed = 0;
    }
    resp_cursor_init(&c->cur);
    c->state = CONN_WRITE;
    c->t_mark = hal_time_ms();
}

static void close_conn(struct http_conn *c)
{
    const struct http_io *io = c->io;
    void *ctx = c->ctx;
    conn_free(c);
    io->close(ctx);
}

static void abort_conn(struct http_conn *c)
{
    const struct http_io *io = c->io;
    void *ctx = c->ctx;
    conn_free(c);
    io->abort(ctx);
}

/* 408 for a head not complete in time; the head buffer goes back at once
 * (the 408 refers to nothing in it). */
static void late_head(struct http_conn *c, uint32_t now)
{
    c->t_req = now;
    api_timeout(c->tls, &c->resp);
    start_response(c, c->len);
    head_give(c);
    http_server_event(c);
}

/* The head of the request being answered, as the parser found it (its
 * result is kept: feeding the same bytes again returns it). */
static void request_of(struct http_conn *c, struct http_request *req)
{
    (void)http_parser_feed(&head_of(c)->parser, c->head, c->body_at, APP_HTTP_HEAD_MAX, req);
}

/* CONN_BODY of an upload whose head buffer has gone back: read what comes
 * into a window on the stack, never more than the body's decoder wants (so
 * the next request's bytes stay in the transport), decode it there and
 * hand it on. Same returns as body_some(). Not inlined: the window is on
 * the stack only while an upload runs. */
__attribute__((noinline)) static int stream_some(struct http_conn *c)
{
    char buf[APP_HTTP_STREAM_WINDOW];
    size_t want;
    while ((want = http_body_want(&c->body, sizeof(buf))) > 0u) {
        int n = c->io->recv(c->ctx, buf, want);
        if (n < 0) {
            api_body_abort(&c->resp);
            return APP_ERR_IO; /* the client gave up before the end */
        }
        if (n == 0) {
            return 0;
        }
        c->t_mark = hal_time_ms(); /* progress: the body deadline starts again */
        size_t used = 0;
        size_t out = 0;
        int d = http_body_decode(&c->body, buf, (size_t)n, &used, &out);
        if (d < 0) {
            api_body_failed(&c->resp, 400, "The chunked body is malformed.");
            start_response(c, 0);
            return 1;
        }
        if (out > 0u) {
            PROF_APP_BEGIN();
            int rc = api_body_data(&c->resp, buf, out);
            PROF_APP_END();
            if (rc != APP_OK) {
                start_response(c, 0); /* the api answered; it closes */
                return 1;
            }
        }
    }
    PROF_APP_BEGIN();
    api_body_done(NULL, NULL, 0, &c->resp);
    PROF_APP_END();
    start_response(c, 0);
    return 1;
}

/* CONN_BODY: decode what has come, ask for more, and once the body is
 * whole hand it to the api and start the response. Returns 1 when the
 * response has started, 0 when waiting for bytes, APP_ERR_IO when the
 * connection is gone. */
static int body_some(struct http_conn *c)
{
    for (;;) {
        size_t used = 0;
        size_t out = 0;
        /* Decoded in place: the bytes land at body_end, no second copy. */
        int d = http_body_decode(&c->body, c->head + c->body_end, c->len - c->body_end, &used, &out);
        uint16_t raw = (uint16_t)(c->body_end + used); /* first byte not taken */
        c->body_end = (uint16_t)(c->body_end + out);
        if (c->resp.body_in == API_IN_STREAM && c->body_end > c->body_at) {
            /* Streamed (an upload): handed on, and the room is free again. */
            PROF_APP_BEGIN();
            int rc = api_body_data(&c->resp, c->head + c->body_at, c->body_end - c->body_at);
            PROF_APP_END();
            c->body_end = c->body_at;
            if (rc != APP_OK) {
                start_response(c, c->len); /* the api answered; it closes */
                return 1;
            }
        }
        /* What is left raw moves down behind the decoded bytes. */
        memmove(c->head + c->body_end, c->head + raw, c->len - raw);
        c->len = (uint16_t)(c->len - (raw - c->body_end));
        if (d < 0) {
            api_body_failed(&c->resp, 400, "The chunked body is malformed.");
            start_response(c, c->len);
            return 1;
        }
        if (d == 1) {
            struct http_request req;
            request_of(c, &req);
            PROF_APP_BEGIN();
            api_body_done(&req, c->head + c->body_at, (size_t)(c->body_end - c->body_at), &c->resp);
            PROF_APP_END();
            if (c->eof && c->len == c->body_end) {
                c->resp.close = 1;
            }
            start_response(c, c->body_end);
            return 1;
        }
        if (c->resp.body_in == API_IN_COLLECT &&
            (c->len >= APP_HTTP_HEAD_MAX ||
             (size_t)(c->body_end - c->body_at) > (size_t)APP_API_JSON_MAX)) {
            api_body_failed(&c->resp, 413, "The JSON body is over its limit.");
            start_response(c, c->len);
            return 1;
        }
        if (c->eof) {
            api_body_abort(&c->resp);
            return APP_ERR_IO; /* the client gave up before the end */
        }
        if (c->resp.body_in == API_IN_STREAM && c->len == c->body_end) {
            /* Everything received so far is handed on: the rest of the
             * upload needs no head buffer, and the requests waiting for
             * one must not wait for the upload (README "Fairness"). */
            api_detach(&c->resp);
            head_give(c);
            return stream_some(c);
        }
        int n = c->io->recv(c->ctx, c->head + c->len, APP_HTTP_HEAD_MAX - c->len);
        if (n < 0) {
            c->eof = 1;
            continue;
        }
        if (n == 0) {
            return 0;
        }
        c->len = (uint16_t)(c->len + n);
        c->t_mark = hal_time_ms(); /* progress: the body deadline starts again */
    }
}

void http_server_event(struct http_conn *c)
{
    if (c == NULL || c->state == CONN_FREE) {
        return;
    }
    for (;;) {
        if (c->state == CONN_BODY) {
            int k = c->head != NULL ? body_some(c) : stream_some(c);
            if (k < 0) {
                close_conn(c);
                return;
            }
            if (k == 0) {
                return;
            }
        }
        if (c->state == CONN_WRITE) {
            int done = write_some(c);
            if (done < 0) {
                close_conn(c);
                return;
            }
            if (done == 0) {
                return;
            }
#if APP_LOG_REQUESTS
            PROF_APP_BEGIN();
            log_request(c);
            PROF_APP_END();
#endif
            PROF_REQUEST_DONE();
            metrics_count_status(c->resp.status);
            if (c->resp.close) {
                close_conn(c);
                return;
            }
            /* Keep what a pipelining client already sent after this request. */
            if (c->head != NULL) {
                c->len = (uint16_t)(c->len - c->consumed);
                memmove(c->head, c->head + c->consumed, c->len);
                http_parser_init(&head_of(c)->parser);
            }
            c->state = CONN_READ;
            c->t_mark = hal_time_ms();
        }

        int n = 0;
        if (!c->eof && !head_take(c)) {
            return; /* http_server_resume() comes back when one is free */
        }
        if (c->len < APP_HTTP_HEAD_MAX && !c->eof) {
            n = c->io->recv(c->ctx, c->head + c->len, APP_HTTP_HEAD_MAX - c->len);
            if (n < 0) {
                /* Half-closed: requests already received still get answers. */
                c->eof = 1;
                n = 0;
            }
            if (n > 0 && c->len == 0u) {
                c->t_mark = hal_time_ms(); /* head deadline starts now */
            }
            c->len = (uint16_t)(c->len + n);
        }
        if (c->len == 0u) {
            head_give(c); /* idle: the buffer goes back to the pool */
            if (c->eof) {
                close_conn(c);
            }
            return;
        }
        struct http_request req;
        PROF_APP_BEGIN();
        int r = http_parser_feed(&head_of(c)->parser, c->head, c->len, APP_HTTP_HEAD_MAX, &req);
        PROF_APP_END();
        if (r == 0) {
            if (n > 0) {
                continue; /* maybe more is waiting */
            }
            if (c->eof) {
                close_conn(c); /* an incomplete head will never complete */
            }
            return;
        }
        c->t_req = hal_time_ms();
        if (r < 0) {
            /* Malformed or over a limit: answer, then close (the stream
             * can no longer be trusted to find the next request). */
            api_parse_error(&req, c->tls, &c->resp);
            start_response(c, c->len);
        } else {
            PROF_APP_BEGIN();
            api_handle(&req, c->tls, &c->auth, &c->resp);
            PROF_APP_END();
            if (c->eof && c->len == (uint16_t)r) {
                c->resp.close = 1; /* nothing more can come */
            }
            if (!c->resp.close && hal_time_ms() - c->t_head >= APP_HTTP_HEAD_SHARE_MS &&
                head_first() != NULL) {
                /* A pipeliner has had its share of the head buffer while
                 * others wait: this response closes, and its client sends
                 * the requests left unanswered again (RFC 9112 9.3.2). */
                c->resp.close = 1;
                s_stats.head_late++;
            }
            if (c->resp.body_in != API_IN_NONE) {
                /* The body first, into the head buffer behind the head. */
                http_body_init(&c->body, req.te_chunked,
                               req.content_length > 0 ? (uint64_t)req.content_length : 0u);
                c->body_at = c->body_end = (uint16_t)r;
                c->state = CONN_BODY;
                c->t_mark = hal_time_ms();
                continue;
            }
            start_response(c, (uint16_t)r);
        }
    }
}

void http_server_gone(struct http_conn *c)
{
    if (c != NULL && c->state != CONN_FREE) {
        conn_free(c);
    }
}

void http_server_reject(const struct http_io *io, void *ctx, bool tls)
{
    struct api_response resp;
    struct resp_cursor cur;
    api_busy(tls, &resp);
    api_prepare(&resp);
    resp_cursor_init(&cur);
    /* A fresh connection has its whole send buffer free, and the 503 is
     * far smaller than the window; if not, the client gets a cut
     * response and the close tells it so. */
    size_t n = api_fill(&resp, &cur, s_scratch, sizeof(s_scratch));
    s_stats.refused++;
    metrics_count_status(503);
    (void)io->send(ctx, s_scratch, n);
    io->flush(ctx);
    log_printf("http 503 no free connection (%u in use) rid=%s\r\n", s_active, resp.request_id);
    io->close(ctx);
}

/* Someone waits for a head buffer. */
/* The fairness rules (README "Fairness"): while a connection waits for a
 * head buffer, a head not complete APP_HTTP_HEAD_SHARE_MS after its first
 * byte gets 408 (instead of at APP_HTTP_HEAD_TIMEOUT_MS), and a response
 * that has not moved for APP_HTTP_STALL_MS is dropped with its head
 * buffer: a client that cannot progress loses the shared buffer first.
 * (A pipeliner past its share closes after its next response:
 * http_server_event().) */
void http_server_poll(void)
{
    uint32_t now = hal_time_ms();
    bool contended = head_first() != NULL;
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        struct http_conn *c = &s_pool.conns[i];
        uint32_t age = now - c->t_mark;
        if (c->state == CONN_READ) {
            if (c->len > 0u && age >= APP_HTTP_HEAD_TIMEOUT_MS) {
                s_stats.timeouts++;
                late_head(c, now);
            } else if (c->len > 0u && contended && age >= APP_HTTP_HEAD_SHARE_MS) {
                s_stats.head_late++;
                late_head(c, now);
            } else if (c->len == 0u && age >= APP_HTTP_IDLE_TIMEOUT_MS) {
                s_stats.timeouts++;
                close_conn(c);
            }
        } else if (c->state == CONN_BODY) {
            /* A client that stops sending its body: 408 and close, as for
             * a head (sooner while others wait for a head buffer). */
            if (age >= APP_HTTP_HEAD_TIMEOUT_MS ||
                (contended && c->head != NULL && age >= APP_HTTP_STALL_MS)) {
                s_stats.timeouts++;
                c->t_req = now;
                api_body_failed(&c->resp, 408, "The request body did not come in time.");
                start_response(c, c->len);
                http_server_event(c);
            }
        } else if (c->state == CONN_WRITE) {
            bool stalled = contended && c->head != NULL && age >= APP_HTTP_STALL_MS;
            if (stalled || age >= APP_HTTP_IDLE_TIMEOUT_MS) {
                /* The client stopped reading its response: a close would
                 * leave the unsent bytes in the stack's heap. */
                if (stalled) {
                    s_stats.stalled++;
                } else {
                    s_stats.timeouts++;
                }
                abort_conn(c);
            } else {
                http_server_event(c);
            }
        }
    }
}

bool http_server_evict(bool tls)
{
    uint32_t now = hal_time_ms();
    struct http_conn *idle = NULL;
    struct http_conn *late = NULL;
    struct http_conn *stuck = NULL;
    for (size_t i = 0; i < HTTP_SERVER_SLOTS; i++) {
        struct http_conn *c = &s_pool.conns[i];
        uint32_t age = now - c->t_mark;
        if (c->state == CONN_WRITE && c->tls == tls && age >= APP_HTTP_STALL_MS) {
            stuck = c; /* its client reads nothing */
        }
        /* Only a connection that has had its share of time: one that just
         * connected has not had the chance to send yet. */
        if (c->state != CONN_READ || c->tls != tls || c->waiting || age < APP_HTTP_HEAD_SHARE_MS) {
            continue;
        }
        /* An idle keep-alive connection closes silently (RFC 9112 9.6);
         * one that never sent a request, whose client may still be sending
         * it, is a late head: it is told so (408) before the close. */
        struct http_conn **pick = (c->len == 0u && c->answered) ? &idle : &late;
        if (*pick == NULL || age > now - (*pick)->t_mark) {
            *pick = c;
        }
    }
    s_stats.evicted += idle != NULL || late != NULL || stuck != NULL;
    if (stuck != NULL) {
        abort_conn(stuck);
        return true;
    }
    if (idle != NULL) {
        close_conn(idle);
        return true;
    }
    if (late != NULL) {
        late_head(late, now);
        return late->state == CONN_FREE;
    }
    return false;
}

/* Free head buffers go to the waiters in head_first()'s order: the port
 * holding fewer first, then first come, first served. */
void http_server_resume(void)
{
    while (s_head_waiters && s_heads_used != (1u << APP_HTTP_HEAD_BUFS) - 1u) {
        struct http_conn *next = head_first();
        if (next == NULL) {
            s_head_waiters = false;
            return;
        }
        /* First in line with a buffer free: it takes one (head_take), or
         * it has reached its end and closes; either way it leaves the
         * queue. The test only guards the loop. */
        http_server_event(next);
        if (next->waiting) {
            return;
        }
    }
}

void http_server_stats(struct http_server_stats *out)
{
    *out = s_stats;
}

uint32_t http_server_head_waits(void)
{
    return s_stats.head_waits;
}
