/* Host test of firmware/net/ethif.c with the real lwIP core over a fake
 * hal_eth: netif setup, ARP and ICMP round trips through the RX path
 * (ETH_PAD_SIZE included), TX of pbuf chains, pool exhaustion, send
 * retries, link polling. Every test ends with lwIP's pool counters back
 * where lwip_init() left them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "ethif.h"
#include "fake_hal_board.h"
#include "fake_hal_eth.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define ETHTYPE_ARP_ 0x0806u
#define ETHTYPE_IP_ 0x0800u
#define ARP_LEN 42u   /* Ethernet header + ARP for IPv4 (RFC 826) */

static const uint8_t s_our_mac[6] = {0x02, 0x12, 0x34, 0x56, 0x78, 0x9A};
static const uint8_t s_our_ip[4] = {10, 0, 2, 15};
static const uint8_t s_peer_mac[6] = {0x52, 0x55, 0x0A, 0x00, 0x02, 0x02};
static const uint8_t s_peer_ip[4] = {10, 0, 2, 2};
static const uint8_t s_bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
static const uint8_t s_zero_mac[6] = {0};

static struct netif s_netif;
static u16_t s_memp_baseline[MEMP_MAX]; /* after lwip_init() */
static u16_t s_memp_before[MEMP_MAX];   /* at the start of the running test */
static mem_size_t s_mem_before;
/* Pool buffers a test holds; teardown frees what a failed test left. */
static struct pbuf *s_held[PBUF_POOL_SIZE + 1];
static size_t s_nheld;
static unsigned s_link_callbacks;

/* ---- frame helpers ------------------------------------------------------ */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* RFC 1071 one's complement sum, folded and inverted. */
static uint16_t inet_csum(const uint8_t *p, size_t len, uint32_t acc)
{
    for (size_t i = 0; i + 1u < len; i += 2u) {
        acc += (uint32_t)get16(p + i);
    }
    if ((len & 1u) != 0u) {
        acc += (uint32_t)p[len - 1u] << 8;
    }
    while ((acc >> 16) != 0u) {
        acc = (acc & 0xFFFFu) + (acc >> 16);
    }
    return (uint16_t)~acc;
}

static size_t eth_hdr(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    put16(f + 12, type);
    return 14;
}

static size_t arp_frame(uint8_t *f, const uint8_t eth_dst[6], uint16_t op, const uint8_t sha[6],
                        const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4])
{
    size_t n = eth_hdr(f, eth_dst, sha, ETHTYPE_ARP_);
    put16(f + n, 1);          /* hardware: Ethernet */
    put16(f + n + 2, ETHTYPE_IP_);
    f[n + 4] = 6;
    f[n + 5] = 4;
    put16(f + n + 6, op);
    memcpy(f + n + 8, sha, 6);
    memcpy(f + n + 14, spa, 4);
    memcpy(f + n + 18, tha, 6);
    memcpy(f + n + 24, tpa, 4);
    return n + 28;
}

/* An ARP request as it comes off the wire (padded to the 60-byte minimum). */
static size_t arp_request_from_peer(uint8_t *f, const uint8_t target_ip[4])
{
    memset(f, 0, 60);
    (void)arp_frame(f, s_bcast, 1, s_peer_mac, s_peer_ip, s_zero_mac, target_ip);
    return 60;
}

static size_t ip4_hdr(uint8_t *h, uint8_t proto, const uint8_t src[4], const uint8_t dst[4],
                      size_t payload_len, uint16_t id)
{
    h[0] = 0x45;
    h[1] = 0;
    put16(h + 2, (uint16_t)(20u + payload_len));
    put16(h + 4, id);
    put16(h + 6, 0);
    h[8] = 64;
    h[9] = proto;
    put16(h + 10, 0);
    memcpy(h + 12, src, 4);
    memcpy(h + 16, dst, 4);
    put16(h + 10, inet_csum(h, 20, 0));
    return 20;
}

/* A TCP segment from the peer to us (no pcb listens: lwIP answers RST). */
static size_t tcp_segment(uint8_t *f, uint8_t flags, size_t payload_len)
{
    size_t n = eth_hdr(f, s_our_mac, s_peer_mac, ETHTYPE_IP_);
    n += ip4_hdr(f + n, 6, s_peer_ip, s_our_ip, 20u + payload_len, 7);
    uint8_t *t = f + n;
    memset(t, 0, 20u + payload_len);
    put16(t, 40000);
    put16(t + 2, 4242);
    t[12] = 5u << 4;
    t[13] = flags;
    put16(t + 14, 1000);
    n += 20u + payload_len;
    return n < 60u ? 60u : n;
}

