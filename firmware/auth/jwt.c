/* Bearer JWT validation (see jwt.h): compact JWS (RFC 7515 7.1), ES256
 * and RS256 (RFC 7518 3.3, 3.4), claims (RFC 7519 4.1), Graph permission.
 *
 * RAM: none of its own. The token is decoded in place (each base64url
 * part over its own characters: 4 characters give 3 bytes, so the write
 * never passes the read) and zeroed on return; jwt_check()'s stack holds
 * the jsmn tokens (1536 bytes), which the JSON steps borrow through
 * s_toks for the call. The 4352 bytes of static buffers this replaced
 * were idle between checks (README "RAM"). RSA runs on mbedTLS's bignum
 * alone: its RSA module would cost 11.5 KB of flash for a PKCS#1 v1.5
 * check that is one modular exponentiation and a compare (RFC 8017
 * 8.2.2, "encode and compare"). */
#include "jwt.h"

#include <stdbool.h>
#include <string.h>

#include "app_config.h"
#include "app_err.h"
#include "json_tok.h"
#include "mbedtls/asn1.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/ecdsa.h"
#include "mbedtls/ecp.h"
#include "mbedtls/oid.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha256.h"
#include "pem.h"

#define SHA256_LEN 32u
#define ES256_SIG_LEN (2u * JWT_EC_COORD_LEN) /* JWS form r || s (RFC 7518 3.4) */

/* jwt_check()'s jsmn tokens (on its stack) while a check runs, else NULL. */
static jsmntok_t *s_toks;

static const char k_perm_read[] = "EntitlementManagement.Read.All";
static const char k_perm_rw[] = "EntitlementManagement.ReadWrite.All";

/* ---- base64url (RFC 4648 5, RFC 7515 2: no padding) -------------------- */

static int b64url_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

/* Decode in[0..n) into out. Refused: characters outside the alphabet
 * ('=', '+', '/', whitespace included), a length of 4k+1, and set bits
 * after the last whole byte (RFC 4648 3.5), so each byte string has one
 * encoding. @return APP_OK; APP_ERR_INVAL; APP_ERR_OVERFLOW past cap
 * (for well-formed input only, so that the log names the worse fault). */
static int b64url_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *olen)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64url_val((unsigned char)in[i]);
        if (v < 0) {
            return APP_ERR_INVAL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6u;
        if (bits >= 8u) {
            bits -= 8u;
            if (o < cap) {
                out[o] = (uint8_t)(acc >> bits);
            }
            o++;
            acc &= (1u << bits) - 1u;
        }
    }
    if (n % 4u == 1u || acc != 0u) {
        return APP_ERR_INVAL;
    }
    if (o > cap) {
        return APP_ERR_OVERFLOW;
    }
    *olen = o;
    return APP_OK;
}

/* ---- JSON ---------------------------------------------------------------- */

/* Tokenize a header or claims set into s_toks: one JSON object (RFC 7515
 * 4, RFC 7519 7.2 step 10), strict RFC 8259, every string decodable, no
 * object anywhere with two equal keys (RFC 7515 4 and RFC 7519 4 allow
 * refusing them; RFC 7493 2.3). Iterative, bounded by the token count.
 * @return NULL or why not. */
static const char *parse_object(const char *js, size_t len, int *count)
{
    int rc = json_tok_parse(js, len, s_toks, JWT_JSON_TOKENS, count, NULL);
    if (rc == APP_ERR_NOMEM) {
        return "JSON too deep or too many tokens";
    }
    if (rc != APP_OK) {
        return "JSON syntax";
    }
    if (s_toks[0].type != JSMN_OBJECT) {
        return "JSON not an object";
    }
    for (int i = 0; i < *count; i++) {
        if (s_toks[i].type == JSMN_STRING && json_tok_string_problem(js, &s_toks[i]) != NULL) {
            return "JSON string undecodable";
        }
        if (s_toks[i].type == JSMN_OBJECT &&
            json_tok_check_unique(js, s_toks, *count, i, NULL) != APP_OK) {
            return "JSON duplicate member";
        }
    }
    return NULL;
}

/* Value index of a member of the root object; APP_ERR_NOTFOUND when
 * absent; another negative for a tree json_tok would not walk (which
 * callers treat as a failure, never as absence). */
static int member(const char *js, int count, const char *key)
{
    return json_tok_find(js, s_toks, count, 0, key, strlen(key));
}

static bool is_string(int i)
{
    return i >= 0 && s_toks[i].type == JSMN_STRING;
}

/* ASCII case-insensitive equality of a[0..n) and the literal b. */
static bool ascii_ieq(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c + ('a' - 'A'));
        }
        if (c != b[i]) {
            return false;
        }
    }
    return true;
}

/* typ (RFC 7515 4.1.9, RFC 8725 3.11): "JWT" or RFC 9068's "at+jwt",
 * case-insensitive, "application/" optional. */
