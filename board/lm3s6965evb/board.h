/* TI (Luminary Micro) EK-LM3S6965: the LM3S6965 Cortex-M3 with 256 KB of
 * flash, 64 KB of SRAM and an Ethernet MAC with its PHY on chip; QEMU's
 * -M lm3s6965evb. Every address and interrupt number of the board lives
 * here (DS-LM3S6965 "Memory Map" and "Interrupts" tables). */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#define BOARD_NAME "lm3s6965evb"

/* 8 MHz crystal, PLL 400 MHz / 2 / SYSDIV 4: 50 MHz, the part's maximum
 * (DS "Clock Control"); the flash needs no wait states at 50 MHz. */
#define BOARD_SYSCLK_HZ 50000000u
#define BOARD_SYSCTL_BASE 0x400FE000u
#define BOARD_GPIOA_BASE 0x40004000u /* PA0/PA1: U0RX/U0TX */

#define BOARD_UART0_BASE 0x4000C000u
#define BOARD_CONSOLE_BAUD 115200u
#define BOARD_UART0_IRQ 5u
/* NVIC priority (top 3 bits on the LM3S6965): the console's TX interrupt
 * below SysTick and the MAC (both 0), which may preempt it. */
#define BOARD_UART0_PRIO 0xE0u

#define BOARD_ETH_BASE 0x40048000u
#define BOARD_ETH_IRQ 42u

/* Configuration partition: the last 64 KB of the 256 KB flash; the image
 * below it (linker/lm3s6965evb.ld). tools/qemu-run loads the packed
 * config here. */
#define BOARD_CONFIG_ADDR 0x00030000u
#define BOARD_CONFIG_SIZE 0x00010000u

/* Store area (hal_flash): a host file through semihosting, shaped like a
 * small SPI NOR (4 KiB sectors, 4-byte program unit), as on mps2-an385
 * (drivers/semihost_flash.c). The chip's own flash is 1 KB pages: too
 * small to also hold the store beside the image. */
#define BOARD_FLASH_SECTOR_SIZE 4096u
#define BOARD_FLASH_PROGRAM_UNIT 4u

/* No TRNG on the LM3S6965: hal_rng (drivers/seed_rng.c) is seeded from the 32 bytes at the
 * start of SRAM that tools/qemu-run fills from the host at every start
 * (README "Entropy"). */

#endif
