/* MPS2 AN385 board services: SysTick time base, UART0 console, the
 * Ethernet chip, and the seeded RNG. */
#include <stdint.h>
#include <string.h>

#include "app_err.h"
#include "armv7m.h"
#include "armv7m_rt.h"
#include "board.h"
#include "cmsdk_timer.h"
#include "cmsdk_uart.h"
#include "hal_board.h"
#include "hal_console.h"
#include "hal_rng.h"
#include "hal_time.h"
#include "lan9118.h"
#include "semihost_flash.h"

void SysTick_Handler(void);
void board_eth_irq(void);
void board_uart0_tx_irq(void);

static volatile uint32_t s_ms;
static hal_console_next_fn s_tx_next;

/* Filled by tools/qemu-run before reset (see linker script .seed). */
extern volatile uint32_t _board_seed[8];

static uint64_t s_rng[2];

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

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int hal_rng_is_trng(void)
{
    return BOARD_RNG_IS_TRNG;
}

/* xorshift128+ over the host-provided seed. Good enough for TCP initial
 * sequence numbers and ephemeral ports; it is NOT a cryptographic DRBG
 * (the TLS work brings mbedTLS's CTR-DRBG on top of a proper seed). */
int hal_rng_fill(void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len > 0u) {
        uint64_t s1 = s_rng[0];
        const uint64_t s0 = s_rng[1];
        s_rng[0] = s0;
        s1 ^= s1 << 23;
        s_rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
        uint64_t r = s_rng[1] + s0;
        size_t n = len < sizeof(r) ? len : sizeof(r);
        memcpy(out, &r, n);
        out += n;
        len -= n;
    }
    return APP_OK;
}

static void rng_seed(void)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < 8u; i++) {
        x = (x << 32) ^ (x >> 32) ^ _board_seed[i];
        (void)splitmix64(&x);
        _board_seed[i] = 0; /* a seed is used once */
    }
    s_rng[0] = splitmix64(&x);
    s_rng[1] = splitmix64(&x) | 1u;
}

static void eth_irq_enable(void)
{
    armv7m_irq_enable(BOARD_ETH_IRQ);
}

void hal_board_init(void)
{
    armv7m_faults_enable();
    cmsdk_uart_init(BOARD_UART0_BASE, BOARD_SYSCLK_HZ, BOARD_CONSOLE_BAUD);
    rng_seed();
    armv7m_systick_start(BOARD_SYSCLK_HZ / 1000u);
    cmsdk_timer_start(BOARD_TIMER0_BASE);
    lan9118_attach(BOARD_ETH_BASE, eth_irq_enable);
    semihost_flash_attach(BOARD_FLASH_SECTOR_SIZE, BOARD_FLASH_PROGRAM_UNIT);
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

uint32_t hal_board_irq_save(void)
{
    return armv7m_irq_save();
}

void hal_board_irq_restore(uint32_t key)
{
    armv7m_irq_restore(key);
}

void hal_board_sleep(void)
{
    armv7m_wfi();
}

void hal_board_reset(void)
{
    hal_console_tx_flush(); /* the last lines before the reset */
    armv7m_rt_reset_mark(1u); /* software (drivers/armv7m_rt.c) */
    armv7m_reset();
}