static bool typ_ok(const char *js, int i)
{
    char buf[32];
    int n = json_tok_string(js, &s_toks[i], buf, sizeof(buf));
    if (n < 0) {
        return false;
    }
    const char *t = buf;
    size_t len = (size_t)n;
    static const char app[] = "application/";
    if (len > sizeof(app) - 1u && ascii_ieq(t, sizeof(app) - 1u, app)) {
        t += sizeof(app) - 1u;
        len -= sizeof(app) - 1u;
    }
    return ascii_ieq(t, len, "jwt") || ascii_ieq(t, len, "at+jwt");
}

/* ---- header ---------------------------------------------------------------- */

static const char *check_header(const struct jwt_policy *p, const char *js, size_t len,
                                const struct jwt_key **key)
{
    int count = 0;
    const char *why = parse_object(js, len, &count);
    if (why != NULL) {
        return why;
    }
    /* alg (RFC 7515 4.1.1): only what we verify; never "none" or an
     * HMAC, which would take a public key as the secret (RFC 8725 2.1). */
    int i = member(js, count, "alg");
    if (i < 0) {
        return "alg missing";
    }
    uint8_t alg;
    if (json_tok_eq(js, &s_toks[i], "ES256", 5u)) {
        alg = JWT_ALG_ES256;
    } else if (json_tok_eq(js, &s_toks[i], "RS256", 5u)) {
        alg = JWT_ALG_RS256;
    } else {
        return "alg not ES256/RS256";
    }
    /* crit (RFC 7515 4.1.11): we understand no extension, so any crit
     * (b64 of RFC 7797 included) makes the token unusable. */
    if (member(js, count, "crit") != APP_ERR_NOTFOUND) {
        return "crit present";
    }
    i = member(js, count, "typ");
    if (i != APP_ERR_NOTFOUND && (!is_string(i) || !typ_ok(js, i))) {
        return "typ not JWT";
    }
    /* kid (RFC 7515 4.1.4) picks the key; keys embedded or referenced by
     * the token (jwk, jku, x5c, x5u) are never used. */
    i = member(js, count, "kid");
    if (i == APP_ERR_NOTFOUND) {
        return "kid missing";
    }
    if (!is_string(i)) {
        return "kid not a string";
    }
    char kid[JWT_KID_MAX + 1];
    int n = json_tok_string(js, &s_toks[i], kid, sizeof(kid));
    if (n <= 0) {
        return "kid unknown";
    }
    bool kid_known = false;
    for (size_t k = 0; k < p->key_count; k++) {
        const struct jwt_key *c = &p->keys[k];
        if (c->alg != 0u && c->kid_len == (size_t)n && memcmp(c->kid, kid, (size_t)n) == 0) {
            if (c->alg == alg) {
                *key = c;
                return NULL;
            }
            kid_known = true;
        }
    }
    /* The key's algorithm is the one to use (RFC 8725 3.1): a token whose
     * alg differs from its key's is refused, never verified otherwise. */
    return kid_known ? "kid's key has another alg" : "kid unknown";
}

/* ---- claims ---------------------------------------------------------------- */

