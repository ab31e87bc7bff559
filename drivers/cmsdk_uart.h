/* ARM CMSDK APB UART: polled transmit for the console. */
#ifndef CMSDK_UART_H
#define CMSDK_UART_H

#include <stddef.h>
#include <stdint.h>

/* Enable TX at baud for a UART at base clocked at pclk_hz. */
void cmsdk_uart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud);

/* Write len bytes, waiting (bounded) for room before each. */
void cmsdk_uart_write(uintptr_t base, const char *data, size_t len);

#endif
