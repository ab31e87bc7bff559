/* Request authorization. For now: static bearer tokens whose SHA-256
 * digests are provisioned (auth.staticTokens), the documented lab option;
 * JWT validation is a later issue and plugs in here. */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>
#include <stdint.h>

enum auth_result {
    AUTH_OK = 0,
    AUTH_EMPTY,      /* no Authorization, not Bearer, or empty token: 401 "Access token is empty." */
    AUTH_INVALID,    /* a token that does not validate: 401 "Access token validation failure." */
    AUTH_FORBIDDEN,  /* valid token without the permission: 403 */
};

#define AUTH_DIGEST_LEN 32

/* Use these digests (copied; at most APP_MAX_STATIC_TOKENS). */
void auth_set_static(const uint8_t (*digests)[AUTH_DIGEST_LEN], size_t count);

/* Judge an Authorization header value (NULL/0 when absent). Compares
 * the token's digest with every provisioned digest in constant time. */
enum auth_result auth_check(const char *authorization, size_t len);

#endif