static size_t icmp_echo_request(uint8_t *f, uint16_t id, uint16_t seq, size_t payload_len)
{
    size_t n = eth_hdr(f, s_our_mac, s_peer_mac, ETHTYPE_IP_);
    n += ip4_hdr(f + n, 1, s_peer_ip, s_our_ip, 8u + payload_len, (uint16_t)(seq + 100u));
    uint8_t *icmp = f + n;
    icmp[0] = 8;
    icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, id);
    put16(icmp + 6, seq);
    for (size_t i = 0; i < payload_len; i++) {
        icmp[8 + i] = (uint8_t)(i * 13u + seq);
    }
    put16(icmp + 2, inet_csum(icmp, 8u + payload_len, 0));
    return n + 8u + payload_len;
}

/* ---- fixtures ----------------------------------------------------------- */

static void memp_snapshot(u16_t used[MEMP_MAX])
{
    for (int i = 0; i < MEMP_MAX; i++) {
        used[i] = lwip_stats.memp[i]->used;
    }
}

/* Returns the number of pools (and the heap) not back at their level in
 * before[] (mem_before), printing each. */
static int count_leaks(const u16_t before[MEMP_MAX], mem_size_t mem_before)
{
    int leaks = 0;
    for (int i = 0; i < MEMP_MAX; i++) {
        if (lwip_stats.memp[i]->used != before[i]) {
            print_error("leak: memp pool %d has %u in use, %u before the test\n", i,
                        (unsigned)lwip_stats.memp[i]->used, (unsigned)before[i]);
            leaks++;
        }
    }
    if (lwip_stats.mem.used != mem_before) {
        print_error("leak: %u bytes of the lwIP heap in use, %u before the test\n",
                    (unsigned)lwip_stats.mem.used, (unsigned)mem_before);
        leaks++;
    }
    return leaks;
}

static int group_setup(void **state)
{
    (void)state;
    fake_hal_board_reset();
    lwip_init();
    /* lwip_init() starts lwIP's cyclic timers (here only the ARP timer),
     * which hold MEMP_SYS_TIMEOUT entries for good; every other pool and
     * the heap must start empty. */
    memp_snapshot(s_memp_baseline);
    for (int i = 0; i < MEMP_MAX; i++) {
        if (i != MEMP_SYS_TIMEOUT && s_memp_baseline[i] != 0u) {
            print_error("memp pool %d in use after lwip_init()\n", i);
            return -1;
        }
    }
    return lwip_stats.mem.used == 0u ? 0 : -1;
}

static void on_link(struct netif *netif)
{
    (void)netif;
    s_link_callbacks++;
}

static int setup(void **state)
{
    ip4_addr_t ip;
    ip4_addr_t mask;
    ip4_addr_t gw;
    (void)state;

    /* Leaks are counted per test, so one failing test (which may leave
     * its pbufs behind) does not fail every later one. */
    memp_snapshot(s_memp_before);
    s_mem_before = lwip_stats.mem.used;
    s_nheld = 0;
    fake_hal_eth_reset();
    fake_hal_eth_set_mac(s_our_mac);
    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    memset(&s_netif, 0, sizeof(s_netif));
    if (netif_add(&s_netif, &ip, &mask, &gw, NULL, ethif_init, ethernet_input) == NULL) {
        return -1;
    }
    netif_set_default(&s_netif);
    s_link_callbacks = 0;
    netif_set_link_callback(&s_netif, on_link);
    netif_set_up(&s_netif);
    memset(&lwip_stats.link, 0, sizeof(lwip_stats.link));
    fake_hal_eth_tx_clear();
    return 0;
}

/* Counts leaks before netif_remove(), which would free a packet an ARP
 * entry still held, and removes the netif even then so that the next
 * test starts clean. */
static int teardown(void **state)
{
    (void)state;
    int leaks = count_leaks(s_memp_before, s_mem_before);
    while (s_nheld > 0u) {
        pbuf_free(s_held[--s_nheld]);
    }
    netif_remove(&s_netif);
    if (netif_default != NULL) {
        print_error("netif_remove() left a default netif\n");
        leaks++;
    }
    return leaks == 0 ? 0 : -1;
}

