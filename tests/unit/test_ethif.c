/* Host test of firmware/net/ethif.c with the real lwIP core over a fake
 * hal_eth: netif setup, ARP and ICMP round trips through the RX path
 * (ETH_PAD_SIZE included), TX of pbuf chains, pool exhaustion, send
 * retries, link polling. Also firmware/net/net_conn.c, the pool-sharing
 * rules, against real TCP segments from the fake NIC: small segments
 * merged into one receive buffer, RST for a SYN that finds no PCB, closed
 * PCBs recycled first, heap hogs. Every test ends with lwIP's pool
 * counters back where lwip_init() left them. */
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
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/tcp.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "net_conn.h"
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
 * every connection stalled. Frames lwIP does not keep go through the
 * small-frame buffer, whatever the pool holds; frames it may keep (data,
 * FIN) need a pool buffer. */
static void test_rx_small_frames_flow_with_pool_held(void **state)
{
    uint8_t f[200];
    (void)state;

    while (s_nheld < ARRAY_LEN(s_held) &&
           (s_held[s_nheld] = pbuf_alloc(PBUF_RAW, 1, PBUF_POOL)) != NULL) {
        s_nheld++;
    }
    assert_int_equal(s_nheld, PBUF_POOL_SIZE);
    /* A data segment, small or not, and a bare FIN need a pool buffer:
     * dropped. */
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x18 /* PSH|ACK */, 100));
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x18, 10));
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x11 /* FIN|ACK */, 0));
    assert_int_equal(ethif_poll(&s_netif), 0);
    assert_int_equal(lwip_stats.link.memerr, 3);
    assert_int_equal(fake_hal_eth_tx_count(), 0);
    /* An ARP request, a pure ACK, a SYN and a ping get through: the ARP
     * request and the ping are answered (the TCP segments here carry no
     * checksum, so lwIP drops them after they are delivered). */
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x10 /* ACK */, 0));
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x02 /* SYN */, 0));
    fake_hal_eth_rx_push(f, icmp_echo_request(f, 7, 1, 56));
    assert_int_equal(ethif_poll(&s_netif), 4);
    assert_int_equal(lwip_stats.link.memerr, 3);
    assert_int_equal(fake_hal_eth_tx_count(), 2);
    /* A frame over the small buffer needs the pool: dropped. */
    fake_hal_eth_rx_push(f, icmp_echo_request(f, 7, 2, ETHIF_RX_SMALL));
    assert_int_equal(ethif_poll(&s_netif), 0);
    assert_int_equal(lwip_stats.link.memerr, 4);
    assert_int_equal(fake_hal_eth_rx_discards(), 2);
    /* One buffer back: data is taken again (a small segment copied into it). */
    pbuf_free(s_held[--s_nheld]);
    fake_hal_eth_rx_push(f, tcp_segment(f, 0x18, 10));
    assert_int_equal(ethif_poll(&s_netif), 1);
    assert_int_equal(lwip_stats.link.memerr, 4);
    while (s_nheld > 0u) {
        pbuf_free(s_held[--s_nheld]);
    }
    /* Nothing kept the small buffer or a pool buffer. */
    assert_int_equal(lwip_stats.memp[MEMP_PBUF_POOL]->used, 0);
}

