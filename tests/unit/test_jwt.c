/* Host test of firmware/auth/jwt.c: the token table of jwt_vectors.h
 * (minted by python3-jwt and python3-cryptography in gen_jwt_vectors.py)
 * against keys loaded from PEM and from JWK members, the policy's edges
 * through the claims hook, and key loading (good keys, and keys that
 * must be refused). After every call, mbedTLS's heap is back where it
 * was (leak check through its use counter). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_config.h"
#include "app_err.h"
#include "jwt.h"
#include "jwt_vectors.h"
#include "tls_port.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define STRLEN(s) (sizeof(s) - 1u)

static const char s_tenants[2][JWT_TID_LEN + 1] = {JV_TENANT_0, JV_TENANT_1};
static struct jwt_key s_keys[3];
static unsigned char s_scratch[2048];

static size_t heap_cur(void)
{
    struct tls_heap_stats st;
    tls_port_heap_stats(&st);
    return st.cur;
}

static struct jwt_policy policy(void)
{
    struct jwt_policy p = {
        .issuer = JV_ISSUER,
        .issuer_len = STRLEN(JV_ISSUER),
        .audience = JV_AUDIENCE,
        .audience_len = STRLEN(JV_AUDIENCE),
        .skew_s = JV_SKEW,
        .tenants = s_tenants,
        .tenant_count = ARRAY_LEN(s_tenants),
        .keys = s_keys,
        .key_count = ARRAY_LEN(s_keys),
    };
    return p;
}

static int load_pem(struct jwt_key *k, enum jwt_alg alg, const char *kid, const char *pem,
                    const char **why)
{
    return jwt_key_from_pem(k, alg, kid, strlen(kid), pem, strlen(pem), s_scratch,
                            sizeof(s_scratch), why);
}

static void keys_free(void)
{
    for (size_t i = 0; i < ARRAY_LEN(s_keys); i++) {
        jwt_key_free(&s_keys[i]);
    }
}

/* jwt_check() on a writable copy of token, which it must leave zeroed. */
static enum jwt_verdict check_tok(const struct jwt_policy *p, const char *token, int64_t now_s,
                                  int64_t *exp_s, const char **why)
{
    static char buf[APP_HTTP_TOKEN_MAX + 16];
    size_t n = strlen(token);
    assert_true(n < sizeof(buf));
    memcpy(buf, token, n);
    enum jwt_verdict v = jwt_check(p, buf, n, now_s, exp_s, why);
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != 0) {
            fail_msg("token byte %zu left after jwt_check()", i);
        }
    }
    return v;
}

static void keys_from_pem(void)
{
    const char *why = NULL;
    assert_int_equal(load_pem(&s_keys[0], JWT_ALG_ES256, JV_KID_EC, jv_pem_ec, &why), APP_OK);
    assert_int_equal(load_pem(&s_keys[1], JWT_ALG_RS256, JV_KID_RSA, jv_pem_rsa, &why), APP_OK);
    assert_int_equal(load_pem(&s_keys[2], JWT_ALG_RS256, JV_KID_RSA4K, jv_pem_rsa4k, &why),
                     APP_OK);
}

static void keys_from_jwk(void)
{
    const char *why = NULL;
    assert_int_equal(jwt_key_from_jwk_ec(&s_keys[0], JV_KID_EC, STRLEN(JV_KID_EC), jv_jwk_ec_x,
                                         STRLEN(jv_jwk_ec_x), jv_jwk_ec_y, STRLEN(jv_jwk_ec_y),
                                         &why),
                     APP_OK);
    assert_int_equal(jwt_key_from_jwk_rsa(&s_keys[1], JV_KID_RSA, STRLEN(JV_KID_RSA),
                                          jv_jwk_rsa_n, STRLEN(jv_jwk_rsa_n), jv_jwk_rsa_e,
                                          STRLEN(jv_jwk_rsa_e), s_scratch, sizeof(s_scratch), &why),
                     APP_OK);
    assert_int_equal(jwt_key_from_jwk_rsa(&s_keys[2], JV_KID_RSA4K, STRLEN(JV_KID_RSA4K),
                                          jv_jwk_rsa4k_n, STRLEN(jv_jwk_rsa4k_n), jv_jwk_rsa4k_e,
                                          STRLEN(jv_jwk_rsa4k_e), s_scratch, sizeof(s_scratch), &why),
                     APP_OK);
}

