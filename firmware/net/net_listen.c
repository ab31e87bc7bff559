/* tcp_new + tcp_bind + tcp_listen + tcp_accept, with errors translated. */
#include "net_listen.h"

#include "app_err.h"

int net_listen(uint16_t port, tcp_accept_fn accept)
{
    struct tcp_pcb *pcb = tcp_new();
    if (pcb == NULL) {
        return APP_ERR_NOMEM;
    }
    if (tcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
        tcp_abort(pcb);
        return APP_ERR_BUSY;
    }
    /* On success tcp_listen() frees pcb and returns the smaller listen PCB. */
    struct tcp_pcb *lpcb = tcp_listen(pcb);
    if (lpcb == NULL) {
        tcp_abort(pcb);
        return APP_ERR_NOMEM;
    }
    tcp_accept(lpcb, accept);
    return APP_OK;
}
