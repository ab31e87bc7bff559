/* Stellaris LM3S6965 Ethernet controller driver. Implements hal_eth.h; the
 * board says where the MAC is with stellaris_enet_attach() and routes its
 * interrupt to stellaris_enet_isr(). */
#ifndef STELLARIS_ENET_H
#define STELLARIS_ENET_H

#include <stdint.h>

/* Bounded waits: each poll of a hardware bit gives up after this many
 * register reads. */
#ifndef STELLARIS_ENET_POLL_LIMIT
#define STELLARIS_ENET_POLL_LIMIT 100000u
#endif

/* Most segments one frame may have in hal_eth_send(). */
#ifndef STELLARIS_ENET_MAX_SEGS
#define STELLARIS_ENET_MAX_SEGS 16u
#endif

/* Bind the driver to the MAC at base, clocked at sysclk_hz (for the MII
 * management clock). irq_enable, if not NULL, unmasks the MAC's line at the
 * interrupt controller once hal_eth_init() is done. */
void stellaris_enet_attach(uintptr_t base, uint32_t sysclk_hz, void (*irq_enable)(void));

/* Interrupt handler body: masks the MAC's RX interrupt until the superloop
 * has drained the RX FIFO, and marks an event for hal_eth_event(). */
void stellaris_enet_isr(void);

#endif
