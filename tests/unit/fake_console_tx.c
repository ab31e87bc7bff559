/* The interrupt-driven console of hal_console.h for host builds (unit
 * tests, fuzz harnesses, the host bench): the host sends at once, so a
 * kick drains the source through the fake's hal_console_write(). Shared
 * by fake_server_hal.c, fake_hal_board.c and tests/bench/fake_hal.c. */
#include <stddef.h>

#include "hal_console.h"

static hal_console_next_fn s_tx_next;

void hal_console_tx_attach(hal_console_next_fn next)
{
    s_tx_next = next;
}

void hal_console_tx_kick(void)
{
    const char *p;
    for (size_t n = s_tx_next != NULL ? s_tx_next(0, &p) : 0u; n > 0u; n = s_tx_next(n, &p)) {
        hal_console_write(p, n);
    }
}

void hal_console_tx_flush(void)
{
    hal_console_tx_kick();
}
