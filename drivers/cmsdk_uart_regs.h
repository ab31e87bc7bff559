/* ARM CMSDK APB UART registers (Cortex-M System Design Kit TRM, ARM DDI
 * 0479B, section 4.3). The driver reaches them through CMSDK_UART_RD/WR;
 * a host unit test defines CMSDK_UART_FAKE_REGS and provides the two
 * functions below, which model the UART. */
#ifndef CMSDK_UART_REGS_H
#define CMSDK_UART_REGS_H

#include <stdint.h>

#define CMSDK_UART_DATA      0x00u
#define CMSDK_UART_STATE     0x04u
#define CMSDK_UART_CTRL      0x08u
#define CMSDK_UART_INTSTATUS 0x0Cu /* read: INTSTATUS; write 1s: INTCLEAR */
#define CMSDK_UART_BAUDDIV   0x10u

#define CMSDK_UART_STATE_TXFULL (1u << 0)
#define CMSDK_UART_CTRL_TXEN (1u << 0)
#define CMSDK_UART_CTRL_RXEN (1u << 1)
#define CMSDK_UART_CTRL_TXINTEN (1u << 2)
#define CMSDK_UART_INT_TX (1u << 0)

#ifdef CMSDK_UART_FAKE_REGS
uint32_t cmsdk_uart_fake_read(uintptr_t base, uint32_t off);
void cmsdk_uart_fake_write(uintptr_t base, uint32_t off, uint32_t val);
#define CMSDK_UART_RD(base, off) cmsdk_uart_fake_read((base), (off))
#define CMSDK_UART_WR(base, off, v) cmsdk_uart_fake_write((base), (off), (v))
#else
#define CMSDK_UART_RD(base, off) (*(volatile uint32_t *)((base) + (off)))
#define CMSDK_UART_WR(base, off, v) (*(volatile uint32_t *)((base) + (off)) = (v))
#endif

#endif