static void test_pool_exhausted_drops(void **state)
{
    uint8_t f[1600];
    (void)state;

    while (s_nheld < ARRAY_LEN(s_held) &&
           (s_held[s_nheld] = pbuf_alloc(PBUF_RAW, 1, PBUF_POOL)) != NULL) {
        s_nheld++;
    }
    assert_int_equal(s_nheld, PBUF_POOL_SIZE);

    /* The peer's address is known (its ARP request is small: it passes). */
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    assert_int_equal(ethif_poll(&s_netif), 1);
    fake_hal_eth_tx_clear();
    for (unsigned i = 0; i < 3u; i++) {
        fake_hal_eth_rx_push(f, icmp_echo_request(f, 9, (uint16_t)i, 1000));
    }
    assert_int_equal(ethif_poll(&s_netif), 0);
    assert_int_equal(fake_hal_eth_rx_pending(), 0);
    assert_int_equal(fake_hal_eth_rx_discards(), 3);
    assert_int_equal(lwip_stats.link.memerr, 3);
    assert_int_equal(lwip_stats.link.drop, 3);
    assert_int_equal(fake_hal_eth_tx_count(), 0);

    /* One buffer back: traffic flows again. */
    pbuf_free(s_held[--s_nheld]);
    fake_hal_eth_rx_push(f, icmp_echo_request(f, 9, 3, 1000));
    assert_int_equal(ethif_poll(&s_netif), 1);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
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

/* ---- net_conn: receive queue -------------------------------------------- */

static u16_t pool_used(void)
{
    return lwip_stats.memp[MEMP_PBUF_POOL]->used;
}

static uint8_t pattern(size_t i)
{
    return (uint8_t)(i * 31u + 7u);
}

/* A received segment as tcp_input() hands it on: a pool buffer whose
 * payload starts behind the headers (offset bytes in) and holds len bytes
 * of pattern() from byte `from` of the stream. */
static struct pbuf *rx_pbuf(size_t offset, size_t len, size_t from)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, PBUF_POOL_BUFSIZE, PBUF_POOL);
    assert_non_null(p);
    assert_null(p->next);
    assert_int_equal(pbuf_remove_header(p, offset), 0);
    pbuf_realloc(p, (u16_t)len);
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)p->payload)[i] = pattern(from + i);
    }
    return p;
}

/* A small pbuf of another kind (PBUF_RAM, or pool with no offset). */
static struct pbuf *small_pbuf(pbuf_type type, size_t len, size_t from)
{
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, type);
    assert_non_null(p);
    for (size_t i = 0; i < len; i++) {
        ((uint8_t *)p->payload)[i] = pattern(from + i);
    }
    return p;
}

/* q holds pattern(0 .. n), tot_len right in every pbuf of the chain. */
static void check_rx_chain(const struct pbuf *q, size_t n)
{
    static uint8_t got[4 * PBUF_POOL_BUFSIZE];
    assert_true(n <= sizeof(got));
    assert_int_equal(q->tot_len, n);
    size_t sum = 0;
    for (const struct pbuf *r = q; r != NULL; r = r->next) {
        assert_int_equal(r->tot_len, n - sum);
        sum += r->len;
    }
    assert_int_equal(sum, n);
    assert_int_equal(pbuf_copy_partial(q, got, (u16_t)n, 0), n);
    for (size_t i = 0; i < n; i++) {
        if (got[i] != pattern(i)) {
            fail_msg("byte %zu of %zu is %u, want %u", i, n, got[i], pattern(i));
        }
    }
}

static uint32_t rx_merged(void)
{
    struct net_conn_stats st;
    net_conn_stats(&st);
    return st.rx_merged;
}

/* A client that sends one byte per segment holds one pool buffer, not one
 * per byte: each byte goes into the tail room of the first. */
static void test_rx_queue_merges_small_segments(void **state)
{
    enum { N = 300 };
    (void)state;

    u16_t used0 = pool_used();
    uint32_t merged0 = rx_merged();
    struct pbuf *q = NULL;
    net_rx_queue(&q, rx_pbuf(ETH_PAD_SIZE + 14u + 20u + 20u, 1, 0));
    assert_non_null(q);
    for (size_t i = 1; i < N; i++) {
        struct pbuf *p = rx_pbuf(ETH_PAD_SIZE + 14u + 20u + 20u, 1, i);
        net_rx_queue(&q, p);
        assert_int_equal(pool_used(), used0 + 1u); /* p went back to the pool */
    }
    assert_null(q->next);
    assert_int_equal(q->len, N);
    check_rx_chain(q, N);
    assert_int_equal(rx_merged(), merged0 + N - 1u);
    /* A chain of small pbufs is merged as a whole; so is a PBUF_RAM one. */
    struct pbuf *two = small_pbuf(PBUF_POOL, 3, N);
    pbuf_cat(two, small_pbuf(PBUF_RAM, 4, N + 3u));
    net_rx_queue(&q, two);
    net_rx_queue(&q, small_pbuf(PBUF_RAM, 5, N + 7u));
    assert_null(q->next);
    check_rx_chain(q, N + 12u);
    assert_int_equal(pool_used(), used0 + 1u);
    pbuf_free(q);
    assert_int_equal(pool_used(), used0);
}

