/* ARM CMSDK APB UART registers (Cortex-M System Design Kit TRM, ARM DDI
 * 0479B, section 4.3). */
#ifndef CMSDK_UART_REGS_H
#define CMSDK_UART_REGS_H

#define CMSDK_UART_DATA    0x00u
#define CMSDK_UART_STATE   0x04u
#define CMSDK_UART_CTRL    0x08u
#define CMSDK_UART_BAUDDIV 0x10u

#define CMSDK_UART_STATE_TXFULL (1u << 0)
#define CMSDK_UART_CTRL_TXEN (1u << 0)
#define CMSDK_UART_CTRL_RXEN (1u << 1)

#endif
