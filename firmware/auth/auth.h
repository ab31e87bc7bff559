/* Request authorization: bearer JWTs validated on the device (ES256,
 * RS256; issuer keys, issuer, audience, tenants from the configuration),
 * and static tokens whose SHA-256 digests are provisioned
 * (auth.staticTokens), the documented lab option, which can be off. */
#ifndef AUTH_H
#define AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

enum auth_result {
    AUTH_OK = 0,
    AUTH_EMPTY,      /* no Authorization, not Bearer, or empty token: 401 "Access token is empty." */
    AUTH_INVALID,    /* a token that does not validate: 401 "Access token validation failure." */
    AUTH_FORBIDDEN,  /* valid token without the permission: 403 */
    AUTH_OK_WRITE,   /* reads and writes: EntitlementManagement.ReadWrite.All, or a static token */
    AUTH_BUSY,       /* not judged: no crypto memory for the signature now (503, retry) */
};

#define AUTH_DIGEST_LEN 32

/* Per-connection memory of the last token whose signature (or digest)
 * verified on that connection, so that a keep-alive client pays neither
 * the SHA-256 nor the signature check again: its length, its uhash tag
 * (util/uhash.h, a key drawn at boot; two tokens collide with
 * probability below 2^-63), the verdict (AUTH_OK or AUTH_FORBIDDEN, never
 * a refusal), the seconds between which the full check would give that
 * verdict again (device clock: from the check to exp + skew), and the
 * generation of the auth configuration it was judged under. 28 bytes;
 * the owner zeroes it when the connection opens. */
#define AUTH_TAG_WORDS 4u
struct auth_cache {
    uint32_t tag[AUTH_TAG_WORDS];
    uint32_t from_s;  /* Unix s: not before (the clock may be set back) */
    uint32_t until_s; /* Unix s: last second (JWT: exp + skew; static: ~0) */
    uint16_t len;     /* token length; 0: nothing remembered */
    uint8_t gen;      /* auth configuration generation */
    uint8_t verdict;  /* enum auth_result: AUTH_OK or AUTH_FORBIDDEN */
};

struct auth_stats {
    uint32_t checks;     /* JWT signature checks */
    uint32_t cache_hits; /* JWT verdicts taken from the shared cache */
    uint32_t invalid;    /* JWTs refused */
    uint32_t conn_hits;  /* verdicts taken from a connection's memory */
    uint32_t digests;    /* tokens hashed with SHA-256 (shared cache, static) */
};

/* Draw the key of the per-connection memory from the DRBG; call once
 * rng_init() succeeded. Without it connections remember nothing (every
 * request takes the SHA-256 path).
 * @return APP_OK, or rng_fill()'s error (APP_ERR_STATE, APP_ERR_IO). */
int auth_init(void);

/* Load the issuer keys of cfg->jwt (PEM text decoded into scratch, used
 * only during the call) and the policy; flushes the token cache and every
 * connection's memory. A key
 * that does not load is logged and skipped.
 * @return APP_OK; APP_ERR_NOTFOUND without auth.jwt; APP_ERR_INVAL when
 *         no key loaded (then JWTs are refused). */
int auth_jwt_setup(const struct config *cfg, void *scratch, size_t scratch_len);

/* Static tokens on or off (auth.staticTokensEnabled; on by default);
 * every connection's memory is forgotten. */
void auth_static_enable(bool on);

void auth_get_stats(struct auth_stats *out);

/* Use these digests (copied; at most APP_MAX_STATIC_TOKENS); every
 * connection's memory is forgotten. */
void auth_set_static(const uint8_t (*digests)[AUTH_DIGEST_LEN], size_t count);

/* Judge an Authorization header value (NULL/0 when absent). Compares
 * the token's digest with every provisioned digest in constant time. A
 * JWT is decoded over its own bytes and zeroed (jwt_check()): the value
 * is writable and gone afterwards. */
enum auth_result auth_check(char *authorization, size_t len);

/* auth_check() with the connection's memory (may be NULL): the token
 * that verified last on this connection (same length and tag, same
 * configuration, within its time) gets its verdict again without SHA-256
 * or signature; any other token is judged in full and remembered when
 * its signature (or static digest) verified. */
enum auth_result auth_check_cached(char *authorization, size_t len, struct auth_cache *cache);

#endif
