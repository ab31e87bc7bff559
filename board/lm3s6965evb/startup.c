/* Vector table of the LM3S6965 (DS-LM3S6965 "Interrupts" table): the
 * architectural exceptions, then the external interrupts up to the
 * Ethernet controller (42). The handlers are drivers/armv7m_rt.c's and the
 * board's (board.c). */
#include <stdint.h>

#include "armv7m_rt.h"
#include "board.h"

void SysTick_Handler(void);
void board_eth_irq(void);
void board_uart0_irq(void);

_Static_assert(BOARD_UART0_IRQ < BOARD_ETH_IRQ, "vector table layout below");

__attribute__((section(".isr_vector"), used))
static void (*const s_vectors[16 + BOARD_ETH_IRQ + 1])(void) = {
    ARMV7M_CORE_VECTORS(SysTick_Handler),
    [16 ... 16 + BOARD_UART0_IRQ - 1] = Default_Handler,
    [16 + BOARD_UART0_IRQ] = board_uart0_irq,
    [16 + BOARD_UART0_IRQ + 1 ... 16 + BOARD_ETH_IRQ - 1] = Default_Handler,
    [16 + BOARD_ETH_IRQ] = board_eth_irq,
};
