/* ST NUCLEO-F429ZI (MB1137): the STM32F429ZI Cortex-M4F with 2 MB of flash
 * and 192 KB of SRAM (+ 64 KB CCM), an Ethernet MAC with a LAN8742A RMII
 * PHY, and an ST-LINK/V2-1 that gives the 8 MHz clock and a virtual COM
 * port. Every address, pin and interrupt number of the board lives here
 * (RM0090 rev 19 "Memory map" and "Vector table"; STM32F429 datasheet
 * DS9405 "Alternate function mapping"; UM1974 "Solder bridges" and
 * "Ethernet"). */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#define BOARD_NAME "nucleo-f429zi"

/* HSE 8 MHz from the ST-LINK's MCO (UM1974 6.7.1, bypass mode) / PLLM 4
 * = 2 MHz into the VCO (RM0090 6.3.2 recommends 2 MHz), x PLLN 180 = 360
 * MHz, / PLLP 2 = 180 MHz SYSCLK (with over-drive, RM0090 5.1.4),
 * / PLLQ 8 = 45 MHz for the RNG (at least HCLK / 16, RM0090 24.3.1).
 * AHB 180 MHz, APB1 / 4 = 45 MHz (its maximum), APB2 / 2 = 90 MHz. Without
 * the ST-LINK's clock (solder bridges changed), the 16 MHz HSI / 8 feeds
 * the PLL instead: the same 180 MHz, less precise. */
#define BOARD_SYSCLK_HZ 180000000u
#define BOARD_APB1_HZ 45000000u
#define BOARD_PLLM_HSE 4u
#define BOARD_PLLM_HSI 8u
#define BOARD_PLLN 180u
#define BOARD_PLLQ 8u
/* RM0090 3.5.1 table 11: 150 < HCLK <= 180 MHz at 2.7-3.6 V: 5 wait states. */
#define BOARD_FLASH_LATENCY 5u

#define BOARD_RCC_BASE 0x40023800u
#define BOARD_PWR_BASE 0x40007000u
#define BOARD_FLASH_IF_BASE 0x40023C00u
#define BOARD_SYSCFG_BASE 0x40013800u
#define BOARD_IWDG_BASE 0x40003000u
#define BOARD_DBGMCU_APB1_FZ 0xE0042008u
#define BOARD_UID_BASE 0x1FFF7A10u  /* 96-bit unique device ID (RM0090 39.1) */

#define BOARD_GPIOA_BASE 0x40020000u
#define BOARD_GPIOB_BASE 0x40020400u
#define BOARD_GPIOC_BASE 0x40020800u
#define BOARD_GPIOD_BASE 0x40020C00u
#define BOARD_GPIOG_BASE 0x40021800u

/* Console: USART3 on PD8 (TX) / PD9 (RX), AF7, wired to the ST-LINK's
 * virtual COM port (UM1974 6.9, SB5/SB6 closed by default). */
#define BOARD_USART3_BASE 0x40004800u
#define BOARD_USART3_IRQ 39u
#define BOARD_CONSOLE_BAUD 115200u
/* NVIC priority (top 4 bits on the STM32F4): the console's TX interrupt
 * below SysTick and the MAC (both 0), which may preempt it. */
#define BOARD_USART3_PRIO 0xF0u

/* Ethernet: MAC at 0x40028000 (DMA at +0x1000), interrupt 61; the
 * LAN8742A at MDIO address 0 (UM1974 6.11). */
#define BOARD_ETH_BASE 0x40028000u
#define BOARD_ETH_IRQ 61u
#define BOARD_ETH_PHY_ADDR 0u

#define BOARD_RNG_BASE 0x50060800u

/* Flash (RM0090 3.3 table 6, 2 MB: two banks of 12 sectors): sector 0
 * holds the vector table, sector 1 (16 KB) the configuration partition,
 * sectors 4 and 5 (64 + 128 KB) the code (linker/nucleo-f429zi.ld); the
 * store area is the other six 16 KB sectors, 2 and 3 of bank 1 and 12 to
 * 15 of bank 2 (hal_flash, drivers/stm32_flash.c). The 128 KB sectors are
 * left: the store takes sectors of at most 32 KB, and erasing one takes
 * seconds with the superloop waiting. Sectors 2 and 3 share bank 1 with
 * the code: while one is erased or programmed, the CPU's fetches (and
 * interrupts) stall until it is done (RM0090 3.6); bank 2 is read while
 * written. */
#define BOARD_CONFIG_ADDR 0x08004000u
#define BOARD_CONFIG_SIZE 0x00004000u
#define BOARD_STORE_SECTOR_SIZE 0x4000u
#define BOARD_STORE_SECTORS 6u
#define BOARD_STORE_ADDRS {0x08008000u, 0x0800C000u, 0x08100000u, 0x08104000u, 0x08108000u, 0x0810C000u}
/* FLASH_CR.SNB of each (RM0090 3.9.7: sectors 12.. are 0b10000 + n - 12). */
#define BOARD_STORE_SNBS {2u, 3u, 0x10u, 0x11u, 0x12u, 0x13u}

/* Independent watchdog on the LSI (32 kHz nominal, 17-47 kHz, DS9405
 * 6.3.8): / 64, reload 4000 = 8 s nominal, 5.4 s at the fastest LSI. A
 * superloop pass that takes longer resets the board; the longest
 * legitimate one is a 16 KB sector erase (at most 2 s, DS9405 6.3.13). */
#define BOARD_IWDG_PRESCALER 4u /* PR 4: / 64 */
#define BOARD_IWDG_RELOAD 4000u

#endif
