/* Keyed universal hash (NH over blocks, then a polynomial mod 2^61-1, in
 * two lanes): a short tag that tells whether a message is the one seen
 * before, for an attacker who does not know the key. Not a MAC and not a
 * PRF: the tags must never leave the device. */
#ifndef UHASH_H
#define UHASH_H

#include <stddef.h>
#include <stdint.h>

/* Message bytes per NH block (one polynomial step pair per lane each). */
#ifndef UHASH_BLOCK_BYTES
#define UHASH_BLOCK_BYTES 256u
#endif
#if UHASH_BLOCK_BYTES < 16u || UHASH_BLOCK_BYTES % 8u != 0u
#error "UHASH_BLOCK_BYTES must be a multiple of 8, at least 16"
#endif

#define UHASH_NH_WORDS (UHASH_BLOCK_BYTES / 4u + 4u) /* + the Toeplitz shift */
#define UHASH_TAG_WORDS 4u                           /* two 61-bit lanes */

struct uhash_key {
    uint32_t nh[UHASH_NH_WORDS]; /* lane 0: nh[0..], lane 1: nh[4..] */
    uint64_t poly[2];            /* K per lane, < 2^60 */
    uint64_t poly2[2];           /* K^2 mod 2^61 - 1 */
};

/**
 * Draw a key from fill (the device DRBG: rng_fill).
 * @return APP_OK, or fill's error (then the key is zeroed and must not
 *         be used).
 */
int uhash_key_init(struct uhash_key *key, int (*fill)(void *buf, size_t len));

/**
 * Tag of msg[0..len) (any alignment) into out. Two different messages
 * (the length is mixed in) get the same tag with probability below 2^-63
 * over the key, for messages under 4 GiB (uhash.c says why).
 */
void uhash(const struct uhash_key *key, const void *msg, size_t len, uint32_t out[UHASH_TAG_WORDS]);

#endif