/* Up to the last byte of the pool buffer, not one further: the next
 * segment is chained. Segments up to 256 bytes are copied, bigger ones
 * chained even when they would fit. */
static void test_rx_queue_limits(void **state)
{
    const size_t offset = ETH_PAD_SIZE + 14u + 20u + 20u;
    const size_t first = 10;
    const size_t room = PBUF_POOL_BUFSIZE - offset - first;
    (void)state;

    u16_t used0 = pool_used();
    struct pbuf *q = NULL;
    size_t n = 0;
    net_rx_queue(&q, rx_pbuf(offset, first, 0));
    n += first;
    /* Fill the room with 256-byte segments, then the remainder exactly. */
    while (n + 256u <= first + room) {
        net_rx_queue(&q, rx_pbuf(offset, 256, n));
        n += 256u;
    }
    size_t rest = first + room - n;
    assert_true(rest > 0u && rest < 256u);
    net_rx_queue(&q, rx_pbuf(offset, rest, n));
    n += rest;
    assert_null(q->next);
    assert_int_equal(q->len, first + room);
    check_rx_chain(q, n);
    assert_int_equal(pool_used(), used0 + 1u);

    /* Full: one more byte is chained behind it, in its own buffer. */
    struct pbuf *one = rx_pbuf(offset, 1, n);
    net_rx_queue(&q, one);
    n += 1u;
    assert_ptr_equal(q->next, one);
    assert_int_equal(pool_used(), used0 + 2u);
    check_rx_chain(q, n);
    /* The new last buffer takes the small ones now. */
    net_rx_queue(&q, rx_pbuf(offset, 2, n));
    n += 2u;
    assert_null(one->next);
    assert_int_equal(one->len, 3);
    check_rx_chain(q, n);

    /* 256 bytes are copied; 257 are chained though they would fit. */
    net_rx_queue(&q, rx_pbuf(offset, 256, n));
    n += 256u;
    assert_null(one->next);
    assert_int_equal(pool_used(), used0 + 2u);
    struct pbuf *big = rx_pbuf(offset, 257, n);
    net_rx_queue(&q, big);
    n += 257u;
    assert_ptr_equal(one->next, big);
    assert_int_equal(pool_used(), used0 + 3u);
    check_rx_chain(q, n);
    pbuf_free(q);
    assert_int_equal(pool_used(), used0);
}

/* Only a pool buffer the queue owns alone takes bytes: a PBUF_RAM last
 * pbuf has no room behind its data (the heap's next block is there), and
 * one with another reference may be read by someone else. */
static void test_rx_queue_chains_when_not_own_pool(void **state)
{
    const size_t offset = ETH_PAD_SIZE + 14u + 20u + 20u;
    (void)state;

    u16_t used0 = pool_used();
    uint32_t merged0 = rx_merged();

    /* A PBUF_RAM last pbuf. */
    struct pbuf *q = NULL;
    net_rx_queue(&q, small_pbuf(PBUF_RAM, 10, 0));
    struct pbuf *p = rx_pbuf(offset, 1, 10);
    net_rx_queue(&q, p);
    assert_ptr_equal(q->next, p);
    assert_int_equal(q->len, 10);
    check_rx_chain(q, 11);
    /* The pool buffer behind it takes the next one. */
    net_rx_queue(&q, small_pbuf(PBUF_RAM, 4, 11));
    assert_null(p->next);
    check_rx_chain(q, 15);
    assert_int_equal(rx_merged(), merged0 + 1u);
    pbuf_free(q);

    /* A pool last pbuf with a second reference. */
    q = NULL;
    net_rx_queue(&q, rx_pbuf(offset, 10, 0));
    struct pbuf *held = q;
    pbuf_ref(held);
    p = rx_pbuf(offset, 1, 10);
    net_rx_queue(&q, p);
    assert_ptr_equal(q->next, p);
    assert_int_equal(held->len, 10);
    check_rx_chain(q, 11);
    assert_int_equal(pool_used(), used0 + 2u);
    assert_int_equal(pbuf_free(q), 0);    /* one reference left ... */
    assert_int_equal(pbuf_free(held), 2); /* ... and with it both go */
    assert_int_equal(rx_merged(), merged0 + 1u);
    assert_int_equal(pool_used(), used0);
}

/* ---- net_conn: TCP through the fake NIC ---------------------------------- */

