/* Bearer JWTs (RFC 7519) judged on the device: compact JWS (RFC 7515)
 * signed ES256 or RS256 (RFC 7518 3.3, 3.4) with an issuer key from the
 * config, then the claims and the Graph permission (contract, "Tokens").
 *
 * No RAM of its own: the caller owns keys, policy and token; a token is
 * decoded over its own bytes, the JSON tokens live on jwt_check()'s stack
 * (1.5 KB), and calls must not overlap (one superloop). mbedTLS allocates
 * transiently from its static pool during a signature check and keeps RSA
 * keys' numbers there. */
#ifndef JWT_H
#define JWT_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/bignum.h"

#define JWT_KID_MAX 64
#define JWT_TID_LEN 36          /* a tenant id GUID, lowercase, 8-4-4-4-12 */

/* Limits on what a token may decode to. */
#define JWT_HEADER_MAX 512u     /* decoded JOSE header bytes */
#define JWT_PAYLOAD_MAX 2304u   /* decoded claims: 3072 base64url chars */
#define JWT_JSON_TOKENS 96      /* jsmn tokens for the header or the claims */
#define JWT_RSA_MIN_BITS 2048u
#define JWT_RSA_MAX_BITS 4096u
#define JWT_RSA_MAX_BYTES (JWT_RSA_MAX_BITS / 8u)
#define JWT_EC_COORD_LEN 32u    /* P-256 */
#define JWT_SKEW_DEFAULT_S 300
#define JWT_SKEW_MAX_S 86400    /* a policy with more is refused */

enum jwt_alg { JWT_ALG_ES256 = 1, JWT_ALG_RS256 = 2 };

/** One issuer signing key. Zero it, or pass it to a jwt_key_from_*()
 * (which set it up on success and leave it empty on failure); release
 * it with jwt_key_free(). */
struct jwt_key {
    uint8_t alg;      /* enum jwt_alg; 0 for an empty key */
    uint8_t kid_len;
    char kid[JWT_KID_MAX];
    uint16_t rsa_len; /* RS256: k, the modulus length in bytes (RFC 8017) */
    union {
        /* ES256: the public point's x || y, big-endian, checked on the
         * curve when loaded (64 bytes here instead of an mbedTLS keypair:
         * 160 bytes of struct plus heap). */
        uint8_t ec_xy[2u * JWT_EC_COORD_LEN];
        /* RS256: modulus n, public exponent e and R^2 mod n (the
         * Montgomery constant, computed once at load, so that a check
         * skips a long division: RSA-4096's heap peak per check falls
         * from 8.8 to 3.6 KB), on mbedTLS's heap. */
        struct {
            mbedtls_mpi n;
            mbedtls_mpi e;
            mbedtls_mpi rr;
        } rsa;
    } u;
};

/** What a token must satisfy. issuer and audience are compared byte for
 * byte with the token's unescaped strings. */
struct jwt_policy {
    const char *issuer;
    size_t issuer_len;
    const char *audience;
    size_t audience_len;
    int64_t skew_s;                          /* JWT_SKEW_DEFAULT_S; 0..JWT_SKEW_MAX_S */
    const char (*tenants)[JWT_TID_LEN + 1];  /* NUL-terminated, lowercase */
    size_t tenant_count;                     /* 0: any tid */
    const struct jwt_key *keys;
    size_t key_count;
};

/* JWT_OK: reads (Read.All or ReadWrite.All); JWT_OK_WRITE: also writes
 * (ReadWrite.All). */
enum jwt_verdict { JWT_OK = 0, JWT_FORBIDDEN, JWT_INVALID, JWT_OK_WRITE, JWT_BUSY };

