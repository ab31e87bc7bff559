/* Host test of drivers/stm32_usart.c (the console's transmit side)
 * against a model of the STM32F4 USART transmitter (RM0090 30.3.2): a
 * data register (TDR) in front of a shift register; a byte written while
 * the shift register is empty moves into it at once and TXE is set again,
 * so two bytes fit before TXE stays clear; the line shifts a byte out
 * either as soon as it arrives (fast), after a number of reads of USART_SR
 * (slow: time passes while the driver polls) or when the test says
 * (stalled). The TXE interrupt is pending while TXEIE and TXE are both
 * set; the test's "NVIC" runs the ISR while it is. A write to USART_DR
 * with TXE clear is an overrun (the byte is lost): the model counts it
 * and every test expects none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stm32_usart.h"

#define BASE ((uintptr_t)0x40004800u) /* USART3 */

/* RM0090 30.6 */
#define USART_SR 0x00u
#define USART_DR 0x04u
#define USART_BRR 0x08u
#define USART_CR1 0x0Cu
#define SR_TC (1u << 6)
#define SR_TXE (1u << 7)
#define CR1_RE (1u << 2)
#define CR1_TE (1u << 3)
#define CR1_TXEIE (1u << 7)
#define CR1_UE (1u << 13)

enum line { FAST, SLOW, STALLED };

/* ---- the model ----------------------------------------------------------- */

static struct {
    uint32_t sr, cr1, brr;
    bool tdr_full, shift_full;
    uint8_t tdr, shift;
    enum line line;
    unsigned reads_per_byte, reads_left; /* SLOW */
    unsigned overruns, sr_reads;
    char out[8192]; /* what went out on the line */
    size_t out_len;
} s_u;

static void update_sr(void)
{
    s_u.sr = (s_u.tdr_full ? 0u : SR_TXE) | (!s_u.tdr_full && !s_u.shift_full ? SR_TC : 0u);
}

/* TDR moves into an empty shift register (RM0090 30.3.2). */
static void load_shift(void)
{
    if (s_u.tdr_full && !s_u.shift_full) {
        s_u.shift = s_u.tdr;
        s_u.shift_full = true;
        s_u.tdr_full = false;
        s_u.reads_left = s_u.reads_per_byte;
    }
    update_sr();
}

/* The line finished the byte in the shift register. */
static bool line_sends(void)
{
    if (!s_u.shift_full) {
        return false;
    }
    assert_true(s_u.out_len < sizeof(s_u.out));
    s_u.out[s_u.out_len++] = (char)s_u.shift;
    s_u.shift_full = false;
    load_shift();
    return true;
}

uint32_t stm32_usart_fake_read(uintptr_t base, uint32_t off)
{
    assert_true(base == BASE);
    switch (off) {
    case USART_SR:
        s_u.sr_reads++;
        if (s_u.line == SLOW && s_u.shift_full) {
            if (s_u.reads_left == 0u) {
                line_sends();
            } else {
                s_u.reads_left--;
            }
        }
        return s_u.sr;
    case USART_CR1: return s_u.cr1;
    case USART_BRR: return s_u.brr;
    default:
        fail_msg("read of USART offset 0x%x", (unsigned)off);
        return 0;
    }
}

void stm32_usart_fake_write(uintptr_t base, uint32_t off, uint32_t val)
{
    assert_true(base == BASE);
    switch (off) {
    case USART_DR:
        if (!(s_u.cr1 & CR1_UE) || !(s_u.cr1 & CR1_TE)) {
            fail_msg("USART_DR written with UE/TE off (CR1 0x%x)", (unsigned)s_u.cr1);
        }
        if (s_u.tdr_full) {
            s_u.overruns++;
            return;
        }
        s_u.tdr = (uint8_t)val;
        s_u.tdr_full = true;
        load_shift();
        if (s_u.line == FAST) {
            while (line_sends()) {
            }
        }
        break;
    case USART_CR1:
        s_u.cr1 = val;
        break;
    case USART_BRR:
        if (s_u.cr1 & CR1_UE) {
            fail_msg("BRR written with the USART enabled");
        }
        s_u.brr = val;
        break;
    default:
        fail_msg("write of USART offset 0x%x", (unsigned)off);
    }
}

/* ---- the source: a ring read in runs, as hal_console_next_fn ------------- */

static const char *s_runs[8];
static size_t s_run_len[8];
static unsigned s_nruns, s_run, s_run_off;
static size_t s_last_len; /* length of the run returned last */
static unsigned s_next_calls;

/* Drops `taken` of the run returned last (no more than it had), then
 * returns what is left of it or the next run. */
