/* Stellaris LM3S6965 Ethernet controller (MAC with integrated PHY) register
 * map. Offsets and bits from the LM3S6965 datasheet (DS-LM3S6965), chapter
 * "Ethernet Controller", "Register Descriptions" (MAC registers at the
 * module base; the PHY's behind MACMCTL/MACMTXD/MACMRXD, MII management). */
#ifndef STELLARIS_ENET_REGS_H
#define STELLARIS_ENET_REGS_H

#include <stdint.h>

/* Register access. The firmware reads and writes the MAC's memory-mapped
 * registers; the host unit test defines STELLARIS_ENET_FAKE_REGS and
 * provides the two functions below, which model the MAC and its FIFOs. */
#ifdef STELLARIS_ENET_FAKE_REGS
uint32_t stellaris_enet_fake_read(uintptr_t base, uint32_t off);
void stellaris_enet_fake_write(uintptr_t base, uint32_t off, uint32_t val);
#define SE_RD(base, off) stellaris_enet_fake_read((base), (off))
#define SE_WR(base, off, v) stellaris_enet_fake_write((base), (off), (v))
#else
#define SE_RD(base, off) (*(volatile uint32_t *)((base) + (off)))
#define SE_WR(base, off, v) (*(volatile uint32_t *)((base) + (off)) = (v))
#endif

#define SE_MACRIS 0x000u  /* raw interrupt status (read) / MACIACK (write 1 to clear) */
#define SE_MACIM 0x004u   /* interrupt mask (1: enabled) */
#define SE_MACRCTL 0x008u /* receive control */
#define SE_MACTCTL 0x00Cu /* transmit control */
#define SE_MACDATA 0x010u /* RX FIFO (read) / TX FIFO (write), a word at a time */
#define SE_MACIA0 0x014u  /* individual address, bytes 0..3 */
#define SE_MACIA1 0x018u  /* individual address, bytes 4..5 */
#define SE_MACTHR 0x01Cu  /* TX threshold (0x3F: off, send on MACTR.NEWTX) */
#define SE_MACMCTL 0x020u /* MII management control */
#define SE_MACMDV 0x024u  /* MII management clock divider */
#define SE_MACMTXD 0x02Cu /* MII management data to write */
#define SE_MACMRXD 0x030u /* MII management data read */
#define SE_MACNP 0x034u   /* frames waiting in the RX FIFO (bits 5:0) */
#define SE_MACTR 0x038u   /* transmission request */

/* MACRIS / MACIACK / MACIM bits. */
#define SE_INT_RX (1u << 0)    /* a frame is in the RX FIFO */
#define SE_INT_TXER (1u << 1)  /* TX error (also resets the TX FIFO when acked) */
#define SE_INT_TXEMP (1u << 2) /* the TX FIFO is empty: the frame went out */
#define SE_INT_FOV (1u << 3)   /* RX FIFO overrun: a frame was lost */
#define SE_INT_RXER (1u << 4)  /* a frame with an error was received */
#define SE_INT_MD (1u << 5)    /* MII management transaction done */
#define SE_INT_PHY (1u << 6)   /* the PHY raised its interrupt */
#define SE_INT_ALL 0x7Fu

/* MACRCTL bits. */
#define SE_RCTL_RXEN (1u << 0)
#define SE_RCTL_AMUL (1u << 1)    /* all multicast frames */
#define SE_RCTL_PRMS (1u << 2)    /* promiscuous */
#define SE_RCTL_BADCRC (1u << 3)  /* drop frames with a bad FCS */
#define SE_RCTL_RSTFIFO (1u << 4) /* clear the RX FIFO */

/* MACTCTL bits. */
#define SE_TCTL_TXEN (1u << 0)
#define SE_TCTL_PADEN (1u << 1) /* pad short frames to 60 bytes */
#define SE_TCTL_CRC (1u << 2)   /* append the FCS */
#define SE_TCTL_DUPLEX (1u << 4)

/* MACTR bits. */
#define SE_TR_NEWTX (1u << 0) /* send the frame in the TX FIFO; clears when sent */

/* MACMCTL bits: REGADR in 7:3, WRITE, START (clears when done). */
#define SE_MCTL_START (1u << 0)
#define SE_MCTL_WRITE (1u << 1)
#define SE_MCTL_REGADR(r) (((uint32_t)(r) & 0x1Fu) << 3)

/* FIFO sizes: one 2 KB RX FIFO and one 2 KB TX FIFO holding one frame. */
#define SE_FIFO_BYTES 2048u

/* Frame layout in both FIFOs: the first word's low 16 bits are a length,
 * its high 16 bits the frame's first two bytes. RX: the length counts
 * itself (2), the frame and its FCS (4). TX: the length is the frame's
 * data after the 14-byte Ethernet header. */
#define SE_RX_LEN_EXTRA 6u
#define SE_ETH_HDR 14u

/* PHY (MII) registers of the integrated PHY (IEEE 802.3 clause 22). */
#define SE_PHY_BMSR 1u
#define SE_PHY_BMSR_LINK (1u << 2)

#endif
