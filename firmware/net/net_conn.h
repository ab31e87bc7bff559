/* The end of a service's TCP connection on lwIP's raw API, the one way
 * every service here (HTTP, HTTPS, echo) unhooks and closes its PCBs. */
#ifndef NET_CONN_H
#define NET_CONN_H

#include <stdbool.h>

#include "lwip/tcp.h"

/* Unhook pcb from its owner: no callback reaches the connection again. */
void net_detach(struct tcp_pcb *pcb);

/* Unhook pcb and close it with a FIN, first acknowledging the unread
 * bytes still queued for it (lwIP answers a close with unacknowledged
 * data by a RST, which could destroy the response in flight); abort when
 * lwIP has no memory for the FIN. Returns true when it aborted: an lwIP
 * callback running for this pcb must then return ERR_ABRT. */
bool net_close(struct tcp_pcb *pcb, u16_t unread);

#endif
