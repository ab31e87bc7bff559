/* TCP echo on lwIP raw callbacks; one static slot per connection. */
#include "echo.h"

#include <stddef.h>

#include "app_config.h"
#include "app_err.h"
#include "lwip/tcp.h"
#include "net_conn.h"
#include "net_listen.h"

struct echo_conn {
    struct tcp_pcb *pcb;
    struct pbuf *queue;   /* received, not yet handed to tcp_write() */
    uint8_t closing;      /* peer sent FIN: close once the queue is empty */
};

static struct echo_conn s_conns[APP_ECHO_MAX_CONNS];
static unsigned s_max;
static unsigned s_active;

static void conn_free(struct echo_conn *c)
{
    if (c->queue != NULL) {
        pbuf_free(c->queue);
    }
    c->queue = NULL;
    c->pcb = NULL;
    c->closing = 0;
    s_active--;
}

/* Returns ERR_ABRT when the PCB had to be aborted (callers inside lwIP
 * callbacks must then return ERR_ABRT). */
static err_t conn_close(struct echo_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    conn_free(c);
    return net_close(pcb, 0) ? ERR_ABRT : ERR_OK;
}

/* Move queued bytes into the send buffer; open the window by as much. */
static err_t conn_pump(struct echo_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;
    int wrote = 0;

    while (c->queue != NULL) {
        u16_t room = tcp_sndbuf(pcb);
        u16_t n = c->queue->len < room ? c->queue->len : room;
        if (n == 0u || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN) {
            break;
        }
        if (tcp_write(pcb, c->queue->payload, n, TCP_WRITE_FLAG_COPY) != ERR_OK) {
            break; /* heap full: the sent or poll callback retries */
        }
        c->queue = pbuf_free_header(c->queue, n);
        tcp_recved(pcb, n);
        wrote = 1;
    }
    if (wrote) {
        (void)tcp_output(pcb);
    }
    if (c->closing && c->queue == NULL) {
        return conn_close(c);
    }
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct echo_conn *c = arg;
    (void)pcb;
    if (c == NULL) {
        if (p != NULL) {
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == NULL || err != ERR_OK) {
        if (p != NULL) {
            pbuf_free(p);
        }
        c->closing = 1;
    } else if (c->queue == NULL) {
        c->queue = p;
    } else {
        pbuf_cat(c->queue, p);
    }
    return conn_pump(c);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    return arg != NULL ? conn_pump(arg) : ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    (void)pcb;
    return arg != NULL ? conn_pump(arg) : ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    (void)err;
    /* The PCB is already gone (RST or abort). */
    if (arg != NULL) {
        conn_free(arg);
    }
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL) {
        return ERR_VAL;
    }
    struct echo_conn *c = NULL;
    if (s_active < s_max) {
        for (unsigned i = 0; i < s_max; i++) {
            if (s_conns[i].pcb == NULL) {
                c = &s_conns[i];
                break;
            }
        }
    }
    if (c == NULL) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    c->pcb = pcb;
    c->queue = NULL;
    c->closing = 0;
    s_active++;
    tcp_arg(pcb, c);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_poll(pcb, on_poll, 2); /* every second (2 x 500 ms TCP timer) */
    return ERR_OK;
}

int echo_start(uint16_t port, unsigned max_conns)
{
    if (max_conns == 0u || max_conns > APP_ECHO_MAX_CONNS) {
        return APP_ERR_INVAL;
    }
    s_max = max_conns;
    return net_listen(port, on_accept);
}

unsigned echo_active(void)
{
    return s_active;
}