/* a + b for b >= 0, saturating at INT64_MAX. */
static int64_t add_sat(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* What the string token t grants as space-separated scopes (RFC 6749
 * 3.3): 2 ReadWrite.All, 1 Read.All, 0 neither. Split after JSON decoding
 * (RFC 7519 2: claim values are JSON), so "\u0020" separates too. */
static int scp_grants(const char *js, const jsmntok_t *t)
{
    return json_tok_has_word(js, t, k_perm_rw, sizeof(k_perm_rw) - 1u)     ? 2
           : json_tok_has_word(js, t, k_perm_read, sizeof(k_perm_read) - 1u) ? 1
                                                                             : 0;
}

static int role_grants(const char *js, const jsmntok_t *t)
{
    return json_tok_eq(js, t, k_perm_rw, sizeof(k_perm_rw) - 1u)     ? 2
           : json_tok_eq(js, t, k_perm_read, sizeof(k_perm_read) - 1u) ? 1
                                                                       : 0;
}

/* A NumericDate claim (RFC 7519 2: any JSON number, fractions allowed),
 * rounded down (dir < 0) or up (dir > 0) to whole seconds.
 * @return APP_OK, APP_ERR_NOTFOUND, APP_ERR_INVAL (not a number),
 *         APP_ERR_OVERFLOW (outside int64). */
static int date_claim(const char *js, int count, const char *name, int dir, int64_t *out)
{
    int i = member(js, count, name); /* or APP_ERR_NOTFOUND, APP_ERR_INVAL */
    return i < 0 ? i : json_tok_int64_round(js, &s_toks[i], dir, out);
}

static bool tenant_allowed(const struct jwt_policy *p, const char *js, int i)
{
    bool ok = false;
    for (size_t k = 0; k < p->tenant_count; k++) {
        const char *t = p->tenants[k];
        size_t n = 0;
        while (n < JWT_TID_LEN && t[n] != '\0') {
            n++;
        }
        ok |= json_tok_eq(js, &s_toks[i], t, n);
    }
    return ok;
}

/* Every check of the claims set js[0..len); *perm says whether it grants
 * the read permission (judged by the caller after the signature). */
static const char *check_claims(const struct jwt_policy *p, const char *js, size_t len,
                                int64_t now_s, int64_t *exp, int *perm)
{
    int count = 0;
    const char *why = parse_object(js, len, &count);
    if (why != NULL) {
        return why;
    }
    int i = member(js, count, "iss");
    if (i == APP_ERR_NOTFOUND) {
        return "iss missing";
    }
    if (!is_string(i)) {
        return "iss not a string";
    }
    if (!json_tok_eq(js, &s_toks[i], p->issuer, p->issuer_len)) {
        return "iss wrong";
    }

    /* aud (RFC 7519 4.1.3): a string or an array of strings. */
    i = member(js, count, "aud");
    if (i == APP_ERR_NOTFOUND) {
        return "aud missing";
    }
    bool aud_ok = false;
    if (is_string(i)) {
        aud_ok = json_tok_eq(js, &s_toks[i], p->audience, p->audience_len);
    } else if (i >= 0 && s_toks[i].type == JSMN_ARRAY) {
        /* Strings have no children, so elements are consecutive tokens
         * for as long as they are strings. */
        for (int k = 1; k <= s_toks[i].size; k++) {
            if (!is_string(i + k)) {
                return "aud not a string or strings";
            }
            aud_ok |= json_tok_eq(js, &s_toks[i + k], p->audience, p->audience_len);
        }
    } else {
        return "aud not a string or strings";
    }
    if (!aud_ok) {
        return "aud wrong";
    }

    /* exp, nbf (RFC 7519 4.1.4, 4.1.5) with the skew, iat typed. A
     * fraction never lengthens validity: exp rounds down, nbf up. */
    int64_t v = 0;
    int rc = date_claim(js, count, "exp", -1, &v);
    if (rc == APP_ERR_NOTFOUND) {
        return "exp missing";
    }
    if (rc == APP_ERR_OVERFLOW) {
        return "exp out of range";
    }
    if (rc != APP_OK) {
        return "exp not a number";
    }
    if (now_s > add_sat(v, p->skew_s)) {
        return "expired";
    }
    *exp = v;
    rc = date_claim(js, count, "nbf", 1, &v);
    if (rc == APP_ERR_OVERFLOW) {
        return "nbf out of range";
    }
    if (rc != APP_OK && rc != APP_ERR_NOTFOUND) {
        return "nbf not a number";
    }
    if (rc == APP_OK && add_sat(now_s, p->skew_s) < v) {
        return "not yet valid";
    }
    rc = date_claim(js, count, "iat", -1, &v);
    if (rc != APP_OK && rc != APP_ERR_NOTFOUND) {
        return "iat not a number";
    }

    /* tid (Entra): the tenant, required when the policy lists tenants. */
    i = member(js, count, "tid");
    if (i != APP_ERR_NOTFOUND && !is_string(i)) {
        return "tid not a string";
    }
    if (p->tenant_count > 0u) {
        if (i == APP_ERR_NOTFOUND) {
            return "tid missing";
        }
        if (!tenant_allowed(p, js, i)) {
            return "tid not allowed";
        }
    }

    /* Permission: delegated scopes in scp (a space-separated string),
     * application roles in roles (an array of strings). */
    *perm = 0;
    i = member(js, count, "scp");
    if (i != APP_ERR_NOTFOUND) {
        if (!is_string(i)) {
            return "scp not a string";
        }
        *perm = scp_grants(js, &s_toks[i]);
    }
    i = member(js, count, "roles");
    if (i != APP_ERR_NOTFOUND) {
        if (i < 0 || s_toks[i].type != JSMN_ARRAY) {
            return "roles not strings";
        }
        for (int k = 1; k <= s_toks[i].size; k++) {
            const jsmntok_t *t = &s_toks[i + k];
            if (!is_string(i + k)) {
                return "roles not strings";
            }
            int g = role_grants(js, t);
            *perm = g > *perm ? g : *perm;
        }
    }
    return NULL;
}

/* ---- signatures ------------------------------------------------------------- */

static const char k_nomem[] = "crypto heap exhausted";

static bool mbedtls_nomem(int rc)
{
    return rc == MBEDTLS_ERR_MPI_ALLOC_FAILED || rc == MBEDTLS_ERR_ECP_ALLOC_FAILED;
}

/* ES256: ECDSA P-256 over SHA-256 with r, s from the JWS form (RFC 7518
 * 3.4); mbedtls_ecdsa_verify() refuses r or s outside 1..n-1. */
static const char *verify_es256(const struct jwt_key *k, const uint8_t hash[SHA256_LEN],
                                const uint8_t sig[ES256_SIG_LEN])
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    mbedtls_mpi r;
    mbedtls_mpi s;
    uint8_t pt[1u + 2u * JWT_EC_COORD_LEN];
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    pt[0] = 0x04; /* uncompressed (SEC 1 2.3.3) */
    memcpy(pt + 1, k->u.ec_xy, sizeof(k->u.ec_xy));
    int rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    if (rc == 0) {
        rc = mbedtls_ecp_point_read_binary(&grp, &q, pt, sizeof(pt));
    }
    if (rc == 0) {
        rc = mbedtls_mpi_read_binary(&r, sig, JWT_EC_COORD_LEN);
    }
    if (rc == 0) {
        rc = mbedtls_mpi_read_binary(&s, sig + JWT_EC_COORD_LEN, JWT_EC_COORD_LEN);
    }
    if (rc == 0) {
        rc = mbedtls_ecdsa_verify(&grp, hash, SHA256_LEN, &q, &r, &s);
    }
    mbedtls_mpi_free(&s);
    mbedtls_mpi_free(&r);
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    if (rc == 0) {
        return NULL;
    }
    return mbedtls_nomem(rc) ? k_nomem : "ES256 signature bad";
}

