/* Host test of drivers/cmsdk_uart.c against a model of the UART's TX side
 * as QEMU's hw/char/cmsdk-apb-uart.c has it: a one-byte buffer (TXFULL);
 * a byte either leaves at once (the backend took it) or stays until the
 * test lets it go (a stalled backend, a slow line); the TX interrupt
 * (INTSTATUS.TX) is raised when TXFULL goes from set to clear with
 * CTRL.TXINTEN set, and cleared by writing 1 to INTSTATUS; a DATA write
 * while TXFULL is an overrun. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cmsdk_uart.h"
#include "cmsdk_uart_regs.h"

#define BASE ((uintptr_t)0x40004000u)

static struct {
    uint32_t ctrl, state, intstatus, bauddiv;
    int stalled;       /* bytes stay in the buffer until released */
    uint8_t txbuf;
    unsigned overruns;
    unsigned state_reads;
    char out[4096];    /* what went out on the line */
    size_t out_len;
} s_u;

/* The byte source (the log ring on the target). */
static const char *s_src;
static size_t s_src_len, s_src_pos;

/* cmsdk_uart_next_fn: the run after s_src_pos, once taken bytes went. */
static size_t next(size_t taken, const char **p)
{
    s_src_pos += taken;
    assert_true(s_src_pos <= s_src_len);
    *p = s_src + s_src_pos;
    return s_src_len - s_src_pos;
}

static void source(const char *s)
{
    s_src = s;
    s_src_len = strlen(s);
    s_src_pos = 0;
}

/* The backend took the byte in the buffer (QEMU: uart_transmit). */
static void line_takes(void)
{
    assert_true(s_u.state & CMSDK_UART_STATE_TXFULL);
    s_u.out[s_u.out_len++] = (char)s_u.txbuf;
    s_u.state &= ~CMSDK_UART_STATE_TXFULL;
    if (s_u.ctrl & CMSDK_UART_CTRL_TXINTEN) {
        s_u.intstatus |= CMSDK_UART_INT_TX;
    }
}

uint32_t cmsdk_uart_fake_read(uintptr_t base, uint32_t off)
{
    assert_true(base == BASE);
    switch (off) {
    case CMSDK_UART_STATE:
        s_u.state_reads++;
        return s_u.state;
    case CMSDK_UART_CTRL:
        return s_u.ctrl;
    case CMSDK_UART_INTSTATUS:
        return s_u.intstatus;
    case CMSDK_UART_BAUDDIV:
        return s_u.bauddiv;
    default:
        fail_msg("read of offset 0x%x", (unsigned)off);
        return 0;
    }
}

void cmsdk_uart_fake_write(uintptr_t base, uint32_t off, uint32_t val)
{
    assert_true(base == BASE);
    switch (off) {
    case CMSDK_UART_DATA:
        assert_true(s_u.ctrl & CMSDK_UART_CTRL_TXEN);
        if (s_u.state & CMSDK_UART_STATE_TXFULL) {
            s_u.overruns++;
            return;
        }
        s_u.txbuf = (uint8_t)val;
        s_u.state |= CMSDK_UART_STATE_TXFULL;
        if (!s_u.stalled) {
            line_takes();
        }
        break;
    case CMSDK_UART_CTRL:
        s_u.ctrl = val & 0x7Fu;
        break;
    case CMSDK_UART_INTSTATUS:
        s_u.intstatus &= ~val;
        break;
    case CMSDK_UART_BAUDDIV:
        s_u.bauddiv = val;
        break;
    default:
        fail_msg("write of offset 0x%x", (unsigned)off);
    }
}

/* The NVIC: run the handler while the TX interrupt line is high. */
static unsigned run_irq(void)
{
    unsigned n = 0;
    while (s_u.intstatus & CMSDK_UART_INT_TX) {
        cmsdk_uart_tx_isr(BASE, next);
        assert_true(++n < 10000u);
    }
    return n;
}

static int setup(void **state)
{
    (void)state;
    memset(&s_u, 0, sizeof(s_u));
    source("");
    cmsdk_uart_init(BASE, 25000000u, 115200u);
    return 0;
}

static void expect_out(const char *want)
{
    assert_int_equal(s_u.out_len, strlen(want));
    assert_memory_equal(s_u.out, want, s_u.out_len);
    assert_int_equal(s_u.overruns, 0);
}

static void test_init(void **state)
{
    (void)state;
    assert_int_equal(s_u.bauddiv, 25000000u / 115200u);
    assert_int_equal(s_u.ctrl, CMSDK_UART_CTRL_TXEN);
    cmsdk_uart_init(BASE, 1000000u, 115200u);
    assert_int_equal(s_u.bauddiv, 16); /* TRM minimum */
}

