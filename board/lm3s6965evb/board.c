/* EK-LM3S6965 board services: the 50 MHz clock, SysTick time base, UART0
 * console, the on-chip Ethernet MAC, the semihosted store area and the
 * seeded RNG (DS-LM3S6965 "System Control", "UART", "Ethernet Controller"). */
#include <stdint.h>

#include "armv7m.h"
#include "board.h"
#include "hal_board.h"
#include "hal_console.h"
#include "hal_time.h"
#include "pl011_uart.h"
#include "seed_rng.h"
#include "semihost_flash.h"
#include "stellaris_enet.h"

void SysTick_Handler(void);
void board_eth_irq(void);
void board_uart0_irq(void);

/* System control registers (DS "System Control", register map). */
#define SYSCTL(off) (*(volatile uint32_t *)(BOARD_SYSCTL_BASE + (off)))
#define SYSCTL_RIS 0x050u
#define SYSCTL_MISC 0x058u /* write 1 to clear a RIS bit */
#define SYSCTL_RCC 0x060u
#define SYSCTL_RCGC1 0x104u
#define SYSCTL_RCGC2 0x108u
#define RIS_PLLLRIS (1u << 6)
#define RCC_MOSCDIS (1u << 0)
#define RCC_OSCSRC_MASK (3u << 4)     /* 0: main oscillator */
#define RCC_XTAL_MASK (0xFu << 6)
#define RCC_XTAL_8MHZ (0xEu << 6)
#define RCC_BYPASS (1u << 11)
#define RCC_PWRDN (1u << 13)
#define RCC_USESYSDIV (1u << 22)
#define RCC_SYSDIV_MASK (0xFu << 23)
#define RCC_SYSDIV_4 (3u << 23)       /* 200 MHz PLL output / 4 = 50 MHz */
#define RCGC1_UART0 (1u << 0)
#define RCGC2_GPIOA (1u << 0)
#define RCGC2_GPIOF (1u << 5)
#define RCGC2_EMAC0 (1u << 28)
#define RCGC2_EPHY0 (1u << 30)
#define GPIOA(off) (*(volatile uint32_t *)(BOARD_GPIOA_BASE + (off)))
#define GPIO_AFSEL 0x420u
#define GPIO_DEN 0x51Cu
#define PLL_LOCK_POLLS 100000u

static volatile uint32_t s_ms;
static hal_console_next_fn s_tx_next;

/* Filled by tools/qemu-run before reset (linker script .seed). */
extern volatile uint32_t _board_seed[8];

/* DS "Initialization and Configuration" of the clock: bypass the PLL,
 * pick the 8 MHz crystal and power the PLL up, set the divider, wait for
 * the lock, then take the PLL. */
static void clock_init(void)
{
    uint32_t rcc = SYSCTL(SYSCTL_RCC);
    rcc = (rcc | RCC_BYPASS) & ~RCC_USESYSDIV;
    SYSCTL(SYSCTL_RCC) = rcc;
    rcc = (rcc & ~(RCC_XTAL_MASK | RCC_OSCSRC_MASK | RCC_PWRDN | RCC_MOSCDIS)) | RCC_XTAL_8MHZ;
    SYSCTL(SYSCTL_MISC) = RIS_PLLLRIS; /* cleared: wait for the new lock */
    SYSCTL(SYSCTL_RCC) = rcc;
    rcc = (rcc & ~RCC_SYSDIV_MASK) | RCC_SYSDIV_4 | RCC_USESYSDIV;
    SYSCTL(SYSCTL_RCC) = rcc;
    for (uint32_t i = 0; i < PLL_LOCK_POLLS && (SYSCTL(SYSCTL_RIS) & RIS_PLLLRIS) == 0u; i++) {
    }
    SYSCTL(SYSCTL_RCC) = rcc & ~RCC_BYPASS;
    /* Clocks to UART0, GPIO A (its pins) and F (the Ethernet LEDs), the
     * MAC and the PHY; then U0RX/U0TX on PA0/PA1. */
    SYSCTL(SYSCTL_RCGC1) |= RCGC1_UART0;
    SYSCTL(SYSCTL_RCGC2) |= RCGC2_GPIOA | RCGC2_GPIOF | RCGC2_EMAC0 | RCGC2_EPHY0;
    GPIOA(GPIO_AFSEL) |= 0x3u;
    GPIOA(GPIO_DEN) |= 0x3u;
}

void SysTick_Handler(void)
{
    s_ms++;
}

void board_eth_irq(void)
{
    stellaris_enet_isr();
}

uint32_t hal_time_ms(void)
{
    return s_ms;
}

/* No free-running timer that can be read (QEMU models no GPTM count
 * read): milliseconds times cycles per millisecond plus SysTick's
 * progress, read again if a tick came in between. */
uint32_t hal_time_cycles(void)
{
    uint32_t ms;
    uint32_t in;
    do {
        ms = s_ms;
        in = armv7m_systick_elapsed();
    } while (ms != s_ms);
    return ms * (BOARD_SYSCLK_HZ / 1000u) + in;
}

uint32_t hal_time_cycle_hz(void)
{
    return BOARD_SYSCLK_HZ;
}

void board_uart0_irq(void)
{
    pl011_tx_isr(BOARD_UART0_BASE, s_tx_next);
}

void hal_console_write(const char *data, size_t len)
{
    pl011_write(BOARD_UART0_BASE, data, len);
}

void hal_console_tx_attach(hal_console_next_fn next)
{
    s_tx_next = next;
    armv7m_irq_priority(BOARD_UART0_IRQ, BOARD_UART0_PRIO);
    armv7m_irq_enable(BOARD_UART0_IRQ);
}

void hal_console_tx_kick(void)
{
    if (s_tx_next == NULL) {
        return;
    }
    uint32_t key = armv7m_irq_save();
    pl011_tx_start(BOARD_UART0_BASE, s_tx_next);
    armv7m_irq_restore(key);
}

void hal_console_tx_flush(void)
{
    if (s_tx_next == NULL) {
        return;
    }
    uint32_t key = armv7m_irq_save();
    pl011_tx_drain(BOARD_UART0_BASE, s_tx_next);
    armv7m_irq_restore(key);
}

static void eth_irq_enable(void)
{
    armv7m_irq_enable(BOARD_ETH_IRQ);
}

void hal_board_init(void)
{
    clock_init();
    armv7m_faults_enable();
    pl011_init(BOARD_UART0_BASE, BOARD_SYSCLK_HZ, BOARD_CONSOLE_BAUD);
    seed_rng_init(_board_seed);
    armv7m_systick_start(BOARD_SYSCLK_HZ / 1000u);
    stellaris_enet_attach(BOARD_ETH_BASE, BOARD_SYSCLK_HZ, eth_irq_enable);
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
