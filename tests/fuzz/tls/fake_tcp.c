/* Fake lwIP raw TCP (see fake_tcp.h). What it holds the application to,
 * from lwIP 2.2.1's tcp.c and tcp_in.c:
 * - no call on a PCB after tcp_close() or tcp_abort() or its err callback
 *   (lwIP has freed or will free it);
 * - a callback returns ERR_ABRT exactly when it aborted its own PCB, and
 *   recv returns nothing else but ERR_OK (other values make lwIP keep the
 *   data as refused);
 * - tcp_recved() opens the window by no more than was delivered, and
 *   tcp_close() finds everything delivered acknowledged (else lwIP answers
 *   the close with a RST, tcp_close_shutdown());
 * - tcp_write() copies (the mbedTLS buffer is reused).
 * Like lwIP, it sends what was written after a callback that returned
 * ERR_OK (tcp_input() and tcp_slowtmr() call tcp_output()). */
#include "fake_tcp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_err.h"
#include "lwip/ip.h"
#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "net_listen.h"

#define FCHECK(c)                                                                                  \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "fake_tcp:%d: %s\n", __LINE__, #c);                                    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

struct ftcp_conn ftcp_conns[FTCP_CONNS];
void (*ftcp_wire)(int conn, const uint8_t *p, size_t n);

static tcp_accept_fn s_accept;
static struct ftcp_conn *s_cb; /* the connection whose callback runs */
static bool s_cb_aborted;      /* ... and it was aborted in it */
static struct pbuf *s_hog;
static size_t s_wired[FTCP_CONNS];

/* ---- lwIP port hooks (firmware/net/arch/cc.h) ------------------------ */

void lwip_port_assert(const char *msg, const char *file, int line)
{
    fprintf(stderr, "lwIP assert %s:%d: %s\n", file, line, msg);
    abort();
}

void lwip_port_diag(const char *msg)
{
    (void)msg;
}

uint32_t lwip_port_rand(void)
{
    return 4; /* chosen by fair dice roll */
}

/* pbuf.c's pool-empty handler (PBUF_POOL_FREE_OOSEQ) walks the active
 * PCBs; this fake has none in lwIP's lists. */
struct tcp_pcb *tcp_active_pcbs;

void tcp_free_ooseq(struct tcp_pcb *pcb)
{
    (void)pcb;
}

/* ---- helpers ----------------------------------------------------------- */

static int index_of(const struct ftcp_conn *c)
{
    return (int)(c - ftcp_conns);
}

/* The live connection of pcb; anything else is a use after free. */
static struct ftcp_conn *conn_of(const struct tcp_pcb *pcb)
{
    for (int i = 0; i < FTCP_CONNS; i++) {
        if (&ftcp_conns[i].pcb == pcb) {
            FCHECK(ftcp_conns[i].end == FTCP_LIVE);
            return &ftcp_conns[i];
        }
    }
    FCHECK(!"not a PCB of this fake");
    return NULL;
}

static void update_room(struct ftcp_conn *c)
{
    unsigned used = 0;
    for (unsigned i = 0; i < c->nsegs; i++) {
        used += c->segs[i];
    }
    /* room caps the bytes in flight, like the peer's receive window. */
    unsigned cap = c->room < TCP_SND_BUF ? c->room : TCP_SND_BUF;
    FCHECK(used <= TCP_SND_BUF);
    c->pcb.snd_buf = (tcpwnd_size_t)(used < cap ? cap - used : 0u);
    c->pcb.snd_queuelen = (u16_t)c->nsegs;
}

static void output(struct ftcp_conn *c)
{
    int i = index_of(c);
    c->nsent = c->nsegs;
    if (ftcp_wire != NULL && s_wired[i] < c->out_len) {
        ftcp_wire(i, c->out + s_wired[i], c->out_len - s_wired[i]);
    }
    s_wired[i] = c->out_len;
}

static void begin_cb(struct ftcp_conn *c)
{
    FCHECK(s_cb == NULL); /* lwIP never nests callbacks */
    s_cb = c;
    s_cb_aborted = false;
}