#define OUR_PORT 4242u
#define PEER_MSS 1460u

static struct tcp_pcb *s_listener;
static struct tcp_pcb *s_fill[MEMP_NUM_TCP_PCB + 1]; /* tcp_new() until NULL */
static size_t s_nfill;
static struct tcp_pcb *s_accepted[4];
static unsigned s_accepts;
static struct pbuf *s_rx; /* what the accepted connection received */

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
    return ((uint32_t)get16(p) << 16) | get16(p + 2);
}

/* The sum of the TCP pseudo header (RFC 9293 3.1): source and destination
 * address, zero, protocol 6, TCP length. */
static uint32_t tcp_pseudo(const uint8_t src[4], const uint8_t dst[4], size_t tcp_len)
{
    return (uint32_t)get16(src) + get16(src + 2) + get16(dst) + get16(dst + 2) + 6u +
           (uint32_t)tcp_len;
}

/* A TCP segment from the peer's port sport to OUR_PORT with a correct
 * checksum (lwipopts.h: CHECKSUM_CHECK_TCP); a SYN carries the MSS option. */
static size_t tcp_frame(uint8_t *f, uint16_t sport, uint32_t seq, uint32_t ack, uint8_t flags,
                        uint16_t wnd, const void *data, size_t len)
{
    size_t opt = (flags & TCP_SYN) != 0u ? 4u : 0u;
    size_t tcp_len = 20u + opt + len;
    size_t n = eth_hdr(f, s_our_mac, s_peer_mac, ETHTYPE_IP_);
    n += ip4_hdr(f + n, 6, s_peer_ip, s_our_ip, tcp_len, 7);
    uint8_t *t = f + n;
    memset(t, 0, 20u + opt);
    put16(t, sport);
    put16(t + 2, OUR_PORT);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = (uint8_t)(((20u + opt) / 4u) << 4);
    t[13] = flags;
    put16(t + 14, wnd);
    if (opt != 0u) {
        t[20] = 2; /* MSS */
        t[21] = 4;
        put16(t + 22, PEER_MSS);
    }
    if (len > 0u) {
        memcpy(t + 20u + opt, data, len);
    }
    put16(t + 16, inet_csum(t, tcp_len, tcp_pseudo(s_peer_ip, s_our_ip, tcp_len)));
    n += tcp_len;
    if (n < 60u) {
        memset(f + n, 0, 60u - n);
        n = 60u;
    }
    return n;
}

static void peer_sends(uint16_t sport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
                       const void *data, size_t len)
{
    uint8_t f[HAL_ETH_MAX_FRAME];
    fake_hal_eth_rx_push(f, tcp_frame(f, sport, seq, ack, flags, wnd, data, len));
    assert_int_equal(ethif_poll(&s_netif), 1);
}

/* A TCP segment the device sent, its IP and TCP checksums verified. */
struct seg {
    uint16_t sport;
    uint16_t dport;
    uint32_t seq;
    uint32_t ack;
    uint8_t flags;
    uint16_t wnd;
    size_t len; /* payload */
};

static struct seg sent_seg(size_t idx)
{
    const struct fake_hal_eth_tx *t = fake_hal_eth_tx_get(idx);
    struct seg s;
    assert_true(t->len >= 14u + 20u + 20u);
    assert_memory_equal(t->data, s_peer_mac, 6);
    assert_int_equal(get16(t->data + 12), ETHTYPE_IP_);
    const uint8_t *ip = t->data + 14;
    size_t ihl = (size_t)(ip[0] & 0x0Fu) * 4u;
    size_t tot = get16(ip + 2);
    assert_int_equal(ip[9], 6);
    assert_int_equal(inet_csum(ip, ihl, 0), 0);
    assert_memory_equal(ip + 12, s_our_ip, 4);
    assert_memory_equal(ip + 16, s_peer_ip, 4);
    assert_true(tot >= ihl + 20u && 14u + tot <= t->len);
    const uint8_t *tcp = ip + ihl;
    size_t tcp_len = tot - ihl;
    assert_int_equal(inet_csum(tcp, tcp_len, tcp_pseudo(s_our_ip, s_peer_ip, tcp_len)), 0);
    s.sport = get16(tcp);
    s.dport = get16(tcp + 2);
    s.seq = get32(tcp + 4);
    s.ack = get32(tcp + 8);
    s.flags = tcp[13] & 0x3Fu;
    s.wnd = get16(tcp + 14);
    s.len = tcp_len - (size_t)(tcp[12] >> 4) * 4u;
    return s;
}