static const struct jv_case *find_case(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(jv_cases); i++) {
        if (strcmp(jv_cases[i].name, name) == 0) {
            return &jv_cases[i];
        }
    }
    fail_msg("no vector named \"%s\"", name);
    return NULL;
}

/* One row: verdict, why, the exp reported, and no heap left behind. */
static void check_case(const struct jwt_policy *p, const struct jv_case *c)
{
    size_t before = heap_cur();
    int64_t exp = -1;
    const char *why = NULL;
    enum jwt_verdict v = check_tok(p, c->token, c->now_s, &exp, &why);
    if (v != c->verdict || why == NULL || strcmp(why, c->why) != 0) {
        fail_msg("\"%s\": verdict %d why \"%s\", expected %d \"%s\"", c->name, (int)v,
                 why != NULL ? why : "(null)", (int)c->verdict, c->why);
    }
    if (v != JWT_INVALID && exp != c->exp_s) {
        fail_msg("\"%s\": exp %lld, expected %lld", c->name, (long long)exp, (long long)c->exp_s);
    }
    if (v == JWT_INVALID && exp != -1) {
        fail_msg("\"%s\": exp written on JWT_INVALID", c->name);
    }
    if (heap_cur() != before) {
        fail_msg("\"%s\": %zu bytes of mbedTLS heap left", c->name, heap_cur() - before);
    }
}

static void run_table(void)
{
    struct jwt_policy p = policy();
    for (size_t i = 0; i < ARRAY_LEN(jv_cases); i++) {
        check_case(&p, &jv_cases[i]);
    }
}

static void test_table_pem_keys(void **state)
{
    (void)state;
    size_t before = heap_cur();
    keys_from_pem();
    run_table();
    keys_free();
    assert_int_equal(heap_cur(), before);
}

static void test_table_jwk_keys(void **state)
{
    (void)state;
    size_t before = heap_cur();
    keys_from_jwk();
    run_table();
    keys_free();
    assert_int_equal(heap_cur(), before);
}

/* The table covers at least what issue 5 asks for. */
static void test_table_size(void **state)
{
    (void)state;
    size_t n[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < ARRAY_LEN(jv_cases); i++) {
        n[jv_cases[i].verdict]++;
    }
    assert_true(ARRAY_LEN(jv_cases) >= 45u);
    assert_true(n[JWT_OK] >= 3u && n[JWT_FORBIDDEN] >= 1u && n[JWT_INVALID] >= 30u &&
                n[JWT_OK_WRITE] >= 2u);
}

/* Only the key with the token's kid is tried: with the EC key alone, RSA
 * tokens are an unknown kid; with no keys at all, every token is. */
static void test_key_selection(void **state)
{
    (void)state;
    keys_from_pem();
    struct jwt_policy p = policy();
    const char *why = NULL;
    const struct jv_case *rsa = find_case("RS256 RSA-2048, scp Read.All");
    const struct jv_case *ec = find_case("ES256, scp Read.All");
    p.key_count = 1;
    assert_int_equal(check_tok(&p, rsa->token, JV_NOW, NULL, &why),
                     JWT_INVALID);
    assert_string_equal(why, "kid unknown");
    assert_int_equal(check_tok(&p, ec->token, JV_NOW, NULL, &why), JWT_OK);
    p.key_count = 0;
    assert_int_equal(check_tok(&p, ec->token, JV_NOW, NULL, &why),
                     JWT_INVALID);
    assert_string_equal(why, "kid unknown");
    /* Two keys under one kid (rotation to another alg): the one of the
     * token's alg is used. */
    struct jwt_key two[2];
    assert_int_equal(load_pem(&two[0], JWT_ALG_RS256, JV_KID_EC, jv_pem_rsa, &why), APP_OK);
    assert_int_equal(load_pem(&two[1], JWT_ALG_ES256, JV_KID_EC, jv_pem_ec, &why), APP_OK);
    p.keys = two;
    p.key_count = 2;
    assert_int_equal(check_tok(&p, ec->token, JV_NOW, NULL, &why), JWT_OK);
    jwt_key_free(&two[0]);
    jwt_key_free(&two[1]);
    keys_free();
}

