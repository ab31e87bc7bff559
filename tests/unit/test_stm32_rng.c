/* Host test of drivers/stm32_rng.c (hal_rng on the STM32F4 RNG) against
 * a model of the peripheral (RM0090 section 24): RNG_CR.RNGEN starts the
 * generator, which makes a scripted list of words, one in RNG_DR every few
 * reads of RNG_SR (DRDY, cleared by reading RNG_DR); a seed error sets
 * SECS and SEIS and leaves a word that must not be used in RNG_DR; a clock
 * error sets CECS and CEIS; CEIS and SEIS are rc_w0; SECS clears when the
 * generator is restarted (RNGEN off then on) unless the fault persists.
 * Reading RNG_DR without DRDY, or with the generator off, is a model
 * error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "hal_rng.h"
#include "stm32_rng.h"

#define BASE ((uintptr_t)0x50060800u)

/* RM0090 section 24, the RNG registers */
#define RNG_CR 0x0u
#define RNG_SR 0x4u
#define RNG_DR 0x8u
#define CR_RNGEN (1u << 2)
#define CR_IE (1u << 3)
#define SR_DRDY (1u << 0)
#define SR_CECS (1u << 1)
#define SR_SECS (1u << 2)
#define SR_CEIS (1u << 5)
#define SR_SEIS (1u << 6)

#define MAXW 64

/* ---- the model ----------------------------------------------------------- */

static struct {
    uint32_t cr, sr, dr;
    uint32_t words[MAXW]; /* what the generator makes, in order, across restarts */
    unsigned nwords, next;
    unsigned ready_polls;  /* reads of RNG_SR before each word */
    unsigned ready_in;
    bool never_ready;
    int seed_err_at;       /* word index made during a seed error (-1: none) */
    bool seed_persistent;  /* SECS stays set across restarts */
    int clock_err_at;      /* word index before which the clock fails (-1: none) */
    bool first_pending;    /* the next word is the first after an enable */
    bool dr_first, dr_bad; /* what RNG_DR holds */
    unsigned enables, disables, enables_with_seis;
    unsigned sr_reads, dr_reads, accesses;
    unsigned firsts_read, bad_read;  /* words read that must not be delivered */
} m;

static void model_reset(void)
{
    memset(&m, 0, sizeof(m));
    m.seed_err_at = -1;
    m.clock_err_at = -1;
    m.ready_polls = 2;
    for (unsigned i = 0; i < MAXW; i++) {
        m.words[i] = 0x9E3779B9u * (i + 1u) ^ 0x5BD1E995u;
    }
    m.nwords = MAXW;
}

static void script(const uint32_t *w, unsigned n)
{
    assert_true(n <= MAXW);
    memcpy(m.words, w, n * sizeof(w[0]));
    m.nwords = n;
}

/* A word becomes ready once ready_polls reads of SR have passed. */
static void tick(void)
{
    if (!(m.cr & CR_RNGEN) || (m.sr & (SR_DRDY | SR_SECS)) || m.never_ready) {
        return;
    }
    if (m.clock_err_at >= 0 && m.next == (unsigned)m.clock_err_at) {
        m.sr |= SR_CECS | SR_CEIS;
        return;
    }
    if (m.ready_in > 0u) {
        m.ready_in--;
        return;
    }
    if (m.next >= m.nwords) {
        fail_msg("the generator's script ran out (%u words)", m.nwords);
    }
    m.dr = m.words[m.next];
    m.dr_first = m.first_pending;
    m.dr_bad = m.seed_err_at >= 0 && m.next == (unsigned)m.seed_err_at;
    m.first_pending = false;
    m.next++;
    m.sr |= SR_DRDY;
    if (m.dr_bad) {
        m.sr |= SR_SECS | SR_SEIS; /* RM0090 24.3.2: RNG_DR must not be used */
    }
}