static err_t on_test_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    (void)pcb;
    (void)err;
    if (p != NULL) {
        net_rx_queue(&s_rx, p);
    }
    return ERR_OK;
}

static err_t on_test_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    assert_int_equal(err, ERR_OK);
    assert_true(s_accepts < ARRAY_LEN(s_accepted));
    s_accepted[s_accepts++] = pcb;
    tcp_recv(pcb, on_test_recv);
    return ERR_OK;
}

/* Link up, peer known, a listener on OUR_PORT. */
static int setup_tcp(void **state)
{
    if (setup(state) != 0) {
        return -1;
    }
    fake_hal_eth_set_link(true);
    ethif_link_poll(&s_netif);
    uint8_t f[60];
    fake_hal_eth_rx_push(f, arp_request_from_peer(f, s_our_ip));
    (void)ethif_poll(&s_netif);
    fake_hal_eth_tx_clear();
    s_nfill = 0;
    s_accepts = 0;
    s_rx = NULL;
    struct tcp_pcb *pcb = tcp_new();
    if (pcb == NULL || tcp_bind(pcb, IP_ADDR_ANY, OUR_PORT) != ERR_OK) {
        return -1;
    }
    s_listener = tcp_listen(pcb);
    if (s_listener == NULL) {
        return -1;
    }
    tcp_accept(s_listener, on_test_accept);
    return 0;
}

/* Whatever a test left: connections aborted, PCBs freed, and lwIP's TCP
 * timer run once with no PCB left, so that it stops and gives back its
 * timeout entry. Then the leak check. */
static int teardown_tcp(void **state)
{
    if (s_rx != NULL) {
        pbuf_free(s_rx);
        s_rx = NULL;
    }
    while (tcp_active_pcbs != NULL) {
        tcp_abort(tcp_active_pcbs);
    }
    while (tcp_tw_pcbs != NULL) {
        tcp_abort(tcp_tw_pcbs);
    }
    while (s_nfill > 0u) {
        tcp_abort(s_fill[--s_nfill]);
    }
    if (s_listener != NULL) {
        (void)tcp_close(s_listener);
        s_listener = NULL;
    }
    fake_hal_board_advance_ms(2u * TCP_TMR_INTERVAL);
    sys_check_timeouts();
    return teardown(state);
}

/* Take every free PCB (tcp_new() until NULL). */
static void exhaust_pcbs(void)
{
    while (s_nfill < ARRAY_LEN(s_fill) && (s_fill[s_nfill] = tcp_new()) != NULL) {
        s_nfill++;
    }
    assert_true(s_nfill < ARRAY_LEN(s_fill));
    assert_int_equal(lwip_stats.memp[MEMP_TCP_PCB]->used, MEMP_NUM_TCP_PCB);
}

/* The peer's handshake from sport (initial sequence number iss) with
 * window wnd; returns the accepted PCB. */
static struct tcp_pcb *connect_peer(uint16_t sport, uint32_t iss, uint16_t wnd)
{
    unsigned accepts = s_accepts;
    fake_hal_eth_tx_clear();
    peer_sends(sport, iss, 0, TCP_SYN, wnd, NULL, 0);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    struct seg sa = sent_seg(0);
    assert_int_equal(sa.flags, TCP_SYN | TCP_ACK);
    assert_int_equal(sa.sport, OUR_PORT);
    assert_int_equal(sa.dport, sport);
    assert_int_equal(sa.ack, iss + 1u);
    assert_int_equal(s_accepts, accepts); /* not before the handshake's ACK */
    peer_sends(sport, iss + 1u, sa.seq + 1u, TCP_ACK, wnd, NULL, 0);
    assert_int_equal(s_accepts, accepts + 1u);
    struct tcp_pcb *pcb = s_accepted[accepts];
    assert_int_equal(pcb->state, ESTABLISHED);
    assert_int_equal(pcb->remote_port, sport);
    fake_hal_eth_tx_clear();
    return pcb;
}

static uint32_t syn_refused(void)
{
    struct net_conn_stats st;
    net_conn_stats(&st);
    return st.syn_refused;
}