/* DigestInfo for SHA-256 (RFC 8017 9.2 note 1), before the hash. */
static const uint8_t k_digest_info[19] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                          0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                          0x01, 0x05, 0x00, 0x04, 0x20};

/* RS256: RSASSA-PKCS1-v1_5-VERIFY (RFC 8017 8.2.2). The signature is
 * exactly k bytes (checked by the caller); s < n (RSAVP1, 5.2.2);
 * m = s^e mod n, written over sig; then every byte of it is compared with
 * the expected EM = 00 01 FF..FF 00 DigestInfo H in constant time: no
 * padding is parsed, so no parsing flaw (Bleichenbacher 2006) can accept
 * a forgery. */
static const char *verify_rs256(const struct jwt_key *k, const uint8_t hash[SHA256_LEN],
                                uint8_t *sig)
{
    size_t klen = k->rsa_len;
    size_t tlen = sizeof(k_digest_info) + SHA256_LEN;
    mbedtls_mpi s;
    mbedtls_mpi m;
    mbedtls_mpi_init(&s);
    mbedtls_mpi_init(&m);
    const char *why = NULL;
    int rc = mbedtls_mpi_read_binary(&s, sig, klen);
    if (rc == 0 && mbedtls_mpi_cmp_mpi(&s, &k->u.rsa.n) >= 0) {
        why = "RS256 signature >= n";
    }
    if (rc == 0 && why == NULL) {
        /* rr was set at load with exactly n's limbs, so exp_mod only
         * reads it (its grow() is a no-op): the cast does not write. */
        rc = mbedtls_mpi_exp_mod(&m, &s, &k->u.rsa.e, &k->u.rsa.n, (mbedtls_mpi *)&k->u.rsa.rr);
    }
    if (rc == 0 && why == NULL) {
        rc = mbedtls_mpi_write_binary(&m, sig, klen);
    }
    mbedtls_mpi_free(&m);
    mbedtls_mpi_free(&s);
    if (why != NULL) {
        return why;
    }
    if (rc != 0) {
        return mbedtls_nomem(rc) ? k_nomem : "RS256 signature bad";
    }
    /* EMSA-PKCS1-v1_5-ENCODE (RFC 8017 9.2), byte by byte; k >= 256
     * leaves far more than the 8 bytes of PS it asks for. */
    size_t ps_end = klen - tlen - 1u; /* the 00 after PS */
    uint8_t diff = (uint8_t)(sig[0] ^ 0x00u) | (uint8_t)(sig[1] ^ 0x01u);
    for (size_t i = 2; i < ps_end; i++) {
        diff |= (uint8_t)(sig[i] ^ 0xFFu);
    }
    diff |= sig[ps_end];
    for (size_t i = 0; i < sizeof(k_digest_info); i++) {
        diff |= (uint8_t)(sig[ps_end + 1u + i] ^ k_digest_info[i]);
    }
    for (size_t i = 0; i < SHA256_LEN; i++) {
        diff |= (uint8_t)(sig[klen - SHA256_LEN + i] ^ hash[i]);
    }
    return diff == 0u ? NULL : "RS256 signature bad";
}

/* ---- jwt_check ------------------------------------------------------------------ */

static const char *policy_problem(const struct jwt_policy *p)
{
    if (p == NULL || p->issuer == NULL || p->issuer_len == 0u || p->audience == NULL ||
        p->audience_len == 0u) {
        return "policy incomplete";
    }
    if (p->skew_s < 0 || p->skew_s > JWT_SKEW_MAX_S) {
        return "policy skew";
    }
    if ((p->tenant_count > 0u && p->tenants == NULL) || (p->key_count > 0u && p->keys == NULL)) {
        return "policy incomplete";
    }
    return NULL;
}

