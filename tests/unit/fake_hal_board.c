/* Board service fakes for host tests. hal_board_reset() is what an lwIP
 * assert ends in (lwip_port.c): it fails the running test. */
#include "fake_hal_board.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "hal_board.h"
#include "hal_console.h"
#include "hal_rng.h"
#include "hal_time.h"

static uint32_t s_ms;
static uint32_t s_rng = 0x12345678u;
static uint32_t s_irq_key;
static char s_console[4096];
static size_t s_console_len;

void fake_hal_board_reset(void)
{
    s_ms = 0;
    s_rng = 0x12345678u;
    s_console_len = 0;
    s_console[0] = '\0';
}

void fake_hal_board_set_ms(uint32_t ms) { s_ms = ms; }
void fake_hal_board_advance_ms(uint32_t ms) { s_ms += ms; }
const char *fake_hal_board_console(void) { return s_console; }

uint32_t hal_time_ms(void) { return s_ms; }

int hal_rng_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        s_rng ^= s_rng << 13;
        s_rng ^= s_rng >> 17;
        s_rng ^= s_rng << 5;
        p[i] = (uint8_t)s_rng;
    }
    return APP_OK;
}

void hal_console_write(const char *data, size_t len)
{
    size_t room = sizeof(s_console) - 1u - s_console_len;
    size_t n = len < room ? len : room;
    memcpy(s_console + s_console_len, data, n);
    s_console_len += n;
    s_console[s_console_len] = '\0';
    /* Show it too: an lwIP assert explains itself through the log. */
    fwrite(data, 1, len, stdout);
    fflush(stdout);
}

void hal_board_init(void) {}
const char *hal_board_name(void) { return "host"; }

uint32_t hal_board_irq_save(void)
{
    return s_irq_key++;
}

void hal_board_irq_restore(uint32_t key) { (void)key; }
void hal_board_sleep(void) {}
uint32_t hal_board_stack_peak(void) { return 0; }

void hal_board_reset(void)
{
    fail_msg("hal_board_reset() called (lwIP assert?): %s", s_console);
    abort();  /* not reached: fail_msg leaves the test */
}

/* hal_console_tx_*: tests/unit/fake_console_tx.c. */
