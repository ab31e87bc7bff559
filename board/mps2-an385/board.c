/* MPS2 AN385 board services: SysTick time base, UART0 console, the
 * Ethernet chip, and the seeded RNG. */
#include <stdint.h>

#include "armv7m.h"
#include "board.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "hal_board.h"
#include "hal_console.h"
#include "hal_time.h"
#include "lan9118.h"
#include "seed_rng.h"
#include "semihost_flash.h"

void SysTick_Handler(void);
void board_eth_irq(void);
void board_uart0_tx_irq(void);

static volatile uint32_t s_ms;
static hal_console_next_fn s_tx_next;

/* Filled by tools/qemu-run before reset (see linker script .seed). */
extern volatile uint32_t _board_seed[8];

void SysTick_Handler(void)
{
    s_ms++;
}

void board_eth_irq(void)
{
    lan9118_isr();
}

uint32_t hal_time_ms(void)
{
    return s_ms;
}

uint32_t hal_time_cycles(void)
{
    return cmsdk_timer_count(BOARD_TIMER0_BASE);
}

uint32_t hal_time_cycle_hz(void)
{
    return BOARD_SYSCLK_HZ;
}

void board_uart0_tx_irq(void)
{
    cmsdk_uart_tx_isr(BOARD_UART0_BASE, s_tx_next);
}

void hal_console_write(const char *data, size_t len)
{
    cmsdk_uart_write(BOARD_UART0_BASE, data, len);
}

void hal_console_tx_attach(hal_console_next_fn next)
{
    s_tx_next = next;
    armv7m_irq_priority(BOARD_UART0_TX_IRQ, BOARD_UART0_TX_PRIO);
    armv7m_irq_enable(BOARD_UART0_TX_IRQ);
}

void hal_console_tx_kick(void)
{
    if (s_tx_next == NULL) {
        return;
    }
    uint32_t key = armv7m_irq_save();
    cmsdk_uart_tx_start(BOARD_UART0_BASE, s_tx_next);
    armv7m_irq_restore(key);
}

void hal_console_tx_flush(void)
{
    if (s_tx_next == NULL) {
        return;
    }
    uint32_t key = armv7m_irq_save();
    cmsdk_uart_tx_drain(BOARD_UART0_BASE, s_tx_next);
    armv7m_irq_restore(key);
}

static void eth_irq_enable(void)
{
    armv7m_irq_enable(BOARD_ETH_IRQ);
}

void hal_board_init(void)
{
    armv7m_faults_enable();
    cmsdk_uart_init(BOARD_UART0_BASE, BOARD_SYSCLK_HZ, BOARD_CONSOLE_BAUD);
    seed_rng_init(_board_seed);
    armv7m_systick_start(BOARD_SYSCLK_HZ / 1000u);
    cmsdk_timer_start(BOARD_TIMER0_BASE);
    lan9118_attach(BOARD_ETH_BASE, eth_irq_enable);
    semihost_flash_attach(BOARD_FLASH_SECTOR_SIZE, BOARD_FLASH_PROGRAM_UNIT);
}

void hal_board_watchdog_feed(void)
{
    /* No watchdog runs in QEMU: a hang shows up as a failing test. */
}

const uint8_t *hal_board_config(size_t *len)
{
    *len = BOARD_CONFIG_SIZE;
    return (const uint8_t *)BOARD_CONFIG_ADDR;
}

const char *hal_board_name(void)
{
    return BOARD_NAME;
}
