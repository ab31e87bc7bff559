/* hal_rng for boards without a TRNG: xorshift128+ from 32 bytes of
 * host randomness that the runner writes into RAM before reset (README
 * "Entropy"). */
#include "seed_rng.h"

#include <string.h>

#include "app_err.h"
#include "hal_rng.h"

static uint64_t s_rng[2];

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int hal_rng_is_trng(void)
{
    return 0;
}

/* xorshift128+ over the host-provided seed. Good enough for TCP initial
 * sequence numbers and ephemeral ports; it is NOT a cryptographic DRBG
 * (the TLS work brings mbedTLS's CTR-DRBG on top of a proper seed). */
int hal_rng_fill(void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len > 0u) {
        uint64_t s1 = s_rng[0];
        const uint64_t s0 = s_rng[1];
        s_rng[0] = s0;
        s1 ^= s1 << 23;
        s_rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
        uint64_t r = s_rng[1] + s0;
        size_t n = len < sizeof(r) ? len : sizeof(r);
        memcpy(out, &r, n);
        out += n;
        len -= n;
    }
    return APP_OK;
}

void seed_rng_init(volatile uint32_t seed[8])
{
    uint64_t x = 0;
    for (unsigned i = 0; i < 8u; i++) {
        x = (x << 32) ^ (x >> 32) ^ seed[i];
        (void)splitmix64(&x);
        seed[i] = 0; /* a seed is used once */
    }
    s_rng[0] = splitmix64(&x);
    s_rng[1] = splitmix64(&x) | 1u;
}