static size_t next(size_t taken, const char **p)
{
    s_next_calls++;
    assert_true(taken <= s_last_len);
    s_run_off += (unsigned)taken;
    while (s_run < s_nruns && s_run_off == s_run_len[s_run]) {
        s_run++;
        s_run_off = 0;
    }
    if (s_run == s_nruns) {
        s_last_len = 0;
        *p = NULL;
        return 0;
    }
    *p = s_runs[s_run] + s_run_off;
    s_last_len = s_run_len[s_run] - s_run_off;
    return s_last_len;
}

static void source(unsigned n, const char *const *runs)
{
    s_nruns = n;
    for (unsigned i = 0; i < n; i++) {
        s_runs[i] = runs[i];
        s_run_len[i] = strlen(runs[i]);
    }
    s_run = 0;
    s_run_off = 0;
    s_last_len = 0;
}

static size_t pending(void)
{
    size_t n = 0;
    for (unsigned i = s_run; i < s_nruns; i++) {
        n += s_run_len[i] - (i == s_run ? s_run_off : 0u);
    }
    return n;
}

/* The NVIC: run the handler while TXEIE and TXE are set. */
static unsigned irqs(void)
{
    unsigned n = 0;
    while ((s_u.cr1 & CR1_TXEIE) && (s_u.sr & SR_TXE)) {
        stm32_usart_tx_isr(BASE, next);
        assert_true(++n < 10000u);
    }
    return n;
}

static void expect_out(const char *want)
{
    assert_int_equal(s_u.overruns, 0);
    if (s_u.out_len != strlen(want) || memcmp(s_u.out, want, s_u.out_len) != 0) {
        fail_msg("line carried \"%.*s\", expected \"%s\"", (int)s_u.out_len, s_u.out, want);
    }
}

static int setup(void **state)
{
    (void)state;
    memset(&s_u, 0, sizeof(s_u));
    update_sr();
    source(0, NULL);
    stm32_usart_init(BASE, 45000000u, 115200u);
    return 0;
}

/* ---- tests ------------------------------------------------------------------ */

/* BRR = pclk / baud rounded, with the USART off while it is set; then
 * UE, TE, RE (8N1: M, PCE, OVER8 clear). */
static void test_init_brr(void **state)
{
    (void)state;
    assert_int_equal(s_u.brr, 391); /* 45 MHz / 115200 = 390.6 */
    assert_int_equal(s_u.cr1, CR1_UE | CR1_TE | CR1_RE);
    stm32_usart_init(BASE, 90000000u, 115200u);
    assert_int_equal(s_u.brr, 781); /* 781.25 */
    stm32_usart_init(BASE, 16000000u, 9600u);
    assert_int_equal(s_u.brr, 1667); /* 1666.7 */
}

/* The polled write waits for TXE before each byte: in order, no overrun,
 * on a slow line too. */
static void test_polled_write(void **state)
{
    (void)state;
    stm32_usart_write(BASE, "boot\r\n", 6);
    expect_out("boot\r\n");
    s_u.line = SLOW;
    s_u.reads_per_byte = 5;
    stm32_usart_write(BASE, "0123456789", 10);
    while (line_sends()) {
    }
    expect_out("boot\r\n0123456789");
    assert_true(s_u.sr_reads >= 8u * 5u);
}

/* The polled write gives up after its bound on a stuck line instead of
 * hanging (the bytes are lost). */
static void test_polled_write_bounded(void **state)
{
    (void)state;
    s_u.line = STALLED;
    stm32_usart_write(BASE, "abcd", 4);
    assert_true(s_u.sr_reads <= 4u * 200000u + 4u);
    assert_int_equal(s_u.out_len, 0);
    assert_int_equal(s_u.overruns, 2); /* 'c' and 'd', written after the bound, lost */
}

/* A fast line: tx_start moves everything, over several runs, and leaves
 * TXEIE off. */
static void test_start_fast_line(void **state)
{
    (void)state;
    static const char *const runs[] = {"ring ", "wraps ", "here\r\n"};
    source(3, runs);
    stm32_usart_tx_start(BASE, next);
    expect_out("ring wraps here\r\n");
    assert_int_equal(pending(), 0);
    assert_int_equal(s_u.cr1 & CR1_TXEIE, 0);
    assert_int_equal(irqs(), 0);
    /* nothing pending: no TXEIE either */
    stm32_usart_tx_start(BASE, next);
    assert_int_equal(s_u.cr1 & CR1_TXEIE, 0);
}

/* A stalled line: start fills TDR and the shift register, hands the rest
 * back and enables TXEIE; a second start while running does nothing;
 * each byte the line sends lets the ISR move one more; with the source
 * dry the ISR turns TXEIE off. Nothing lost or sent twice across the
 * hand-backs and the run boundaries. */
