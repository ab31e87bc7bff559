/* SMSC LAN9118 (and the register-compatible LAN9220 on the MPS2 board)
 * register map. Offsets and bits from the SMSC LAN9118 datasheet rev 1.5,
 * section 5 "Register Description". */
#ifndef LAN9118_REGS_H
#define LAN9118_REGS_H

#include <stdint.h>

/* Register access. The firmware reads and writes the chip's memory-mapped
 * registers; the host unit test defines LAN9118_FAKE_REGS and provides the
 * two functions below, which model the chip including its FIFOs. */
#ifdef LAN9118_FAKE_REGS
uint32_t lan9118_fake_read(uintptr_t base, uint32_t off);
void lan9118_fake_write(uintptr_t base, uint32_t off, uint32_t val);
#define LAN9118_RD(base, off) lan9118_fake_read((base), (off))
#define LAN9118_WR(base, off, v) lan9118_fake_write((base), (off), (v))
#else
#define LAN9118_RD(base, off) (*(volatile uint32_t *)((base) + (off)))
#define LAN9118_WR(base, off, v) (*(volatile uint32_t *)((base) + (off)) = (v))
#endif

/* System control and status registers (datasheet table 5.1). */
#define LAN9118_RX_DATA_FIFO   0x00u
#define LAN9118_TX_DATA_FIFO   0x20u
#define LAN9118_RX_STATUS_FIFO 0x40u
#define LAN9118_TX_STATUS_FIFO 0x48u
#define LAN9118_ID_REV         0x50u
#define LAN9118_IRQ_CFG        0x54u
#define LAN9118_INT_STS        0x58u
#define LAN9118_INT_EN         0x5Cu
#define LAN9118_BYTE_TEST      0x64u
#define LAN9118_FIFO_INT       0x68u
#define LAN9118_RX_CFG         0x6Cu
#define LAN9118_TX_CFG         0x70u
#define LAN9118_HW_CFG         0x74u
#define LAN9118_RX_DP_CTRL     0x78u
#define LAN9118_RX_FIFO_INF    0x7Cu
#define LAN9118_TX_FIFO_INF    0x80u
#define LAN9118_PMT_CTRL       0x84u
#define LAN9118_RX_DROP        0xA0u
#define LAN9118_MAC_CSR_CMD    0xA4u
#define LAN9118_MAC_CSR_DATA   0xA8u

#define LAN9118_BYTE_TEST_VALUE 0x87654321u

/* IRQ_CFG (5.3.2): active-high push-pull so the NVIC sees a level. */
#define LAN9118_IRQ_CFG_IRQ_EN   (1u << 8)
#define LAN9118_IRQ_CFG_IRQ_POL  (1u << 4)
#define LAN9118_IRQ_CFG_IRQ_TYPE (1u << 0)

/* INT_STS / INT_EN (5.3.3). */
#define LAN9118_INT_RSFL (1u << 3)  /* RX status FIFO above its level */

/* RX_CFG (5.3.7). */
#define LAN9118_RX_CFG_RXDOFF_SHIFT 8u
#define LAN9118_RX_CFG_RX_DUMP (1u << 15)

/* TX_CFG (5.3.8). */
#define LAN9118_TX_CFG_TX_ON (1u << 1)
#define LAN9118_TX_CFG_TXSAO (1u << 2)  /* let TX status overrun: we never read it */

/* HW_CFG (5.3.9). */
#define LAN9118_HW_CFG_SRST (1u << 0)
#define LAN9118_HW_CFG_TX_FIF_SZ(n) ((uint32_t)(n) << 16)
#define LAN9118_HW_CFG_MBO (1u << 20)

/* RX_FIFO_INF / TX_FIFO_INF (5.3.11, 5.3.12). */
#define LAN9118_RX_FIFO_INF_RXSUSED(v) (((v) >> 16) & 0xFFu)
#define LAN9118_RX_FIFO_INF_RXDUSED(v) ((v) & 0xFFFFu)
#define LAN9118_TX_FIFO_INF_TDFREE(v) ((v) & 0xFFFFu)

/* PMT_CTRL (5.3.13). */
#define LAN9118_PMT_CTRL_READY (1u << 0)

/* MAC_CSR_CMD (5.3.19). */
#define LAN9118_MAC_CSR_BUSY (1u << 31)
#define LAN9118_MAC_CSR_READ (1u << 30)

/* RX status word (3.13.3). */
#define LAN9118_RXS_LEN(s) (((s) >> 16) & 0x3FFFu)
#define LAN9118_RXS_ES (1u << 15)   /* error summary */

/* TX command A / B (3.12.2). */
#define LAN9118_TXA_LEN(n) ((uint32_t)(n) & 0x7FFu)
#define LAN9118_TXA_FIRST (1u << 13)
#define LAN9118_TXA_LAST (1u << 12)
#define LAN9118_TXA_OFFSET(n) (((uint32_t)(n) & 0x1Fu) << 16)
#define LAN9118_TXB_LEN(n) ((uint32_t)(n) & 0x7FFu)
#define LAN9118_TXB_TAG(n) (((uint32_t)(n) & 0xFFFFu) << 16)

/* MAC control and status registers, reached through MAC_CSR_CMD (5.4). */
#define LAN9118_MAC_CR    1u
#define LAN9118_MAC_ADDRH 2u
#define LAN9118_MAC_ADDRL 3u
#define LAN9118_MAC_MII_ACC  6u
#define LAN9118_MAC_MII_DATA 7u

#define LAN9118_MAC_CR_RXEN (1u << 2)
#define LAN9118_MAC_CR_TXEN (1u << 3)
#define LAN9118_MAC_CR_FDPX (1u << 20)

/* MII_ACC (5.4.6): internal PHY is at address 1. */
#define LAN9118_MII_BUSY (1u << 0)
#define LAN9118_MII_WRITE (1u << 1)
#define LAN9118_MII_REG(r) (((uint32_t)(r) & 0x1Fu) << 6)
#define LAN9118_MII_PHY(p) (((uint32_t)(p) & 0x1Fu) << 11)
#define LAN9118_PHY_ADDR 1u

/* PHY registers (5.5). */
#define LAN9118_PHY_BSR 1u
#define LAN9118_PHY_BSR_LINK (1u << 2)

#endif
