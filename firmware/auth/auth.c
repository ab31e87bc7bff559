/* Static bearer tokens (RFC 6750 2.1 "Authorization: Bearer <token>"). */
#include "auth.h"

#include <string.h>

#include "app_config.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/sha256.h"

static uint8_t s_digests[APP_MAX_STATIC_TOKENS][AUTH_DIGEST_LEN];
static size_t s_count;

void auth_set_static(const uint8_t (*digests)[AUTH_DIGEST_LEN], size_t count)
{
    if (count > APP_MAX_STATIC_TOKENS) {
        count = APP_MAX_STATIC_TOKENS;
    }
    memcpy(s_digests, digests, count * AUTH_DIGEST_LEN);
    s_count = count;
}

/* RFC 6750 2.1: the scheme is case-insensitive, then 1*SP, then b64token. */
static int bearer_token(const char *v, size_t n, const char **tok, size_t *tok_n)
{
    static const char scheme[] = "bearer";
    if (v == NULL || n < sizeof(scheme)) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(scheme) - 1u; i++) {
        if ((char)(v[i] | 0x20) != scheme[i]) {
            return 0;
        }
    }
    size_t i = sizeof(scheme) - 1u;
    if (v[i] != ' ') {
        return 0;
    }
    while (i < n && v[i] == ' ') {
        i++;
    }
    *tok = v + i;
    *tok_n = n - i;
    return *tok_n > 0u;
}

enum auth_result auth_check(const char *authorization, size_t len)
{
    const char *tok = NULL;
    size_t tok_n = 0;
    uint8_t digest[AUTH_DIGEST_LEN];

    if (!bearer_token(authorization, len, &tok, &tok_n)) {
        return AUTH_EMPTY;
    }
    if (mbedtls_sha256((const unsigned char *)tok, tok_n, digest, 0) != 0) {
        return AUTH_INVALID;
    }
    /* Look at every digest, whatever matched, so the time taken does not
     * say which one (or whether one) matched. */
    unsigned match = 0;
    for (size_t i = 0; i < s_count; i++) {
        match |= (unsigned)(mbedtls_ct_memcmp(digest, s_digests[i], AUTH_DIGEST_LEN) == 0);
    }
    return match ? AUTH_OK : AUTH_INVALID;
}

enum auth_result auth_check_cached(const char *authorization, size_t len, struct auth_cache *cache)
{
    const char *tok = NULL;
    size_t tok_n = 0;
    if (cache != NULL && cache->len != 0u && bearer_token(authorization, len, &tok, &tok_n) &&
        tok_n == cache->len &&
        mbedtls_ct_memcmp(tok, cache->token, tok_n) == 0) {
        return AUTH_OK;
    }
    enum auth_result r = auth_check(authorization, len);
    if (cache != NULL) {
        cache->len = 0;
        if (r == AUTH_OK && bearer_token(authorization, len, &tok, &tok_n) &&
            tok_n <= AUTH_CACHE_TOKEN_MAX) {
            memcpy(cache->token, tok, tok_n);
            cache->len = (uint8_t)tok_n;
        }
    }
    return r;
}