static enum jwt_verdict judge(const struct jwt_policy *p, char *tok, size_t len,
                              int64_t now_s, int64_t *exp_s, const char **why)
{
    if ((*why = policy_problem(p)) != NULL) {
        return JWT_INVALID;
    }
    /* RFC 7515 7.1: BASE64URL(header) "." BASE64URL(payload) "."
     * BASE64URL(signature), nothing else (RFC 7519 7.2 steps 1-2). */
    if (tok == NULL || len == 0u) {
        *why = "token empty";
        return JWT_INVALID;
    }
    if (len > APP_HTTP_TOKEN_MAX) {
        *why = "token too long";
        return JWT_INVALID;
    }
    char *d1 = memchr(tok, '.', len);
    char *d2 = d1 == NULL ? NULL : memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - tok));
    if (d2 == NULL) {
        *why = "token not three parts";
        return JWT_INVALID;
    }
    char *sg = d2 + 1;
    size_t sg_len = len - (size_t)(sg - tok);
    if (memchr(sg, '.', sg_len) != NULL) {
        *why = "token not three parts";
        return JWT_INVALID;
    }
    size_t h_len = (size_t)(d1 - tok);
    char *pl = d1 + 1;
    size_t pl_len = (size_t)(d2 - pl);
    if (h_len == 0u || pl_len == 0u || sg_len == 0u) {
        *why = "token part empty";
        return JWT_INVALID;
    }

    /* The signature covers header "." payload as sent (RFC 7515 5.2 step
     * 8): hashed before the parts are decoded over themselves. */
    uint8_t hash[SHA256_LEN];
    if (mbedtls_sha256((const unsigned char *)tok, (size_t)(d2 - tok), hash, 0) != 0) {
        *why = "hash failed";
        return JWT_INVALID;
    }
    uint8_t *hdr = (uint8_t *)tok;
    uint8_t *claims = (uint8_t *)pl;
    uint8_t *sig = (uint8_t *)sg;
    size_t n = 0;
    int rc = b64url_decode(tok, h_len, hdr, JWT_HEADER_MAX, &n);
    if (rc != APP_OK) {
        *why = rc == APP_ERR_OVERFLOW ? "header too long" : "header not base64url";
        return JWT_INVALID;
    }
    const struct jwt_key *key = NULL;
    if ((*why = check_header(p, (const char *)hdr, n, &key)) != NULL) {
        return JWT_INVALID;
    }

    rc = b64url_decode(pl, pl_len, claims, JWT_PAYLOAD_MAX, &n);
    if (rc != APP_OK) {
        *why = rc == APP_ERR_OVERFLOW ? "claims too long" : "claims not base64url";
        return JWT_INVALID;
    }
    int64_t exp = 0;
    int perm = 0;
    if ((*why = check_claims(p, (const char *)claims, n, now_s, &exp, &perm)) != NULL) {
        return JWT_INVALID;
    }

    /* The signature: exactly the key's size. */
    size_t want = key->alg == JWT_ALG_ES256 ? ES256_SIG_LEN : key->rsa_len;
    rc = b64url_decode(sg, sg_len, sig, want, &n);
    if (rc == APP_ERR_INVAL) {
        *why = "signature not base64url";
        return JWT_INVALID;
    }
    if (rc != APP_OK || n != want) {
        *why = "signature length";
        return JWT_INVALID;
    }
    *why = key->alg == JWT_ALG_ES256 ? verify_es256(key, hash, sig)
                                     : verify_rs256(key, hash, sig);
    if (*why != NULL) {
        return *why == k_nomem ? JWT_BUSY : JWT_INVALID;
    }

    if (exp_s != NULL) {
        *exp_s = exp;
    }
    if (perm == 0) {
        *why = "no read permission";
        return JWT_FORBIDDEN;
    }
    *why = "ok";
    return perm == 2 ? JWT_OK_WRITE : JWT_OK;
}

/* Never inlined: its 1.5 KB of jsmn tokens must be on the stack only while
 * a token is judged, not in the frame of every request that links it in
 * (link-time optimisation would put it into api_handle()'s). */
__attribute__((noinline)) enum jwt_verdict jwt_check(const struct jwt_policy *p, char *tok,
                                                     size_t len, int64_t now_s, int64_t *exp_s,
                                                     const char **why)
{
    jsmntok_t toks[JWT_JSON_TOKENS];
    const char *w = NULL;
    s_toks = toks;
    enum jwt_verdict v = judge(p, tok, len, now_s, exp_s, &w);
    s_toks = NULL;
    /* A bearer credential, decoded or not: do not leave it in RAM after
     * the call (the claims' strings also sit in the jsmn tokens' spans). */
    if (tok != NULL) {
        mbedtls_platform_zeroize(tok, len);
    }
    if (why != NULL) {
        *why = w;
    }
    return v;
}

