/* The end of a service's TCP connection on lwIP's raw API, the one way
 * every service here (HTTP, HTTPS, echo) unhooks and closes its PCBs, and
 * the rules by which connections share lwIP's pools (README "Fairness"). */
#ifndef NET_CONN_H
#define NET_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "lwip/tcp.h"

/* Unhook pcb from its owner: no callback reaches the connection again. */
void net_detach(struct tcp_pcb *pcb);

/* Unhook pcb and close it with a FIN, first acknowledging the unread
 * bytes still queued for it (lwIP answers a close with unacknowledged
 * data by a RST, which could destroy the response in flight); abort when
 * lwIP has no memory for the FIN, or when the peer reads nothing (its
 * window is closed: the unsent bytes would hold lwIP's heap for minutes
 * of zero-window probes). A closed PCB drops to the lowest priority, so
 * that a new SYN may reclaim it when the pool runs out. Returns true when
 * it aborted: an lwIP callback running for this pcb must then return
 * ERR_ABRT. */
bool net_close(struct tcp_pcb *pcb, u16_t unread);

/* Queue received pbuf p behind *q. A small segment is copied into the
 * free tail of the last pool buffer instead of holding a pool buffer of
 * its own: a client that sends one byte per segment holds one receive
 * buffer, not one per byte. */
void net_rx_queue(struct pbuf **q, struct pbuf *p);

/* True when pcb holds lwIP heap it cannot send (its peer's window is
 * closed: zero-window probing) while the heap is short: such a
 * connection is aborted before anyone else is refused memory. */
bool net_hogging(const struct tcp_pcb *pcb);

/* Counters for the metrics (since boot). */
struct net_conn_stats {
    uint32_t syn_refused;   /* SYNs answered with RST: no PCB */
    uint32_t hog_aborts;    /* connections aborted holding heap, peer not reading */
    uint32_t rx_merged;     /* segments copied into a previous receive buffer */
};
void net_conn_stats(struct net_conn_stats *out);
void net_conn_count_hog(void);
void net_conn_count_syn_refused(void);

#endif
