/* ARM CMSDK APB UART: console transmit, polled (boot, faults) or driven
 * by the TX interrupt from a byte source the caller provides. */
#ifndef CMSDK_UART_H
#define CMSDK_UART_H

#include <stddef.h>
#include <stdint.h>

/* The byte source: drop the first `taken` bytes of the run returned last,
 * then the next run (*p, length; 0: none). Runs, not bytes, so that a
 * chunk costs one call (hal_console_next_fn has the same shape). */
typedef size_t (*cmsdk_uart_next_fn)(size_t taken, const char **p);

/* Enable TX at baud for a UART at base clocked at pclk_hz; TX interrupt off. */
void cmsdk_uart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud);

/* Write len bytes, waiting (bounded) for room before each. */
void cmsdk_uart_write(uintptr_t base, const char *data, size_t len);

/* Start interrupt-driven TX if it is not running: enable TXINTEN, then
 * hand the transmitter bytes from next while it has room. Never waits.
 * Call with the UART's interrupt masked. */
void cmsdk_uart_tx_start(uintptr_t base, cmsdk_uart_next_fn next);

/* The TX interrupt handler's body: acknowledge the TX interrupt, write
 * bytes from next while the transmitter is not full, and disable TXINTEN
 * once next has nothing more. */
void cmsdk_uart_tx_isr(uintptr_t base, cmsdk_uart_next_fn next);

/* Stop interrupt-driven TX and write everything next still holds with
 * cmsdk_uart_write's bounded waits (fault and panic paths). */
void cmsdk_uart_tx_drain(uintptr_t base, cmsdk_uart_next_fn next);

#endif
