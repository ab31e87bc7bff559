/* libFuzzer harness for jwt_check() and its claims checks
 * (firmware/auth/jwt.c) with the keys and policy of
 * tests/unit/jwt_vectors.h. A fuzzer cannot forge signatures, so the
 * first byte says what the rest is, to reach each stage:
 *   bits 0-1  0: the token bytes as they come;
 *             1: a claims set (JSON) for jwt_test_claims(), no signature;
 *             2: a claims set, base64url-encoded between a valid header
 *                and signature (header, key choice, claims, then a
 *                signature that fails unless the claims are the signed ones);
 *             3: a JOSE header (JSON), base64url-encoded before valid
 *                claims and signature;
 *   bit 2     modes 2 and 3: the ES256 token (0) or the RS256 one (1);
 *   bits 3-4  the device time: the vectors' now, exp, exp + 301, or 0.
 * Checked: a verdict of the four, why set, exp written only on JWT_OK
 * and JWT_FORBIDDEN, and mbedTLS's heap back where it was after each
 * call. Every token is passed in a buffer of its exact size, so ASan sees
 * a read past its end. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app_err.h"
#include "jwt.h"
#include "jwt_vectors.h"
#include "tls_port.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STRLEN(s) (sizeof(s) - 1u)
#define MAX_INPUT 4096u

static const char s_tenants[2][JWT_TID_LEN + 1] = {JV_TENANT_0, JV_TENANT_1};
static struct jwt_key s_keys[2];
static struct jwt_policy s_policy;

/* The valid tokens of modes 2 and 3, as header / claims / signature. */
struct parts {
    const char *p[3];
    size_t n[3];
};
static struct parts s_base[2];

static void split(const char *tok, struct parts *out)
{
    const char *d1 = strchr(tok, '.');
    const char *d2 = d1 != NULL ? strchr(d1 + 1, '.') : NULL;
    if (d2 == NULL) {
        abort();
    }
    out->p[0] = tok;
    out->n[0] = (size_t)(d1 - tok);
    out->p[1] = d1 + 1;
    out->n[1] = (size_t)(d2 - d1 - 1);
    out->p[2] = d2 + 1;
    out->n[2] = strlen(d2 + 1);
}

static const char *vector(const char *name)
{
    for (size_t i = 0; i < sizeof(jv_cases) / sizeof(jv_cases[0]); i++) {
        if (strcmp(jv_cases[i].name, name) == 0) {
            return jv_cases[i].token;
        }
    }
    abort();
}

static void setup(void)
{
    static int s_done;
    static unsigned char scratch[1024];
    if (s_done) {
        return;
    }
    s_done = 1;
    tls_port_init();
    if (jwt_key_from_pem(&s_keys[0], JWT_ALG_ES256, JV_KID_EC, STRLEN(JV_KID_EC), jv_pem_ec,
                         STRLEN(jv_pem_ec), scratch, sizeof(scratch), NULL) != APP_OK ||
        jwt_key_from_jwk_rsa(&s_keys[1], JV_KID_RSA, STRLEN(JV_KID_RSA), jv_jwk_rsa_n,
                             STRLEN(jv_jwk_rsa_n), jv_jwk_rsa_e, STRLEN(jv_jwk_rsa_e),
                             scratch, sizeof(scratch), NULL) != APP_OK) {
        abort();
    }
    s_policy.issuer = JV_ISSUER;
    s_policy.issuer_len = STRLEN(JV_ISSUER);
    s_policy.audience = JV_AUDIENCE;
    s_policy.audience_len = STRLEN(JV_AUDIENCE);
    s_policy.skew_s = JV_SKEW;
    s_policy.tenants = s_tenants;
    s_policy.tenant_count = 2;
    s_policy.keys = s_keys;
    s_policy.key_count = 2;
    split(vector("ES256, scp Read.All"), &s_base[0]);
    split(vector("RS256 RSA-2048, scp Read.All"), &s_base[1]);
}

static size_t b64url(const uint8_t *in, size_t n, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8u;
        while (bits >= 6u) {
            bits -= 6u;
            out[o++] = abc[(acc >> bits) & 63u];
        }
    }
    if (bits > 0u) {
        out[o++] = abc[(acc << (6u - bits)) & 63u];
    }
    return o;
}

static size_t heap_cur(void)
{
    struct tls_heap_stats st;
    tls_port_heap_stats(&st);
    return st.cur;
}

/* @return the verdict, after the checks every verdict must pass. */
static enum jwt_verdict judge(int mode, char *tok, size_t len, int64_t now)
{
    const int64_t unset = INT64_MIN + 7;
    int64_t exp = unset;
    const char *why = NULL;
    size_t before = heap_cur();
    enum jwt_verdict v = mode == 1 ? jwt_test_claims(&s_policy, tok, len, now, &exp, &why)
                                   : jwt_check(&s_policy, tok, len, now, &exp, &why);
    if (heap_cur() != before || why == NULL || why[0] == '\0') {
        abort();
    }
    /* jwt_check() decodes the token over itself and must leave none of it. */
    for (size_t i = 0; mode != 1 && i < len; i++) {
        if (tok[i] != 0) {
            abort();
        }
    }
    if (v != JWT_OK && v != JWT_OK_WRITE && v != JWT_FORBIDDEN && v != JWT_INVALID) {
        abort();
    }
    if ((v == JWT_INVALID) != (exp == unset)) {
        abort();
    }
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 1u) {
        return 0;
    }
    int mode = data[0] & 3;
    const struct parts *b = &s_base[(data[0] >> 2) & 1];
    static const int64_t nows[4] = {JV_NOW, JV_NOW + 3600, JV_NOW + 3600 + JV_SKEW + 1, 0};
    int64_t now = nows[(data[0] >> 3) & 3];
    const uint8_t *in = data + 1;
    size_t n = size - 1u;
    if (n > MAX_INPUT) {
        n = MAX_INPUT;
    }
    if (mode < 2) {
        char *tok = malloc(n + 1u); /* exact size (+1 so that n == 0 is a valid malloc) */
        memcpy(tok, in, n);
        judge(mode, tok, n, now);
        free(tok);
        return 0;
    }
    /* header "." claims "." signature with one part replaced */
    size_t enc = (n + 2u) / 3u * 4u;
    size_t cap = enc + b->n[0] + b->n[1] + b->n[2] + 2u;
    char *tok = malloc(cap);
    size_t len = 0;
    int same = 1; /* is the replaced part the signed one, byte for byte? */
    for (int part = 0; part < 3; part++) {
        if (part > 0) {
            tok[len++] = '.';
        }
        if ((mode == 2 && part == 1) || (mode == 3 && part == 0)) {
            size_t k = b64url(in, n, tok + len);
            same = k == b->n[part] && memcmp(tok + len, b->p[part], k) == 0;
            len += k;
        } else {
            memcpy(tok + len, b->p[part], b->n[part]);
            len += b->n[part];
        }
    }
    char *exact = malloc(len);
    memcpy(exact, tok, len);
    free(tok);
    /* No forgery: only the signed bytes can pass the signature. */
    if (judge(mode, exact, len, now) != JWT_INVALID && !same) {
        abort();
    }
    free(exact);
    return 0;
}
