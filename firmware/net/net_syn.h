/* A prompt answer to a SYN the device cannot take (README "Fairness"). */
#ifndef NET_SYN_H
#define NET_SYN_H

#include "lwip/tcp.h"

/* lwIP hook (LWIP_HOOK_TCP_INPACKET_PCB, lwipopts.h): a SYN to a
 * listening port when no PCB can be had gets a RST at once instead of
 * silence (lwIP drops it, and the client retries after 1, 3, 7 s). */
struct tcp_hdr;
err_t net_syn_check(struct tcp_pcb *pcb, const struct tcp_hdr *hdr);

#endif
