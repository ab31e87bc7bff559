/* ARM CMSDK APB UART (ARM DDI 0479B, 4.3): polled and interrupt-driven
 * transmit. The TX interrupt is raised when the transmit buffer goes from
 * full to not full while CTRL.TXINTEN is set, and stays raised until
 * INTCLEAR is written (QEMU's hw/char/cmsdk-apb-uart.c models exactly
 * that): enabling TXINTEN on an idle transmitter raises nothing, so TX is
 * started by writing a first byte. */
#include "cmsdk_uart.h"

#include "cmsdk_uart_regs.h"
#include "uart_tx.h"

/* At 115200 baud one byte takes ~87 us; this bound is far above that at
 * any core clock the CMSDK runs at, and only matters if TX hangs. */
#define CMSDK_UART_POLL_LIMIT 100000u

static int tx_full(uintptr_t base)
{
    return (CMSDK_UART_RD(base, CMSDK_UART_STATE) & CMSDK_UART_STATE_TXFULL) != 0u;
}

static void tx_int(uintptr_t base, int on)
{
    uint32_t ctrl = CMSDK_UART_RD(base, CMSDK_UART_CTRL);
    ctrl = on ? ctrl | CMSDK_UART_CTRL_TXINTEN : ctrl & ~CMSDK_UART_CTRL_TXINTEN;
    CMSDK_UART_WR(base, CMSDK_UART_CTRL, ctrl);
}

void cmsdk_uart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud)
{
    uint32_t div = pclk_hz / baud;
    /* BAUDDIV must be at least 16 (TRM 4.3). */
    CMSDK_UART_WR(base, CMSDK_UART_BAUDDIV, div < 16u ? 16u : div);
    CMSDK_UART_WR(base, CMSDK_UART_CTRL, CMSDK_UART_CTRL_TXEN);
    CMSDK_UART_WR(base, CMSDK_UART_INTSTATUS, CMSDK_UART_INT_TX);
}

void cmsdk_uart_write(uintptr_t base, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        for (uint32_t n = 0; n < CMSDK_UART_POLL_LIMIT && tx_full(base); n++) {
        }
        CMSDK_UART_WR(base, CMSDK_UART_DATA, (uint8_t)data[i]);
    }
}

static int tx_room(uintptr_t base)
{
    return !tx_full(base);
}

static void tx_put(uintptr_t base, uint8_t byte)
{
    CMSDK_UART_WR(base, CMSDK_UART_DATA, byte);
}

/* Bytes from next while the transmitter has room (1: the source ran dry). */
static int pump(uintptr_t base, cmsdk_uart_next_fn next)
{
    return uart_tx_pump(base, next, tx_room, tx_put);
}

void cmsdk_uart_tx_start(uintptr_t base, cmsdk_uart_next_fn next)
{
    if ((CMSDK_UART_RD(base, CMSDK_UART_CTRL) & CMSDK_UART_CTRL_TXINTEN) != 0u) {
        return; /* running: the byte in flight will raise the interrupt */
    }
    /* TXINTEN before the first byte, so that its completion raises the
     * interrupt. */
    tx_int(base, 1);
    if (!tx_full(base) && pump(base, next)) {
        tx_int(base, 0);
        /* The last byte's completion may have raised it already. */
        CMSDK_UART_WR(base, CMSDK_UART_INTSTATUS, CMSDK_UART_INT_TX);
    }
}

void cmsdk_uart_tx_isr(uintptr_t base, cmsdk_uart_next_fn next)
{
    /* Acknowledge first: a byte finishing while we fill raises it again. */
    CMSDK_UART_WR(base, CMSDK_UART_INTSTATUS, CMSDK_UART_INT_TX);
    if (pump(base, next)) {
        tx_int(base, 0);
        /* The last byte's completion may have raised it again. */
        CMSDK_UART_WR(base, CMSDK_UART_INTSTATUS, CMSDK_UART_INT_TX);
    }
}

void cmsdk_uart_tx_drain(uintptr_t base, cmsdk_uart_next_fn next)
{
    tx_int(base, 0);
    CMSDK_UART_WR(base, CMSDK_UART_INTSTATUS, CMSDK_UART_INT_TX);
    uart_tx_drain(base, next, cmsdk_uart_write);
}
