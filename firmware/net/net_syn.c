/* The SYN hook (see net_syn.h): kept apart from net_conn.c, whose users
 * (and their host fakes of lwIP's TCP API) never see a SYN. */
#include "net_syn.h"

#include "lwip/ip.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "net_conn.h"

err_t net_syn_check(struct tcp_pcb *pcb, const struct tcp_hdr *hdr)
{
    if (pcb->state != LISTEN || (TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN) {
        return ERR_OK;
    }
    /* What tcp_listen_input() will do next: take a PCB, recycling one in
     * TIME_WAIT or one of lower priority (a closed one, net_close()). */
    struct tcp_pcb *probe = tcp_alloc(pcb->prio);
    if (probe != NULL) {
        tcp_free(probe);
        return ERR_OK;
    }
    /* RFC 9293 3.10.7.2: a SYN that is refused gets <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>.
     * tcp_input() has turned the header's ports and numbers to host order
     * before it calls the hook (tcp_in.c, "Convert fields in TCP header"). */
    net_conn_count_syn_refused();
    tcp_rst(NULL, 0, hdr->seqno + 1u, ip_current_dest_addr(), ip_current_src_addr(), hdr->dest,
            hdr->src);
    return ERR_ABRT;
}

