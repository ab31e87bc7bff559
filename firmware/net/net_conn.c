/* Unhooking and closing a service's PCB (see net_conn.h). */
#include "net_conn.h"

void net_detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
}

bool net_close(struct tcp_pcb *pcb, u16_t unread)
{
    if (unread != 0u) {
        tcp_recved(pcb, unread);
    }
    net_detach(pcb);
    if (tcp_close(pcb) != ERR_OK) {
        tcp_abort(pcb);
        return true;
    }
    return false;
}