/* One byte per segment through the real stack: the connection holds one
 * receive buffer whatever the count. */
static void test_rx_queue_through_tcp(void **state)
{
    enum { N = 40 };
    (void)state;

    struct tcp_pcb *pcb = connect_peer(40000, 1000, 8192);
    u16_t used0 = pool_used();
    uint32_t seq = 1001;
    for (size_t i = 0; i < N; i++) {
        uint8_t b = pattern(i);
        peer_sends(40000, seq, pcb->snd_nxt, TCP_ACK | TCP_PSH, 8192, &b, 1);
        seq++;
        assert_int_equal(pool_used(), used0 + 1u);
        fake_hal_eth_tx_clear();
    }
    assert_non_null(s_rx);
    assert_null(s_rx->next);
    check_rx_chain(s_rx, N);
    assert_int_equal(pbuf_get_allocsrc(s_rx), PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_POOL);
    tcp_recved(pcb, N);
    pbuf_free(s_rx);
    s_rx = NULL;
    assert_int_equal(pool_used(), used0);
    tcp_abort(pcb);
}

/* A SYN that finds no PCB gets RST|ACK with ack = its seq + 1 (RFC 9293
 * 3.10.7.2) at once instead of silence; the listener never hears of it.
 * With a PCB free again, the next SYN gets its SYN|ACK.
 * Regression (net_conn.c net_syn_check): the hook swapped the header's
 * ports and sequence number to host order, which tcp_input() had done
 * already; on a little-endian CPU the RST went from port 37392 to a
 * byte-swapped port with a byte-swapped ack, so no client ever saw it. */
static void test_syn_without_pcb_gets_rst(void **state)
{
    (void)state;

    uint32_t refused0 = syn_refused();
    exhaust_pcbs();
    fake_hal_eth_tx_clear();
    peer_sends(40001, 0x7FFFFFFFu, 0, TCP_SYN, 8192, NULL, 0);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    struct seg r = sent_seg(0);
    assert_int_equal(r.flags, TCP_RST | TCP_ACK);
    assert_int_equal(r.sport, OUR_PORT);
    assert_int_equal(r.dport, 40001);
    assert_int_equal(r.seq, 0);
    assert_int_equal(r.ack, 0x80000000u);
    assert_int_equal(r.len, 0);
    assert_int_equal(syn_refused(), refused0 + 1u);
    assert_null(tcp_active_pcbs); /* no SYN_RCVD PCB either */
    /* The peer's ACK to a SYN|ACK it never got finds nothing. */
    peer_sends(40001, 0x80000000u, 1, TCP_ACK, 8192, NULL, 0);
    assert_int_equal(s_accepts, 0);

    /* A sequence number at the wrap: ack is seq + 1 modulo 2^32. */
    fake_hal_eth_tx_clear();
    peer_sends(40002, 0xFFFFFFFFu, 0, TCP_SYN, 8192, NULL, 0);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    r = sent_seg(0);
    assert_int_equal(r.flags, TCP_RST | TCP_ACK);
    assert_int_equal(r.ack, 0);
    assert_int_equal(syn_refused(), refused0 + 2u);

    /* One PCB free: served as usual. */
    tcp_abort(s_fill[--s_nfill]);
    (void)connect_peer(40003, 5000, 8192);
    assert_int_equal(syn_refused(), refused0 + 2u);
    assert_int_equal(s_accepts, 1);
}

/* Only a bare SYN to a listener is checked: a SYN|ACK, a RST, or segments
 * of an established connection pass with the pool empty. */
static void test_syn_check_only_bare_syn(void **state)
{
    (void)state;

    struct tcp_pcb *pcb = connect_peer(40010, 100, 8192);
    exhaust_pcbs();
    uint32_t refused0 = syn_refused();
    /* Data on the established connection is taken. */
    uint8_t b = pattern(0);
    peer_sends(40010, 101, pcb->snd_nxt, TCP_ACK | TCP_PSH, 8192, &b, 1);
    assert_non_null(s_rx);
    assert_int_equal(s_rx->tot_len, 1);
    /* A stray SYN|ACK to the listener: lwIP's RST with seq = its ack, not the hook's. */
    fake_hal_eth_tx_clear();
    peer_sends(40011, 7, 12345, TCP_SYN | TCP_ACK, 8192, NULL, 0);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    struct seg r = sent_seg(0);
    assert_int_equal(r.flags & TCP_RST, TCP_RST);
    assert_int_equal(r.seq, 12345);
    assert_int_equal(syn_refused(), refused0);
    assert_int_equal(s_accepts, 1);
}