/* Bring the link up the way the superloop does; lwIP announces itself
 * with a gratuitous ARP, which is dropped from the record. */
static void link_up(void)
{
    fake_hal_eth_set_link(true);
    ethif_link_poll(&s_netif);
    assert_true(netif_is_link_up(&s_netif));
    fake_hal_eth_tx_clear();
}

/* The peer asks who we are; afterwards lwIP knows the peer's MAC. */
static void learn_peer(void)
{
    uint8_t f[60];
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    assert_int_equal(ethif_poll(&s_netif), 1);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    fake_hal_eth_tx_clear();
}

static void expect_arp_reply(size_t idx)
{
    uint8_t want[ARP_LEN];
    (void)arp_frame(want, s_peer_mac, 2, s_our_mac, s_our_ip, s_peer_mac, s_peer_ip);
    const struct fake_hal_eth_tx *t = fake_hal_eth_tx_get(idx);
    assert_int_equal(t->len, ARP_LEN);
    assert_memory_equal(t->data, want, ARP_LEN);
}

/* ---- init --------------------------------------------------------------- */

static void test_init_fills_netif(void **state)
{
    const u8_t want_flags = NETIF_FLAG_ETHARP | NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHERNET;
    (void)state;

    assert_int_equal(fake_hal_eth_init_calls(), 1);
    struct hal_eth_cfg cfg = fake_hal_eth_last_cfg();
    assert_int_equal(cfg.rx_pad, ETH_PAD_SIZE);  /* the pad lwIP's eth_hdr expects */
    assert_null(cfg.mac);
    assert_int_equal(s_netif.name[0], 'e');
    assert_int_equal(s_netif.name[1], 'n');
    assert_int_equal(s_netif.mtu, 1500);
    assert_int_equal(s_netif.hwaddr_len, ETH_HWADDR_LEN);
    assert_memory_equal(s_netif.hwaddr, s_our_mac, 6);
    assert_int_equal(s_netif.flags & want_flags, want_flags);
    assert_true(s_netif.output == etharp_output);
    assert_non_null(s_netif.linkoutput);

    /* The address comes from the MAC, whatever it is. */
    static const uint8_t other[6] = {0x02, 0xFE, 0xDC, 0xBA, 0x98, 0x76};
    struct netif n;
    memset(&n, 0, sizeof(n));
    fake_hal_eth_set_mac(other);
    assert_int_equal(ethif_init(&n), ERR_OK);
    assert_memory_equal(n.hwaddr, other, 6);
    assert_int_equal(n.flags & want_flags, want_flags);
}

static void test_init_fails(void **state)
{
    static const int errs[] = {APP_ERR_NODEV, APP_ERR_TIMEOUT, APP_ERR_INVAL};
    ip4_addr_t ip;
    ip4_addr_t mask;
    ip4_addr_t gw;
    (void)state;

    IP4_ADDR(&ip, 10, 0, 2, 15);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 0, 2, 2);
    for (size_t i = 0; i < ARRAY_LEN(errs); i++) {
        struct netif n;
        memset(&n, 0, sizeof(n));
        fake_hal_eth_reset();
        fake_hal_eth_set_init_err(errs[i]);
        assert_int_equal(ethif_init(&n), ERR_IF);
        assert_int_equal(netif_add(&s_netif, &ip, &mask, &gw, NULL, ethif_init, ethernet_input),
                         NULL);
        assert_int_equal(fake_hal_eth_init_calls(), 2);
        assert_null(netif_default);
    }
    assert_int_equal(count_leaks(s_memp_baseline, 0), 0);
}

/* ---- RX ----------------------------------------------------------------- */

static void test_arp_request_gets_reply(void **state)
{
    static const uint8_t other_ip[4] = {10, 0, 2, 99};
    uint8_t f[60];
    (void)state;

    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    assert_int_equal(ethif_poll(&s_netif), 1);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    expect_arp_reply(0);
    assert_int_equal(lwip_stats.link.recv, 1);
    assert_int_equal(lwip_stats.link.xmit, 1);

    /* Not for us: delivered to lwIP, no answer. */
    fake_hal_eth_tx_clear();
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, other_ip));
    assert_int_equal(ethif_poll(&s_netif), 1);
    assert_int_equal(fake_hal_eth_tx_count(), 0);
}