static void test_policy_tenants_and_skew(void **state)
{
    (void)state;
    keys_from_pem();
    struct jwt_policy p = policy();
    const char *why = NULL;
    int64_t exp = 0;
    /* No tenant list: any tid, still typed, and none needed. */
    p.tenant_count = 0;
    p.tenants = NULL;
    const struct jv_case *c = find_case("tid not in the allow list");
    assert_int_equal(check_tok(&p, c->token, c->now_s, &exp, &why), JWT_OK);
    c = find_case("tid missing");
    assert_int_equal(check_tok(&p, c->token, c->now_s, &exp, &why), JWT_OK);
    c = find_case("tid a number");
    assert_int_equal(check_tok(&p, c->token, c->now_s, &exp, &why),
                     JWT_INVALID);
    assert_string_equal(why, "tid not a string");
    /* Skew 0: valid up to exp itself (the table's rule: now > exp + skew). */
    p.skew_s = 0;
    c = find_case("ES256, scp Read.All");
    assert_int_equal(check_tok(&p, c->token, c->exp_s, &exp, &why), JWT_OK);
    assert_int_equal(check_tok(&p, c->token, c->exp_s + 1, &exp, &why),
                     JWT_INVALID);
    assert_string_equal(why, "expired");
    keys_free();
}

static void test_policy_broken(void **state)
{
    (void)state;
    const struct jv_case *c = find_case("ES256, scp Read.All");
    const char *why = NULL;
    struct jwt_policy p = policy();
    assert_int_equal(check_tok(NULL, c->token, JV_NOW, NULL, &why),
                     JWT_INVALID);
    assert_string_equal(why, "policy incomplete");
    p.issuer_len = 0;
    assert_int_equal(check_tok(&p, c->token, JV_NOW, NULL, &why), JWT_INVALID);
    p = policy();
    p.audience = NULL;
    assert_int_equal(check_tok(&p, c->token, JV_NOW, NULL, &why), JWT_INVALID);
    p = policy();
    p.skew_s = -1;
    assert_int_equal(check_tok(&p, c->token, JV_NOW, NULL, &why), JWT_INVALID);
    assert_string_equal(why, "policy skew");
    p.skew_s = JWT_SKEW_MAX_S + 1;
    assert_int_equal(check_tok(&p, c->token, JV_NOW, NULL, &why), JWT_INVALID);
    p = policy();
    p.keys = NULL;
    assert_int_equal(check_tok(&p, c->token, JV_NOW, NULL, &why), JWT_INVALID);
    assert_string_equal(why, "policy incomplete");
    /* Arguments: NULL token, and why/exp may be NULL. */
    p = policy();
    assert_int_equal(jwt_check(&p, NULL, 10, JV_NOW, NULL, &why), JWT_INVALID);
    assert_string_equal(why, "token empty");
    assert_int_equal(check_tok(&p, c->token, JV_NOW, NULL, NULL), JWT_INVALID);
}

/* Claims alone (JWT_TEST_HOOKS): arithmetic at the int64 edges. */
struct claims_case {
    const char *json;
    int64_t now_s;
    enum jwt_verdict verdict;
    const char *why;
};

#define BASE "\"iss\":\"" JV_ISSUER "\",\"aud\":\"" JV_AUDIENCE "\",\"tid\":\"" JV_TENANT_0 "\""

