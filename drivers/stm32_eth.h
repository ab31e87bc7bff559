/* STM32F4 Ethernet MAC with its DMA, over an RMII PHY (RM0090 section 33).
 * Implements hal_eth.h. The DMA moves frames between the MAC and rings of
 * descriptors and buffers in SRAM (the driver's own, in .pool.eth: never
 * CCM, which the DMA cannot reach); the driver copies frames out of the RX
 * ring into the caller's buffer and segments into the TX ring. The board
 * selects RMII, clocks and resets the MAC, sets the pins, then calls
 * stm32_eth_attach() and routes the ETH interrupt to stm32_eth_isr(). */
#ifndef STM32_ETH_H
#define STM32_ETH_H

#include <stdint.h>

/* Bounded waits: each poll of a hardware bit gives up after this many
 * register reads (the DMA reset and an MDIO transaction take microseconds;
 * the reset never ends without the PHY's 50 MHz reference clock). */
#ifndef STM32_ETH_POLL_LIMIT
#define STM32_ETH_POLL_LIMIT 200000u
#endif

/* Rings (README "Boards", their price): RX 8 buffers of 512 bytes (a
 * full-size frame takes 3, an ACK or ARP one), TX 4 of 512 (one full-size
 * frame and a small one). Buffer sizes are multiples of 4 (RM0090 33.6.8,
 * RBS1 on a 32-bit bus). */
#ifndef STM32_ETH_RX_DESCS
#define STM32_ETH_RX_DESCS 8u
#endif
#ifndef STM32_ETH_RX_BUF
#define STM32_ETH_RX_BUF 512u
#endif
#ifndef STM32_ETH_TX_DESCS
#define STM32_ETH_TX_DESCS 4u
#endif
#ifndef STM32_ETH_TX_BUF
#define STM32_ETH_TX_BUF 512u
#endif

/* Most segments one frame may have in hal_eth_send(). */
#ifndef STM32_ETH_MAX_SEGS
#define STM32_ETH_MAX_SEGS 16u
#endif

struct stm32_eth_board {
    uintptr_t base;            /* the MAC's registers (DMA at base + 0x1000) */
    uint32_t hclk_hz;          /* AHB clock: picks the MDC divider */
    uint8_t phy_addr;          /* the PHY's MDIO address */
    uint8_t mac[6];            /* address used when the configuration gives none */
    void (*irq_enable)(void);  /* unmask the ETH interrupt (may be NULL) */
};

/* Bind the driver to the board's MAC and PHY (copied). */
void stm32_eth_attach(const struct stm32_eth_board *b);

/* Interrupt handler body: acknowledges the DMA's status and marks an event
 * for hal_eth_event(). */
void stm32_eth_isr(void);

#endif