static void test_icmp_echo_reply(void **state)
{
    /* Up to the largest frame: 1472 bytes of payload fill 1514. */
    static const size_t payloads[] = {0, 1, 32, 56, 333, 1472};
    static uint8_t f[HAL_ETH_MAX_FRAME];
    (void)state;

    learn_peer();
    for (size_t i = 0; i < ARRAY_LEN(payloads); i++) {
        uint16_t seq = (uint16_t)(i + 1u);
        size_t len = icmp_echo_request(f, 0x4242, seq, payloads[i]);
        fake_hal_eth_tx_clear();
        fake_hal_eth_rx_push(f, len);
        assert_int_equal(ethif_poll(&s_netif), 1);
        assert_int_equal(fake_hal_eth_tx_count(), 1);

        const struct fake_hal_eth_tx *t = fake_hal_eth_tx_get(0);
        const uint8_t *r = t->data;
        assert_int_equal(t->len, len);
        assert_memory_equal(r, s_peer_mac, 6);
        assert_memory_equal(r + 6, s_our_mac, 6);
        assert_int_equal(get16(r + 12), ETHTYPE_IP_);
        const uint8_t *ip = r + 14;
        assert_int_equal(ip[0], 0x45);
        assert_int_equal(get16(ip + 2), 28u + payloads[i]);
        assert_int_equal(ip[9], 1);
        assert_memory_equal(ip + 12, s_our_ip, 4);
        assert_memory_equal(ip + 16, s_peer_ip, 4);
        assert_int_equal(inet_csum(ip, 20, 0), 0);
        const uint8_t *icmp = ip + 20;
        assert_int_equal(icmp[0], 0);  /* echo reply */
        assert_int_equal(icmp[1], 0);
        assert_int_equal(inet_csum(icmp, 8u + payloads[i], 0), 0);
        /* Identifier, sequence number and data come back unchanged. */
        assert_memory_equal(icmp + 4, f + 14 + 20 + 4, 4u + payloads[i]);
    }
    assert_int_equal(lwip_stats.link.recv, 1u + ARRAY_LEN(payloads));
}

static void test_poll_drains_all(void **state)
{
    /* More frames than the pool has buffers: each is freed before the
     * next is read. */
    const size_t n = PBUF_POOL_SIZE + 4u;
    uint8_t f[60];
    (void)state;

    for (size_t i = 0; i < n; i++) {
        fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    }
    assert_int_equal(ethif_poll(&s_netif), n);
    assert_int_equal(fake_hal_eth_rx_pending(), 0);
    assert_int_equal(fake_hal_eth_tx_count(), n);
    for (size_t i = 0; i < n; i++) {
        expect_arp_reply(i);
    }
    assert_int_equal(ethif_poll(&s_netif), 0);
    assert_int_equal(lwip_stats.link.recv, n);
}

/* Regression: with the pool held by applications (10 echo clients each
 * holding unsent data), the ACKs that would free it were dropped too and
 * every connection stalled. The last ETHIF_RX_RESERVE buffers take only
 * frames without TCP data. */
static void test_rx_reserve_keeps_acks_flowing(void **state)
{
    uint8_t f[200];
    (void)state;

    while (s_nheld < PBUF_POOL_SIZE - ETHIF_RX_RESERVE) {
        s_held[s_nheld] = pbuf_alloc(PBUF_RAW, 1, PBUF_POOL);
        assert_non_null(s_held[s_nheld]);
        s_nheld++;
    }
    /* A data segment would eat into the reserve: dropped. */
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x18 /* PSH|ACK */, 100));
    assert_int_equal(ethif_poll(&s_netif), 0);
    assert_int_equal(lwip_stats.link.memerr, 1);
    assert_int_equal(fake_hal_eth_tx_count(), 0);
    /* A pure ACK, an ARP request and a SYN get through. */
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x10 /* ACK */, 0));
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x02 /* SYN */, 0));
    assert_int_equal(ethif_poll(&s_netif), 3);
    assert_int_equal(lwip_stats.link.memerr, 1);
    /* One more free buffer than the reserve: data is taken again. */
    pbuf_free(s_held[--s_nheld]);
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x18, 100));
    assert_int_equal(ethif_poll(&s_netif), 1);
    assert_int_equal(lwip_stats.link.memerr, 1);
    while (s_nheld > 0u) {
        pbuf_free(s_held[--s_nheld]);
    }
}