uint32_t stm32_rng_fake_read(uintptr_t base, uint32_t off)
{
    assert_true(base == BASE);
    m.accesses++;
    switch (off) {
    case RNG_CR: return m.cr;
    case RNG_SR:
        m.sr_reads++;
        tick();
        return m.sr;
    case RNG_DR:
        m.dr_reads++;
        if (!(m.cr & CR_RNGEN) || !(m.sr & SR_DRDY)) {
            fail_msg("RNG_DR read without DRDY (SR 0x%x, CR 0x%x)", (unsigned)m.sr, (unsigned)m.cr);
        }
        m.sr &= ~SR_DRDY;
        m.ready_in = m.ready_polls;
        m.firsts_read += m.dr_first;
        m.bad_read += m.dr_bad;
        return m.dr;
    default:
        fail_msg("read of RNG offset 0x%x", (unsigned)off);
        return 0;
    }
}

void stm32_rng_fake_write(uintptr_t base, uint32_t off, uint32_t val)
{
    assert_true(base == BASE);
    m.accesses++;
    switch (off) {
    case RNG_CR:
        if ((val & CR_RNGEN) && !(m.cr & CR_RNGEN)) {
            m.enables++;
            m.enables_with_seis += (m.sr & SR_SEIS) != 0u;
            if (!m.seed_persistent) {
                m.sr &= ~SR_SECS;
            }
            m.sr &= ~SR_DRDY;
            m.ready_in = m.ready_polls;
            m.first_pending = true;
        } else if (!(val & CR_RNGEN) && (m.cr & CR_RNGEN)) {
            m.disables++;
            m.sr &= ~SR_DRDY;
        }
        m.cr = val & (CR_RNGEN | CR_IE);
        break;
    case RNG_SR:
        m.sr &= ~(~val & (SR_CEIS | SR_SEIS)); /* rc_w0; the rest read-only */
        break;
    default:
        fail_msg("write of RNG offset 0x%x", (unsigned)off);
    }
}

/* ---- helpers --------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    model_reset();
    return 0;
}

/* The bytes of words w[i] for i in idx[0..n), as the driver copies them. */
static void expect_words(const uint8_t *got, const unsigned *idx, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t w;
        memcpy(&w, got + 4u * i, 4);
        if (w != m.words[idx[i]]) {
            fail_msg("word %u is 0x%08x, expected word %u 0x%08x", i, (unsigned)w, idx[i],
                     (unsigned)m.words[idx[i]]);
        }
    }
}

/* ---- tests ------------------------------------------------------------------ */

/* Never attached: APP_ERR_IO, no register touched. Runs first. */
static void test_fill_before_attach(void **state)
{
    (void)state;
    uint8_t b[4] = {0};
    assert_int_equal(hal_rng_fill(b, sizeof(b)), APP_ERR_IO);
    assert_int_equal(m.accesses, 0);
}

static void test_is_trng(void **state)
{
    (void)state;
    assert_int_equal(hal_rng_is_trng(), 1);
}

/* Words come out in order; the first after the enable is only kept for
 * the comparison; later calls continue (no second discard). */
static void test_words_delivered(void **state)
{
    (void)state;
    stm32_rng_attach(BASE);
    assert_int_equal(m.enables, 1);
    uint8_t b[16];
    assert_int_equal(hal_rng_fill(b, sizeof(b)), APP_OK);
    static const unsigned want[] = {1, 2, 3, 4};
    expect_words(b, want, 4);
    assert_int_equal(hal_rng_fill(b, 8), APP_OK);
    static const unsigned want2[] = {5, 6};
    expect_words(b, want2, 2);
    assert_int_equal(m.firsts_read, 1);
    assert_int_equal(m.dr_reads, 7);
    assert_int_equal(m.enables, 1);
    assert_int_equal(m.disables, 0);
    assert_int_equal(hal_rng_fill(b, 0), APP_OK);
    assert_int_equal(m.dr_reads, 7);
}

/* The first word after the enable never reaches the caller, even when it
 * is the only one that differs from the rest. */
