/* NUCLEO-F429ZI board services: the 180 MHz clock tree, SysTick and the
 * DWT cycle counter, USART3 console, the RMII pins and the Ethernet MAC,
 * the RNG, the flash sectors of the store, the independent watchdog
 * (RM0090 sections 5-8, 24, 30, 33; UM1974). */
#include <stdbool.h>
#include <stdint.h>

#include "armv7m.h"
#include "armv7m_rt.h"
#include "board.h"
#include "hal_board.h"
#include "hal_console.h"
#include "hal_time.h"
#include "stm32_eth.h"
#include "stm32_flash.h"
#include "stm32_gpio.h"
#include "stm32_rng.h"
#include "stm32_usart.h"

void SysTick_Handler(void);
void board_eth_irq(void);
void board_usart3_irq(void);

#define REG(base, off) (*(volatile uint32_t *)((base) + (off)))

/* RCC (RM0090 6.3). */
#define RCC_CR 0x00u
#define RCC_PLLCFGR 0x04u
#define RCC_CFGR 0x08u
#define RCC_AHB1RSTR 0x10u
#define RCC_AHB1ENR 0x30u
#define RCC_AHB2ENR 0x34u
#define RCC_APB1ENR 0x40u
#define RCC_APB2ENR 0x44u
#define RCC_CSR 0x74u
#define RCC_CSR_RMVF (1u << 24)     /* clears the reset flags */
#define RCC_CSR_IWDGRSTF (1u << 29) /* the independent watchdog reset the chip */
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_HSEBYP (1u << 18)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)
#define RCC_PLLCFGR_SRC_HSE (1u << 22)
#define RCC_CFGR_SW_PLL 2u
#define RCC_CFGR_SWS_MASK (3u << 2)
#define RCC_CFGR_SWS_PLL (2u << 2)
#define RCC_CFGR_PPRE1_DIV4 (5u << 10)
#define RCC_CFGR_PPRE2_DIV2 (4u << 13)
#define RCC_AHB1_GPIOA (1u << 0)
#define RCC_AHB1_GPIOB (1u << 1)
#define RCC_AHB1_GPIOC (1u << 2)
#define RCC_AHB1_GPIOD (1u << 3)
#define RCC_AHB1_GPIOG (1u << 6)
#define RCC_AHB1_ETHMAC (7u << 25) /* MAC, MAC TX, MAC RX */
#define RCC_AHB1RST_ETHMAC (1u << 25)
#define RCC_AHB2_RNG (1u << 6)
#define RCC_APB1_USART3 (1u << 18)
#define RCC_APB1_PWR (1u << 28)
#define RCC_APB2_SYSCFG (1u << 14)

/* PWR (RM0090 5.4). */
#define PWR_CR 0x00u
#define PWR_CSR 0x04u
#define PWR_CR_VOS_SCALE1 (3u << 14)
#define PWR_CR_ODEN (1u << 16)
#define PWR_CR_ODSWEN (1u << 17)
#define PWR_CSR_ODRDY (1u << 16)
#define PWR_CSR_ODSWRDY (1u << 17)

#define FLASH_ACR 0x00u
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ICEN (1u << 9)
#define FLASH_ACR_DCEN (1u << 10)

#define SYSCFG_PMC 0x04u
#define SYSCFG_PMC_RMII (1u << 23)

#define IWDG_KR 0x00u
#define IWDG_PR 0x04u
#define IWDG_RLR 0x08u
#define IWDG_SR 0x0Cu
#define DBG_IWDG_STOP (1u << 12)

/* An oscillator or the PLL starts in well under a millisecond; the counts
 * only bound a part that never does. */
#define CLOCK_POLLS 500000u

static volatile uint32_t s_ms;
static stm32_usart_next_fn s_tx_next;

static bool wait_set(uintptr_t reg, uint32_t bits, uint32_t want)
{
    for (uint32_t i = 0; i < CLOCK_POLLS; i++) {
        if ((REG(reg, 0) & bits) == want) {
            return true;
        }
    }
    return false;
}