static const struct claims_case s_claims[] = {
    {"{" BASE ",\"exp\":100,\"scp\":\"EntitlementManagement.Read.All\"}", 400, JWT_OK, "ok"},
    {"{" BASE ",\"exp\":100,\"scp\":\"EntitlementManagement.Read.All\"}", 401, JWT_INVALID,
     "expired"},
    /* exp + skew saturates instead of wrapping. */
    {"{" BASE ",\"exp\":9223372036854775807,\"scp\":\"EntitlementManagement.Read.All\"}",
     INT64_MAX, JWT_OK, "ok"},
    {"{" BASE ",\"exp\":9223372036854775807,\"nbf\":9223372036854775807,"
     "\"scp\":\"EntitlementManagement.Read.All\"}", INT64_MAX - 300, JWT_OK, "ok"},
    {"{" BASE ",\"exp\":9223372036854775807,\"nbf\":9223372036854775807,"
     "\"scp\":\"EntitlementManagement.Read.All\"}", INT64_MAX - 301, JWT_INVALID, "not yet valid"},
    {"{" BASE ",\"exp\":-9223372036854775808,\"scp\":\"EntitlementManagement.Read.All\"}",
     INT64_MIN, JWT_OK, "ok"},
    {"{" BASE ",\"exp\":-9223372036854775809}", INT64_MIN, JWT_INVALID, "exp out of range"},
    {"{" BASE ",\"exp\":-0,\"scp\":\"EntitlementManagement.ReadWrite.All\"}", 0, JWT_OK_WRITE, "ok"},
    {"{" BASE ",\"exp\":true}", 0, JWT_INVALID, "exp not a number"},
    /* NumericDate is any JSON number (RFC 7519 2); exp rounds down and nbf
     * up, so a fraction never extends validity (regression: "exp not an
     * integer"). */
    {"{" BASE ",\"exp\":1e3}", 1300, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":1e3}", 1301, JWT_INVALID, "expired"},
    {"{" BASE ",\"exp\":1000.999}", 1300, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":1000.999}", 1301, JWT_INVALID, "expired"},
    {"{" BASE ",\"exp\":1.0009999e3}", 1301, JWT_INVALID, "expired"},
    {"{" BASE ",\"exp\":10009.99e-1}", 1300, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":1767225600.5,\"scp\":\"EntitlementManagement.Read.All\"}", 1767225900,
     JWT_OK, "ok"},
    {"{" BASE ",\"exp\":1.7672256e9,\"scp\":\"EntitlementManagement.Read.All\"}", 1767225900,
     JWT_OK, "ok"},
    {"{" BASE ",\"exp\":1.7672256E+9,\"scp\":\"EntitlementManagement.Read.All\"}", 1767225901,
     JWT_INVALID, "expired"},
    {"{" BASE ",\"exp\":-0.5}", 300, JWT_INVALID, "expired"}, /* floor -1, not 0 */
    {"{" BASE ",\"exp\":-0.5}", 299, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":1e19}", 0, JWT_INVALID, "exp out of range"},
    {"{" BASE ",\"exp\":9.223372036854775807e18,\"scp\":\"EntitlementManagement.Read.All\"}",
     INT64_MAX, JWT_OK, "ok"},
    {"{" BASE ",\"exp\":1e-999999999999,\"scp\":\"EntitlementManagement.Read.All\"}", -300,
     JWT_OK, "ok"},
    {"{" BASE ",\"exp\":100,\"nbf\":700.001}", 400, JWT_INVALID, "not yet valid"},
    {"{" BASE ",\"exp\":1000,\"nbf\":700.001}", 401, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":1000,\"nbf\":7.01e2}", 401, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":1000,\"nbf\":7.01e2}", 400, JWT_INVALID, "not yet valid"},
    {"{" BASE ",\"exp\":1000,\"nbf\":-0.5}", -300, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":1000,\"nbf\":-0.5}", -301, JWT_INVALID, "not yet valid"}, /* ceil 0 */
    {"{" BASE ",\"exp\":1000,\"iat\":1.5e9}", 0, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":1000,\"iat\":\"1\"}", 0, JWT_INVALID, "iat not a number"},
    /* Strings are decoded as JSON defines them before they are compared or
     * split: "\u0020" separates scopes (regression: it did not). */
    {"{" BASE ",\"exp\":10,\"scp\":\"openid\\u0020EntitlementManagement.Read.All\"}", 0, JWT_OK,
     "ok"},
    {"{" BASE ",\"exp\":10,\"scp\":\"Entitlement\\u004Danagement.Read.All\"}", 0, JWT_OK, "ok"},
    {"{" BASE ",\"exp\":10,\"scp\":\"a \\u0045ntitlementManagement.ReadWrite.All\\u0020b\"}", 0,
     JWT_OK_WRITE, "ok"},
    {"{" BASE ",\"exp\":10,\"scp\":\"openid\\tEntitlementManagement.Read.All\"}", 0, JWT_FORBIDDEN,
     "no read permission"},
    {"{" BASE ",\"exp\":10,\"scp\":\"EntitlementManagement.Read.All\\u0000\"}", 0, JWT_INVALID,
     "JSON string undecodable"},
    {"{\"iss\":\"https:\\/\\/login.microsoftonline.com\\/72f988bf-86f1-41af-91ab-2d7cd011db47\\/v2.0\","
     "\"aud\":[\"x\",\"https:\\/\\/graph.microsoft.co\\u006d\"],\"tid\":\"\\u0037"
     "2f988bf-86f1-41af-91ab-2d7cd011db47\",\"exp\":10,"
     "\"roles\":[\"\\u0045ntitlementManagement.Read.All\"]}", 0, JWT_OK, "ok"},
    {"{" BASE ",\"exp\":10}", 0, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":10,\"roles\":[]}", 0, JWT_FORBIDDEN, "no read permission"},
    {"{" BASE ",\"exp\":10,\"roles\":[[\"EntitlementManagement.Read.All\"]]}", 0, JWT_INVALID,
     "roles not strings"},
    {"{" BASE ",\"exp\":10,\"scp\":null}", 0, JWT_INVALID, "scp not a string"},
    {"{" BASE ",\"exp\":10,\"aud\":\"x\"}", 0, JWT_INVALID, "JSON duplicate member"},
    {"{" BASE ",\"exp\":10,\"iat\":null}", 0, JWT_INVALID, "iat not a number"},
    {"", 0, JWT_INVALID, "JSON syntax"},
    {"{}", 0, JWT_INVALID, "iss missing"},
};