static void test_pool_exhausted_drops(void **state)
{
    uint8_t f[60];
    (void)state;

    while (s_nheld < ARRAY_LEN(s_held) &&
           (s_held[s_nheld] = pbuf_alloc(PBUF_RAW, 1, PBUF_POOL)) != NULL) {
        s_nheld++;
    }
    assert_int_equal(s_nheld, PBUF_POOL_SIZE);

    for (unsigned i = 0; i < 3u; i++) {
        fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    }
    assert_int_equal(ethif_poll(&s_netif), 0);
    assert_int_equal(fake_hal_eth_rx_pending(), 0);
    assert_int_equal(fake_hal_eth_rx_discards(), 3);
    assert_int_equal(lwip_stats.link.memerr, 3);
    assert_int_equal(lwip_stats.link.drop, 3);
    assert_int_equal(fake_hal_eth_tx_count(), 0);

    /* One buffer back: traffic flows again. */
    pbuf_free(s_held[--s_nheld]);
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    assert_int_equal(ethif_poll(&s_netif), 1);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    expect_arp_reply(0);
    assert_int_equal(fake_hal_eth_rx_discards(), 3);
    while (s_nheld > 0u) {
        pbuf_free(s_held[--s_nheld]);
    }
}

static void test_rx_read_error_counted(void **state)
{
    uint8_t f[60];
    (void)state;

    fake_hal_eth_set_rx_read_err(APP_ERR_OVERFLOW);
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    assert_int_equal(ethif_poll(&s_netif), 1);
    assert_int_equal(lwip_stats.link.err, 1);
    assert_int_equal(lwip_stats.link.recv, 1);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    assert_int_equal(fake_hal_eth_rx_pending(), 0);
}

/* ---- TX ----------------------------------------------------------------- */

/* A UDP datagram with a by-reference payload leaves lwIP as a two-pbuf
 * chain: the headers, then the application's bytes, passed zero-copy. */
static void test_udp_send_chain(void **state)
{
    static const size_t lens[] = {1, 3, 18, 100, 1472};
    static uint8_t data[1472 + 1];
    ip_addr_t peer;
    (void)state;

    link_up();
    learn_peer();
    IP_ADDR4(&peer, 10, 0, 2, 2);
    struct udp_pcb *pcb = udp_new();
    assert_non_null(pcb);
    for (size_t i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(i * 7u + 3u);
    }
    for (size_t i = 0; i < ARRAY_LEN(lens); i++) {
        const uint8_t *payload = data + (i & 1u);  /* odd addresses too */
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)lens[i], PBUF_REF);
        assert_non_null(p);
        p->payload = (void *)(uintptr_t)payload;
        fake_hal_eth_tx_clear();
        assert_int_equal(udp_sendto(pcb, p, &peer, 7777), ERR_OK);
        pbuf_free(p);

        assert_int_equal(fake_hal_eth_tx_count(), 1);
        const struct fake_hal_eth_tx *t = fake_hal_eth_tx_get(0);
        assert_int_equal(t->nsegs, 2);
        assert_int_equal(t->seg_len[0], 14 + 20 + 8);  /* no pad byte on the wire */
        assert_int_equal(t->seg_len[1], lens[i]);
        assert_true(t->seg_addr[1] == (uintptr_t)payload);
        assert_int_equal(t->len, 42u + lens[i]);

        const uint8_t *r = t->data;
        assert_memory_equal(r, s_peer_mac, 6);
        assert_memory_equal(r + 6, s_our_mac, 6);
        assert_int_equal(get16(r + 12), ETHTYPE_IP_);
        const uint8_t *ip = r + 14;
        assert_int_equal(inet_csum(ip, 20, 0), 0);
        assert_int_equal(ip[9], 17);
        assert_memory_equal(ip + 12, s_our_ip, 4);
        assert_memory_equal(ip + 16, s_peer_ip, 4);
        const uint8_t *udp = ip + 20;
        assert_int_equal(get16(udp + 2), 7777);
        assert_int_equal(get16(udp + 4), 8u + lens[i]);
        /* Checksum over the pseudo header (RFC 768) and the datagram. */
        uint32_t pseudo = get16(ip + 12) + get16(ip + 14) + get16(ip + 16) + get16(ip + 18) +
                          17u + (uint32_t)(8u + lens[i]);
        assert_int_equal(inet_csum(udp, 8u + lens[i], pseudo), 0);
        assert_memory_equal(udp + 8, payload, lens[i]);
    }
    udp_remove(pcb);
}

