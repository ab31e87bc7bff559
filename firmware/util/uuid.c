/* UUID v4 (RFC 9562 5.4) from a DRBG-keyed ChaCha20 stream (see uuid.h). */
#include "uuid.h"

#include <stdint.h>
#include <string.h>

#include "app_err.h"
#include "mbedtls/chacha20.h"
#include "mbedtls/platform_util.h"
#include "rng.h"

static uint32_t s_fallback;

/* Ids come from a ChaCha20 keystream (RFC 8439 2.3) whose key and nonce
 * are drawn from the DRBG and redrawn every UUID_REKEY_BLOCKS blocks: a
 * CSPRNG, as RFC 9562 6.9 asks, at a fraction of the CTR-DRBG's price,
 * which is an AES-256 block per id plus an update of its state per draw
 * (SP 800-90A 10.2.1.5.1). One 64-byte block makes four ids. */
#define UUID_REKEY_BLOCKS 64u
static mbedtls_chacha20_context s_cc;
static uint8_t s_block[64];
static size_t s_left;
static uint32_t s_blocks; /* blocks since the key was drawn; 0: none yet */

static int draw(uint8_t b[16])
{
    if (s_left < 16u) {
        if (s_blocks == 0u || s_blocks >= UUID_REKEY_BLOCKS) {
            uint8_t seed[32 + 12]; /* key, nonce */
            s_blocks = 0;
            int err = rng_fill(seed, sizeof(seed));
            if (err == APP_OK && (mbedtls_chacha20_setkey(&s_cc, seed) != 0 ||
                                  mbedtls_chacha20_starts(&s_cc, seed + 32, 0) != 0)) {
                err = APP_ERR_IO;
            }
            mbedtls_platform_zeroize(seed, sizeof(seed));
            if (err != APP_OK) {
                return APP_ERR_IO;
            }
        }
        /* The keystream is the cipher of zeros: in place, as s_block is
         * all zero here (every id drawn was zeroed). Cannot fail after
         * starts. */
        (void)mbedtls_chacha20_update(&s_cc, sizeof(s_block), s_block, s_block);
        s_blocks++;
        s_left = sizeof(s_block);
    }
    s_left -= 16u;
    memcpy(b, s_block + s_left, 16u);
    /* Never hand the same bytes out twice. */
    memset(s_block + s_left, 0, 16u);
    return APP_OK;
}

int uuid_v4_bytes(uint8_t b[16])
{
    int err = APP_OK;
    if (draw(b) != APP_OK) {
        /* Unique but predictable: only so that the response stays well formed. */
        memset(b, 0, 16u);
        s_fallback++;
        memcpy(b, &s_fallback, sizeof(s_fallback));
        err = APP_ERR_STATE;
    }
    b[6] = (uint8_t)((b[6] & 0x0Fu) | 0x40u);  /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3Fu) | 0x80u);  /* variant 10 */
    return err;
}

void uuid_format(const uint8_t b[16], char out[UUID_STR_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16u; i++) {
        if ((0x550u >> i) & 1u) { /* before bytes 4, 6, 8, 10: 8-4-4-4-12 */
            out[o++] = '-';
        }
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0Fu];
    }
    out[o] = '\0';
}

int uuid_v4(char out[UUID_STR_LEN + 1])
{
    uint8_t b[16];
    int err = uuid_v4_bytes(b);
    uuid_format(b, out);
    return err;
}
