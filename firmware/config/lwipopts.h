/* lwIP configuration: NO_SYS raw API, static pools only. Each size below
 * says why it is what it is; `make size` shows what each pool costs (the
 * pools are in the .pool.* sections of the map file). */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#include "app_config.h"

/* ---- Threading: one superloop, no OS, no lwIP calls from interrupts. */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_NETIF_API 0

/* ---- Memory: lwIP's own static heap and pools, never libc malloc. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 4
/* Heap for PBUF_RAM: outgoing TCP segments copied by tcp_write() and
 * frame headers. Each connection may hold TCP_SND_BUF unsent/unacked
 * bytes; 6 KB covers the HTTP responses of all slots at once (responses
 * are ~1 KB, TLS records up to 2 KB) and two full send windows, and
 * lets bulk senders share it, tcp_write() returning ERR_MEM (retried on
 * the sent/poll callback) when it is full. 8 KB before TLS; 2 KB went to
 * the RAM budget (README "RAM"). */
#ifndef MEM_SIZE
#define MEM_SIZE (6 * 1024)
#endif

/* ---- Interface. */
#define LWIP_SINGLE_NETIF 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
/* 2 bytes in front of every frame so the IP header is word aligned; the
 * LAN9118 inserts them itself (RX_CFG.RXDOFF). */
#define ETH_PAD_SIZE 2
#define LWIP_ARP 1
#define ARP_TABLE_SIZE 4        /* gateway + a few LAN peers */
#define ARP_QUEUEING 0
#define LWIP_ETHERNET 1

/* ---- Receive buffers. One pool buffer holds one whole frame (the driver
 * copies a frame contiguously), and only frames that lwIP keeps take one:
 * TCP segments with data or FIN. ACKs, ARP, SYNs and other small frames
 * that lwIP frees before returning go through one 128-byte buffer of
 * ethif.c (ETHIF_RX_SMALL), so they still come in when applications hold
 * every pool buffer (it replaced a pool buffer kept back for them). With
 * the RX window rule below, one buffer per connection is enough: a board
 * sets PBUF_POOL_SIZE to its connections (board.mk). 8 here (the host
 * build, and the echo image's 10 bulk clients: with 6, they lost enough
 * frames that slirp's retransmission back-off stalled them for tens of
 * seconds). */
#define LWIP_SUPPORT_CUSTOM_PBUF 1
#ifndef PBUF_POOL_SIZE
#define PBUF_POOL_SIZE 8
#endif
#define PBUF_POOL_BUFSIZE LWIP_MEM_ALIGN_SIZE(1514 + ETH_PAD_SIZE)
/* pbuf headers for tcp_write() of unsent ROM/REF data. */
#define MEMP_NUM_PBUF 8

/* ---- IPv4 only; no fragmentation either way: the device never sends
 * more than an MTU and refuses to hold fragments (saves the reassembly
 * buffers). */
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1              /* DHCP, and SNTP later */
#define MEMP_NUM_UDP_PCB 2
#define LWIP_DHCP APP_NET_DHCP
#define LWIP_DNS 0
#define LWIP_IGMP 0

/* ---- TCP. */
#define LWIP_TCP 1
#define TCP_MSS 1460
/* RX window rule: every byte a connection may have in flight towards us
 * lands in a receive pool buffer (PBUF_POOL_SIZE, below) and stays there
 * until the application reads it, and a connection waiting for a head
 * buffer (http_server.c) reads nothing. With a window of one MSS, each
 * connection holds at most one pool buffer of unread data (small segments
 * are merged into it, net_conn.c), so the 6 HTTP/HTTPS connections cannot
 * take the 7 buffers open to TCP data, and frames for the others are not
 * dropped (measured under tests/integration/hostile.py: 2 MSS lost 71
 * frames in 20 s, and slirp's retransmission back-off stalled well-behaved
 * clients 3-6 s; 1 MSS lost none). It also keeps the sum of the windows
 * under the LAN9118's ~10.5 KB RX FIFO. Price: a bulk sender gets one
 * segment per round trip (1460 B per RTT: ~3 MB/s on a 0.5 ms LAN; `make
 * bench` shows the echo throughput). */
#ifndef APP_TCP_WND_MSS
#define APP_TCP_WND_MSS 1
#endif
#define TCP_WND (APP_TCP_WND_MSS * TCP_MSS)
#define TCP_SND_BUF (2 * TCP_MSS)
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define TCP_OOSEQ_MAX_PBUFS 2   /* per connection: a lost frame is common on this NIC */
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_CALLBACK_API 1
/* PCBs: every application slot, plus one per listening service so that a
 * client over a server's limit is still accepted and told 503 (lwIP drops
 * SYNs silently when the pool is empty), plus two for connections lingering
 * in LAST_ACK/TIME_WAIT (lwIP recycles those first when it runs out). */
#define APP_TCP_SLOTS (APP_HTTP_MAX_CONNS + APP_TLS_MAX_CONNS + (APP_ECHO_ENABLE ? APP_ECHO_MAX_CONNS : 0))
#define APP_TCP_SERVICES (2 + (APP_ECHO_ENABLE ? 1 : 0)) /* 80, 443 and 7 */
/* Connections lingering in LAST_ACK/TIME_WAIT that keep a PCB of their
 * own (lwIP takes the oldest of them back first when it needs one). */
