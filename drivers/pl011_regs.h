/* ARM PrimeCell UART (PL011) registers, as the Stellaris LM3S6965 has them
 * (DS-LM3S6965 "Universal Asynchronous Receivers/Transmitters", and ARM
 * DDI 0183 for the PL011 they derive from). */
#ifndef PL011_REGS_H
#define PL011_REGS_H

#include <stdint.h>

#define PL011_RD(base, off) (*(volatile uint32_t *)((base) + (off)))
#define PL011_WR(base, off, v) (*(volatile uint32_t *)((base) + (off)) = (v))

#define PL011_DR 0x000u
#define PL011_FR 0x018u   /* flags */
#define PL011_IBRD 0x024u /* integer baud divisor */
#define PL011_FBRD 0x028u /* fractional baud divisor, 1/64ths */
#define PL011_LCRH 0x02Cu /* line control */
#define PL011_CTL 0x030u
#define PL011_IFLS 0x034u /* FIFO interrupt levels */
#define PL011_IM 0x038u   /* interrupt mask (1: enabled) */
#define PL011_RIS 0x03Cu
#define PL011_ICR 0x044u  /* interrupt clear */

#define PL011_FR_TXFF (1u << 5) /* transmit FIFO full */
#define PL011_FR_BUSY (1u << 3)
#define PL011_LCRH_FEN (1u << 4)  /* FIFOs on */
#define PL011_LCRH_WLEN8 (3u << 5)
#define PL011_CTL_UARTEN (1u << 0)
#define PL011_CTL_TXE (1u << 8)
#define PL011_CTL_RXE (1u << 9)
#define PL011_INT_TX (1u << 5)
/* IFLS TXIFLSEL 1/8 full: the TX interrupt comes when the FIFO drains to
 * 2 of 16 bytes, early enough to refill it without a gap. */
#define PL011_IFLS_TX_1_8 0u

#endif