static void end_cb(struct ftcp_conn *c, err_t e)
{
    bool aborted = s_cb_aborted;
    s_cb = NULL;
    s_cb_aborted = false;
    FCHECK(e == ERR_OK || e == ERR_ABRT);
    FCHECK((e == ERR_ABRT) == aborted);
    if (c->end == FTCP_LIVE) {
        output(c);
    }
}

static void end(struct ftcp_conn *c, enum ftcp_end how)
{
    c->end = how;
    c->in_pos = c->in_len; /* the peer's bytes in flight are lost */
}

/* ---- the raw API as the application sees it ---------------------------- */

int net_listen(uint16_t port, tcp_accept_fn accept)
{
    (void)port;
    FCHECK(s_accept == NULL);
    s_accept = accept;
    return APP_OK;
}

void tcp_arg(struct tcp_pcb *pcb, void *arg)
{
    conn_of(pcb)->pcb.callback_arg = arg;
}

void tcp_recv(struct tcp_pcb *pcb, tcp_recv_fn recv)
{
    conn_of(pcb)->pcb.recv = recv;
}

void tcp_sent(struct tcp_pcb *pcb, tcp_sent_fn sent)
{
    conn_of(pcb)->pcb.sent = sent;
}

void tcp_err(struct tcp_pcb *pcb, tcp_err_fn err)
{
    conn_of(pcb)->pcb.errf = err;
}

void tcp_poll(struct tcp_pcb *pcb, tcp_poll_fn poll, u8_t interval)
{
    struct ftcp_conn *c = conn_of(pcb);
    c->pcb.poll = poll;
    c->pcb.pollinterval = interval;
}

err_t tcp_write(struct tcp_pcb *pcb, const void *dataptr, u16_t len, u8_t apiflags)
{
    struct ftcp_conn *c = conn_of(pcb);
    FCHECK((apiflags & TCP_WRITE_FLAG_COPY) != 0u);
    if (len == 0u) {
        return ERR_OK;
    }
    if (c->write_fail > 0u) {
        c->write_fail--;
        return ERR_MEM; /* lwIP's heap or segment pool is out */
    }
    unsigned nseg = (len + TCP_MSS - 1u) / TCP_MSS;
    if (len > c->pcb.snd_buf || c->nsegs + nseg > TCP_SND_QUEUELEN) {
        return ERR_MEM; /* tcp_write_checks() */
    }
    for (unsigned left = len; left > 0u;) {
        unsigned n = left < TCP_MSS ? left : TCP_MSS;
        c->segs[c->nsegs++] = (uint16_t)n;
        left -= n;
    }
    size_t keep = FTCP_OUT_MAX - c->out_len;
    if (keep < len) {
        c->out_overflow = true;
    } else {
        keep = len;
    }
    memcpy(c->out + c->out_len, dataptr, keep);
    c->out_len += keep;
    update_room(c);
    return ERR_OK;
}

err_t tcp_output(struct tcp_pcb *pcb)
{
    output(conn_of(pcb));
    return ERR_OK;
}

void tcp_recved(struct tcp_pcb *pcb, u16_t len)
{
    struct ftcp_conn *c = conn_of(pcb);
    FCHECK(c->recved + len <= c->delivered);
    c->recved += len;
}

err_t tcp_close(struct tcp_pcb *pcb)
{
    struct ftcp_conn *c = conn_of(pcb);
    if (c->close_fail) {
        c->close_fail = false;
        return ERR_MEM;
    }
    c->unread_at_close = c->delivered - c->recved;
    c->out_at_close = c->out_len;
    output(c);
    end(c, FTCP_CLOSED);
    return ERR_OK;
}

void tcp_setprio(struct tcp_pcb *pcb, u8_t prio)
{
    conn_of(pcb)->pcb.prio = prio;
}

/* net_conn.c's SYN hook (net_syn_check) runs inside lwIP's tcp_input(),
 * which this fake has no part of: what it calls only has to link. */
struct ip_globals ip_data;

struct tcp_pcb *tcp_alloc(u8_t prio)
{
    (void)prio;
    FCHECK(!"tcp_alloc: no TCP input path in this fake");
    return NULL;
}

void tcp_free(struct tcp_pcb *pcb)
{
    (void)pcb;
    FCHECK(!"tcp_free: no TCP input path in this fake");
}