#ifdef JWT_TEST_HOOKS
enum jwt_verdict jwt_test_claims(const struct jwt_policy *p, const char *json, size_t len,
                                 int64_t now_s, int64_t *exp_s, const char **why)
{
    jsmntok_t toks[JWT_JSON_TOKENS];
    int64_t exp = 0;
    int perm = 0;
    const char *w = policy_problem(p);
    if (w == NULL) {
        s_toks = toks;
        w = json == NULL || len > JWT_PAYLOAD_MAX ? "claims too long"
                                                 : check_claims(p, json, len, now_s, &exp, &perm);
        s_toks = NULL;
    }
    enum jwt_verdict v = JWT_INVALID;
    if (w == NULL) {
        if (exp_s != NULL) {
            *exp_s = exp;
        }
        v = perm == 2 ? JWT_OK_WRITE : perm == 1 ? JWT_OK : JWT_FORBIDDEN;
        w = perm ? "ok" : "no read permission";
    }
    if (why != NULL) {
        *why = w;
    }
    return v;
}
#endif

/* ---- keys ------------------------------------------------------------------------- */

static int fail(struct jwt_key *k, const char **why, int err, const char *reason)
{
    jwt_key_free(k);
    if (why != NULL) {
        *why = reason;
    }
    return err;
}

/* Empty k and take the kid. */
static const char *key_start(struct jwt_key *k, const char *kid, size_t kid_len)
{
    memset(k, 0, sizeof(*k));
    if (kid == NULL || kid_len == 0u || kid_len > JWT_KID_MAX) {
        return "kid empty or longer than JWT_KID_MAX";
    }
    memcpy(k->kid, kid, kid_len);
    k->kid_len = (uint8_t)kid_len;
    return NULL;
}

/* x || y must be a point of P-256 other than infinity, coordinates below
 * p (SEC 1 3.2.2.1 via mbedtls_ecp_check_pubkey). */
static int ec_set(struct jwt_key *k, const uint8_t *xy, const char **why)
{
    mbedtls_ecp_group grp;
    mbedtls_ecp_point q;
    uint8_t pt[1u + 2u * JWT_EC_COORD_LEN];
    mbedtls_ecp_group_init(&grp);
    mbedtls_ecp_point_init(&q);
    pt[0] = 0x04;
    memcpy(pt + 1, xy, 2u * JWT_EC_COORD_LEN);
    int rc = mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1);
    if (rc == 0) {
        rc = mbedtls_ecp_point_read_binary(&grp, &q, pt, sizeof(pt));
    }
    if (rc == 0) {
        rc = mbedtls_ecp_check_pubkey(&grp, &q);
    }
    mbedtls_ecp_point_free(&q);
    mbedtls_ecp_group_free(&grp);
    if (mbedtls_nomem(rc)) {
        return fail(k, why, APP_ERR_NOMEM, "crypto heap exhausted");
    }
    if (rc != 0) {
        return fail(k, why, APP_ERR_INVAL, "EC point not on P-256");
    }
    memcpy(k->u.ec_xy, xy, sizeof(k->u.ec_xy));
    k->alg = JWT_ALG_ES256;
    return APP_OK;
}

/* n and e as unsigned big-endian bytes (leading zeros allowed here). */
static int rsa_set(struct jwt_key *k, const uint8_t *n, size_t n_len, const uint8_t *e,
                   size_t e_len, const char **why)
{
    while (n_len > 0u && n[0] == 0u) {
        n++;
        n_len--;
    }
    while (e_len > 0u && e[0] == 0u) {
        e++;
        e_len--;
    }
    if (n_len > JWT_RSA_MAX_BYTES) {
        return fail(k, why, APP_ERR_INVAL, "RSA modulus over 4096 bits");
    }
    /* e up to 256 bits (FIPS 186-5 A.1.1): a bigger one would make each
     * check cost like a private-key operation. */
    if (e_len > 32u) {
        return fail(k, why, APP_ERR_INVAL, "RSA exponent over 256 bits");
    }
    mbedtls_mpi_init(&k->u.rsa.n);
    mbedtls_mpi_init(&k->u.rsa.e);
    mbedtls_mpi_init(&k->u.rsa.rr);
    k->alg = JWT_ALG_RS256; /* so that fail() frees the numbers */
    int rc = mbedtls_mpi_read_binary(&k->u.rsa.n, n, n_len);
    if (rc == 0) {
        rc = mbedtls_mpi_read_binary(&k->u.rsa.e, e, e_len);
    }
    if (rc != 0) {
        return mbedtls_nomem(rc) ? fail(k, why, APP_ERR_NOMEM, "crypto heap exhausted")
                                 : fail(k, why, APP_ERR_INVAL, "RSA numbers unreadable");
    }
    size_t bits = mbedtls_mpi_bitlen(&k->u.rsa.n);
    if (bits < JWT_RSA_MIN_BITS || bits > JWT_RSA_MAX_BITS) {
        return fail(k, why, APP_ERR_INVAL, "RSA modulus not 2048 to 4096 bits");
    }
    if (mbedtls_mpi_get_bit(&k->u.rsa.n, 0) != 1) {
        return fail(k, why, APP_ERR_INVAL, "RSA modulus even");
    }
    if (mbedtls_mpi_get_bit(&k->u.rsa.e, 0) != 1 || mbedtls_mpi_cmp_int(&k->u.rsa.e, 3) < 0 ||
        mbedtls_mpi_cmp_mpi(&k->u.rsa.e, &k->u.rsa.n) >= 0) {
        return fail(k, why, APP_ERR_INVAL, "RSA exponent not odd, >= 3 and < n");
    }
    /* R^2 mod n into rr, by one exponentiation of 1. */
    mbedtls_mpi one;
    mbedtls_mpi t;
    mbedtls_mpi_init(&one);
    mbedtls_mpi_init(&t);
    rc = mbedtls_mpi_lset(&one, 1);
    if (rc == 0) {
        rc = mbedtls_mpi_exp_mod(&t, &one, &k->u.rsa.e, &k->u.rsa.n, &k->u.rsa.rr);
    }
    mbedtls_mpi_free(&t);
    mbedtls_mpi_free(&one);
    if (rc != 0) {
        return fail(k, why, APP_ERR_NOMEM, "crypto heap exhausted");
    }
    k->rsa_len = (uint16_t)((bits + 7u) / 8u);
    return APP_OK;
}

