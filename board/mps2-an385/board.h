/* ARM MPS2 with the AN385 FPGA image (Cortex-M3), as QEMU models it.
 * Every address and interrupt number of the board lives here (AN385
 * application note, "Memory map" and "Interrupt map"). */
#ifndef BOARD_H
#define BOARD_H

#include <stdint.h>

#define BOARD_NAME "mps2-an385"

#define BOARD_SYSCLK_HZ 25000000u     /* AN385: 25 MHz system clock */

#define BOARD_TIMER0_BASE 0x40000000u /* CMSDK APB timer 0: profiling counter */
#define BOARD_UART0_BASE 0x40004000u  /* CMSDK APB UART0: the console */
#define BOARD_CONSOLE_BAUD 115200u
/* AN385 interrupt map: UART0 RX 0, TX 1 (QEMU hw/arm/mps2.c wires the
 * same); the overrun interrupts share 12, unused. */
#define BOARD_UART0_TX_IRQ 1u
/* NVIC priority (top 3 bits on the AN385): the console's TX interrupt
 * below SysTick and the NIC (both 0), which may preempt it. */
#define BOARD_UART0_TX_PRIO 0xE0u

#define BOARD_ETH_BASE 0x40200000u    /* LAN9220 (LAN9118-compatible) */
#define BOARD_ETH_IRQ 13u             /* AN385 interrupt map: Ethernet */

/* Configuration partition: the last 256 KB of the 4 MB code SSRAM (flash
 * on a real part). tools/qemu-run loads the packed config here. */
#define BOARD_CONFIG_ADDR 0x003C0000u
#define BOARD_CONFIG_SIZE 0x00040000u

/* Store area (hal_flash): a host file through semihosting, shaped like a
 * small SPI NOR (4 KiB sectors, 4-byte program unit); its size is the
 * file's (tools/qemu-run --flash-size). See board_flash.c. */
#define BOARD_FLASH_SECTOR_SIZE 4096u
#define BOARD_FLASH_PROGRAM_UNIT 4u

/* No TRNG on this board: hal_rng (drivers/seed_rng.c) is seeded from the
 * .seed area, which tools/qemu-run fills from the host's random source at
 * every start (QEMU -device loader). See README "Entropy". */

#endif
