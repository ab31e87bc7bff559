/* Register-level model of an SMSC LAN9118 for the host test of
 * drivers/lan9118.c (built with -DLAN9118_FAKE_REGS). Models the RX status
 * and data FIFOs, the TX data FIFO with its command words, soft reset,
 * the indirect MAC CSRs and the PHY behind MII. Any access the real chip
 * would answer with garbage (FIFO underflow, out-of-sync read, CSR access
 * while busy) fails the running cmocka test. */
#ifndef FAKE_LAN9118_H
#define FAKE_LAN9118_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The address the test attaches the driver to; any other base fails. */
#define FAKE_LAN9118_BASE ((uintptr_t)0x40200000u)

/* Largest packet the TX model reassembles (command B length is 11 bits). */
#define FAKE_LAN9118_TX_MAX 2048u

/* One packet the driver put in the TX data FIFO, reassembled. */
struct fake_lan9118_tx_pkt {
    uint8_t data[FAKE_LAN9118_TX_MAX];
    size_t len;
    unsigned bufs;  /* command A/B pairs it came in */
    uint16_t tag;   /* command B packet tag */
};

/* Power-on state: chip present, EEPROM MAC 52:54:00:12:34:56, link up,
 * empty FIFOs, every failure option off. */
void fake_lan9118_reset(void);

/* Options, set before the driver runs. */
void fake_lan9118_set_eeprom_mac(const uint8_t mac[6]);
void fake_lan9118_set_byte_test(uint32_t value);   /* anything but 0x87654321 = no chip */
void fake_lan9118_set_srst_stuck(bool stuck);      /* HW_CFG.SRST never self-clears */
void fake_lan9118_set_never_ready(bool never);     /* PMT_CTRL.READY never sets */
void fake_lan9118_set_csr_stuck(bool stuck);       /* MAC_CSR_CMD.BUSY never clears */
void fake_lan9118_set_link(bool up);               /* PHY BSR link status bit */
void fake_lan9118_set_tdfree(uint32_t bytes);      /* TX_FIFO_INF.TDFREE when idle */
void fake_lan9118_add_rx_drop(uint32_t frames);    /* RX_DROP counter (clear on read) */

/* A frame arrives from the wire: len frame bytes (without FCS) followed by
 * 4 FCS bytes, laid out after RX_CFG.RXDOFF pad bytes. error sets the
 * status word's error summary bit. Returns false when the MAC's receiver
 * is off (the chip drops the frame). */
bool fake_lan9118_rx_push(const uint8_t *frame, size_t len, bool error);
/* Same with a raw status length (frame + FCS, 14 bits) for runts and
 * oversized frames; the data FIFO holds that many bytes of a pattern. */
bool fake_lan9118_rx_push_len(uint32_t len_fcs, bool error);
/* Pad byte i of every frame and FCS byte i, as the model lays them out. */
uint8_t fake_lan9118_pad_byte(unsigned i);
uint8_t fake_lan9118_fcs_byte(unsigned i);
/* Have frame arrive at the moment the driver next writes a non-zero value
 * to INT_EN (models a frame landing while the driver re-arms). */
void fake_lan9118_rx_arrive_on_rearm(const uint8_t *frame, size_t len);

/* What the chip holds. */
size_t fake_lan9118_rx_status_used(void);  /* entries in the RX status FIFO */
size_t fake_lan9118_rx_data_used(void);    /* bytes in the RX data FIFO */
size_t fake_lan9118_tx_count(void);
const struct fake_lan9118_tx_pkt *fake_lan9118_tx_get(size_t i);
void fake_lan9118_tx_clear(void);
uint32_t fake_lan9118_tx_writes(void);     /* words written to the TX data FIFO */
uint32_t fake_lan9118_reg(uint32_t off);   /* a plain register: IRQ_CFG, INT_EN, ... */
uint32_t fake_lan9118_mac_csr(uint32_t idx);
unsigned fake_lan9118_mac_csr_writes(uint32_t idx);
bool fake_lan9118_irq_line(void);          /* IRQ pin asserted */
unsigned long fake_lan9118_reads(void);    /* register reads since reset */

#endif
