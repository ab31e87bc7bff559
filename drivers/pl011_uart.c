/* ARM PL011 UART transmit (ARM DDI 0183, 3.3; DS-LM3S6965 "UART"): polled,
 * and interrupt-driven with the TX FIFO: the TX interrupt is raised when
 * the FIFO drains to its IFLS level and stays raised until the FIFO is
 * filled past it again or UARTICR clears it. */
#include "pl011_uart.h"

#include "pl011_regs.h"
#include "uart_tx.h"

/* At 115200 baud one byte takes ~87 us; only matters if TX hangs. */
#define PL011_POLL_LIMIT 100000u

static int tx_full(uintptr_t base)
{
    return (PL011_RD(base, PL011_FR) & PL011_FR_TXFF) != 0u;
}

void pl011_init(uintptr_t base, uint32_t clk_hz, uint32_t baud)
{
    /* Divisor = clk / (16 * baud) as integer and 1/64ths, rounded (DS
     * "Baud-Rate Generation"). */
    uint32_t div64 = (clk_hz * 4u + baud / 2u) / baud; /* 64 * clk / (16 * baud) */
    PL011_WR(base, PL011_CTL, 0);
    PL011_WR(base, PL011_IBRD, div64 / 64u);
    PL011_WR(base, PL011_FBRD, div64 % 64u);
    PL011_WR(base, PL011_LCRH, PL011_LCRH_WLEN8 | PL011_LCRH_FEN); /* after the divisors */
    PL011_WR(base, PL011_IFLS, PL011_IFLS_TX_1_8);
    PL011_WR(base, PL011_IM, 0);
    PL011_WR(base, PL011_ICR, PL011_INT_TX);
    PL011_WR(base, PL011_CTL, PL011_CTL_UARTEN | PL011_CTL_TXE | PL011_CTL_RXE);
}

void pl011_write(uintptr_t base, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        for (uint32_t n = 0; n < PL011_POLL_LIMIT && tx_full(base); n++) {
        }
        PL011_WR(base, PL011_DR, (uint8_t)data[i]);
    }
}

static int tx_room(uintptr_t base)
{
    return !tx_full(base);
}

static void tx_put(uintptr_t base, uint8_t byte)
{
    PL011_WR(base, PL011_DR, byte);
}

/* Bytes from next while the FIFO has room (1: the source ran dry). */
static int pump(uintptr_t base, pl011_next_fn next)
{
    return uart_tx_pump(base, next, tx_room, tx_put);
}

static void tx_int(uintptr_t base, int on)
{
    PL011_WR(base, PL011_IM, on ? PL011_INT_TX : 0u);
}

void pl011_tx_start(uintptr_t base, pl011_next_fn next)
{
    if ((PL011_RD(base, PL011_IM) & PL011_INT_TX) != 0u) {
        return; /* running: the FIFO draining raises the interrupt */
    }
    if (pump(base, next)) {
        PL011_WR(base, PL011_ICR, PL011_INT_TX);
        return; /* all of it fit */
    }
    tx_int(base, 1);
}

void pl011_tx_isr(uintptr_t base, pl011_next_fn next)
{
    PL011_WR(base, PL011_ICR, PL011_INT_TX);
    if (pump(base, next)) {
        tx_int(base, 0);
        PL011_WR(base, PL011_ICR, PL011_INT_TX);
    }
}

void pl011_tx_drain(uintptr_t base, pl011_next_fn next)
{
    tx_int(base, 0);
    PL011_WR(base, PL011_ICR, PL011_INT_TX);
    uart_tx_drain(base, next, pl011_write);
}