static void test_interrupt_tx_stalled_line(void **state)
{
    (void)state;
    s_u.line = STALLED;
    static const char *const runs[] = {"abc", "de", "f"};
    source(3, runs);
    stm32_usart_tx_start(BASE, next);
    assert_int_equal(pending(), 4); /* "ab" taken: TDR moved to shift, then TDR */
    assert_true(s_u.cr1 & CR1_TXEIE);
    assert_int_equal(irqs(), 0); /* TXE clear: nothing pending */
    stm32_usart_tx_start(BASE, next);
    assert_int_equal(pending(), 4);
    /* Running with the interrupt pending (TXE set, the ISR not yet run):
     * start leaves the source to the ISR, does not even call it. */
    assert_true(line_sends());
    unsigned calls = s_next_calls;
    stm32_usart_tx_start(BASE, next);
    assert_int_equal(s_next_calls, calls);
    assert_int_equal(pending(), 4);
    assert_int_equal(irqs(), 1);
    assert_int_equal(pending(), 3);
    assert_int_equal(s_u.overruns, 0);
    while (line_sends()) {
        assert_true(irqs() <= 1u);
        if (pending() > 0u) {
            assert_true(s_u.cr1 & CR1_TXEIE);
        }
    }
    expect_out("abcdef");
    assert_int_equal(pending(), 0);
    assert_int_equal(s_u.cr1 & CR1_TXEIE, 0);
    assert_int_equal(s_u.cr1 & (CR1_UE | CR1_TE | CR1_RE), CR1_UE | CR1_TE | CR1_RE);
}

/* TXEIE goes off in the ISR that takes the last byte, so no interrupt is
 * left pending once the line drains; more bytes later start it again. */
static void test_isr_stops_when_dry(void **state)
{
    (void)state;
    s_u.line = STALLED;
    static const char *const one[] = {"xyz"};
    source(1, one);
    stm32_usart_tx_start(BASE, next);
    assert_true(s_u.cr1 & CR1_TXEIE);
    assert_true(line_sends());
    assert_int_equal(irqs(), 1); /* 'z' into TDR, the source dry */
    assert_int_equal(s_u.cr1 & CR1_TXEIE, 0);
    assert_int_equal(pending(), 0);
    while (line_sends()) {
    }
    assert_int_equal(irqs(), 0);
    expect_out("xyz");
    static const char *const two[] = {"12345"};
    source(1, two);
    stm32_usart_tx_start(BASE, next);
    assert_true(s_u.cr1 & CR1_TXEIE);
    while (line_sends()) {
        irqs();
    }
    expect_out("xyz12345");
    assert_int_equal(s_u.cr1 & CR1_TXEIE, 0);
}

/* A slow line driven only by interrupts, long runs: every byte once, in
 * order (the ISR is called whenever TXE and TXEIE are set). */
static void test_interrupt_tx_long(void **state)
{
    (void)state;
    static char a[700], b[300];
    for (size_t i = 0; i < sizeof(a) - 1u; i++) {
        a[i] = (char)('a' + i % 26u);
    }
    for (size_t i = 0; i < sizeof(b) - 1u; i++) {
        b[i] = (char)('0' + i % 10u);
    }
    const char *const runs[] = {a, b};
    source(2, runs);
    s_u.line = STALLED;
    stm32_usart_tx_start(BASE, next);
    unsigned isrs = 0;
    while (line_sends()) {
        isrs += irqs();
    }
    assert_int_equal(isrs, sizeof(a) + sizeof(b) - 2u - 2u);
    static char want[1000];
    snprintf(want, sizeof(want), "%s%s", a, b);
    expect_out(want);
    assert_int_equal(s_u.cr1 & CR1_TXEIE, 0);
}

/* The fault path: TXEIE off, everything the source holds sent polled
 * after what is already in the transmitter; then polled writes follow. */
static void test_drain(void **state)
{
    (void)state;
    s_u.line = STALLED;
    static const char *const runs[] = {"pend", "ing\r\n"};
    source(2, runs);
    stm32_usart_tx_start(BASE, next);
    assert_true(s_u.cr1 & CR1_TXEIE);
    s_u.line = SLOW;
    s_u.reads_per_byte = 3;
    stm32_usart_tx_drain(BASE, next);
    assert_int_equal(s_u.cr1 & CR1_TXEIE, 0);
    assert_int_equal(pending(), 0);
    stm32_usart_write(BASE, "FAULT\r\n", 7);
    while (line_sends()) {
    }
    expect_out("pending\r\nFAULT\r\n");
    assert_int_equal(irqs(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_brr, setup),
        cmocka_unit_test_setup(test_polled_write, setup),
        cmocka_unit_test_setup(test_polled_write_bounded, setup),
        cmocka_unit_test_setup(test_start_fast_line, setup),
        cmocka_unit_test_setup(test_interrupt_tx_stalled_line, setup),
        cmocka_unit_test_setup(test_isr_stops_when_dry, setup),
        cmocka_unit_test_setup(test_interrupt_tx_long, setup),
        cmocka_unit_test_setup(test_drain, setup),
    };
    return cmocka_run_group_tests_name("stm32_usart", tests, NULL, NULL);
}
