/* Bearer tokens (RFC 6750 2.1 "Authorization: Bearer <token>"): JWTs
 * validated on the device (jwt.c) with a cache of recent verdicts, and
 * the static lab tokens; each connection remembers the token that
 * verified last on it by a keyed universal hash (util/uhash.h). */
#include "auth.h"

#include <string.h>

#include "app_config.h"
#include "app_err.h"
#include "clock.h"
#include "hal_time.h"
#include "jwt.h"
#include "log.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/sha256.h"
#include "rng.h"
#include "uhash.h"

_Static_assert(AUTH_TAG_WORDS == UHASH_TAG_WORDS, "auth_cache holds one uhash tag");

static uint8_t s_digests[APP_MAX_STATIC_TOKENS][AUTH_DIGEST_LEN];
static size_t s_count;
static bool s_static_on = true;

/* JWT: the issuer's keys (their mbedTLS contexts live on the TLS heap)
 * and the policy that points at the configuration's strings. */
static struct jwt_key s_keys[CONFIG_JWT_MAX_KEYS];
static size_t s_key_count;
static struct jwt_policy s_policy;
static bool s_jwt_on;

/* Recently validated tokens, keyed by their SHA-256, kept until exp: a
 * keep-alive client (or many clients of one service principal) pays the
 * signature check once. Only OK and FORBIDDEN verdicts are kept; a token
 * that failed is checked again (it costs the attacker as much as us). */
#ifndef APP_AUTH_CACHE
#define APP_AUTH_CACHE 8
#endif
struct cache_entry {
    uint8_t digest[AUTH_DIGEST_LEN];
    int64_t last_s; /* exp + skew: the last second the check accepts */
    uint32_t used;  /* LRU stamp; 0: empty */
    uint8_t verdict;
};
static struct cache_entry s_cache[APP_AUTH_CACHE];
static uint32_t s_stamp;
static struct auth_stats s_stats;

/* The per-connection memory: its uhash key (drawn at boot), and the
 * generation of the configuration that connections compare with theirs. */
static struct uhash_key s_key;
static bool s_key_ok;
static uint8_t s_gen;

int auth_init(void)
{
    int rc = uhash_key_init(&s_key, rng_fill);
    s_key_ok = rc == APP_OK;
    return rc;
}

/* Keys, policy or static tokens changed: no remembered verdict stands.
 * The generation is 8 bits (it is in every connection); when it comes
 * round to a value an old connection may hold, a new key makes the old
 * tags meaningless too (or, without a key, nothing is remembered). */
static void generation_bump(void)
{
    s_gen++;
    if (s_gen == 0u && s_key_ok) {
        s_key_ok = uhash_key_init(&s_key, rng_fill) == APP_OK;
    }
}

void auth_static_enable(bool on)
{
    s_static_on = on;
    generation_bump();
}

static void cache_flush(void)
{
    memset(s_cache, 0, sizeof(s_cache));
}

static const char *alg_name(enum config_jwt_alg alg)
{
    return alg == CONFIG_JWT_ES256 ? "ES256" : "RS256";
}

int auth_jwt_setup(const struct config *cfg, void *scratch, size_t scratch_len)
{
    for (size_t i = 0; i < s_key_count; i++) {
        jwt_key_free(&s_keys[i]);
    }
    s_key_count = 0;
    s_jwt_on = false;
    cache_flush(); /* new keys: no old verdict stands */
    generation_bump();
    if (!cfg->has_jwt) {
        return APP_ERR_NOTFOUND;
    }
    for (size_t i = 0; i < cfg->jwt_key_count; i++) {
        const struct config_jwt_key *ck = &cfg->jwt_keys[i];
        struct jwt_key *k = &s_keys[s_key_count];
        enum jwt_alg alg = ck->alg == CONFIG_JWT_ES256 ? JWT_ALG_ES256 : JWT_ALG_RS256;
        const char *why = "unknown";
        int rc;
        if (ck->pem.raw != NULL) {
            int n = config_string(&ck->pem, scratch, scratch_len);
            rc = n < 0 ? n
                       : jwt_key_from_pem(k, alg, ck->kid, ck->kid_len, scratch, (size_t)n,
                                          (char *)scratch + n + 1, scratch_len - (size_t)n - 1u,
                                          &why);
        } else if (alg == JWT_ALG_RS256) {
            rc = jwt_key_from_jwk_rsa(k, ck->kid, ck->kid_len, ck->n.raw, ck->n.raw_len, ck->e.raw,
                                      ck->e.raw_len, scratch, scratch_len, &why);
        } else {
            rc = jwt_key_from_jwk_ec(k, ck->kid, ck->kid_len, ck->x.raw, ck->x.raw_len, ck->y.raw,
                                     ck->y.raw_len, &why);
        }
        if (rc != APP_OK) {
            /* One bad key does not take the others down. */
            log_printf("auth: jwt key %s (%s) not loaded: %s (%s)\r\n", ck->kid, alg_name(ck->alg),
                       why, app_err_name(rc));
            continue;
        }
        s_key_count++;
    }
    s_policy.issuer = cfg->jwt_issuer;
    s_policy.issuer_len = cfg->jwt_issuer_len;
    s_policy.audience = cfg->jwt_audience;
    s_policy.audience_len = cfg->jwt_audience_len;
    s_policy.skew_s = cfg->jwt_skew_s;
    s_policy.tenants = (const char(*)[JWT_TID_LEN + 1]) cfg->jwt_tenants;
    s_policy.tenant_count = cfg->jwt_tenant_count;
    s_policy.keys = s_keys;
    s_policy.key_count = s_key_count;
    s_jwt_on = s_key_count > 0u;
    log_printf("auth: jwt %s with %u key(s)\r\n", cfg->jwt_issuer, (unsigned)s_key_count);
    return s_jwt_on ? APP_OK : APP_ERR_INVAL;
}

