/* Entropy source a board must provide. */
#ifndef HAL_RNG_H
#define HAL_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Fill buf with len bytes from the board's entropy source.
 * Returns APP_OK, or APP_ERR_IO when the source failed.
 * Boards without a hardware RNG say in their board.h what they use
 * instead (drivers/seed_rng.c, whose hal_rng_is_trng() is 0). */
int hal_rng_fill(void *buf, size_t len);

/* 1 when hal_rng_fill() is a true hardware RNG that may count as an
 * entropy source for cryptography, 0 when it is not (then the DRBG relies
 * on the provisioned NV seed, util/rng.c). */
int hal_rng_is_trng(void);

#endif