#ifndef APP_TCP_LINGER
#define APP_TCP_LINGER 2
#endif
#define MEMP_NUM_TCP_PCB (APP_TCP_SLOTS + APP_TCP_SERVICES + APP_TCP_LINGER)
/* Bench images: the fixed-bytes floor listens on 81 and 82 as well, and
 * the counters on 9 (APP_PROF). */
#if defined(APP_BENCH_SERVER) && APP_BENCH_SERVER == 1
#define APP_BENCH_LISTENERS 3
#elif defined(APP_PROF) && APP_PROF
#define APP_BENCH_LISTENERS 1
#else
#define APP_BENCH_LISTENERS 0
#endif
#define MEMP_NUM_TCP_PCB_LISTEN (APP_TCP_SERVICES + 1 + APP_BENCH_LISTENERS) /* and one spare */
/* Segments: four per application slot (a send buffer is two full
 * segments, and a response's head and body may go out as two more). When
 * they run out tcp_write() returns ERR_MEM, retried like a full heap.
 * Was 72 (TCP_SND_QUEUELEN 9 for each of 8 connections, 1 KB); the 4 KB
 * lwIP heap holds fewer segments than that anyway. */
#ifndef MEMP_NUM_TCP_SEG
#define MEMP_NUM_TCP_SEG (APP_TCP_SLOTS * 4 > TCP_SND_QUEUELEN ? APP_TCP_SLOTS * 4 : TCP_SND_QUEUELEN)
#endif
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 2)

/* A SYN that finds no PCB (a burst of connections: those beyond the pool
 * are in SYN_RCVD or closing) is answered with a RST at once rather than
 * dropped in silence (net/net_conn.c, net_syn_check); PCBs the services
 * have closed drop to TCP_PRIO_MIN so that a new SYN recycles them first.
 * Price: one call and a state test per received segment (~10
 * instructions). */
#include <stdint.h>
struct tcp_pcb;
struct tcp_hdr;
int8_t net_syn_check(struct tcp_pcb *pcb, const struct tcp_hdr *hdr);
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) net_syn_check((pcb), (hdr))

#if MEMP_NUM_TCP_PCB <= APP_TCP_SLOTS
#error "MEMP_NUM_TCP_PCB must exceed the application's connection slots (503 needs a PCB)"
#endif
#if TCP_WND * 3 > 9 * 1024
#error "TCP_WND too large for the LAN9118 RX FIFO (see the rule above TCP_WND)"
#endif

/* ---- Checksums in software: the LAN9118 has no offload (QEMU's model
 * neither). */
#define CHECKSUM_GEN_IP 1
#define CHECKSUM_GEN_TCP 1
#define CHECKSUM_CHECK_IP 1
#define CHECKSUM_CHECK_TCP 1
#define LWIP_CHKSUM_ALGORITHM 3

/* ---- Statistics: kept on (the tests check pool counters for leaks and
 * the log reports drops); display code off. */
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 0
#define MEMP_STATS 1
#define LINK_STATS 1
/* The per-protocol counters nothing reads: each STATS_INC site costs
 * code (about 1 KB of flash over lwIP's TCP, IP, UDP, ICMP and ARP). The
 * heap's (MEM_STATS) stay: test_ethif checks them for leaks. */
#define TCP_STATS 0
#define UDP_STATS 0
#define IP_STATS 0
#define ICMP_STATS 0
#define ETHARP_STATS 0
#define SYS_STATS 0

/* ---- lwIP httpd, only in the bench reference image (APP_BENCH_SERVER 2):
 * every file from the custom hook, each a whole response with its head
 * (Content-Length included, as makefsdata's files carry theirs), so no
 * generated headers; keep-alive when the request asks for it. */
#if APP_BENCH_SERVER == 2
#define LWIP_HTTPD_CUSTOM_FILES 1
#define LWIP_HTTPD_DYNAMIC_HEADERS 0
#define LWIP_HTTPD_SUPPORT_11_KEEPALIVE 1
#define LWIP_HTTPD_CGI 0
#define LWIP_HTTPD_SSI 0
#endif

/* ---- SNTP (lwIP apps/sntp, glued to the device clock by net/net_sntp.c):
 * servers and port from the configuration (clock.sntpServers, sntpPort),
 * first request at start-up, then hourly (RFC 4330 asks for >= 15 s). */
#define SNTP_SERVER_DNS 0
#define SNTP_MAX_SERVERS 2
#define SNTP_STARTUP_DELAY 0
/* An answer must echo our transmit timestamp (its originate timestamp,
 * RFC 4330 5), so that an off-path sender cannot set the clock blind. */
#define SNTP_CHECK_RESPONSE 2
#define SNTP_UPDATE_DELAY 3600000
#define SNTP_RETRY_TIMEOUT_EXP 1
#include <stdint.h>
extern uint16_t net_sntp_port;
void net_sntp_set_time(uint32_t sec, uint32_t us);
void net_sntp_get_time(uint32_t *sec, uint32_t *us);
#define SNTP_PORT net_sntp_port
#define SNTP_SET_SYSTEM_TIME_US(sec, us) net_sntp_set_time((sec), (us))
#define SNTP_GET_SYSTEM_TIME(sec, us) net_sntp_get_time(&(sec), &(us))

#endif
