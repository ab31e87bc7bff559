/* STM32F4 RNG (RM0090 24.3): every word is checked against the one before
 * (the continuous test of FIPS 140-2 that RM0090 24.3.1 asks for: the
 * first word after enabling is kept only for comparison), and the error
 * flags are acted on as RM0090 24.3.2 says: a seed error (SECS) restarts
 * the generator and discards what it made; a clock error (CECS: the RNG
 * clock below HCLK / 16) is a board fault and fails the call. */
#include "stm32_rng.h"

#include <stdbool.h>
#include <string.h>

#include "app_err.h"
#include "hal_rng.h"

#ifdef STM32_RNG_FAKE_REGS
uint32_t stm32_rng_fake_read(uintptr_t base, uint32_t off);
void stm32_rng_fake_write(uintptr_t base, uint32_t off, uint32_t val);
#define RD(off) stm32_rng_fake_read(s_base, (off))
#define WR(off, v) stm32_rng_fake_write(s_base, (off), (v))
#else
#define RD(off) (*(volatile uint32_t *)(s_base + (off)))
#define WR(off, v) (*(volatile uint32_t *)(s_base + (off)) = (v))
#endif

#define RNG_CR 0x0u
#define RNG_SR 0x4u
#define RNG_DR 0x8u
#define RNG_CR_RNGEN (1u << 2)
#define RNG_SR_DRDY (1u << 0)
#define RNG_SR_CECS (1u << 1)
#define RNG_SR_SECS (1u << 2)
#define RNG_SR_CEIS (1u << 5) /* rc_w0: cleared by writing 0 */
#define RNG_SR_SEIS (1u << 6)

static uintptr_t s_base;
static uint32_t s_prev;
static bool s_have_prev; /* s_prev is a word made since the last (re)start */

void stm32_rng_attach(uintptr_t base)
{
    s_base = base;
    s_have_prev = false;
    WR(RNG_CR, RNG_CR_RNGEN);
}

int hal_rng_is_trng(void)
{
    return 1;
}

static void restart(void)
{
    WR(RNG_SR, 0);          /* clear SEIS and CEIS */
    WR(RNG_CR, 0);
    WR(RNG_CR, RNG_CR_RNGEN);
    s_have_prev = false;    /* what was made before the error is not used */
}

static int next_word(uint32_t *out)
{
    unsigned restarts = 0;
    uint32_t polls = 0;
    while (polls++ < STM32_RNG_POLLS) {
        uint32_t sr = RD(RNG_SR);
        if ((sr & (RNG_SR_CECS | RNG_SR_CEIS)) != 0u) {
            WR(RNG_SR, 0);
            return APP_ERR_IO;
        }
        if ((sr & (RNG_SR_SECS | RNG_SR_SEIS)) != 0u) {
            if (restarts++ == STM32_RNG_RESTARTS) {
                return APP_ERR_IO;
            }
            restart();
            polls = 0;
            continue;
        }
        if ((sr & RNG_SR_DRDY) == 0u) {
            continue;
        }
        uint32_t v = RD(RNG_DR);
        if (!s_have_prev) {
            s_prev = v;
            s_have_prev = true;
            continue;
        }
        if (v == s_prev) {
            restart();
            return APP_ERR_IO; /* stuck: two equal words in a row */
        }
        s_prev = v;
        *out = v;
        return APP_OK;
    }
    return APP_ERR_IO;
}

int hal_rng_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    if (s_base == 0u) {
        return APP_ERR_IO;
    }
    while (len > 0u) {
        uint32_t w;
        int rc = next_word(&w);
        if (rc != APP_OK) {
            return rc;
        }
        size_t k = len < sizeof(w) ? len : sizeof(w);
        memcpy(p, &w, k);
        p += k;
        len -= k;
    }
    return APP_OK;
}
