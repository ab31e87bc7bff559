/* hal_rng from a host-provided seed (seed_rng.c); hal_rng_is_trng() is 0. */
#ifndef SEED_RNG_H
#define SEED_RNG_H

#include <stdint.h>

/* Seed from seed[0..8), which is then zeroed (a seed is used once). */
void seed_rng_init(volatile uint32_t seed[8]);

#endif
