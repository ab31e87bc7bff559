/* The part of interrupt-driven console transmit every UART driver shares:
 * moving runs from a byte source (hal_console_next_fn's shape) into a
 * transmitter while it has room, and draining the source with the
 * driver's blocking write. Static inline: each driver passes its own
 * room and put functions, which the compiler inlines into its loop. */
#ifndef UART_TX_H
#define UART_TX_H

#include <stddef.h>
#include <stdint.h>

typedef size_t (*uart_tx_next_fn)(size_t taken, const char **p);

/* Bytes from next while room(base) says the transmitter takes one more;
 * the rest of a run that does not fit is handed back. Returns 1 when the
 * source ran dry, 0 when the transmitter filled first. */
static inline int uart_tx_pump(uintptr_t base, uart_tx_next_fn next, int (*room)(uintptr_t base),
                               void (*put)(uintptr_t base, uint8_t byte))
{
    size_t taken = 0;
    for (;;) {
        const char *p;
        size_t n = next(taken, &p);
        if (n == 0u) {
            return 1;
        }
        for (taken = 0; taken < n && room(base); taken++) {
            put(base, (uint8_t)p[taken]);
        }
        if (taken < n) {
            (void)next(taken, &p); /* hand back the rest of the run */
            return 0;
        }
    }
}

/* Everything next still holds, through the driver's bounded blocking
 * write (fault and panic paths). */
static inline void uart_tx_drain(uintptr_t base, uart_tx_next_fn next,
                                 void (*write)(uintptr_t base, const char *data, size_t len))
{
    const char *p;
    for (size_t n = next(0, &p); n > 0u; n = next(n, &p)) {
        write(base, p, n);
    }
}

#endif
