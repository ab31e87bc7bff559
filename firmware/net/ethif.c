/* Ethernet netif for lwIP over hal_eth (lwIP's contrib ethernetif.c is
 * the pattern: low_level_output / low_level_input). */
#include "ethif.h"

#include <string.h>

#include "app_err.h"
#include "hal_eth.h"
#include "lwip/etharp.h"
#include "lwip/memp.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

#define ETHIF_MAX_SEGS 16u

#if !MEMP_STATS
#error "ethif needs MEMP_STATS for its RX reserve"
#endif

/* True when frame (without pad) is an IPv4 TCP segment carrying data, or
 * is too short to tell. RFC 791 3.1, RFC 9293 3.1. */
static bool carries_tcp_payload(const uint8_t *f, size_t len)
{
    if (len < 14u + 20u || f[12] != 0x08u || f[13] != 0x00u || f[14 + 9] != 6u) {
        return len < 14u + 20u;
    }
    size_t ihl = (size_t)(f[14] & 0x0Fu) * 4u;
    size_t total = ((size_t)f[16] << 8) | f[17];
    if (ihl < 20u || len < 14u + ihl + 13u) {
        return true;
    }
    size_t doff = (size_t)(f[14 + ihl + 12] >> 4) * 4u;
    return total > ihl + doff;
}

static uint8_t s_mac[ETH_HWADDR_LEN];
static bool s_mac_set;

void ethif_set_mac(const uint8_t *mac)
{
    s_mac_set = mac != NULL;
    if (mac != NULL) {
        memcpy(s_mac, mac, sizeof(s_mac));
    }
}

/* Fill segs from the chain; returns the count, or ETHIF_MAX_SEGS + 1 when
 * the chain has more non-empty pbufs than the MAC takes. */
static size_t chain_segs(struct pbuf *p, struct hal_eth_seg *segs)
{
    size_t n = 0;
    for (struct pbuf *q = p; q != NULL; q = q->next) {
        if (q->len == 0u) {
            continue;
        }
        if (n == ETHIF_MAX_SEGS) {
            return ETHIF_MAX_SEGS + 1u;
        }
        segs[n].data = q->payload;
        segs[n].len = q->len;
        n++;
    }
    return n;
}

static err_t ethif_output(struct netif *netif, struct pbuf *p)
{
    struct hal_eth_seg segs[ETHIF_MAX_SEGS];
    struct pbuf *flat = NULL;
    int err = APP_ERR_INVAL;

    (void)netif;
#if ETH_PAD_SIZE
    pbuf_remove_header(p, ETH_PAD_SIZE);
#endif
    size_t n = chain_segs(p, segs);
    if (n > ETHIF_MAX_SEGS) {
        /* A chain of many small pbufs (e.g. many by-reference tcp_write()
         * calls): flatten it rather than refuse it, or every retransmission
         * of that segment would be refused too. */
        flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
        n = flat != NULL ? chain_segs(flat, segs) : 0u;
    }
    if (n > 0u && n <= ETHIF_MAX_SEGS) {
        /* A full TX FIFO drains at line rate (a 1514-byte frame takes
         * ~121 us at 100 Mbit/s): wait a bounded while rather than drop. */
        for (unsigned i = 0; i < ETHIF_TX_RETRIES; i++) {
            err = hal_eth_send(segs, n);
            if (err != APP_ERR_BUSY) {
                break;
            }
        }
    }
    if (flat != NULL) {
        pbuf_free(flat);
    }
#if ETH_PAD_SIZE
    pbuf_add_header(p, ETH_PAD_SIZE);
#endif
    if (err != APP_OK) {
        LINK_STATS_INC(link.drop);
        return err == APP_ERR_BUSY ? ERR_MEM : ERR_IF;
    }
    LINK_STATS_INC(link.xmit);
    return ERR_OK;
}

unsigned ethif_poll(struct netif *netif)
{
    unsigned delivered = 0;
    int len;

    /* Drain completely: the chip's RX FIFO is small and drops silently. */
    while ((len = hal_eth_rx_next()) > 0) {
        size_t need = hal_eth_rx_size((size_t)len);
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)(len + ETH_PAD_SIZE), PBUF_POOL);
        if (p == NULL || p->next != NULL || p->len < need) {
            /* No pool buffer (or one too small, a configuration bug that
             * lwipopts.h rules out): drop, the sender retransmits. */
            if (p != NULL) {
                pbuf_free(p);
            }
            hal_eth_rx_discard();
            LINK_STATS_INC(link.memerr);
            LINK_STATS_INC(link.drop);
            continue;
        }
        if (hal_eth_rx_read(p->payload, p->len) != len) {
            pbuf_free(p);
            LINK_STATS_INC(link.err);
            continue;
        }
        /* The last ETHIF_RX_RESERVE pool buffers are for frames without TCP
         * data (ACKs, ARP, ICMP; lwIP frees those before returning): were
         * applications holding received data (pipelined requests, echo
         * queues) to take them all, the ACKs that let them send and free
         * it could not come in, and every connection would stall for good. */
        const struct stats_mem *pool = lwip_stats.memp[MEMP_PBUF_POOL];
        if ((size_t)(pool->avail - pool->used) < ETHIF_RX_RESERVE &&
            carries_tcp_payload((const uint8_t *)p->payload + ETH_PAD_SIZE, (size_t)len)) {
            pbuf_free(p);
            LINK_STATS_INC(link.memerr);
            LINK_STATS_INC(link.drop);
            continue;
        }
        /* The pad stays in front: lwIP's struct eth_hdr starts with it. */
        LINK_STATS_INC(link.recv);
        if (netif->input(p, netif) != ERR_OK) {
            pbuf_free(p);
        }
        delivered++;
    }
    return delivered;
}

void ethif_link_poll(struct netif *netif)
{
    bool up = hal_eth_link_up();
    if (up && !netif_is_link_up(netif)) {
        netif_set_link_up(netif);
    } else if (!up && netif_is_link_up(netif)) {
        netif_set_link_down(netif);
    }
}

err_t ethif_init(struct netif *netif)
{
    struct hal_eth_cfg cfg = {.rx_pad = ETH_PAD_SIZE, .mac = s_mac_set ? s_mac : NULL};

    if (hal_eth_init(&cfg) != APP_OK) {
        return ERR_IF;
    }
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = ethif_output;
    netif->mtu = 1500;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    hal_eth_mac_get(netif->hwaddr);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    return ERR_OK;
}