/* RM0090 5.1.4 and 6.3: voltage scale 1, the PLL from HSE (bypass: the
 * ST-LINK drives OSC_IN) or, without it, from HSI; over-drive on before
 * the switch to 180 MHz, the flash wait states raised before the clock. */
static void clock_init(void)
{
    REG(BOARD_RCC_BASE, RCC_APB1ENR) |= RCC_APB1_PWR;
    (void)REG(BOARD_RCC_BASE, RCC_APB1ENR); /* the clock is on before the first access */
    REG(BOARD_PWR_BASE, PWR_CR) |= PWR_CR_VOS_SCALE1;
    /* HSEBYP is writable only while HSE is off (RM0090 6.3.1): first. */
    REG(BOARD_RCC_BASE, RCC_CR) |= RCC_CR_HSEBYP;
    REG(BOARD_RCC_BASE, RCC_CR) |= RCC_CR_HSEON;
    bool hse = wait_set(BOARD_RCC_BASE + RCC_CR, RCC_CR_HSERDY, RCC_CR_HSERDY);
    if (!hse) {
        REG(BOARD_RCC_BASE, RCC_CR) &= ~RCC_CR_HSEON;
        REG(BOARD_RCC_BASE, RCC_CR) &= ~RCC_CR_HSEBYP; /* writable once HSE is off */
    }
    uint32_t m = hse ? BOARD_PLLM_HSE : BOARD_PLLM_HSI;
    /* PLLP 2 is field value 0. */
    REG(BOARD_RCC_BASE, RCC_PLLCFGR) = m | BOARD_PLLN << 6 | BOARD_PLLQ << 24 | (hse ? RCC_PLLCFGR_SRC_HSE : 0u);
    REG(BOARD_RCC_BASE, RCC_CR) |= RCC_CR_PLLON;
    if (!wait_set(BOARD_RCC_BASE + RCC_CR, RCC_CR_PLLRDY, RCC_CR_PLLRDY)) {
        return; /* stays on the 16 MHz HSI: the console speed will be wrong */
    }
    /* Without over-drive the part stops at 168 MHz: stay on HSI then. */
    REG(BOARD_PWR_BASE, PWR_CR) |= PWR_CR_ODEN;
    if (!wait_set(BOARD_PWR_BASE + PWR_CSR, PWR_CSR_ODRDY, PWR_CSR_ODRDY)) {
        return;
    }
    REG(BOARD_PWR_BASE, PWR_CR) |= PWR_CR_ODSWEN;
    if (!wait_set(BOARD_PWR_BASE + PWR_CSR, PWR_CSR_ODSWRDY, PWR_CSR_ODSWRDY)) {
        return;
    }
    REG(BOARD_FLASH_IF_BASE, FLASH_ACR) =
        BOARD_FLASH_LATENCY | FLASH_ACR_PRFTEN | FLASH_ACR_ICEN | FLASH_ACR_DCEN;
    if ((REG(BOARD_FLASH_IF_BASE, FLASH_ACR) & 0xFu) != BOARD_FLASH_LATENCY) {
        return; /* RM0090 3.5.1: never run faster than the wait states allow */
    }
    /* The APB dividers before the switch, so that neither bus ever runs
     * past its maximum (45 / 90 MHz) on the way. */
    REG(BOARD_RCC_BASE, RCC_CFGR) = RCC_CFGR_PPRE1_DIV4 | RCC_CFGR_PPRE2_DIV2;
    (void)REG(BOARD_RCC_BASE, RCC_CFGR);
    REG(BOARD_RCC_BASE, RCC_CFGR) = RCC_CFGR_PPRE1_DIV4 | RCC_CFGR_PPRE2_DIV2 | RCC_CFGR_SW_PLL;
    (void)wait_set(BOARD_RCC_BASE + RCC_CFGR, RCC_CFGR_SWS_MASK, RCC_CFGR_SWS_PLL);
}

