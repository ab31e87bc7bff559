/* Host fakes of the board services that http_server.c and the request path
 * under it touch: a clock the test moves by hand, a fixed entropy stream
 * (splitmix64, as in tests/bench/fake_hal.c), and a console that keeps the
 * last line instead of printing (set FAKE_HAL_ECHO=1 to see the log). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_err.h"
#include "fake_transport.h"
#include "hal_console.h"
#include "hal_board.h"
#include "hal_rng.h"
#include "hal_time.h"

static uint32_t s_ms;
static unsigned s_lines;
static char s_last[512];

void fake_hal_set_ms(uint32_t ms)
{
    s_ms = ms;
}

void fake_hal_advance_ms(uint32_t ms)
{
    s_ms += ms;
}

uint32_t fake_hal_ms(void)
{
    return s_ms;
}

unsigned fake_hal_console_lines(void)
{
    return s_lines;
}

const char *fake_hal_console_last(void)
{
    return s_last;
}

uint32_t hal_time_ms(void)
{
    return s_ms;
}

uint32_t hal_time_cycles(void)
{
    return s_ms * 1000u;
}

uint32_t hal_time_cycle_hz(void)
{
    return 1000000u;
}

/* splitmix64 (Steele, Lea, Flood 2014): not entropy, and not meant to be. */
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
    static int s_echo = -1;
    if (s_echo < 0) {
        const char *e = getenv("FAKE_HAL_ECHO");
        s_echo = e != NULL && e[0] == '1';
    }
    if (s_echo) {
        (void)fwrite(data, 1, len, stderr);
    }
    size_t n = len < sizeof(s_last) - 1u ? len : sizeof(s_last) - 1u;
    memcpy(s_last, data, n);
    s_last[n] = '\0';
    s_lines++;
}

/* hal_console_tx_*: tests/unit/fake_console_tx.c. */
