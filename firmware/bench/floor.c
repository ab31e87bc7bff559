/* Fixed-bytes responder on lwIP raw TCP (bench reference image only). */
#include "floor.h"

#include "app_config.h"

#if APP_BENCH_SERVER == 1

#include "app_err.h"
#include "lwip/tcp.h"
#include "net_listen.h"

static const char *s_resp;
static u16_t s_len;

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)err;
    if (p == NULL) {
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    /* One segment, one request: true for the bench client. */
    if (tcp_write(pcb, s_resp, s_len, 0) == ERR_OK) {
        (void)tcp_output(pcb);
    }
    return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL) {
        return ERR_VAL;
    }
    tcp_recv(pcb, on_recv);
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

int floor_start(uint16_t port, const char *response, size_t len)
{
    if (len > 0xFFFFu) {
        return APP_ERR_INVAL;
    }
    s_resp = response;
    s_len = (u16_t)len;
    return net_listen(port, on_accept);
}
#endif
