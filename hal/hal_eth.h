/* Ethernet MAC contract between a driver and the network glue. One
 * interface; frames are whole Ethernet frames without FCS. Polled: the
 * glue drains every received frame on each superloop pass. */
#ifndef HAL_ETH_H
#define HAL_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HAL_ETH_ADDR_LEN 6
#define HAL_ETH_MAX_FRAME 1514 /* without FCS, without VLAN tag */

struct hal_eth_cfg {
    /* Bytes of padding the driver puts in front of every received frame
     * (0..3), so that the IP header after the 14-byte Ethernet header
     * lands word-aligned (lwIP's ETH_PAD_SIZE). */
    uint8_t rx_pad;
    /* MAC address to program; NULL keeps the chip's own (EEPROM). */
    const uint8_t *mac;
};

/* One piece of a frame to send (a pbuf of a chain). */
struct hal_eth_seg {
    const void *data;
    uint16_t len;
};

/* What the driver could see. Counters wrap. */
struct hal_eth_stats {
    uint32_t rx_frames;      /* delivered to the caller */
    uint32_t rx_bytes;
    uint32_t rx_errors;      /* frames with the chip's error-summary bit */
    uint32_t rx_discarded;   /* errored, oversized, or discarded by the caller */
    uint32_t rx_hw_dropped;  /* the chip's own drop counter (0 on QEMU) */
    uint32_t rx_fifo_peak;   /* most bytes seen waiting in the RX data FIFO */
    uint32_t rx_status_peak; /* most frames seen waiting */
    uint32_t tx_frames;
    uint32_t tx_bytes;
    uint32_t tx_busy;        /* send refused: no room in the TX FIFO */
    uint32_t tx_errors;      /* bad segment list or too long */
    uint32_t irqs;
};

/* Reset the chip, check that it is there, program the MAC address and
 * start RX and TX.
 * Returns APP_OK, APP_ERR_NODEV (no chip at the board's address),
 * APP_ERR_TIMEOUT (a reset or register access never completed),
 * APP_ERR_INVAL (bad cfg). */
int hal_eth_init(const struct hal_eth_cfg *cfg);

/* Current MAC address. */
void hal_eth_mac_get(uint8_t mac[HAL_ETH_ADDR_LEN]);

/* Link state from the PHY. */
bool hal_eth_link_up(void);

/* Send one frame given as segments (any alignment). The frame is queued
 * whole or not at all.
 * Returns APP_OK, APP_ERR_BUSY (no room now; try later),
 * APP_ERR_INVAL (empty, too many segments or longer than
 * HAL_ETH_MAX_FRAME), APP_ERR_TIMEOUT. */
int hal_eth_send(const struct hal_eth_seg *segs, size_t count);

/* Length (without FCS) of the next received frame, which stays pending
 * until hal_eth_rx_read() or hal_eth_rx_discard(). Frames the chip flagged
 * as errored are discarded and counted here, never returned.
 * Returns the length (> 0), or 0 when nothing is waiting. */
int hal_eth_rx_next(void);

/* Copy the pending frame into buf, preceded by cfg.rx_pad bytes of
 * padding. buf must be 4-byte aligned and cap at least
 * hal_eth_rx_size(len).
 * Returns the frame length, APP_ERR_STATE (nothing pending) or
 * APP_ERR_OVERFLOW (cap too small; the frame is discarded). */
int hal_eth_rx_read(void *buf, size_t cap);

/* Bytes hal_eth_rx_read() may write for a frame of len bytes. */
size_t hal_eth_rx_size(size_t len);

/* Drop the pending frame (e.g. no buffer to put it in). */
void hal_eth_rx_discard(void);

/* True once after the chip signalled an event (frame received, link
 * change) since the previous call. Lets the superloop sleep safely. */
bool hal_eth_event(void);

/* Snapshot of the counters. */
void hal_eth_stats_get(struct hal_eth_stats *out);

#endif