static void test_first_word_never_delivered(void **state)
{
    (void)state;
    static const uint32_t w[] = {0x0F1E2D3Cu, 0x11111111u, 0x22222222u, 0x33333333u};
    script(w, 4);
    stm32_rng_attach(BASE);
    uint32_t got[3];
    assert_int_equal(hal_rng_fill(got, sizeof(got)), APP_OK);
    assert_int_equal(got[0], 0x11111111u);
    assert_int_equal(got[1], 0x22222222u);
    assert_int_equal(got[2], 0x33333333u);
    assert_int_equal(m.firsts_read, 1);
}

/* Two equal words in a row: APP_ERR_IO (the generator is restarted);
 * the first word after the enable counts for the comparison. */
static void test_equal_words_fail(void **state)
{
    (void)state;
    static const uint32_t w[] = {0xA0A0A0A0u, 0xB1B1B1B1u, 0xB1B1B1B1u, 0xC2C2C2C2u, 0xD3D3D3D3u};
    script(w, 5);
    stm32_rng_attach(BASE);
    uint32_t got[2] = {0, 0};
    assert_int_equal(hal_rng_fill(got, 4), APP_OK);
    assert_int_equal(got[0], 0xB1B1B1B1u);
    assert_int_equal(hal_rng_fill(got, 4), APP_ERR_IO);
    /* after the restart: C is the first again (dropped), D comes out */
    assert_int_equal(m.enables, 2);
    assert_int_equal(hal_rng_fill(got, 4), APP_OK);
    assert_int_equal(got[0], 0xD3D3D3D3u);

    model_reset();
    static const uint32_t same[] = {0x77777777u, 0x77777777u, 0x1u, 0x2u};
    script(same, 4);
    stm32_rng_attach(BASE);
    assert_int_equal(hal_rng_fill(got, 4), APP_ERR_IO);
    assert_int_equal(m.firsts_read, 1);
}

/* A seed error: the word in RNG_DR is dropped, SEIS cleared, the generator
 * restarted (RNGEN off then on, SEIS already clear), the first word after
 * the restart dropped, and the call completes with later words. */
static void test_seed_error_restarts(void **state)
{
    (void)state;
    m.seed_err_at = 3;
    stm32_rng_attach(BASE);
    uint8_t b[12];
    assert_int_equal(hal_rng_fill(b, sizeof(b)), APP_OK);
    static const unsigned want[] = {1, 2, 5};
    expect_words(b, want, 3);
    assert_int_equal(m.disables, 1);
    assert_int_equal(m.enables, 2);
    assert_int_equal(m.enables_with_seis, 0);
    assert_int_equal(m.sr & (SR_SEIS | SR_SECS), 0);
    assert_int_equal(m.bad_read, 0);
    assert_int_equal(m.firsts_read, 2);
    /* The same at the very first word. */
    model_reset();
    m.seed_err_at = 0;
    stm32_rng_attach(BASE);
    assert_int_equal(hal_rng_fill(b, 4), APP_OK);
    expect_words(b, (const unsigned[]){2}, 1);
    assert_int_equal(m.enables, 2);
}

/* A seed error that a restart does not cure: APP_ERR_IO after exactly
 * STM32_RNG_RESTARTS restarts; the word made before the error is
 * delivered, the rest of the buffer untouched. */
static void test_seed_error_persistent(void **state)
{
    (void)state;
    m.seed_err_at = 2;
    m.seed_persistent = true;
    stm32_rng_attach(BASE);
    uint8_t b[8];
    memset(b, 0xEE, sizeof(b));
    assert_int_equal(hal_rng_fill(b, sizeof(b)), APP_ERR_IO);
    uint8_t want[8];
    memcpy(want, &m.words[1], 4); /* the one good word made before */
    memset(want + 4, 0xEE, 4);
    assert_memory_equal(b, want, 8);
    assert_int_equal(m.disables, STM32_RNG_RESTARTS);
    assert_int_equal(m.enables, 1u + STM32_RNG_RESTARTS);
    assert_int_equal(m.bad_read, 0);
    /* Again: bounded again, still failing. */
    assert_int_equal(hal_rng_fill(b, 4), APP_ERR_IO);
    assert_int_equal(m.enables, 1u + 2u * STM32_RNG_RESTARTS);
}