/* A DER INTEGER that is not negative and minimally encoded (X.690
 * 8.3.2), as its magnitude bytes. */
static int der_uint(unsigned char **p, const unsigned char *end, const uint8_t **v, size_t *n)
{
    if (mbedtls_asn1_get_tag(p, end, n, MBEDTLS_ASN1_INTEGER) != 0 || *n == 0u) {
        return APP_ERR_INVAL;
    }
    const uint8_t *c = *p;
    *p += *n;
    if ((c[0] & 0x80u) != 0u || (*n > 1u && c[0] == 0u && (c[1] & 0x80u) == 0u)) {
        return APP_ERR_INVAL;
    }
    *v = c;
    return APP_OK;
}

/* SubjectPublicKeyInfo (RFC 5280 4.1.2.7) of the alg's key type, nothing
 * after it: id-ecPublicKey + prime256v1 with an uncompressed point
 * (RFC 5480 2.1.1, 2.2), or rsaEncryption + NULL with RSAPublicKey
 * (RFC 3279 2.3.1). Parsed here because mbedtls_pk_parse_public_key()
 * needs MBEDTLS_RSA_C for RSA keys. */
static int spki_set(struct jwt_key *k, enum jwt_alg alg, unsigned char *der, size_t len,
                    const char **why)
{
    unsigned char *p = der;
    const unsigned char *end = der + len;
    size_t n;
    mbedtls_asn1_buf oid;
    mbedtls_asn1_buf params;
    if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
        p + n != end || mbedtls_asn1_get_alg(&p, end, &oid, &params) != 0 ||
        mbedtls_asn1_get_bitstring_null(&p, end, &n) != 0 || p + n != end) {
        return fail(k, why, APP_ERR_INVAL, "not a SubjectPublicKeyInfo");
    }
    if (alg == JWT_ALG_ES256) {
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_EC_ALG_UNRESTRICTED, &oid) != 0) {
            return fail(k, why, APP_ERR_INVAL, "not an EC key");
        }
        if (params.tag != MBEDTLS_ASN1_OID ||
            MBEDTLS_OID_CMP(MBEDTLS_OID_EC_GRP_SECP256R1, &params) != 0) {
            return fail(k, why, APP_ERR_INVAL, "EC key not on P-256");
        }
        if (n != 1u + 2u * JWT_EC_COORD_LEN || p[0] != 0x04u) {
            return fail(k, why, APP_ERR_INVAL, "EC point not uncompressed");
        }
        return ec_set(k, p + 1, why);
    }
    if (MBEDTLS_OID_CMP(MBEDTLS_OID_PKCS1_RSA, &oid) != 0) {
        return fail(k, why, APP_ERR_INVAL, "not an RSA key");
    }
    if (params.tag != MBEDTLS_ASN1_NULL || params.len != 0u) {
        return fail(k, why, APP_ERR_INVAL, "RSA parameters not NULL");
    }
    const unsigned char *kend = p + n;
    const uint8_t *mod;
    size_t mod_len;
    const uint8_t *exp;
    size_t exp_len;
    if (mbedtls_asn1_get_tag(&p, kend, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0 ||
        p + n != kend || der_uint(&p, kend, &mod, &mod_len) != APP_OK ||
        der_uint(&p, kend, &exp, &exp_len) != APP_OK || p != kend) {
        return fail(k, why, APP_ERR_INVAL, "not an RSAPublicKey");
    }
    return rsa_set(k, mod, mod_len, exp, exp_len, why);
}