void tcp_rst(const struct tcp_pcb *pcb, u32_t seqno, u32_t ackno, const ip_addr_t *local_ip,
             const ip_addr_t *remote_ip, u16_t local_port, u16_t remote_port)
{
    (void)pcb;
    (void)seqno;
    (void)ackno;
    (void)local_ip;
    (void)remote_ip;
    (void)local_port;
    (void)remote_port;
    FCHECK(!"tcp_rst: no TCP input path in this fake");
}

void tcp_abort(struct tcp_pcb *pcb)
{
    struct ftcp_conn *c = conn_of(pcb);
    tcp_err_fn errf = c->pcb.errf;
    void *arg = c->pcb.callback_arg;
    if (c == s_cb) {
        s_cb_aborted = true;
    }
    end(c, FTCP_ABORTED);
    /* tcp_abandon(): the err callback still runs when one is set. */
    if (errf != NULL) {
        errf(arg, ERR_ABRT);
    }
}

/* ---- the test's side --------------------------------------------------- */

void ftcp_init(void)
{
    mem_init();
    memp_init();
    for (int i = 0; i < FTCP_CONNS; i++) {
        ftcp_conns[i].end = FTCP_UNUSED;
    }
}

void ftcp_reset(void)
{
    FCHECK(s_hog == NULL);
    for (int i = 0; i < FTCP_CONNS; i++) {
        FCHECK(ftcp_conns[i].end != FTCP_LIVE);
        ftcp_conns[i].end = FTCP_UNUSED;
    }
}

bool ftcp_accept(int i)
{
    struct ftcp_conn *c = &ftcp_conns[i];
    FCHECK(s_accept != NULL && c->end != FTCP_LIVE);
    memset(&c->pcb, 0, sizeof(c->pcb));
    c->pcb.state = ESTABLISHED;
    c->pcb.mss = TCP_MSS;
    c->pcb.rcv_wnd = TCP_WND;
    c->end = FTCP_LIVE;
    c->in_len = c->in_pos = 0;
    c->fin_queued = c->fin_sent = false;
    c->delivered = c->recved = 0;
    c->seg = TCP_MSS;
    c->chain = 1;
    c->nsegs = c->nsent = 0;
    c->room = FTCP_ROOM_ALL;
    c->write_fail = 0;
    c->close_fail = false;
    c->out_len = c->out_at_close = 0;
    c->out_overflow = false;
    c->unread_at_close = 0;
    s_wired[i] = 0;
    update_room(c);
    begin_cb(c);
    err_t e = s_accept(NULL, &c->pcb, ERR_OK);
    bool aborted = s_cb_aborted;
    s_cb = NULL;
    s_cb_aborted = false;
    if (e == ERR_ABRT) {
        FCHECK(aborted);
        return false;
    }
    FCHECK(!aborted);
    if (e != ERR_OK) {
        tcp_abort(&c->pcb); /* tcp_listen_input() */
        return false;
    }
    output(c);
    return true;
}

void ftcp_send(int i, const uint8_t *p, size_t n)
{
    struct ftcp_conn *c = &ftcp_conns[i];
    if (c->end != FTCP_LIVE || c->fin_queued) {
        return;
    }
    size_t room = FTCP_IN_MAX - c->in_len;
    n = n < room ? n : room;
    memcpy(c->in + c->in_len, p, n);
    c->in_len += n;
}

void ftcp_fin(int i)
{
    if (ftcp_conns[i].end == FTCP_LIVE) {
        ftcp_conns[i].fin_queued = true;
    }
}

static err_t recv_null(struct ftcp_conn *c, struct pbuf *p)
{
    /* tcp_recv_null(): lwIP's default when no recv callback is set. */
    if (p != NULL) {
        tcp_recved(&c->pcb, p->tot_len);
        pbuf_free(p);
    }
    return ERR_OK;
}