static void test_claims_hook(void **state)
{
    (void)state;
    struct jwt_policy p = policy();
    for (size_t i = 0; i < ARRAY_LEN(s_claims); i++) {
        const struct claims_case *c = &s_claims[i];
        const char *why = NULL;
        int64_t exp = 0;
        enum jwt_verdict v = jwt_test_claims(&p, c->json, strlen(c->json), c->now_s, &exp, &why);
        if (v != c->verdict || strcmp(why, c->why) != 0) {
            fail_msg("claims case %zu: verdict %d \"%s\", expected %d \"%s\"", i, (int)v, why,
                     (int)c->verdict, c->why);
        }
    }
}

/* ---- key loading ------------------------------------------------------------ */

struct pem_key_case {
    const char *name;
    enum jwt_alg alg;
    const char *pem;
    int rc;
};

#define PUB(body) "-----BEGIN PUBLIC KEY-----\n" body "\n-----END PUBLIC KEY-----\n"

static const struct pem_key_case s_pem_keys[] = {
    {"EC P-256", JWT_ALG_ES256, jv_pem_ec, APP_OK},
    {"RSA-2048", JWT_ALG_RS256, jv_pem_rsa, APP_OK},
    {"RSA-4096", JWT_ALG_RS256, jv_pem_rsa4k, APP_OK},
    {"EC key as RS256", JWT_ALG_RS256, jv_pem_ec, APP_ERR_INVAL},
    {"RSA key as ES256", JWT_ALG_ES256, jv_pem_rsa, APP_ERR_INVAL},
    {"RSA-1024", JWT_ALG_RS256, jv_pem_rsa1024, APP_ERR_INVAL},
    {"RSA-2047", JWT_ALG_RS256, jv_pem_rsa2047, APP_ERR_INVAL},
    {"RSA-8192", JWT_ALG_RS256, jv_pem_rsa8192, APP_ERR_INVAL},
    {"RSA even exponent", JWT_ALG_RS256, jv_pem_rsa_even_e, APP_ERR_INVAL},
    {"RSA exponent 1", JWT_ALG_RS256, jv_pem_rsa_e1, APP_ERR_INVAL},
    {"RSA even modulus", JWT_ALG_RS256, jv_pem_rsa_even_n, APP_ERR_INVAL},
    {"RSA PUBLIC KEY (PKCS#1, not SPKI)", JWT_ALG_RS256, jv_pem_rsa_pkcs1, APP_ERR_INVAL},
    {"EC point not on the curve", JWT_ALG_ES256, jv_pem_ec_off_curve, APP_ERR_INVAL},
    {"EC compressed point", JWT_ALG_ES256, jv_pem_ec_compressed, APP_ERR_INVAL},
    {"EC P-384 (wrong crv)", JWT_ALG_ES256, jv_pem_ec_p384, APP_ERR_INVAL},
    {"EC secp256k1 (wrong crv)", JWT_ALG_ES256, jv_pem_ec_secp256k1, APP_ERR_INVAL},
    {"a private key", JWT_ALG_RS256, jv_pem_private, APP_ERR_INVAL},
    {"no PEM block", JWT_ALG_ES256, "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", APP_ERR_INVAL},
    {"body not base64", JWT_ALG_ES256, PUB("MFkw*wYHKoZI"), APP_ERR_INVAL},
    {"DER cut short", JWT_ALG_ES256, PUB("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"), APP_ERR_INVAL},
    {"DER of another type (an INTEGER)", JWT_ALG_ES256, PUB("AgEB"), APP_ERR_INVAL},
    {"alg 0", (enum jwt_alg)0, jv_pem_ec, APP_ERR_INVAL},
};