/* net_close() drops the PCB to TCP_PRIO_MIN: with the pool empty, a SYN
 * that would have been refused recycles the closed connection instead. */
static void test_closed_pcb_recycled_by_syn(void **state)
{
    (void)state;

    struct tcp_pcb *a = connect_peer(40020, 100, 8192);
    assert_int_equal(a->prio, TCP_PRIO_NORMAL);
    exhaust_pcbs();
    /* An open connection of the listener's priority is not taken. */
    uint32_t refused0 = syn_refused();
    fake_hal_eth_tx_clear();
    peer_sends(40021, 900, 0, TCP_SYN, 8192, NULL, 0);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    struct seg refused = sent_seg(0);
    assert_int_equal(refused.flags, TCP_RST | TCP_ACK);
    assert_int_equal(refused.dport, 40021);
    assert_int_equal(refused.ack, 901);
    assert_int_equal(syn_refused(), refused0 + 1u);
    assert_int_equal(a->state, ESTABLISHED);

    /* Closed: FIN sent, the PCB lingers in FIN_WAIT_1 at the lowest priority. */
    fake_hal_eth_tx_clear();
    uint32_t a_nxt = a->snd_nxt;
    assert_false(net_close(a, 0));
    assert_int_equal(a->state, FIN_WAIT_1);
    assert_int_equal(a->prio, TCP_PRIO_MIN);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    assert_int_equal(sent_seg(0).flags, TCP_FIN | TCP_ACK);

    /* The next SYN takes its PCB: RST to the closed one, SYN|ACK to the new. */
    fake_hal_eth_tx_clear();
    peer_sends(40022, 1900, 0, TCP_SYN, 8192, NULL, 0);
    assert_int_equal(fake_hal_eth_tx_count(), 2);
    struct seg rst = sent_seg(0);
    assert_int_equal(rst.dport, 40020);
    assert_int_equal(rst.flags, TCP_RST | TCP_ACK);
    assert_int_equal(rst.seq, a_nxt + 1u); /* after its FIN */
    struct seg sa = sent_seg(1);
    assert_int_equal(sa.dport, 40022);
    assert_int_equal(sa.flags, TCP_SYN | TCP_ACK);
    assert_int_equal(sa.ack, 1901);
    assert_int_equal(syn_refused(), refused0 + 1u);
    peer_sends(40022, 1901, sa.seq + 1u, TCP_ACK, 8192, NULL, 0);
    assert_int_equal(s_accepts, 2);
    assert_int_equal(lwip_stats.memp[MEMP_TCP_PCB]->used, MEMP_NUM_TCP_PCB);
}

/* ---- net_conn: heap hogs -------------------------------------------------- */

static mem_size_t heap_free(void)
{
    return (mem_size_t)(lwip_stats.mem.avail - lwip_stats.mem.used);
}

/* What one mem_malloc() costs the heap beyond its size (lwIP's struct mem). */
static mem_size_t heap_overhead(void)
{
    mem_size_t used0 = lwip_stats.mem.used;
    void *p = mem_malloc(16);
    assert_non_null(p);
    mem_size_t o = (mem_size_t)(lwip_stats.mem.used - used0 - 16u);
    mem_free(p);
    return o;
}

/* Hogging = zero-window probing (persist_backoff != 0) and less than
 * TCP_SND_BUF of the heap free; neither alone. */