void auth_get_stats(struct auth_stats *out)
{
    *out = s_stats;
}

void auth_set_static(const uint8_t (*digests)[AUTH_DIGEST_LEN], size_t count)
{
    if (count > APP_MAX_STATIC_TOKENS) {
        count = APP_MAX_STATIC_TOKENS;
    }
    memcpy(s_digests, digests, count * AUTH_DIGEST_LEN);
    s_count = count;
    generation_bump();
}

/* RFC 6750 2.1: the scheme is case-insensitive, then 1*SP, then b64token. */
static int bearer_token(char *v, size_t n, char **tok, size_t *tok_n)
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

static enum auth_result check_static(const uint8_t digest[AUTH_DIGEST_LEN])
{
    /* Look at every digest, whatever matched, so the time taken does not
     * say which one (or whether one) matched. */
    unsigned match = 0;
    for (size_t i = 0; i < s_count; i++) {
        match |= (unsigned)(mbedtls_ct_memcmp(digest, s_digests[i], AUTH_DIGEST_LEN) == 0);
    }
    return match ? AUTH_OK_WRITE : AUTH_INVALID; /* a lab token may do everything */
}

/* digest: the token's SHA-256. *last_s: the last second (exp + skew)
 * this verdict stands. */
static enum auth_result check_jwt(char *tok, size_t tok_n,
                                  const uint8_t digest[AUTH_DIGEST_LEN], int64_t now_s,
                                  int64_t *last_s)
{
    struct cache_entry *slot = &s_cache[0];
    for (size_t i = 0; i < APP_AUTH_CACHE; i++) {
        struct cache_entry *e = &s_cache[i];
        if (e->used != 0u && mbedtls_ct_memcmp(e->digest, digest, AUTH_DIGEST_LEN) == 0) {
            if (now_s <= e->last_s) {
                e->used = ++s_stamp;
                s_stats.cache_hits++;
                *last_s = e->last_s;
                return (enum auth_result)e->verdict;
            }
            e->used = 0; /* expired: judge it again (it will fail) */
        }
        if (e->used < slot->used) {
            slot = e; /* the least recently used, or an empty one */
        }
    }
    s_stats.checks++;
    int64_t exp_s = 0;
    const char *why = "unknown";
    uint32_t c0 = hal_time_cycles();
    enum jwt_verdict v = jwt_check(&s_policy, tok, tok_n, now_s, &exp_s, &why);
    uint32_t cycles = hal_time_cycles() - c0;
    if (v == JWT_BUSY) {
        log_printf("auth: jwt not checked: %s cycles=%u\r\n", why, (unsigned)cycles);
        return AUTH_BUSY;
    }
    if (v == JWT_INVALID) {
        s_stats.invalid++;
        log_printf("auth: jwt refused: %s cycles=%u\r\n", why, (unsigned)cycles);
        return AUTH_INVALID;
    }
    /* One line per token validated (later requests hit the cache). */
    log_printf("auth: jwt %s cycles=%u\r\n",
               v == JWT_OK_WRITE ? "valid, read-write" : v == JWT_OK ? "valid" : "valid, no permission",
               (unsigned)cycles);
    enum auth_result r = v == JWT_OK_WRITE ? AUTH_OK_WRITE : v == JWT_OK ? AUTH_OK : AUTH_FORBIDDEN;
    /* jwt.c's test, now_s > exp + skew (saturated) refuses */
    *last_s = exp_s > INT64_MAX - s_policy.skew_s ? INT64_MAX : exp_s + s_policy.skew_s;
    memcpy(slot->digest, digest, AUTH_DIGEST_LEN);
    slot->last_s = *last_s;
    slot->verdict = (uint8_t)r;
    slot->used = ++s_stamp;
    return r;
}