/* The pins: USART3 and RMII (DS9405 table 12; UM1974 table 19). */
static const struct stm32_gpio_af s_pins[] = {
    {BOARD_GPIOD_BASE, 8, 7},   /* USART3_TX */
    {BOARD_GPIOD_BASE, 9, 7},   /* USART3_RX */
    {BOARD_GPIOA_BASE, 1, 11},  /* ETH_RMII_REF_CLK */
    {BOARD_GPIOA_BASE, 2, 11},  /* ETH_MDIO */
    {BOARD_GPIOA_BASE, 7, 11},  /* ETH_RMII_CRS_DV */
    {BOARD_GPIOC_BASE, 1, 11},  /* ETH_MDC */
    {BOARD_GPIOC_BASE, 4, 11},  /* ETH_RMII_RXD0 */
    {BOARD_GPIOC_BASE, 5, 11},  /* ETH_RMII_RXD1 */
    {BOARD_GPIOG_BASE, 11, 11}, /* ETH_RMII_TX_EN */
    {BOARD_GPIOG_BASE, 13, 11}, /* ETH_RMII_TXD0 */
    {BOARD_GPIOB_BASE, 13, 11}, /* ETH_RMII_TXD1 */
};

/* RMII is chosen while the MAC is held in reset, before its clocks run
 * (RM0090 SYSCFG_PMC.MII_RMII_SEL). */
static void periph_init(void)
{
    REG(BOARD_RCC_BASE, RCC_AHB1ENR) |=
        RCC_AHB1_GPIOA | RCC_AHB1_GPIOB | RCC_AHB1_GPIOC | RCC_AHB1_GPIOD | RCC_AHB1_GPIOG;
    REG(BOARD_RCC_BASE, RCC_APB1ENR) |= RCC_APB1_USART3;
    REG(BOARD_RCC_BASE, RCC_APB2ENR) |= RCC_APB2_SYSCFG;
    REG(BOARD_RCC_BASE, RCC_AHB2ENR) |= RCC_AHB2_RNG;
    (void)REG(BOARD_RCC_BASE, RCC_AHB2ENR); /* the clock is on before the first access */
    stm32_gpio_af_set(s_pins, sizeof(s_pins) / sizeof(s_pins[0]));
    REG(BOARD_RCC_BASE, RCC_AHB1RSTR) |= RCC_AHB1RST_ETHMAC;
    REG(BOARD_SYSCFG_BASE, SYSCFG_PMC) |= SYSCFG_PMC_RMII;
    (void)REG(BOARD_SYSCFG_BASE, SYSCFG_PMC); /* taken before the MAC's clocks start */
    REG(BOARD_RCC_BASE, RCC_AHB1ENR) |= RCC_AHB1_ETHMAC;
    REG(BOARD_RCC_BASE, RCC_AHB1RSTR) &= ~RCC_AHB1RST_ETHMAC;
}

/* The independent watchdog (RM0090 21.3): once started it runs until the
 * next reset; it stops while a debugger halts the core. */
static void watchdog_start(void)
{
    REG(BOARD_DBGMCU_APB1_FZ, 0) |= DBG_IWDG_STOP;
    REG(BOARD_IWDG_BASE, IWDG_KR) = 0xCCCCu; /* start (also starts the LSI) */
    REG(BOARD_IWDG_BASE, IWDG_KR) = 0x5555u; /* PR and RLR writable */
    REG(BOARD_IWDG_BASE, IWDG_PR) = BOARD_IWDG_PRESCALER;
    REG(BOARD_IWDG_BASE, IWDG_RLR) = BOARD_IWDG_RELOAD - 1u;
    (void)wait_set(BOARD_IWDG_BASE + IWDG_SR, 3u, 0u); /* PVU, RVU: taken */
    REG(BOARD_IWDG_BASE, IWDG_KR) = 0xAAAAu;
}

void hal_board_watchdog_feed(void)
{
    REG(BOARD_IWDG_BASE, IWDG_KR) = 0xAAAAu;
}

void SysTick_Handler(void)
{
    s_ms++;
}