/**
 * Load a SubjectPublicKeyInfo PEM block ("-----BEGIN PUBLIC KEY-----",
 * RFC 5280 4.1.2.7): for ES256 an id-ecPublicKey on prime256v1 with an
 * uncompressed point (RFC 5480), for RS256 an rsaEncryption key (RFC 3279
 * 2.3.1). Exactly one PEM block. scratch receives the DER (an RSA-4096
 * key needs 550 bytes).
 *
 * @param kid  1..JWT_KID_MAX bytes, matched with the token header's kid
 * @param why  set to a short static reason on failure (may be NULL)
 * @return APP_OK; APP_ERR_INVAL for a key that is broken, of another
 *         type or curve, or out of the limits (RSA: JWT_RSA_MIN_BITS to
 *         JWT_RSA_MAX_BITS, odd n, odd 3 <= e < n, e at most 256 bits);
 *         APP_ERR_NOMEM when scratch is too small or mbedTLS's heap is
 *         exhausted.
 */
int jwt_key_from_pem(struct jwt_key *k, enum jwt_alg alg, const char *kid, size_t kid_len,
                     const char *pem, size_t pem_len, void *scratch, size_t scratch_len,
                     const char **why);

/**
 * Load an RS256 key from the JWK members n and e (RFC 7518 6.3.1) as
 * written: base64url without padding, minimal (no leading zero octets).
 * Decodes into scratch (at least 544 bytes for RSA-4096; less gives
 * "JWK member too long"), which is free again on return.
 * @return as jwt_key_from_pem()
 */
int jwt_key_from_jwk_rsa(struct jwt_key *k, const char *kid, size_t kid_len, const char *n,
                         size_t n_len, const char *e, size_t e_len, void *scratch,
                         size_t scratch_len, const char **why);

/**
 * Load an ES256 key from the JWK members x and y (RFC 7518 6.2.1),
 * base64url of exactly 32 bytes each; the point must be on P-256. The
 * caller checks "kty" "EC" and "crv" "P-256" (this takes no crv).
 * @return APP_OK; APP_ERR_INVAL (*why says why); APP_ERR_NOMEM when
 *         mbedTLS's heap is exhausted
 */
int jwt_key_from_jwk_ec(struct jwt_key *k, const char *kid, size_t kid_len, const char *x,
                        size_t x_len, const char *y, size_t y_len, const char **why);

/** Release a key's mbedTLS memory and empty it. NULL or empty is fine. */
void jwt_key_free(struct jwt_key *k);

/**
 * Judge a compact JWS (the bearer token bytes, at most APP_HTTP_TOKEN_MAX).
 * Cheap checks come first: structure, header (alg ES256/RS256 only, kid
 * picks a key of that alg, no crit), claims (iss, aud, exp/nbf against
 * now_s with the skew, tid, types of iat, scp, roles, no duplicate keys),
 * then the signature; the permission last.
 *
 * The token is decoded in place and zeroed before the call returns (it
 * is a credential): pass a copy if its bytes are needed afterwards.
 *
 * @param tok    the token, writable; len bytes of it are overwritten
 * @param now_s  Unix seconds of the device clock
 * @param exp_s  on JWT_OK and JWT_FORBIDDEN, the token's exp (may be NULL)
 * @param why    the first failed check, a static string for the log,
 *               never for the client; "ok" on JWT_OK (may be NULL)
 * @return JWT_OK; JWT_FORBIDDEN for a token valid in every respect but
 *         without EntitlementManagement.Read.All or .ReadWrite.All in scp
 *         or roles (403); JWT_BUSY when mbedTLS's heap could not give the
 *         signature check its memory (the token was not judged: 503, try
 *         again); JWT_INVALID for everything else (401), a broken policy
 *         included.
 */
enum jwt_verdict jwt_check(const struct jwt_policy *p, char *tok, size_t len, int64_t now_s,
                           int64_t *exp_s, const char **why);

#ifdef JWT_TEST_HOOKS
/**
 * For tests and fuzzing only: the claim and permission checks of
 * jwt_check() on a claims set given as JSON text, no signature involved.
 * Same verdicts as jwt_check().
 */
enum jwt_verdict jwt_test_claims(const struct jwt_policy *p, const char *json, size_t len,
                                 int64_t now_s, int64_t *exp_s, const char **why);
#endif

#endif
