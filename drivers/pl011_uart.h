/* ARM PL011 UART (the Stellaris LM3S6965's UARTs): console transmit, polled
 * (boot, faults) or driven by the TX interrupt from a source of runs. */
#ifndef PL011_UART_H
#define PL011_UART_H

#include <stddef.h>
#include <stdint.h>

/* Hands out what to send: called with how many bytes of the last run were
 * taken, it gives the next run (*p, length; 0: none). The same shape as
 * hal_console_next_fn. */
typedef size_t (*pl011_next_fn)(size_t taken, const char **p);

/* 8N1 at baud from a UART clock of clk_hz, FIFOs on, TX and RX enabled. */
void pl011_init(uintptr_t base, uint32_t clk_hz, uint32_t baud);

/* Write len bytes, waiting (bounded) for room before each. */
void pl011_write(uintptr_t base, const char *data, size_t len);

/* Start interrupt-driven TX from next if it is not running. */
void pl011_tx_start(uintptr_t base, pl011_next_fn next);

/* TX interrupt body: refill the FIFO, stop when next runs dry. */
void pl011_tx_isr(uintptr_t base, pl011_next_fn next);

/* Stop interrupt TX and send what next still holds, polled (faults). */
void pl011_tx_drain(uintptr_t base, pl011_next_fn next);

#endif