/* A clock error fails the call at once (a board fault), and CEIS is
 * cleared; mid-stream, the words before it were delivered. */
static void test_clock_error(void **state)
{
    (void)state;
    m.clock_err_at = 0;
    stm32_rng_attach(BASE);
    uint8_t b[8];
    assert_int_equal(hal_rng_fill(b, 4), APP_ERR_IO);
    assert_int_equal(m.sr & SR_CEIS, 0);
    assert_int_equal(m.dr_reads, 0);

    model_reset();
    m.clock_err_at = 3;
    stm32_rng_attach(BASE);
    assert_int_equal(hal_rng_fill(b, 8), APP_OK);
    expect_words(b, (const unsigned[]){1, 2}, 2);
    assert_int_equal(hal_rng_fill(b, 4), APP_ERR_IO);
    assert_int_equal(m.sr & SR_CEIS, 0);
    assert_true(m.sr & SR_CECS); /* still failing: the status is the clock's */
    assert_int_equal(hal_rng_fill(b, 4), APP_ERR_IO);
}

/* DRDY never comes: APP_ERR_IO after a bounded number of reads. */
static void test_never_ready(void **state)
{
    (void)state;
    m.never_ready = true;
    stm32_rng_attach(BASE);
    uint8_t b[4];
    assert_int_equal(hal_rng_fill(b, sizeof(b)), APP_ERR_IO);
    assert_true(m.sr_reads >= STM32_RNG_POLLS / 2u && m.sr_reads <= STM32_RNG_POLLS + 1u);
    assert_int_equal(m.dr_reads, 0);
}

/* Lengths 1..9, at an odd address: exactly len bytes, from the words in
 * order (the rest of the last word is dropped), nothing past the buffer
 * (an exact-size heap block: ASan reports a byte past it). */
static void test_odd_lengths(void **state)
{
    (void)state;
    for (size_t len = 1; len <= 9u; len++) {
        model_reset();
        m.ready_polls = (unsigned)len % 3u;
        stm32_rng_attach(BASE);
        uint8_t *p = malloc(len);
        assert_non_null(p);
        assert_int_equal(hal_rng_fill(p, len), APP_OK);
        uint8_t want[12];
        memcpy(want, &m.words[1], 12);
        assert_memory_equal(p, want, len);
        free(p);
        uint8_t g[16];
        memset(g, 0xEE, sizeof(g));
        assert_int_equal(hal_rng_fill(g + 3, len), APP_OK);
        size_t used = (len + 3u) / 4u; /* words the first call took */
        memcpy(want, &m.words[1u + used], 12);
        assert_memory_equal(g + 3, want, len);
        for (size_t i = 0; i < sizeof(g); i++) {
            if (i < 3u || i >= 3u + len) {
                assert_int_equal(g[i], 0xEE);
            }
        }
        assert_int_equal(m.dr_reads, 1u + used + (len + 3u) / 4u);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fill_before_attach, setup),
        cmocka_unit_test_setup(test_is_trng, setup),
        cmocka_unit_test_setup(test_words_delivered, setup),
        cmocka_unit_test_setup(test_first_word_never_delivered, setup),
        cmocka_unit_test_setup(test_equal_words_fail, setup),
        cmocka_unit_test_setup(test_seed_error_restarts, setup),
        cmocka_unit_test_setup(test_seed_error_persistent, setup),
        cmocka_unit_test_setup(test_clock_error, setup),
        cmocka_unit_test_setup(test_never_ready, setup),
        cmocka_unit_test_setup(test_odd_lengths, setup),
    };
    return cmocka_run_group_tests_name("stm32_rng", tests, NULL, NULL);
}
