/* The firmware's one source of random bytes for cryptography: mbedTLS's
 * CTR-DRBG (NIST SP 800-90A, AES-256) over an entropy pool fed by the
 * provisioned NV seed (MBEDTLS_ENTROPY_NV_SEED) and, on boards that have
 * one, the hardware RNG. TLS, PSA Crypto and request ids all draw here. */
#ifndef RNG_H
#define RNG_H

#include <stddef.h>
#include <stdint.h>

#define RNG_NV_SEED_LEN 32u /* MBEDTLS_ENTROPY_BLOCK_SIZE with FORCE_SHA256 */

/**
 * Seed the DRBG. nv_seed (RNG_NV_SEED_LEN bytes, or NULL when none is
 * provisioned) is copied; mbedTLS mixes it in and replaces it with a
 * fresh one (rng_nv_seed_write), which a board with writable flash would
 * persist; on QEMU the runner provisions a new one at every start.
 * Needs mbedTLS's heap (tls_port_init()): the entropy pool's hash
 * context is allocated.
 * @return APP_OK; APP_ERR_IO when there is not enough entropy (no NV seed
 *         and no TRNG) or seeding failed.
 */
int rng_init(const uint8_t *nv_seed);

/** 1 once rng_init() succeeded. */
int rng_ready(void);

/** Fill buf. @return APP_OK, APP_ERR_STATE before a successful rng_init(),
 *  APP_ERR_IO when the DRBG fails (it reseeds itself every 10,000 calls). */
int rng_fill(void *buf, size_t len);

/** mbedTLS f_rng callback shape (p_rng unused); 0 or an MBEDTLS_ERR_*. */
int rng_mbedtls(void *p_rng, unsigned char *buf, size_t len);

#endif
