/* lwIP netif glue on top of hal_eth: init callback for netif_add(), the RX
 * drain the superloop calls, and the PHY link poll. Knows no chip. */
#ifndef ETHIF_H
#define ETHIF_H

#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

/* Bounded retries when the MAC's TX FIFO is momentarily full. */
#ifndef ETHIF_TX_RETRIES
#define ETHIF_TX_RETRIES 1000u
#endif

/* Bytes of the buffer for small frames lwIP does not keep (ACKs, ARP,
 * SYNs; pad included), see ethif.c: a TCP ACK with timestamps and SACK
 * blocks is at most 2 + 14 + 20 + 60 = 96 bytes, an ICMP echo of 56 data
 * bytes 100. */
#ifndef ETHIF_RX_SMALL
#define ETHIF_RX_SMALL 128u
#endif

/* MAC address to program at ethif_init() instead of the chip's own
 * (NULL: keep the chip's). The bytes are copied. */
void ethif_set_mac(const uint8_t *mac);

/* netif_add() init callback: starts the MAC (hal_eth_init) and fills in
 * the netif (name, MTU, MAC address, output functions).
 * Returns ERR_OK, or ERR_IF when the MAC did not come up. */
err_t ethif_init(struct netif *netif);

/* Hand every frame waiting in the MAC to lwIP. Frames that find no pool
 * buffer are dropped and counted in lwip_stats.link.memerr.
 * Returns the number of frames delivered. */
unsigned ethif_poll(struct netif *netif);

/* Read the PHY link state and tell lwIP when it changed. */
void ethif_link_poll(struct netif *netif);

#endif