static void test_start_with_nothing(void **state)
{
    (void)state;
    cmsdk_uart_tx_start(BASE, next);
    assert_int_equal(s_u.ctrl & CMSDK_UART_CTRL_TXINTEN, 0);
    assert_int_equal(run_irq(), 0);
    expect_out("");
}

/* QEMU's backend takes every byte at once: start moves the whole chunk,
 * and TXINTEN ends off with no interrupt left pending. */
static void test_fast_line_at_start(void **state)
{
    (void)state;
    source("hello, log\r\n");
    cmsdk_uart_tx_start(BASE, next);
    expect_out("hello, log\r\n");
    assert_int_equal(s_src_pos, 12);
    assert_int_equal(run_irq(), 0);
    assert_int_equal(s_u.ctrl & CMSDK_UART_CTRL_TXINTEN, 0);
    assert_int_equal(s_u.intstatus, 0);
    /* And again from idle. */
    source("more\r\n");
    cmsdk_uart_tx_start(BASE, next);
    run_irq();
    expect_out("hello, log\r\nmore\r\n");
}

/* A stalled or slow line: one byte in flight at a time, never an
 * overrun, a second start while running does nothing, each completion
 * moves the next byte, and the interrupt goes off with the last one. */
static void test_slow_line(void **state)
{
    (void)state;
    s_u.stalled = 1;
    source("abc");
    cmsdk_uart_tx_start(BASE, next);
    assert_int_equal(s_src_pos, 1);
    cmsdk_uart_tx_start(BASE, next); /* running: no second byte */
    assert_int_equal(s_src_pos, 1);
    assert_int_equal(run_irq(), 0);
    for (int i = 0; i < 2; i++) {
        line_takes();
        assert_int_equal(run_irq(), 1);
    }
    /* 'c' went with the source then dry: TXINTEN went off at once, and
     * its completion raises nothing. */
    assert_int_equal(s_src_pos, 3);
    assert_int_equal(s_u.ctrl & CMSDK_UART_CTRL_TXINTEN, 0);
    line_takes();
    assert_int_equal(run_irq(), 0);
    expect_out("abc");
    assert_int_equal(s_u.ctrl & CMSDK_UART_CTRL_TXINTEN, 0);
    assert_false(s_u.state & CMSDK_UART_STATE_TXFULL);
}

/* Started while the last byte of the previous burst is still in the
 * buffer (TXINTEN already off): no overrun, the completion continues. */
static void test_start_while_busy(void **state)
{
    (void)state;
    s_u.stalled = 1;
    source("x");
    cmsdk_uart_tx_start(BASE, next);
    line_takes();
    run_irq(); /* source empty: TXINTEN off */
    source("yz");
    s_u.state |= CMSDK_UART_STATE_TXFULL; /* pretend: still sending */
    s_u.txbuf = 'x';
    s_u.out_len = 0;
    cmsdk_uart_tx_start(BASE, next);
    assert_int_equal(s_src_pos, 0);
    assert_true(s_u.ctrl & CMSDK_UART_CTRL_TXINTEN);
    line_takes();
    run_irq();
    line_takes();
    run_irq();
    line_takes();
    run_irq();
    expect_out("xyz");
}

/* The fault path: TX interrupt off, every pending byte written in order
 * with the polled path (the line here is fast). */
static void test_drain(void **state)
{
    (void)state;
    s_u.stalled = 1;
    source("pending\r\n");
    cmsdk_uart_tx_start(BASE, next);
    s_u.stalled = 0;
    line_takes();
    s_u.intstatus = CMSDK_UART_INT_TX;
    cmsdk_uart_tx_drain(BASE, next);
    assert_int_equal(s_u.ctrl & CMSDK_UART_CTRL_TXINTEN, 0);
    assert_int_equal(s_u.intstatus, 0);
    expect_out("pending\r\n");
    cmsdk_uart_write(BASE, "FAULT\r\n", 7);
    expect_out("pending\r\nFAULT\r\n");
}

/* A transmitter that never empties: the polled write gives up after its
 * bound instead of hanging (bytes are lost, as hal_console.h says). */
static void test_write_bounded(void **state)
{
    (void)state;
    s_u.stalled = 1;
    cmsdk_uart_write(BASE, "ab", 2);
    assert_int_equal(s_u.out_len, 0);
    assert_true(s_u.state_reads >= 100000u && s_u.state_reads <= 200002u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init, setup),
        cmocka_unit_test_setup(test_start_with_nothing, setup),
        cmocka_unit_test_setup(test_fast_line_at_start, setup),
        cmocka_unit_test_setup(test_slow_line, setup),
        cmocka_unit_test_setup(test_start_while_busy, setup),
        cmocka_unit_test_setup(test_drain, setup),
        cmocka_unit_test_setup(test_write_bounded, setup),
    };
    return cmocka_run_group_tests_name("cmsdk_uart", tests, NULL, NULL);
}
