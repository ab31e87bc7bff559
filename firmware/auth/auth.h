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
};

#define AUTH_DIGEST_LEN 32

/* Per-connection memory of the last token that validated on that
 * connection, so that a keep-alive client does not pay a SHA-256 per
 * request. Only tokens up to AUTH_CACHE_TOKEN_MAX bytes are kept (static
 * lab tokens are ~43); the owner zeroes it when the connection opens. */
#define AUTH_CACHE_TOKEN_MAX 64
struct auth_cache {
    uint8_t len;
    char token[AUTH_CACHE_TOKEN_MAX];
};

struct auth_stats {
    uint32_t checks;     /* JWT signature checks */
    uint32_t cache_hits; /* JWT verdicts taken from the cache */
    uint32_t invalid;    /* JWTs refused */
};

/* Load the issuer keys of cfg->jwt (PEM text decoded into scratch, used
 * only during the call) and the policy; flushes the token cache. A key
 * that does not load is logged and skipped.
 * @return APP_OK; APP_ERR_NOTFOUND without auth.jwt; APP_ERR_INVAL when
 *         no key loaded (then JWTs are refused). */
int auth_jwt_setup(const struct config *cfg, void *scratch, size_t scratch_len);

/* Static tokens on or off (auth.staticTokensEnabled; on by default). */
void auth_static_enable(bool on);

void auth_get_stats(struct auth_stats *out);

/* Use these digests (copied; at most APP_MAX_STATIC_TOKENS). */
void auth_set_static(const uint8_t (*digests)[AUTH_DIGEST_LEN], size_t count);

/* Judge an Authorization header value (NULL/0 when absent). Compares
 * the token's digest with every provisioned digest in constant time. */
enum auth_result auth_check(const char *authorization, size_t len);

/* auth_check() with the connection's cache (may be NULL): a token equal,
 * byte for byte (compared in constant time), to the one that validated
 * last on this connection is accepted without hashing again. */
enum auth_result auth_check_cached(const char *authorization, size_t len, struct auth_cache *cache);

#endif