int jwt_key_from_pem(struct jwt_key *k, enum jwt_alg alg, const char *kid, size_t kid_len,
                     const char *pem, size_t pem_len, void *scratch, size_t scratch_len,
                     const char **why)
{
    const char *w = key_start(k, kid, kid_len);
    if (w != NULL) {
        return fail(k, why, APP_ERR_INVAL, w);
    }
    if (alg != JWT_ALG_ES256 && alg != JWT_ALG_RS256) {
        return fail(k, why, APP_ERR_INVAL, "alg not ES256 or RS256");
    }
    if (pem == NULL || scratch == NULL) {
        return fail(k, why, APP_ERR_INVAL, "no PEM text");
    }
    char label[PEM_LABEL_MAX + 1];
    size_t pos = 0;
    int n = pem_next(pem, pem_len, &pos, label, scratch, scratch_len);
    if (n == APP_ERR_OVERFLOW) {
        return fail(k, why, APP_ERR_NOMEM, "PEM scratch too small");
    }
    if (n <= 0) {
        return fail(k, why, APP_ERR_INVAL, n == 0 ? "no PEM block" : "PEM block broken");
    }
    if (!pem_label_is(label, "PUBLIC KEY")) {
        return fail(k, why, APP_ERR_INVAL, "PEM block is not a PUBLIC KEY");
    }
    int rc = spki_set(k, alg, scratch, (size_t)n, why);
    if (rc != APP_OK) {
        return rc;
    }
    /* One key per entry: a second block is a config mistake. */
    if (pem_next(pem, pem_len, &pos, label, scratch, scratch_len) != 0) {
        return fail(k, why, APP_ERR_INVAL, "more than one PEM block");
    }
    return APP_OK;
}

/* A JWK member: base64url, 1..cap bytes, no leading zero octet when
 * minimal (RFC 7518 6.3.1.1, 6.3.1.2). */
static const char *jwk_bytes(const char *in, size_t in_len, uint8_t *out, size_t cap, bool minimal,
                             size_t *n)
{
    if (in == NULL || in_len == 0u) {
        return "JWK member empty";
    }
    int rc = b64url_decode(in, in_len, out, cap, n);
    if (rc == APP_ERR_OVERFLOW) {
        return "JWK member too long";
    }
    if (rc != APP_OK) {
        return "JWK member not base64url";
    }
    if (minimal && out[0] == 0u) {
        return "JWK member has leading zero octets";
    }
    return NULL;
}

int jwt_key_from_jwk_rsa(struct jwt_key *k, const char *kid, size_t kid_len, const char *n,
                         size_t n_len, const char *e, size_t e_len, void *scratch,
                         size_t scratch_len, const char **why)
{
    /* n, then e behind it (at most 32 bytes) in the caller's scratch. */
    uint8_t *nbuf = scratch;
    size_t ncap = scratch_len > 32u ? scratch_len - 32u : 0u;
    ncap = ncap < JWT_RSA_MAX_BYTES ? ncap : JWT_RSA_MAX_BYTES;
    uint8_t *ebuf = nbuf + ncap;
    size_t nb = 0;
    size_t eb = 0;
    const char *w = key_start(k, kid, kid_len);
    if (w == NULL && (scratch == NULL || ncap == 0u)) {
        w = "JWK member too long";
    }
    if (w == NULL) {
        w = jwk_bytes(n, n_len, nbuf, ncap, true, &nb);
    }
    if (w == NULL) {
        w = jwk_bytes(e, e_len, ebuf, 32u, true, &eb);
    }
    return w != NULL ? fail(k, why, APP_ERR_INVAL, w) : rsa_set(k, nbuf, nb, ebuf, eb, why);
}

int jwt_key_from_jwk_ec(struct jwt_key *k, const char *kid, size_t kid_len, const char *x,
                        size_t x_len, const char *y, size_t y_len, const char **why)
{
    uint8_t xy[2u * JWT_EC_COORD_LEN];
    size_t xn = 0;
    size_t yn = 0;
    const char *w = key_start(k, kid, kid_len);
    /* x and y are the full 32 bytes, leading zeros kept (RFC 7518
     * 6.2.1.2, 6.2.1.3). */
    if (w == NULL) {
        w = jwk_bytes(x, x_len, xy, JWT_EC_COORD_LEN, false, &xn);
    }
    if (w == NULL) {
        w = jwk_bytes(y, y_len, xy + JWT_EC_COORD_LEN, JWT_EC_COORD_LEN, false, &yn);
    }
    if (w == NULL && (xn != JWT_EC_COORD_LEN || yn != JWT_EC_COORD_LEN)) {
        w = "EC coordinates not 32 bytes (P-256)";
    }
    if (w != NULL) {
        return fail(k, why, APP_ERR_INVAL, w);
    }
    return ec_set(k, xy, why);
}

void jwt_key_free(struct jwt_key *k)
{
    if (k == NULL) {
        return;
    }
    if (k->alg == JWT_ALG_RS256) {
        mbedtls_mpi_free(&k->u.rsa.n);
        mbedtls_mpi_free(&k->u.rsa.e);
        mbedtls_mpi_free(&k->u.rsa.rr);
    }
    memset(k, 0, sizeof(*k));
}