static void test_key_from_pem(void **state)
{
    (void)state;
    size_t before = heap_cur();
    for (size_t i = 0; i < ARRAY_LEN(s_pem_keys); i++) {
        const struct pem_key_case *c = &s_pem_keys[i];
        struct jwt_key k;
        const char *why = NULL;
        int rc = load_pem(&k, c->alg, "kid", c->pem, &why);
        if (rc != c->rc || (rc != APP_OK && why == NULL)) {
            fail_msg("\"%s\": rc %d (%s), expected %d", c->name, rc, why ? why : "-", c->rc);
        }
        if (rc == APP_OK) {
            assert_int_equal(k.alg, c->alg);
            assert_int_equal(k.kid_len, 3);
            assert_memory_equal(k.kid, "kid", 3);
        } else {
            assert_int_equal(k.alg, 0); /* left empty */
        }
        jwt_key_free(&k);
        assert_int_equal(heap_cur(), before);
    }
}

static void test_key_from_pem_edges(void **state)
{
    (void)state;
    struct jwt_key k;
    const char *why = NULL;
    char two[2048];
    (void)snprintf(two, sizeof(two), "%s%s", jv_pem_ec, jv_pem_ec);
    assert_int_equal(load_pem(&k, JWT_ALG_ES256, "kid", two, &why), APP_ERR_INVAL);
    assert_string_equal(why, "more than one PEM block");
    /* Explanatory text around the block is fine (RFC 7468 5.2). */
    (void)snprintf(two, sizeof(two), "issuer key\n%snext\n", jv_pem_ec);
    assert_int_equal(load_pem(&k, JWT_ALG_ES256, "kid", two, &why), APP_OK);
    jwt_key_free(&k);
    /* Scratch too small for the DER. */
    assert_int_equal(jwt_key_from_pem(&k, JWT_ALG_RS256, "kid", 3, jv_pem_rsa4k,
                                      strlen(jv_pem_rsa4k), s_scratch, 300, &why),
                     APP_ERR_NOMEM);
    /* kid of 1..64 bytes. */
    char kid[JWT_KID_MAX + 1];
    memset(kid, 'k', sizeof(kid));
    assert_int_equal(jwt_key_from_pem(&k, JWT_ALG_ES256, kid, JWT_KID_MAX, jv_pem_ec,
                                      strlen(jv_pem_ec), s_scratch, sizeof(s_scratch), &why),
                     APP_OK);
    jwt_key_free(&k);
    assert_int_equal(jwt_key_from_pem(&k, JWT_ALG_ES256, kid, JWT_KID_MAX + 1, jv_pem_ec,
                                      strlen(jv_pem_ec), s_scratch, sizeof(s_scratch), &why),
                     APP_ERR_INVAL);
    assert_int_equal(jwt_key_from_pem(&k, JWT_ALG_ES256, kid, 0, jv_pem_ec, strlen(jv_pem_ec),
                                      s_scratch, sizeof(s_scratch), NULL),
                     APP_ERR_INVAL);
    jwt_key_free(NULL);
}