uint32_t hal_time_ms(void)
{
    return s_ms;
}

uint32_t hal_time_cycles(void)
{
    return armv7m_cyccnt();
}

uint32_t hal_time_cycle_hz(void)
{
    return BOARD_SYSCLK_HZ;
}

void board_eth_irq(void)
{
    stm32_eth_isr();
}

void board_usart3_irq(void)
{
    stm32_usart_tx_isr(BOARD_USART3_BASE, s_tx_next);
}

void hal_console_write(const char *data, size_t len)
{
    stm32_usart_write(BOARD_USART3_BASE, data, len);
}

void hal_console_tx_attach(hal_console_next_fn next)
{
    s_tx_next = next;
    armv7m_irq_priority(BOARD_USART3_IRQ, BOARD_USART3_PRIO);
    armv7m_irq_enable(BOARD_USART3_IRQ);
}

void hal_console_tx_kick(void)
{
    if (s_tx_next == NULL) {
        return;
    }
    uint32_t key = armv7m_irq_save();
    stm32_usart_tx_start(BOARD_USART3_BASE, s_tx_next);
    armv7m_irq_restore(key);
}

void hal_console_tx_flush(void)
{
    if (s_tx_next == NULL) {
        return;
    }
    uint32_t key = armv7m_irq_save();
    stm32_usart_tx_drain(BOARD_USART3_BASE, s_tx_next);
    armv7m_irq_restore(key);
}

static void eth_irq_enable(void)
{
    armv7m_irq_enable(BOARD_ETH_IRQ);
}

/* A locally administered unicast address (IEEE 802 bit 1 set, bit 0
 * clear) from the chip's unique ID, the same on every boot: the part has
 * no address of its own. FNV-1a over the 12 ID bytes. */
static void mac_from_uid(uint8_t mac[6])
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (unsigned i = 0; i < 12u; i++) {
        h = (h ^ *(const volatile uint8_t *)(uintptr_t)(BOARD_UID_BASE + i)) * 0x100000001B3ull;
    }
    for (unsigned i = 0; i < 6u; i++) {
        mac[i] = (uint8_t)(h >> (8u * i));
    }
    mac[0] = (uint8_t)((mac[0] & 0xFEu) | 0x02u);
}

static const uint32_t s_store_addr[BOARD_STORE_SECTORS] = BOARD_STORE_ADDRS;
static const uint8_t s_store_snb[BOARD_STORE_SECTORS] = BOARD_STORE_SNBS;
static const struct stm32_flash_area s_store = {
    .regs = BOARD_FLASH_IF_BASE,
    .sector_size = BOARD_STORE_SECTOR_SIZE,
    .count = BOARD_STORE_SECTORS,
    .addr = s_store_addr,
    .snb = s_store_snb,
};

void hal_board_init(void)
{
    /* The reset flags survive every reset but power-on until cleared
     * (RM0090 6.3.21): read, then cleared for the next one. */
    if ((REG(BOARD_RCC_BASE, RCC_CSR) & RCC_CSR_IWDGRSTF) != 0u) {
        armv7m_rt_reset_by_watchdog();
    }
    REG(BOARD_RCC_BASE, RCC_CSR) |= RCC_CSR_RMVF;
    clock_init();
    armv7m_faults_enable();
    periph_init();
    stm32_usart_init(BOARD_USART3_BASE, BOARD_APB1_HZ, BOARD_CONSOLE_BAUD);
    armv7m_cyccnt_start();
    armv7m_systick_start(BOARD_SYSCLK_HZ / 1000u);
    stm32_rng_attach(BOARD_RNG_BASE);
    struct stm32_eth_board eth = {
        .base = BOARD_ETH_BASE,
        .hclk_hz = BOARD_SYSCLK_HZ,
        .phy_addr = BOARD_ETH_PHY_ADDR,
        .irq_enable = eth_irq_enable,
    };
    mac_from_uid(eth.mac);
    stm32_eth_attach(&eth);
    stm32_flash_attach(&s_store);
    watchdog_start();
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
