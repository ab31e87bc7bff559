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

#if !LWIP_SUPPORT_CUSTOM_PBUF
#error "ethif needs LWIP_SUPPORT_CUSTOM_PBUF for its small-frame buffer"
#endif

/* True when frame (without pad) is an IPv4 TCP segment that lwIP may keep:
 * one carrying data, or a FIN (queued out of order like data), or one too
 * short to tell. RFC 791 3.1, RFC 9293 3.1. */
static bool carries_tcp_payload(const uint8_t *f, size_t len)
{
    if (len < 14u + 20u || f[12] != 0x08u || f[13] != 0x00u || f[14 + 9] != 6u) {
        return len < 14u + 20u;
    }
    size_t ihl = (size_t)(f[14] & 0x0Fu) * 4u;
    size_t total = ((size_t)f[16] << 8) | f[17];
    if (ihl < 20u || len < 14u + ihl + 14u) {
        return true;
    }
    size_t doff = (size_t)(f[14 + ihl + 12] >> 4) * 4u;
    return total > ihl + doff || (f[14 + ihl + 13] & 0x01u) != 0u;
}

/* Small frames that lwIP frees before netif->input() returns (ACKs, ARP,
 * ICMP, SYNs, UDP) are read into this one buffer instead of a pool buffer:
 * however many pool buffers applications hold with received data, the
 * ACKs that let them send and free it still come in (without it, every
 * connection could stall for good). Anything kept past input() (a TCP
 * segment with data or FIN) goes to a pool buffer; should lwIP keep this
 * one after all, small frames take the pool until it is freed. */
static uint8_t s_small[ETHIF_RX_SMALL] __attribute__((aligned(4)));
static struct pbuf_custom s_small_pbuf;
static bool s_small_busy;

static void small_free(struct pbuf *p)
{
    (void)p;
    s_small_busy = false;
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
        u16_t flen = (u16_t)(len + ETH_PAD_SIZE);
        struct pbuf *p = NULL;
        if (!s_small_busy && need <= sizeof(s_small)) {
            if (hal_eth_rx_read(s_small, sizeof(s_small)) != len) {
                LINK_STATS_INC(link.err);
                continue;
            }
            if (!carries_tcp_payload(s_small + ETH_PAD_SIZE, (size_t)len)) {
                s_small_pbuf.custom_free_function = small_free;
                p = pbuf_alloced_custom(PBUF_RAW, flen, PBUF_REF, &s_small_pbuf, s_small,
                                        sizeof(s_small));
                s_small_busy = p != NULL;
            } else {
                p = pbuf_alloc(PBUF_RAW, flen, PBUF_POOL);
                if (p != NULL && p->next == NULL) {
                    memcpy(p->payload, s_small, flen);
                } else if (p != NULL) {
                    pbuf_free(p);
                    p = NULL;
                }
            }
            if (p == NULL) {
                LINK_STATS_INC(link.memerr);
                LINK_STATS_INC(link.drop);
                continue;
            }
        } else {
            p = pbuf_alloc(PBUF_RAW, flen, PBUF_POOL);
            if (p == NULL || p->next != NULL || p->len < need) {
                /* No pool buffer (or one too small, a configuration bug
                 * that lwipopts.h rules out): drop, the sender retransmits. */
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
