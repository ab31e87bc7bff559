/* SMSC LAN9118 10/100 Ethernet MAC+PHY driver. Implements hal_eth.h for
 * one chip; the board says where the chip is with lan9118_attach() and
 * routes the chip's interrupt line to lan9118_isr(). */
#ifndef LAN9118_H
#define LAN9118_H

#include <stdint.h>

/* Bounded waits: each poll of a hardware bit gives up after this many
 * register reads (a few ms at the slowest bus clock). */
#ifndef LAN9118_POLL_LIMIT
#define LAN9118_POLL_LIMIT 100000u
#endif

/* Most segments one frame may have in hal_eth_send(). */
#ifndef LAN9118_MAX_SEGS
#define LAN9118_MAX_SEGS 16u
#endif

/* Bind the driver to the chip at base (the board's memory map).
 * irq_enable, if not NULL, unmasks the chip's interrupt line at the
 * interrupt controller; the driver calls it once hal_eth_init() has set the
 * line's polarity (after reset the line idles at the asserted level). */
void lan9118_attach(uintptr_t base, void (*irq_enable)(void));

/* Interrupt handler body: acknowledges the chip, masks it until the RX
 * FIFO has been drained, and marks an event for hal_eth_event(). */
void lan9118_isr(void);

#endif