/* A frame as lwIP hands it to linkoutput: the first pbuf starts with
 * ETH_PAD_SIZE bytes, then the Ethernet header. */
static struct pbuf *frame_head(void)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, ETH_PAD_SIZE + 14u, PBUF_RAM);
    assert_non_null(p);
    uint8_t *b = p->payload;
    memset(b, 0xEE, ETH_PAD_SIZE);
    (void)eth_hdr(b + ETH_PAD_SIZE, s_peer_mac, s_our_mac, 0x88B5u);
    return p;
}

static struct pbuf *data_pbuf(size_t len, uint8_t seed)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
    assert_non_null(p);
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)p->payload)[i] = (uint8_t)(seed + i);
    }
    return p;
}

static void test_linkoutput_chain_segments(void **state)
{
    (void)state;

    struct pbuf *p = frame_head();
    pbuf_cat(p, data_pbuf(0, 0));   /* empty pbufs carry nothing */
    pbuf_cat(p, data_pbuf(50, 1));
    pbuf_cat(p, data_pbuf(0, 0));
    pbuf_cat(p, data_pbuf(7, 2));
    void *payload = p->payload;
    u16_t tot = p->tot_len;
    uint8_t want[14 + 50 + 7];
    assert_int_equal(pbuf_copy_partial(p, want, sizeof(want), ETH_PAD_SIZE), sizeof(want));

    assert_int_equal(s_netif.linkoutput(&s_netif, p), ERR_OK);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    const struct fake_hal_eth_tx *t = fake_hal_eth_tx_get(0);
    assert_int_equal(t->nsegs, 3);
    assert_int_equal(t->seg_len[0], 14);
    assert_int_equal(t->seg_len[1], 50);
    assert_int_equal(t->seg_len[2], 7);
    assert_true(t->seg_addr[0] == (uintptr_t)payload + ETH_PAD_SIZE);
    assert_int_equal(t->len, sizeof(want));
    assert_memory_equal(t->data, want, sizeof(want));
    /* The pbuf is lwIP's again, pad included (TCP may resend it). */
    assert_ptr_equal(p->payload, payload);
    assert_int_equal(p->tot_len, tot);
    assert_int_equal(lwip_stats.link.xmit, 1);
    assert_int_equal(lwip_stats.link.drop, 0);
    pbuf_free(p);
}

static struct pbuf *chain_of(size_t pbufs)
{
    struct pbuf *p = frame_head();
    for (size_t i = 1; i < pbufs; i++) {
        pbuf_cat(p, data_pbuf(4, (uint8_t)i));
    }
    return p;
}

static void test_linkoutput_segment_limit(void **state)
{
    (void)state;

    /* 16 segments: the most hal_eth_send() takes from the glue. */
    struct pbuf *p = chain_of(16);
    assert_int_equal(s_netif.linkoutput(&s_netif, p), ERR_OK);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    assert_int_equal(fake_hal_eth_tx_get(0)->nsegs, 16);
    assert_int_equal(fake_hal_eth_tx_get(0)->len, 14 + 15 * 4);
    pbuf_free(p);

    /* One more is flattened into a single buffer (a chain the MAC cannot
     * take must not be refused forever: its retransmissions would be too),
     * with the same bytes, and the copy is freed again. */
    fake_hal_eth_tx_clear();
    p = chain_of(17);
    void *payload = p->payload;
    assert_int_equal(s_netif.linkoutput(&s_netif, p), ERR_OK);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    assert_int_equal(fake_hal_eth_tx_get(0)->nsegs, 1);
    assert_int_equal(fake_hal_eth_tx_get(0)->len, 14 + 16 * 4);
    uint8_t want[14 + 16 * 4];
    assert_int_equal(pbuf_copy_partial(p, want, sizeof(want), ETH_PAD_SIZE), sizeof(want));
    assert_memory_equal(fake_hal_eth_tx_get(0)->data, want, sizeof(want));
    assert_int_equal(lwip_stats.link.drop, 0);
    assert_ptr_equal(p->payload, payload);
    pbuf_free(p);
}