/* A JWS compact serialization has exactly two dots (RFC 7515 7.1). */
static bool looks_like_jwt(const char *tok, size_t n)
{
    unsigned dots = 0;
    for (size_t i = 0; i < n; i++) {
        dots += tok[i] == '.';
    }
    return dots == 2u;
}

enum auth_result auth_check(char *authorization, size_t len)
{
    return auth_check_cached(authorization, len, NULL);
}

/* Does the connection remember this token, judged under this
 * configuration, and is now within the seconds the full check would give
 * the same verdict? The tag is compared in constant time: how far it
 * matched must not show. Seconds compared in ms, no division. */
static bool recall(const struct auth_cache *c, const uint32_t tag[AUTH_TAG_WORDS], size_t tok_n,
                   int64_t now_ms)
{
    uint32_t diff = (uint32_t)c->len ^ (uint32_t)tok_n; /* tok_n <= UINT16_MAX */
    diff |= (uint32_t)c->gen ^ s_gen;
    for (size_t i = 0; i < AUTH_TAG_WORDS; i++) {
        diff |= c->tag[i] ^ tag[i];
    }
    return diff == 0u && c->len != 0u && now_ms >= (int64_t)c->from_s * 1000 &&
           now_ms < ((int64_t)c->until_s + 1) * 1000;
}

/* The header is parsed once and the token scanned once per request: this
 * runs on every request. A token this connection remembers costs its
 * uhash (about 2.5 instructions a byte on the Cortex-M3), not a SHA-256. */
enum auth_result auth_check_cached(char *authorization, size_t len, struct auth_cache *cache)
{
    char *tok = NULL;
    size_t tok_n = 0;
    if (!bearer_token(authorization, len, &tok, &tok_n)) {
        if (cache != NULL) {
            cache->len = 0;
        }
        return AUTH_EMPTY;
    }
    /* One reading of the clock, for the memory and jwt.c (exp, nbf). */
    int64_t now_ms = clock_now_ms();
    uint32_t tag[AUTH_TAG_WORDS];
    bool mem = cache != NULL && s_key_ok && tok_n <= UINT16_MAX;
    if (mem) {
        uhash(&s_key, tok, tok_n, tag);
        if (recall(cache, tag, tok_n, now_ms)) {
            s_stats.conn_hits++;
            return (enum auth_result)cache->verdict;
        }
    }
    int64_t now_s = now_ms / 1000;
    int64_t last_s = INT64_MAX; /* static tokens do not expire */
    bool jwt = s_jwt_on && looks_like_jwt(tok, tok_n);
    uint8_t digest[AUTH_DIGEST_LEN];
    enum auth_result r = AUTH_INVALID;
    if (jwt || s_static_on) {
        s_stats.digests++;
        if (mbedtls_sha256((const unsigned char *)tok, tok_n, digest, 0) == 0) {
            r = jwt ? check_jwt(tok, tok_n, digest, now_s, &last_s) : check_static(digest);
        }
    }
    if (cache != NULL) {
        cache->len = 0;
        /* Only a verified signature or digest: a refusal is judged again
         * (it costs the sender as much as us). From now (a clock set
         * back below it could undo nbf) to exp + skew, in 32 bits (to
         * 2106; later: judged in full). */
        if (mem && (r == AUTH_OK || r == AUTH_OK_WRITE || r == AUTH_FORBIDDEN) && now_ms >= 0 && now_s <= UINT32_MAX &&
            last_s >= now_s) {
            memcpy(cache->tag, tag, sizeof(cache->tag));
            cache->from_s = (uint32_t)now_s;
            cache->until_s = last_s > UINT32_MAX ? UINT32_MAX : (uint32_t)last_s;
            cache->len = (uint16_t)tok_n;
            cache->gen = s_gen;
            cache->verdict = (uint8_t)r;
        }
    }
    return r;
}
