/* Fake hal_eth for the host test of the lwIP glue: a queue of received
 * frames, a record of sent frames with their segments, a settable link,
 * and failure injection. Implements every function of hal_eth.h and holds
 * callers to its contract (alignment, sizes), failing the test otherwise. */
#ifndef FAKE_HAL_ETH_H
#define FAKE_HAL_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal_eth.h"

#define FAKE_HAL_ETH_RX_MAX 32u
#define FAKE_HAL_ETH_TX_MAX 32u
#define FAKE_HAL_ETH_SEGS_MAX 32u

/* One frame handed to hal_eth_send(), copied at the time of the call. */
struct fake_hal_eth_tx {
    uint8_t data[HAL_ETH_MAX_FRAME];
    size_t len;
    size_t nsegs;
    uint16_t seg_len[FAKE_HAL_ETH_SEGS_MAX];
    uintptr_t seg_addr[FAKE_HAL_ETH_SEGS_MAX];
};

/* Empty queues, link down, MAC 02:00:00:00:00:01, no failures. */
void fake_hal_eth_reset(void);
void fake_hal_eth_set_mac(const uint8_t mac[HAL_ETH_ADDR_LEN]);
void fake_hal_eth_set_init_err(int err);   /* what hal_eth_init() returns */
void fake_hal_eth_set_link(bool up);
void fake_hal_eth_set_send_busy(unsigned n);  /* next n sends return APP_ERR_BUSY */
void fake_hal_eth_set_send_err(int err);      /* every send returns err (APP_OK: off) */
void fake_hal_eth_set_rx_read_err(int err);   /* next rx_read returns err, drops the frame */

/* A frame arrives (len bytes without FCS). */
void fake_hal_eth_rx_push(const uint8_t *frame, size_t len);
size_t fake_hal_eth_rx_pending(void);      /* frames not yet read or discarded */
unsigned fake_hal_eth_rx_discards(void);   /* hal_eth_rx_discard() calls that dropped one */
/* The byte the fake writes into each of the rx_pad bytes. */
#define FAKE_HAL_ETH_PAD_BYTE 0x5Au

unsigned fake_hal_eth_init_calls(void);
struct hal_eth_cfg fake_hal_eth_last_cfg(void);
unsigned fake_hal_eth_send_calls(void);
size_t fake_hal_eth_tx_count(void);
const struct fake_hal_eth_tx *fake_hal_eth_tx_get(size_t i);
void fake_hal_eth_tx_clear(void);

#endif