static void test_send_busy_retried(void **state)
{
    static const unsigned busy[] = {1, 3, ETHIF_TX_RETRIES - 1u};
    uint8_t f[60];
    (void)state;

    for (size_t i = 0; i < ARRAY_LEN(busy); i++) {
        fake_hal_eth_tx_clear();
        fake_hal_eth_set_send_busy(busy[i]);
        fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
        assert_int_equal(ethif_poll(&s_netif), 1);
        assert_int_equal(fake_hal_eth_send_calls(), busy[i] + 1u);
        assert_int_equal(fake_hal_eth_tx_count(), 1);
        expect_arp_reply(0);
    }
    assert_int_equal(lwip_stats.link.xmit, ARRAY_LEN(busy));
    assert_int_equal(lwip_stats.link.drop, 0);
}

static void test_send_fails(void **state)
{
    uint8_t f[60];
    (void)state;

    /* Busy for good: a bounded number of tries, then an error. */
    fake_hal_eth_set_send_busy(ETHIF_TX_RETRIES + 5u);
    struct pbuf *p = chain_of(2);
    void *payload = p->payload;
    assert_int_not_equal(s_netif.linkoutput(&s_netif, p), ERR_OK);
    assert_int_equal(fake_hal_eth_send_calls(), ETHIF_TX_RETRIES);
    assert_int_equal(lwip_stats.link.drop, 1);
    assert_ptr_equal(p->payload, payload);

    /* Any other failure is not retried. */
    fake_hal_eth_set_send_busy(0);
    fake_hal_eth_tx_clear();
    fake_hal_eth_set_send_err(APP_ERR_TIMEOUT);
    assert_int_not_equal(s_netif.linkoutput(&s_netif, p), ERR_OK);
    assert_int_equal(fake_hal_eth_send_calls(), 1);
    assert_int_equal(lwip_stats.link.drop, 2);
    assert_ptr_equal(p->payload, payload);
    pbuf_free(p);

    /* Through lwIP: the reply is lost, nothing leaks. */
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    assert_int_equal(ethif_poll(&s_netif), 1);
    assert_int_equal(fake_hal_eth_tx_count(), 0);
    assert_int_equal(lwip_stats.link.drop, 3);
    assert_int_equal(lwip_stats.link.xmit, 0);
}

/* ---- link --------------------------------------------------------------- */

static void test_link_poll(void **state)
{
    static const struct {
        bool phy;
        unsigned callbacks;
    } steps[] = {
        {false, 0}, {true, 1}, {true, 1}, {false, 2}, {false, 2}, {true, 3},
    };
    (void)state;

    assert_false(netif_is_link_up(&s_netif));
    for (size_t i = 0; i < ARRAY_LEN(steps); i++) {
        fake_hal_eth_tx_clear();
        fake_hal_eth_set_link(steps[i].phy);
        ethif_link_poll(&s_netif);
        assert_int_equal(netif_is_link_up(&s_netif), steps[i].phy);
        assert_int_equal(s_link_callbacks, steps[i].callbacks);
        bool went_up = steps[i].phy && (i == 0u || !steps[i - 1u].phy);
        if (went_up) {
            /* lwIP announces the address: a gratuitous ARP from us. */
            assert_int_equal(fake_hal_eth_tx_count(), 1);
            const uint8_t *a = fake_hal_eth_tx_get(0)->data;
            assert_memory_equal(a, s_bcast, 6);
            assert_int_equal(get16(a + 12), ETHTYPE_ARP_);
            assert_memory_equal(a + 14 + 8, s_our_mac, 6);
            assert_memory_equal(a + 14 + 14, s_our_ip, 4);
            assert_memory_equal(a + 14 + 24, s_our_ip, 4);
        } else {
            assert_int_equal(fake_hal_eth_tx_count(), 0);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_fills_netif, setup, teardown),
        cmocka_unit_test(test_init_fails),
        cmocka_unit_test_setup_teardown(test_arp_request_gets_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmp_echo_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll_drains_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pool_exhausted_drops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_reserve_keeps_acks_flowing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_read_error_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_send_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linkoutput_chain_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linkoutput_segment_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_busy_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_poll, setup, teardown),
    };
    return cmocka_run_group_tests_name("ethif", tests, group_setup, NULL);
}
