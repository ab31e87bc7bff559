/* UUID v4 (RFC 9562 5.4) from the device DRBG (util/rng). */
#include "uuid.h"

#include <stdint.h>
#include <string.h>

#include "app_err.h"
#include "rng.h"

static uint32_t s_fallback;

/* Random bytes drawn from the DRBG in batches: each generate call ends
 * with an update of the DRBG state (SP 800-90A 10.2.1.5.1: three more AES
 * blocks and a key schedule), so one call per 16 ids instead of per id
 * cuts the cost of an id by about two thirds. */
#define UUID_POOL 256u
static uint8_t s_pool[UUID_POOL];
static size_t s_pool_left;

static int draw(uint8_t b[16])
{
    if (s_pool_left < 16u) {
        if (rng_fill(s_pool, sizeof(s_pool)) != APP_OK) {
            return APP_ERR_IO;
        }
        s_pool_left = sizeof(s_pool);
    }
    s_pool_left -= 16u;
    memcpy(b, s_pool + s_pool_left, 16u);
    /* Never hand the same bytes out twice. */
    memset(s_pool + s_pool_left, 0, 16u);
    return APP_OK;
}

int uuid_v4(char out[UUID_STR_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t b[16];
    int err = APP_OK;

    if (draw(b) != APP_OK) {
        /* Unique but predictable: only so that the response stays well formed. */
        memset(b, 0, sizeof(b));
        s_fallback++;
        memcpy(b, &s_fallback, sizeof(s_fallback));
        err = APP_ERR_STATE;
    }
    b[6] = (uint8_t)((b[6] & 0x0Fu) | 0x40u);  /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3Fu) | 0x80u);  /* variant 10 */
    size_t o = 0;
    for (size_t i = 0; i < 16u; i++) {
        if (i == 4u || i == 6u || i == 8u || i == 10u) {
            out[o++] = '-';
        }
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0Fu];
    }
    out[o] = '\0';
    return err;
}
