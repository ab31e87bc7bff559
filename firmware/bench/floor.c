/* Fixed-bytes responder on lwIP raw TCP (bench reference image only). */
#include "floor.h"

#include "app_config.h"

#if APP_BENCH_SERVER == 1

#include "app_err.h"
#include "lwip/tcp.h"
#include "net_listen.h"

struct floor_port {
    u16_t port;
    const char *resp;
    u32_t len;
};

/* A connection's response and how much of it is queued; responses larger
 * than the send buffer go out as the client acknowledges (tcp_sent), as
 * lwIP's httpd does. */
struct floor_conn {
    const struct floor_port *fp;
    u32_t off;
};

static struct floor_port s_ports[FLOOR_PORTS];
static unsigned s_nports;
static struct floor_conn s_conns[MEMP_NUM_TCP_PCB];

static void push(struct tcp_pcb *pcb, struct floor_conn *c)
{
    u32_t left = c->fp->len - c->off;
    u16_t room = tcp_sndbuf(pcb);
    u16_t n = (u16_t)(left < room ? left : room);
    if (n > 0u && tcp_write(pcb, c->fp->resp + c->off, n, 0) == ERR_OK) {
        c->off += n;
        (void)tcp_output(pcb);
    }
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)len;
    struct floor_conn *c = arg;
    if (c != NULL && c->off < c->fp->len) {
        push(pcb, c);
    }
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)err;
    struct floor_conn *c = arg;
    if (p == NULL) {
        if (c != NULL) {
            c->fp = NULL;
        }
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        tcp_sent(pcb, NULL);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    /* One segment, one request: true for the bench clients. */
    c->off = 0;
    push(pcb, c);
    return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    (void)err;
    struct floor_conn *c = arg;
    if (c != NULL) {
        c->fp = NULL;
    }
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL) {
        return ERR_VAL;
    }
    const struct floor_port *fp = NULL;
    for (unsigned i = 0; i < s_nports; i++) {
        if (s_ports[i].port == pcb->local_port) {
            fp = &s_ports[i];
        }
    }
    struct floor_conn *c = NULL;
    for (unsigned i = 0; i < MEMP_NUM_TCP_PCB && c == NULL; i++) {
        if (s_conns[i].fp == NULL) {
            c = &s_conns[i];
        }
    }
    if (fp == NULL || c == NULL) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    c->fp = fp;
    c->off = 0;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

int floor_start(uint16_t port, const char *response, size_t len)
{
    if (s_nports == FLOOR_PORTS) {
        return APP_ERR_NOMEM;
    }
    s_ports[s_nports].port = port;
    s_ports[s_nports].resp = response;
    s_ports[s_nports].len = (u32_t)len;
    int err = net_listen(port, on_accept);
    if (err == APP_OK) {
        s_nports++;
    }
    return err;
}
#endif
