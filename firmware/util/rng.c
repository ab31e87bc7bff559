/* CTR-DRBG over mbedTLS's entropy pool (see rng.h). */
#include "rng.h"

#include <string.h>

#include "app_err.h"
#include "hal_rng.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"
#include "psa/crypto.h"

static mbedtls_entropy_context s_entropy;
static mbedtls_ctr_drbg_context s_drbg;
static uint8_t s_nv_seed[RNG_NV_SEED_LEN];
static int s_have_seed;
static int s_ready;

/* MBEDTLS_PLATFORM_NV_SEED_READ_MACRO: the entropy module reads the seed
 * once, at the first draw (mbedtls_entropy_func), and writes back a fresh
 * one derived from the pool. */
int rng_nv_seed_read(unsigned char *buf, size_t len)
{
    if (len > sizeof(s_nv_seed)) {
        return -1;
    }
    if (!s_have_seed) {
        /* A board with a TRNG starts its seed from it; without either,
         * there is no entropy and seeding fails. */
        if (!hal_rng_is_trng() || hal_rng_fill(s_nv_seed, sizeof(s_nv_seed)) != APP_OK) {
            return -1;
        }
        s_have_seed = 1;
    }
    memcpy(buf, s_nv_seed, len);
    return (int)len;
}

int rng_nv_seed_write(unsigned char *buf, size_t len)
{
    if (len > sizeof(s_nv_seed)) {
        return -1;
    }
    /* RAM only: this board has no spare flash sector for it. A board
     * with one writes the seed there so that a reboot without a new
     * provisioning still starts from an unused seed. */
    memcpy(s_nv_seed, buf, len);
    return (int)len;
}

static int trng_poll(void *data, unsigned char *out, size_t len, size_t *olen)
{
    (void)data;
    if (hal_rng_fill(out, len) != APP_OK) {
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    *olen = len;
    return 0;
}

int rng_init(const uint8_t *nv_seed)
{
    static const unsigned char pers[] = "uploadsession device drbg";
    s_ready = 0;
    s_have_seed = nv_seed != NULL;
    if (nv_seed != NULL) {
        memcpy(s_nv_seed, nv_seed, sizeof(s_nv_seed));
    }
    /* mbedtls_entropy_init() registers the NV seed as its strong source. */
    mbedtls_entropy_init(&s_entropy);
    /* A TRNG counts towards the entropy threshold; anything else (QEMU's
     * seeded xorshift) is only mixed in. */
    int strong = hal_rng_is_trng() ? MBEDTLS_ENTROPY_SOURCE_STRONG : MBEDTLS_ENTROPY_SOURCE_WEAK;
    if (mbedtls_entropy_add_source(&s_entropy, trng_poll, NULL, 32, strong) != 0) {
        return APP_ERR_IO;
    }
    if (!s_have_seed && !hal_rng_is_trng()) {
        return APP_ERR_IO;
    }
    mbedtls_ctr_drbg_init(&s_drbg);
    if (mbedtls_ctr_drbg_seed(&s_drbg, mbedtls_entropy_func, &s_entropy, pers,
                              sizeof(pers) - 1u) != 0) {
        return APP_ERR_IO;
    }
    s_ready = 1;
    return APP_OK;
}

int rng_ready(void)
{
    return s_ready;
}

int rng_fill(void *buf, size_t len)
{
    if (!s_ready) {
        return APP_ERR_STATE;
    }
    /* One generate call returns at most MBEDTLS_CTR_DRBG_MAX_REQUEST bytes. */
    uint8_t *p = buf;
    while (len > 0u) {
        size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        if (mbedtls_ctr_drbg_random(&s_drbg, p, n) != 0) {
            return APP_ERR_IO;
        }
        p += n;
        len -= n;
    }
    return APP_OK;
}

int rng_mbedtls(void *p_rng, unsigned char *buf, size_t len)
{
    (void)p_rng;
    return rng_fill(buf, len) == APP_OK ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

/* MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG: PSA's random source. */
psa_status_t mbedtls_psa_external_get_random(mbedtls_psa_external_random_context_t *ctx,
                                             uint8_t *output, size_t output_size,
                                             size_t *output_length)
{
    (void)ctx;
    if (rng_fill(output, output_size) != APP_OK) {
        *output_length = 0;
        return PSA_ERROR_INSUFFICIENT_ENTROPY;
    }
    *output_length = output_size;
    return PSA_SUCCESS;
}
