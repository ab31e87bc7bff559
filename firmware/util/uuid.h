/* Request ids: RFC 9562 version-4 UUIDs from a ChaCha20 keystream keyed
 * from the device DRBG (util/rng.h: mbedTLS's CTR-DRBG, NIST SP 800-90A,
 * AES-256). */
#ifndef UUID_H
#define UUID_H

#include <stdint.h>

#define UUID_STR_LEN 36

/* Draw a v4 UUID's 16 bytes (RFC 9562 5.4: version and variant bits set).
 * Returns APP_OK, or APP_ERR_STATE as uuid_v4() does. */
int uuid_v4_bytes(uint8_t b[16]);

/* The 8-4-4-4-12 lowercase text of b and a NUL (RFC 9562 4). */
void uuid_format(const uint8_t b[16], char out[UUID_STR_LEN + 1]);

/* Write a lowercase v4 UUID and a NUL into out (UUID_STR_LEN + 1 bytes).
 * Returns APP_OK, or APP_ERR_STATE when the DRBG is not seeded or failed (then out
 * still holds a well-formed id from a fallback counter, so a response
 * never lacks a request-id). */
int uuid_v4(char out[UUID_STR_LEN + 1]);

#endif