struct jwk_case {
    const char *name;
    enum jwt_alg alg;
    const char *a; /* x or n */
    const char *b; /* y or e */
    int rc;
};

static const struct jwk_case s_jwk_keys[] = {
    {"EC", JWT_ALG_ES256, jv_jwk_ec_x, jv_jwk_ec_y, APP_OK},
    {"RSA-2048", JWT_ALG_RS256, jv_jwk_rsa_n, jv_jwk_rsa_e, APP_OK},
    {"RSA-4096", JWT_ALG_RS256, jv_jwk_rsa4k_n, jv_jwk_rsa4k_e, APP_OK},
    {"EC point not on the curve", JWT_ALG_ES256, jv_jwk_ec_x, jv_jwk_ec_off_curve_y,
     APP_ERR_INVAL},
    {"EC P-384 coordinates (wrong crv)", JWT_ALG_ES256, jv_jwk_p384_x, jv_jwk_p384_y,
     APP_ERR_INVAL},
    {"EC x and y swapped", JWT_ALG_ES256, jv_jwk_ec_y, jv_jwk_ec_x, APP_ERR_INVAL},
    {"EC x of 31 bytes", JWT_ALG_ES256, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg", jv_jwk_ec_y,
     APP_ERR_INVAL},
    {"EC x padded", JWT_ALG_ES256, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", jv_jwk_ec_y,
     APP_ERR_INVAL},
    {"EC y empty", JWT_ALG_ES256, jv_jwk_ec_x, "", APP_ERR_INVAL},
    {"RSA n with a leading zero octet", JWT_ALG_RS256, jv_jwk_rsa_n_leading_zero, jv_jwk_rsa_e,
     APP_ERR_INVAL},
    {"RSA e even (65536)", JWT_ALG_RS256, jv_jwk_rsa_n, jv_jwk_rsa_e_even, APP_ERR_INVAL},
    {"RSA e 1", JWT_ALG_RS256, jv_jwk_rsa_n, "AQ", APP_ERR_INVAL},
    {"RSA e 3", JWT_ALG_RS256, jv_jwk_rsa_n, "Aw", APP_OK},
    {"RSA n standard base64 ('+', '/')", JWT_ALG_RS256, "+/+/", jv_jwk_rsa_e, APP_ERR_INVAL},
    {"RSA n of 1024 bits", JWT_ALG_RS256,
     "wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
     jv_jwk_rsa_e, APP_ERR_INVAL},
    {"RSA e over 256 bits", JWT_ALG_RS256, jv_jwk_rsa_n,
     "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", APP_ERR_INVAL},
};

static void test_key_from_jwk(void **state)
{
    (void)state;
    size_t before = heap_cur();
    for (size_t i = 0; i < ARRAY_LEN(s_jwk_keys); i++) {
        const struct jwk_case *c = &s_jwk_keys[i];
        struct jwt_key k;
        const char *why = NULL;
        int rc = c->alg == JWT_ALG_ES256
                     ? jwt_key_from_jwk_ec(&k, "k", 1, c->a, strlen(c->a), c->b, strlen(c->b), &why)
                     : jwt_key_from_jwk_rsa(&k, "k", 1, c->a, strlen(c->a), c->b, strlen(c->b),
                                            s_scratch, sizeof(s_scratch), &why);
        if (rc != c->rc || (rc != APP_OK && why == NULL)) {
            fail_msg("\"%s\": rc %d (%s), expected %d", c->name, rc, why ? why : "-", c->rc);
        }
        assert_int_equal(k.alg, rc == APP_OK ? c->alg : 0);
        jwt_key_free(&k);
        assert_int_equal(heap_cur(), before);
    }
}

