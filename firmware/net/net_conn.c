/* Unhooking and closing a service's PCB, and the pool-sharing rules (see
 * net_conn.h). */
#include "net_conn.h"

#include <string.h>

#include "lwip/ip.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/stats.h"

/* Heap to keep free for others (MEM_SIZE): one connection's send buffer.
 * Below it, connections whose peer reads nothing lose their segments. */
#define NET_HEAP_RESERVE TCP_SND_BUF

/* A pool pbuf's buffer ends here (lwIP pbuf.c, pbuf_alloc(PBUF_POOL)). */
#define NET_POOL_END(p)                                                                    \
    ((u8_t *)(p) + LWIP_MEM_ALIGN_SIZE(sizeof(struct pbuf)) + LWIP_MEM_ALIGN_SIZE(PBUF_POOL_BUFSIZE))

static struct net_conn_stats s_stats;

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
    tcp_setprio(pcb, TCP_PRIO_MIN);
    if (pcb->persist_backoff != 0u || tcp_close(pcb) != ERR_OK) {
        tcp_abort(pcb);
        return true;
    }
    return false;
}

void net_rx_queue(struct pbuf **q, struct pbuf *p)
{
    if (*q == NULL) {
        *q = p;
        return;
    }
    struct pbuf *last = pbuf_skip(*q, (u16_t)((*q)->tot_len - 1u), NULL);
    u8_t *tail = (u8_t *)last->payload + last->len;
    if (p->tot_len <= 256u && last->ref == 1u &&
        pbuf_get_allocsrc(last) == PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_POOL &&
        (size_t)(NET_POOL_END(last) - tail) >= p->tot_len) {
        u16_t n = pbuf_copy_partial(p, tail, p->tot_len, 0);
        for (struct pbuf *r = *q; r != NULL; r = r->next) {
            r->tot_len = (u16_t)(r->tot_len + n);
        }
        last->len = (u16_t)(last->len + n);
        pbuf_free(p);
        s_stats.rx_merged++;
        return;
    }
    pbuf_cat(*q, p);
}

bool net_hogging(const struct tcp_pcb *pcb)
{
    const struct stats_mem *h = &lwip_stats.mem;
    return pcb != NULL && pcb->persist_backoff != 0u &&
           (mem_size_t)(h->avail - h->used) < NET_HEAP_RESERVE;
}

void net_conn_count_hog(void)
{
    s_stats.hog_aborts++;
}

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
    s_stats.syn_refused++;
    tcp_rst(NULL, 0, hdr->seqno + 1u, ip_current_dest_addr(), ip_current_src_addr(), hdr->dest,
            hdr->src);
    return ERR_ABRT;
}

void net_conn_stats(struct net_conn_stats *out)
{
    *out = s_stats;
}