/* One recv callback's worth for c; false when nothing could go. */
static bool deliver(struct ftcp_conn *c)
{
    if (c->end != FTCP_LIVE) {
        return false;
    }
    struct pbuf *head = NULL;
    uint32_t window = TCP_WND - (c->delivered - c->recved);
    for (unsigned k = 0; k < c->chain && c->in_pos < c->in_len && window > 0u; k++) {
        size_t n = c->in_len - c->in_pos;
        n = n < c->seg ? n : c->seg;
        n = n < window ? n : window;
        struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)n, PBUF_POOL);
        if (p == NULL) {
            break; /* the NIC drops the frame; the peer retransmits */
        }
        FCHECK(pbuf_take(p, c->in + c->in_pos, (u16_t)n) == ERR_OK);
        c->in_pos += n;
        c->delivered += (uint32_t)n;
        window -= (uint32_t)n;
        if (head == NULL) {
            head = p;
        } else {
            pbuf_cat(head, p);
        }
    }
    if (head == NULL) {
        if (!c->fin_queued || c->fin_sent || c->in_pos < c->in_len) {
            return false;
        }
        c->fin_sent = true; /* head NULL: the FIN */
    }
    begin_cb(c);
    err_t e = c->pcb.recv != NULL ? c->pcb.recv(c->pcb.callback_arg, &c->pcb, head, ERR_OK)
                                  : recv_null(c, head);
    end_cb(c, e);
    return true;
}

void ftcp_pump(void)
{
    for (unsigned round = 0; round < 100000u; round++) {
        bool moved = false;
        for (int i = 0; i < FTCP_CONNS; i++) {
            moved |= deliver(&ftcp_conns[i]);
        }
        if (!moved) {
            return;
        }
    }
}

void ftcp_ack(int i, unsigned n)
{
    struct ftcp_conn *c = &ftcp_conns[i];
    if (c->end != FTCP_LIVE) {
        return;
    }
    unsigned k = (n == 0u || n > c->nsent) ? c->nsent : n;
    unsigned bytes = 0;
    for (unsigned j = 0; j < k; j++) {
        bytes += c->segs[j];
    }
    memmove(c->segs, c->segs + k, (c->nsegs - k) * sizeof(c->segs[0]));
    c->nsegs -= k;
    c->nsent -= k;
    update_room(c);
    if (bytes > 0u && c->pcb.sent != NULL) {
        begin_cb(c);
        err_t e = c->pcb.sent(c->pcb.callback_arg, &c->pcb, (u16_t)bytes);
        end_cb(c, e);
    }
}

void ftcp_rst(int i)
{
    struct ftcp_conn *c = &ftcp_conns[i];
    if (c->end != FTCP_LIVE) {
        return;
    }
    tcp_err_fn errf = c->pcb.errf;
    void *arg = c->pcb.callback_arg;
    end(c, FTCP_RESET);
    if (errf != NULL) {
        errf(arg, ERR_RST);
    }
}

void ftcp_poll(void)
{
    for (int i = 0; i < FTCP_CONNS; i++) {
        struct ftcp_conn *c = &ftcp_conns[i];
        if (c->end == FTCP_LIVE && c->pcb.poll != NULL) {
            begin_cb(c);
            err_t e = c->pcb.poll(c->pcb.callback_arg, &c->pcb);
            end_cb(c, e);
        }
    }
}

void ftcp_set_room(int i, uint16_t room)
{
    struct ftcp_conn *c = &ftcp_conns[i];
    if (c->end == FTCP_LIVE) {
        c->room = room;
        update_room(c);
    }
}

void ftcp_hog_pool(bool hog)
{
    if (!hog) {
        if (s_hog != NULL) {
            pbuf_free(s_hog);
            s_hog = NULL;
        }
        return;
    }
    struct pbuf *p;
    while ((p = pbuf_alloc(PBUF_RAW, 1, PBUF_POOL)) != NULL) {
        if (s_hog == NULL) {
            s_hog = p;
        } else {
            pbuf_cat(s_hog, p);
        }
    }
}

bool ftcp_live(int i)
{
    return ftcp_conns[i].end == FTCP_LIVE;
}

unsigned ftcp_unacked(int i)
{
    return ftcp_conns[i].end == FTCP_LIVE ? ftcp_conns[i].nsegs : 0u;
}

unsigned ftcp_lwip_in_use(void)
{
    return (unsigned)lwip_stats.memp[MEMP_PBUF_POOL]->used +
           (unsigned)lwip_stats.memp[MEMP_PBUF]->used + (unsigned)lwip_stats.mem.used;
}
