/* STM32F4 USART (RM0090 section 30) as the console: 8N1 transmit, polled
 * (boot, faults) or driven by the TXE interrupt from a source of runs. */
#ifndef STM32_USART_H
#define STM32_USART_H

#include <stddef.h>
#include <stdint.h>

/* The same shape as hal_console_next_fn. */
typedef size_t (*stm32_usart_next_fn)(size_t taken, const char **p);

/* 8N1 at baud from the USART's bus clock pclk_hz, oversampling by 16. */
void stm32_usart_init(uintptr_t base, uint32_t pclk_hz, uint32_t baud);

/* Write len bytes, waiting (bounded) for the data register before each. */
void stm32_usart_write(uintptr_t base, const char *data, size_t len);

/* Start interrupt-driven TX from next if it is not running. */
void stm32_usart_tx_start(uintptr_t base, stm32_usart_next_fn next);

/* USART interrupt body: refill, stop the TXE interrupt when next runs dry. */
void stm32_usart_tx_isr(uintptr_t base, stm32_usart_next_fn next);

/* Stop interrupt TX and send what next still holds, polled (faults). */
void stm32_usart_tx_drain(uintptr_t base, stm32_usart_next_fn next);

#endif