static void test_hogging_rule(void **state)
{
    (void)state;

    assert_false(net_hogging(NULL));
    struct tcp_pcb *pcb = tcp_new();
    assert_non_null(pcb);
    assert_int_equal(lwip_stats.mem.used, 0); /* one free block: sizes are exact */
    mem_size_t hdr = heap_overhead();
    pcb->persist_backoff = 0;
    assert_false(net_hogging(pcb));
    pcb->persist_backoff = 1;
    assert_false(net_hogging(pcb));

    /* Exactly TCP_SND_BUF free: not yet. */
    void *fill = mem_malloc((mem_size_t)(heap_free() - TCP_SND_BUF - hdr));
    assert_non_null(fill);
    assert_int_equal(heap_free(), TCP_SND_BUF);
    assert_false(net_hogging(pcb));
    /* Less. */
    void *more = mem_malloc(1);
    assert_non_null(more);
    assert_true(heap_free() < TCP_SND_BUF);
    assert_true(net_hogging(pcb));
    pcb->persist_backoff = 7;
    assert_true(net_hogging(pcb));
    pcb->persist_backoff = 0;
    assert_false(net_hogging(pcb));
    pcb->persist_backoff = 1;
    mem_free(more);
    assert_false(net_hogging(pcb));
    mem_free(fill);
    assert_false(net_hogging(pcb));
    pcb->persist_backoff = 0;
    tcp_abort(pcb);
}

/* The same through lwIP's own state: a peer that advertises a zero
 * window makes lwIP probe; the connection hogs only while the heap is
 * short and the window closed, and net_close() aborts it (its unsent
 * bytes would hold the heap for minutes of probes). */
static void test_hogging_zero_window(void **state)
{
    static const uint8_t data[100] = {1, 2, 3};
    void *fill[64];
    size_t nfill = 0;
    (void)state;

    struct tcp_pcb *pcb = connect_peer(40030, 100, 0);
    assert_int_equal(tcp_write(pcb, data, sizeof(data), TCP_WRITE_FLAG_COPY), ERR_OK);
    assert_int_equal(tcp_output(pcb), ERR_OK);
    assert_int_equal(fake_hal_eth_tx_count(), 0); /* window 0: nothing goes */
    assert_int_not_equal(pcb->persist_backoff, 0);
    assert_false(net_hogging(pcb));
    while (heap_free() >= TCP_SND_BUF) {
        assert_true(nfill < ARRAY_LEN(fill));
        fill[nfill] = mem_malloc(256);
        assert_non_null(fill[nfill]);
        nfill++;
    }
    assert_true(net_hogging(pcb));

    /* The window opens: the data goes, no more probing, not a hog. */
    peer_sends(40030, 101, pcb->snd_nxt, TCP_ACK, 4096, NULL, 0);
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    assert_int_equal(sent_seg(0).len, sizeof(data));
    assert_int_equal(pcb->persist_backoff, 0);
    assert_false(net_hogging(pcb));

    /* Acknowledged with the window closed again, more data: probing. */
    fake_hal_eth_tx_clear();
    peer_sends(40030, 101, pcb->snd_nxt, TCP_ACK, 0, NULL, 0);
    assert_int_equal(tcp_write(pcb, data, sizeof(data), TCP_WRITE_FLAG_COPY), ERR_OK);
    assert_int_equal(tcp_output(pcb), ERR_OK);
    assert_int_not_equal(pcb->persist_backoff, 0);
    assert_true(net_hogging(pcb));
    while (nfill > 0u) {
        mem_free(fill[--nfill]);
    }
    assert_false(net_hogging(pcb));

    /* Closing it aborts (RST), whatever the heap. */
    fake_hal_eth_tx_clear();
    assert_true(net_close(pcb, 0));
    assert_int_equal(fake_hal_eth_tx_count(), 1);
    assert_int_equal(sent_seg(0).flags, TCP_RST | TCP_ACK);
    assert_null(tcp_active_pcbs);
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
        cmocka_unit_test_setup_teardown(test_rx_small_frames_flow_with_pool_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_read_error_counted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_udp_send_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linkoutput_chain_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_linkoutput_segment_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_busy_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_poll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_queue_merges_small_segments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_queue_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_queue_chains_when_not_own_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_queue_through_tcp, setup_tcp, teardown_tcp),
        cmocka_unit_test_setup_teardown(test_syn_without_pcb_gets_rst, setup_tcp, teardown_tcp),
        cmocka_unit_test_setup_teardown(test_syn_check_only_bare_syn, setup_tcp, teardown_tcp),
        cmocka_unit_test_setup_teardown(test_closed_pcb_recycled_by_syn, setup_tcp, teardown_tcp),
        cmocka_unit_test_setup_teardown(test_hogging_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hogging_zero_window, setup_tcp, teardown_tcp),
    };
    return cmocka_run_group_tests_name("ethif", tests, group_setup, NULL);
}
