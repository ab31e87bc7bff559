/* Host fakes of the board services the request path touches, for the
 * host benchmark (tests/bench/host_request.c). Deterministic on purpose:
 * a fixed uptime (the clock, hence the Date header, never moves) and a
 * fixed entropy stream (the same request ids in every run), so that two
 * runs execute exactly the same instructions. */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>

#include "app_err.h"
#include "hal_console.h"
#include "hal_board.h"
#include "hal_rng.h"
#include "hal_time.h"

uint32_t hal_time_ms(void)
{
    return 1000u; /* one second after boot, forever */
}

uint32_t hal_time_cycles(void)
{
    return 0u; /* callgrind counts instructions itself */
}

/* splitmix64 (Steele, Lea, Flood 2014): a fixed, well-mixed stream. Not
 * entropy, and not meant to be: the bench must repeat exactly. */
const char *hal_board_reset_cause(void)
{
    return "power-on";
}

/* mbedTLS's heap corrupted (tls_port.c, heap_corrupt): a test fails loudly. */
void hal_board_reset(void)
{
    abort();
}

/* A test double: deterministic, and declared a TRNG so that util/rng
 * seeds without an NV seed (the firmware on QEMU says 0). */
int hal_rng_is_trng(void)
{
    return 1;
}

int hal_rng_fill(void *buf, size_t len)
{
    static uint64_t s_state = 0x243F6A8885A308D3u;
    uint8_t *p = buf;
    while (len > 0u) {
        uint64_t z = (s_state += 0x9E3779B97F4A7C15u);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
        z ^= z >> 31;
        for (int i = 0; i < 8 && len > 0u; i++, len--) {
            *p++ = (uint8_t)(z >> (8 * i));
        }
    }
    return APP_OK;
}

void hal_console_write(const char *data, size_t len)
{
    (void)fwrite(data, 1, len, stderr);
}

/* hal_console_tx_*: tests/unit/fake_console_tx.c. */
