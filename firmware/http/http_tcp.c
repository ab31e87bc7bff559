/* http_io over lwIP raw TCP. Received pbufs are held until the server pulls
 * their bytes, and only then acknowledged to the window (tcp_recved), so a
 * slow server throttles the client instead of dropping data. */
#include "http_tcp.h"

#include <stdbool.h>
#include <string.h>

#include "app_config.h"
#include "app_err.h"
#include "http_server.h"
#include "lwip/tcp.h"
#include "net_conn.h"
#include "net_listen.h"

struct tcp_ctx {
    struct tcp_pcb *pcb;
    struct pbuf *rx;
    struct http_conn *conn;
    bool eof;
};

static struct tcp_ctx s_ctx[APP_HTTP_MAX_CONNS];
static uint32_t s_write_nomem; /* tcp_write() refused for want of lwIP heap */

static uint32_t s_accepted;

uint32_t http_tcp_write_nomem(void)
{
    return s_write_nomem;
}

uint32_t http_tcp_accepted(void)
{
    return s_accepted;
}
/* Set when io_close() had to abort the PCB: the lwIP callback that led
 * there must then return ERR_ABRT and not touch the PCB again. */
static bool s_aborted;

static void ctx_release(struct tcp_ctx *t)
{
    if (t->rx != NULL) {
        pbuf_free(t->rx);
    }
    memset(t, 0, sizeof(*t));
}

static int io_recv(void *ctx, void *buf, size_t cap)
{
    struct tcp_ctx *t = ctx;
    if (t->rx == NULL) {
        return t->eof ? APP_ERR_STATE : 0;
    }
    u16_t n = t->rx->tot_len < cap ? t->rx->tot_len : (u16_t)cap;
    n = pbuf_copy_partial(t->rx, buf, n, 0);
    t->rx = pbuf_free_header(t->rx, n);
    tcp_recved(t->pcb, n);
    return n;
}

static bool io_pending(void *ctx)
{
    const struct tcp_ctx *t = ctx;
    return t->rx != NULL || t->eof;
}

static size_t io_room(void *ctx)
{
    struct tcp_ctx *t = ctx;
    if (tcp_sndqueuelen(t->pcb) >= TCP_SND_QUEUELEN) {
        return 0;
    }
    return tcp_sndbuf(t->pcb);
}

static int io_send(void *ctx, const void *buf, size_t len)
{
    struct tcp_ctx *t = ctx;
    u16_t room = tcp_sndbuf(t->pcb);
    u16_t n = len < room ? (u16_t)len : room;
    if (n == 0u) {
        return 0;
    }
    err_t e = tcp_write(t->pcb, buf, n, TCP_WRITE_FLAG_COPY);
    if (e == ERR_MEM) {
        s_write_nomem++;
        return 0; /* lwIP's heap is full: retried on the sent/poll callback */
    }
    return e == ERR_OK ? (int)n : APP_ERR_IO;
}

static void io_flush(void *ctx)
{
    struct tcp_ctx *t = ctx;
    (void)tcp_output(t->pcb);
}


static void io_close(void *ctx)
{
    struct tcp_ctx *t = ctx;
    struct tcp_pcb *pcb = t->pcb;
    u16_t unread = t->rx != NULL ? t->rx->tot_len : 0u;
    ctx_release(t);
    if (net_close(pcb, unread)) {
        s_aborted = true;
    }
}

static void io_abort(void *ctx)
{
    struct tcp_ctx *t = ctx;
    struct tcp_pcb *pcb = t->pcb;
    ctx_release(t);
    net_detach(pcb);
    tcp_abort(pcb);
    s_aborted = true;
}

/* Run the server for t from inside an lwIP callback. */
static err_t serve(struct tcp_ctx *t)
{
    s_aborted = false;
    http_server_event(t->conn);
    return s_aborted ? ERR_ABRT : ERR_OK;
}

static const struct http_io s_io = {
    .recv = io_recv,
    .pending = io_pending,
    .room = io_room,
    .send = io_send,
    .flush = io_flush,
    .close = io_close,
    .abort = io_abort,
};

/* lwIP calls back into the server; the server may close (and so free t)
 * inside, which is why nothing touches t afterwards. */
static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct tcp_ctx *t = arg;
    (void)err;
    if (t == NULL) {
        if (p != NULL) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL) {
        t->eof = true;
    } else {
        net_rx_queue(&t->rx, p);
    }
    return serve(t);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    return arg != NULL ? serve(arg) : ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    struct tcp_ctx *t = arg;
    if (t == NULL) {
        return ERR_OK;
    }
    if (net_hogging(pcb)) {
        net_conn_count_hog();
        http_server_gone(t->conn);
        io_abort(t);
        return ERR_ABRT;
    }
    return serve(t);
}

static void on_err(void *arg, err_t err)
{
    struct tcp_ctx *t = arg;
    (void)err;
    /* The PCB is already freed by lwIP. */
    if (t != NULL) {
        http_server_gone(t->conn);
        t->pcb = NULL;
        ctx_release(t);
    }
}

/* Minimal context for a connection that only gets the 503. */
static int reject_recv(void *ctx, void *buf, size_t cap)
{
    (void)ctx;
    (void)buf;
    (void)cap;
    return 0;
}

static struct tcp_ctx *free_ctx(void)
{
    for (size_t i = 0; i < APP_HTTP_MAX_CONNS; i++) {
        if (s_ctx[i].pcb == NULL) {
            return &s_ctx[i];
        }
    }
    return NULL;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL) {
        return ERR_VAL;
    }
    s_accepted++;
    struct tcp_ctx *t = free_ctx();
    if (t == NULL && http_server_evict(false)) {
        t = free_ctx();
    }
    s_aborted = false; /* an eviction aborted another PCB, not this one */
    struct http_conn *c = t != NULL ? http_server_open(&s_io, t, false) : NULL;
    if (c == NULL) {
        /* No slot: still answer (503 + Retry-After) rather than drop. */
        static const struct http_io reject_io = {
            .recv = reject_recv, .pending = io_pending, .room = io_room, .send = io_send,
            .flush = io_flush, .close = io_close, .abort = io_abort,
        };
        struct tcp_ctx tmp = {.pcb = pcb};
        s_aborted = false;
        http_server_reject(&reject_io, &tmp, false);
        return s_aborted ? ERR_ABRT : ERR_OK;
    }
    t->pcb = pcb;
    t->conn = c;
    t->rx = NULL;
    t->eof = false;
    tcp_arg(pcb, t);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_poll(pcb, on_poll, 2);
    /* Small responses should not wait for Nagle (RFC 896) behind a
     * delayed ACK of the previous one. */
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

int http_tcp_start(uint16_t port)
{
    return net_listen(port, on_accept);
}
