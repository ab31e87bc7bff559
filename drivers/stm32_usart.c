/* STM32F4 USART transmit (RM0090 30.3.2, 30.6): one data register, TXE set
 * while it is empty; with TXEIE the interrupt stays raised until a byte
 * is written or TXEIE is cleared. */
#include "stm32_usart.h"

#include "uart_tx.h"

#ifdef STM32_USART_FAKE_REGS
uint32_t stm32_usart_fake_read(uintptr_t base, uint32_t off);
void stm32_usart_fake_write(uintptr_t base, uint32_t off, uint32_t val);
#define RD(base, off) stm32_usart_fake_read((base), (off))
#define WR(base, off, v) stm32_usart_fake_write((base), (off), (v))
#else
#define RD(base, off) (*(volatile uint32_t *)((base) + (off)))
#define WR(base, off, v) (*(volatile uint32_t *)((base) + (off)) = (v))
#endif

#define USART_SR 0x00u
#define USART_DR 0x04u
#define USART_BRR 0x08u
#define USART_CR1 0x0Cu
#define USART_SR_TXE (1u << 7)
#define USART_CR1_UE (1u << 13)
#define USART_CR1_TXEIE (1u << 7)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_RE (1u << 2)

/* At 115200 baud one byte takes ~87 us; only matters if TX hangs. */
#define USART_POLL_LIMIT 200000u

static int tx_empty(uintptr_t base)
{
    return (RD(base, USART_SR) & USART_SR_TXE) != 0u;
}

void stm32_usart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud)
{
    /* BRR = USARTDIV * 16 = pclk / baud with OVER8 0 (RM0090 30.3.4),
     * rounded: 45 MHz / 115200 gives 391, 115,089 baud (0.1 % slow). */
    WR(base, USART_CR1, 0);
    WR(base, USART_BRR, (pclk_hz + baud / 2u) / baud);
    WR(base, USART_CR1, USART_CR1_UE | USART_CR1_TE | USART_CR1_RE);
}

void stm32_usart_write(uintptr_t base, const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        for (uint32_t n = 0; n < USART_POLL_LIMIT && !tx_empty(base); n++) {
        }
        WR(base, USART_DR, (uint8_t)data[i]);
    }
}

static void tx_put(uintptr_t base, uint8_t byte)
{
    WR(base, USART_DR, byte);
}

/* Bytes from next while the data register is empty (1: the source ran
 * dry). */
static int pump(uintptr_t base, stm32_usart_next_fn next)
{
    return uart_tx_pump(base, next, tx_empty, tx_put);
}

static void txe_int(uintptr_t base, int on)
{
    uint32_t cr1 = RD(base, USART_CR1);
    WR(base, USART_CR1, on ? cr1 | USART_CR1_TXEIE : cr1 & ~USART_CR1_TXEIE);
}

void stm32_usart_tx_start(uintptr_t base, stm32_usart_next_fn next)
{
    if ((RD(base, USART_CR1) & USART_CR1_TXEIE) != 0u) {
        return; /* running: the register emptying raises the interrupt */
    }
    if (!pump(base, next)) {
        txe_int(base, 1);
    }
}

void stm32_usart_tx_isr(uintptr_t base, stm32_usart_next_fn next)
{
    if (pump(base, next)) {
        txe_int(base, 0);
    }
}

void stm32_usart_tx_drain(uintptr_t base, stm32_usart_next_fn next)
{
    txe_int(base, 0);
    uart_tx_drain(base, next, stm32_usart_write);
}