/* PEM and JWK of one key load to the same numbers. */
static void test_key_pem_equals_jwk(void **state)
{
    (void)state;
    struct jwt_key a;
    struct jwt_key b;
    const char *why = NULL;
    assert_int_equal(load_pem(&a, JWT_ALG_ES256, "k", jv_pem_ec, &why), APP_OK);
    assert_int_equal(jwt_key_from_jwk_ec(&b, "k", 1, jv_jwk_ec_x, STRLEN(jv_jwk_ec_x), jv_jwk_ec_y,
                                         STRLEN(jv_jwk_ec_y), &why),
                     APP_OK);
    assert_memory_equal(a.u.ec_xy, b.u.ec_xy, sizeof(a.u.ec_xy));
    jwt_key_free(&a);
    jwt_key_free(&b);
    assert_int_equal(load_pem(&a, JWT_ALG_RS256, "k", jv_pem_rsa4k, &why), APP_OK);
    assert_int_equal(jwt_key_from_jwk_rsa(&b, "k", 1, jv_jwk_rsa4k_n, STRLEN(jv_jwk_rsa4k_n),
                                          jv_jwk_rsa4k_e, STRLEN(jv_jwk_rsa4k_e), s_scratch,
                                          sizeof(s_scratch), &why),
                     APP_OK);
    assert_int_equal(a.rsa_len, 512);
    assert_int_equal(b.rsa_len, 512);
    assert_int_equal(mbedtls_mpi_cmp_mpi(&a.u.rsa.n, &b.u.rsa.n), 0);
    assert_int_equal(mbedtls_mpi_cmp_mpi(&a.u.rsa.e, &b.u.rsa.e), 0);
    jwt_key_free(&a);
    jwt_key_free(&b);
}

/* Transient mbedTLS heap of one check of each kind, from the 24 KB TLS
 * heap it shares: 3.9 KB for ES256, 1.8 KB for RSA-2048, 3.6 KB for
 * RSA-4096 on this 64-bit host (the 32-bit target's limbs are half as big
 * and twice as many). RSA-4096 took 8.8 KB before R^2 mod n was kept with
 * the key. */
static void test_heap_peak(void **state)
{
    (void)state;
    keys_from_pem();
    struct jwt_policy p = policy();
    static const char *const names[] = {"ES256, scp Read.All", "RS256 RSA-2048, scp Read.All",
                                        "RS256 RSA-4096, scp Read.All"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        const struct jv_case *c = find_case(names[i]);
        struct tls_heap_stats st;
        tls_port_heap_peak_reset();
        tls_port_heap_stats(&st);
        size_t base = st.cur;
        assert_int_equal(check_tok(&p, c->token, JV_NOW, NULL, NULL), JWT_OK);
        tls_port_heap_stats(&st);
        if (st.peak - base > 6144u) {
            fail_msg("\"%s\": %zu bytes of mbedTLS heap at the peak", names[i], st.peak - base);
        }
    }
    keys_free();
}

int main(void)
{
    tls_port_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_size),
        cmocka_unit_test(test_table_pem_keys),
        cmocka_unit_test(test_table_jwk_keys),
        cmocka_unit_test(test_key_selection),
        cmocka_unit_test(test_policy_tenants_and_skew),
        cmocka_unit_test(test_policy_broken),
        cmocka_unit_test(test_claims_hook),
        cmocka_unit_test(test_key_from_pem),
        cmocka_unit_test(test_key_from_pem_edges),
        cmocka_unit_test(test_key_from_jwk),
        cmocka_unit_test(test_key_pem_equals_jwk),
        cmocka_unit_test(test_heap_peak),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
