/* Host test of what a connection remembers in firmware/auth/auth.c
 * (struct auth_cache, issue 9): the real auth.c, jwt.c and uhash.c with
 * the tokens of jwt_vectors.h; the clock is the test's
 * (fake_server_hal.c), the DRBG a fixed stream defined here. Whether a
 * request was answered from the connection's memory, from the shared
 * SHA-256 cache or by a signature check is read from auth's counters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "jwt_vectors.h"
#include "mbedtls/sha256.h"
#include "rng.h"
#include "tls_port.h"

#define STRLEN(s) (sizeof(s) - 1u)

void fake_hal_set_ms(uint32_t ms);

/* ---- fakes -------------------------------------------------------------- */

/* The DRBG: splitmix64, or failing when the test says so. */
static uint64_t s_rng_state = 1;
static int s_rng_err;

int rng_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        uint64_t z = (s_rng_state += UINT64_C(0x9E3779B97F4A7C15));
        z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
        p[i] = (uint8_t)(z ^ (z >> 31));
    }
    return s_rng_err;
}

/* auth.c decodes PEM keys through the config's string decoder; this
 * test's keys are JWK members, so no PEM reaches it. */
int config_string(const struct config_text *t, char *buf, size_t cap)
{
    (void)t;
    (void)buf;
    (void)cap;
    return APP_ERR_INVAL;
}

/* ---- fixture -------------------------------------------------------------- */

static const char s_static_token[] = "lab-static-token-0123456789abcdefghijklmnopq";
static struct config s_cfg;
static unsigned char s_scratch[2048];

static const char *jv(const char *name)
{
    for (size_t i = 0; i < sizeof(jv_cases) / sizeof(jv_cases[0]); i++) {
        if (strcmp(jv_cases[i].name, name) == 0) {
            return jv_cases[i].token;
        }
    }
    fail_msg("no vector %s", name);
    return NULL;
}

#define TOK_ES256 jv("ES256, scp Read.All")
#define TOK_RS256 jv("RS256 RSA-2048, scp Read.All")
#define TOK_DENIED jv("scp User.Read only")
#define TOK_EXP_MAX jv("exp far future (int64 max)")
#define EXP_ES256 (JV_NOW + 3600)

static void set_now_s(int64_t s, unsigned ms)
{
    fake_hal_set_ms(0);
    clock_init(s * 1000 + ms);
}

static void configure(void)
{
    memset(&s_cfg, 0, sizeof(s_cfg));
    s_cfg.has_jwt = true;
    memcpy(s_cfg.jwt_issuer, JV_ISSUER, sizeof(JV_ISSUER));
    s_cfg.jwt_issuer_len = STRLEN(JV_ISSUER);
    memcpy(s_cfg.jwt_audience, JV_AUDIENCE, sizeof(JV_AUDIENCE));
    s_cfg.jwt_audience_len = STRLEN(JV_AUDIENCE);
    s_cfg.jwt_skew_s = JV_SKEW;
    memcpy(s_cfg.jwt_tenants[0], JV_TENANT_0, sizeof(JV_TENANT_0));
    memcpy(s_cfg.jwt_tenants[1], JV_TENANT_1, sizeof(JV_TENANT_1));
    s_cfg.jwt_tenant_count = 2;
    struct config_jwt_key *k = &s_cfg.jwt_keys[0];
    memcpy(k->kid, JV_KID_EC, sizeof(JV_KID_EC));
    k->kid_len = STRLEN(JV_KID_EC);
    k->alg = CONFIG_JWT_ES256;
    k->x = (struct config_text){jv_jwk_ec_x, STRLEN(jv_jwk_ec_x)};
    k->y = (struct config_text){jv_jwk_ec_y, STRLEN(jv_jwk_ec_y)};
    k = &s_cfg.jwt_keys[1];
    memcpy(k->kid, JV_KID_RSA, sizeof(JV_KID_RSA));
    k->kid_len = STRLEN(JV_KID_RSA);
    k->alg = CONFIG_JWT_RS256;
    k->n = (struct config_text){jv_jwk_rsa_n, STRLEN(jv_jwk_rsa_n)};
    k->e = (struct config_text){jv_jwk_rsa_e, STRLEN(jv_jwk_rsa_e)};
    s_cfg.jwt_key_count = 2;
    assert_int_equal(auth_jwt_setup(&s_cfg, s_scratch, sizeof(s_scratch)), APP_OK);

    uint8_t digest[1][AUTH_DIGEST_LEN];
    assert_int_equal(
        mbedtls_sha256((const unsigned char *)s_static_token, STRLEN(s_static_token), digest[0], 0),
        0);
    auth_set_static((const uint8_t(*)[AUTH_DIGEST_LEN])digest, 1);
    auth_static_enable(true);
}

static int group_setup(void **state)
{
    (void)state;
    tls_port_init();
    assert_int_equal(auth_init(), APP_OK);
    set_now_s(JV_NOW, 0);
    configure();
    return 0;
}

static int setup(void **state)
{
    (void)state;
    s_rng_err = APP_OK;
    set_now_s(JV_NOW, 0);
    /* A fresh shared cache for every test (and a new generation). */
    assert_int_equal(auth_jwt_setup(&s_cfg, s_scratch, sizeof(s_scratch)), APP_OK);
    auth_static_enable(true);
    return 0;
}

/* "Bearer <tok>" at offset off of a buffer (the token sits anywhere in
 * the request), judged with the connection's memory c. */
static enum auth_result check_at(const char *tok, size_t off, struct auth_cache *c)
{
    static char hdr[4096];
    int n = snprintf(hdr + off, sizeof(hdr) - off, "Bearer %s", tok);
    assert_true(n > 0 && (size_t)n < sizeof(hdr) - off);
    return auth_check_cached(hdr + off, (size_t)n, c);
}

static enum auth_result check(const char *tok, struct auth_cache *c)
{
    return check_at(tok, 0, c);
}

static struct auth_stats stats(void)
{
    struct auth_stats s;
    auth_get_stats(&s);
    return s;
}

/* What happened since a: a hit on the connection's memory, a hit on the
 * shared cache, a signature check; and SHA-256 runs. */
struct delta {
    uint32_t conn, shared, sig, sha;
};

static struct delta since(struct auth_stats a)
{
    struct auth_stats b = stats();
    struct delta d = {b.conn_hits - a.conn_hits, b.cache_hits - a.cache_hits, b.checks - a.checks,
                      b.digests - a.digests};
    return d;
}

#define ASSERT_DELTA(d, c, s, g, h)                                                                \
    do {                                                                                           \
        assert_int_equal((d).conn, (c));                                                           \
        assert_int_equal((d).shared, (s));                                                         \
        assert_int_equal((d).sig, (g));                                                            \
        assert_int_equal((d).sha, (h));                                                            \
    } while (0)

/* ---- tests ---------------------------------------------------------------- */

static void test_ram_per_connection(void **state)
{
    (void)state;
    assert_true(sizeof(struct auth_cache) <= 28u);
}

/* (a) The second request on the connection is answered from its memory:
 * no signature check and no SHA-256 (so no shared-cache lookup either). */
/* ReadWrite.All grants writes: the verdict says so, from the signature
 * check, the shared cache and the connection's memory alike; Read.All
 * does not. */
static void test_write_permission(void **state)
{
    (void)state;
    struct auth_cache c = {0};
    struct auth_cache other = {0};
    const char *rw = jv("scp ReadWrite.All, extra spaces");
    assert_int_equal(check(rw, &c), AUTH_OK_WRITE);
    assert_int_equal(check(rw, &c), AUTH_OK_WRITE);
    assert_int_equal(check(rw, &other), AUTH_OK_WRITE);
    assert_int_equal(check(jv("roles ReadWrite.All (application), no scp"), NULL), AUTH_OK_WRITE);
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
}

static void test_same_token_twice(void **state)
{
    (void)state;
    struct auth_cache c = {0};
    struct auth_stats a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 0, 1, 1);
    for (int i = 0; i < 3; i++) {
        a = stats();
        assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
        ASSERT_DELTA(since(a), 1, 0, 0, 0);
    }
    /* The same bytes elsewhere in the buffer, at every alignment. */
    for (size_t off = 1; off < 8u; off++) {
        a = stats();
        assert_int_equal(check_at(TOK_ES256, off, &c), AUTH_OK);
        ASSERT_DELTA(since(a), 1, 0, 0, 0);
    }
    /* Another connection has no memory: the shared cache answers it. */
    struct auth_cache other = {0};
    a = stats();
    assert_int_equal(check(TOK_ES256, &other), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);
    /* No memory given: the shared cache, as before. */
    a = stats();
    assert_int_equal(check(TOK_ES256, NULL), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);
}

/* (b) Remembered up to the last second jwt.c accepts (exp + skew), not a
 * millisecond longer; then refused as expired. */
static void test_expiry(void **state)
{
    (void)state;
    struct auth_cache c = {0};
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    set_now_s(EXP_ES256 + JV_SKEW, 999);
    struct auth_stats a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 1, 0, 0, 0);
    set_now_s(EXP_ES256 + JV_SKEW + 1, 0);
    a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_INVALID);
    ASSERT_DELTA(since(a), 0, 0, 1, 1); /* the shared entry expired too */
    assert_int_equal(c.len, 0);
    a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_INVALID);
    ASSERT_DELTA(since(a), 0, 0, 1, 1);
}

/* A clock set back (SNTP) below the time of the check: judged again, as
 * nbf might no longer hold; not a hit. */
static void test_clock_set_back(void **state)
{
    (void)state;
    struct auth_cache c = {0};
    set_now_s(JV_NOW + 100, 0);
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    set_now_s(JV_NOW + 99, 999);
    struct auth_stats a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);
}

/* (c) Another token on the same connection is judged in full: one byte
 * changed at the same length, another length, an invalid one right after
 * a valid one, and another valid one. */
static void test_other_tokens(void **state)
{
    (void)state;
    static char tok[4096];
    struct auth_cache c = {0};
    const char *good = TOK_ES256;
    size_t n = strlen(good);
    assert_int_equal(check(good, &c), AUTH_OK);

    /* Every position, one byte changed (in the base64url alphabet, so the
     * token still parses as far as it can): refused every time. */
    for (size_t i = 0; i < n; i += 7u) {
        memcpy(tok, good, n + 1u);
        if (tok[i] == '.') {
            continue;
        }
        tok[i] = tok[i] == 'A' ? 'B' : 'A';
        assert_int_equal(check(good, &c), AUTH_OK);
        struct auth_stats a = stats();
        assert_int_equal(check(tok, &c), AUTH_INVALID);
        struct delta d = since(a);
        assert_int_equal(d.conn, 0);
        assert_int_equal(d.sha, 1);
        assert_int_equal(c.len, 0); /* a refusal is not remembered */
    }
    /* The good token again: memory was dropped, the shared cache answers. */
    struct auth_stats a = stats();
    assert_int_equal(check(good, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);

    /* Longer and shorter by one byte. */
    memcpy(tok, good, n + 1u);
    tok[n] = 'A';
    tok[n + 1u] = '\0';
    a = stats();
    assert_int_equal(check(tok, &c), AUTH_INVALID);
    assert_int_equal(since(a).conn, 0);
    assert_int_equal(check(good, &c), AUTH_OK);
    tok[n - 1u] = '\0';
    a = stats();
    assert_int_equal(check(tok, &c), AUTH_INVALID);
    assert_int_equal(since(a).conn, 0);

    /* Another valid token replaces the memory. */
    assert_int_equal(check(good, &c), AUTH_OK);
    a = stats();
    assert_int_equal(check(TOK_RS256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 0, 1, 1);
    a = stats();
    assert_int_equal(check(TOK_RS256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 1, 0, 0, 0);
    a = stats();
    assert_int_equal(check(good, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);

    /* Not a bearer token: empty, and nothing remembered after it. */
    char basic[] = "Basic dXNlcjpwYXNz";
    assert_int_equal(auth_check_cached(basic, 18, &c), AUTH_EMPTY);
    a = stats();
    assert_int_equal(check(good, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);
}

/* (d) A valid token without the permission is remembered as FORBIDDEN. */
static void test_forbidden_stays_forbidden(void **state)
{
    (void)state;
    struct auth_cache c = {0};
    struct auth_stats a = stats();
    assert_int_equal(check(TOK_DENIED, &c), AUTH_FORBIDDEN);
    ASSERT_DELTA(since(a), 0, 0, 1, 1);
    for (int i = 0; i < 3; i++) {
        a = stats();
        assert_int_equal(check(TOK_DENIED, &c), AUTH_FORBIDDEN);
        ASSERT_DELTA(since(a), 1, 0, 0, 0);
    }
    /* An allowed token after it gets its own verdict, and back. */
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    assert_int_equal(check(TOK_DENIED, &c), AUTH_FORBIDDEN);
    assert_int_equal(check(TOK_DENIED, &c), AUTH_FORBIDDEN);
}

/* (e) Each change of the configuration invalidates every connection's
 * memory, including when the 8-bit generation comes round again. */
static void test_reconfiguration(void **state)
{
    (void)state;
    struct auth_cache c = {0};
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    assert_int_equal(auth_jwt_setup(&s_cfg, s_scratch, sizeof(s_scratch)), APP_OK);
    struct auth_stats a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 0, 1, 1); /* shared cache flushed too */

    uint8_t digest[1][AUTH_DIGEST_LEN] = {{0}};
    auth_set_static((const uint8_t(*)[AUTH_DIGEST_LEN])digest, 1);
    a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);

    auth_static_enable(true);
    a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);

    /* 256 changes bring the generation back to the remembered one. */
    for (int i = 0; i < 256; i++) {
        auth_static_enable(true);
    }
    a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);
    a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 1, 0, 0, 0);

    /* Keys gone: a remembered JWT is not accepted on its memory. */
    s_cfg.has_jwt = false;
    assert_int_equal(auth_jwt_setup(&s_cfg, s_scratch, sizeof(s_scratch)), APP_ERR_NOTFOUND);
    s_cfg.has_jwt = true;
    assert_int_equal(check(TOK_ES256, &c), AUTH_INVALID);
    configure();
}

/* (f) Static tokens are remembered too; turning them off (or replacing
 * the digests) ends that at once. */
static void test_static_tokens(void **state)
{
    (void)state;
    struct auth_cache c = {0};
    struct auth_stats a = stats();
    assert_int_equal(check(s_static_token, &c), AUTH_OK_WRITE);
    ASSERT_DELTA(since(a), 0, 0, 0, 1);
    a = stats();
    assert_int_equal(check(s_static_token, &c), AUTH_OK_WRITE);
    ASSERT_DELTA(since(a), 1, 0, 0, 0);
    /* Far in the future too: static tokens do not expire. */
    set_now_s(INT64_C(4000000000), 0);
    a = stats();
    assert_int_equal(check(s_static_token, &c), AUTH_OK_WRITE);
    ASSERT_DELTA(since(a), 1, 0, 0, 0);

    auth_static_enable(false);
    a = stats();
    assert_int_equal(check(s_static_token, &c), AUTH_INVALID);
    ASSERT_DELTA(since(a), 0, 0, 0, 0);
    assert_int_equal(check(s_static_token, &c), AUTH_INVALID);
    auth_static_enable(true);
    assert_int_equal(check(s_static_token, &c), AUTH_OK_WRITE);

    /* Another token of the same length is not the static one. */
    static char other[sizeof(s_static_token)];
    memcpy(other, s_static_token, sizeof(other));
    other[0] ^= 1;
    assert_int_equal(check(other, &c), AUTH_INVALID);
    assert_int_equal(check(s_static_token, &c), AUTH_OK_WRITE);

    configure(); /* its digests replaced: judged again */
    a = stats();
    assert_int_equal(check(s_static_token, &c), AUTH_OK_WRITE);
    ASSERT_DELTA(since(a), 0, 0, 0, 1);
}

/* Regression: a token with exp = INT64_MAX (valid) on the shared cache's
 * second lookup computed exp + skew in int64 and overflowed (UBSan); it
 * is now saturated once, and remembered until the 32-bit horizon. */
static void test_exp_int64_max(void **state)
{
    (void)state;
    struct auth_cache c = {0};
    struct auth_cache d = {0};
    assert_int_equal(check(TOK_EXP_MAX, &c), AUTH_OK);
    struct auth_stats a = stats();
    assert_int_equal(check(TOK_EXP_MAX, &d), AUTH_OK);
    ASSERT_DELTA(since(a), 0, 1, 0, 1);
    assert_int_equal(c.until_s, UINT32_MAX);
    a = stats();
    assert_int_equal(check(TOK_EXP_MAX, &c), AUTH_OK);
    ASSERT_DELTA(since(a), 1, 0, 0, 0);
}

/* Without a key (no entropy at boot) nothing is remembered; every
 * request still gets the right verdict through SHA-256. */
static void test_no_key(void **state)
{
    (void)state;
    s_rng_err = APP_ERR_STATE;
    assert_int_equal(auth_init(), APP_ERR_STATE);
    struct auth_cache c = {0};
    for (int i = 0; i < 3; i++) {
        struct auth_stats a = stats();
        assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
        assert_int_equal(since(a).conn, 0);
        assert_int_equal(since(a).sha, 1);
        assert_int_equal(check(s_static_token, &c), AUTH_OK_WRITE);
    }
    s_rng_err = APP_OK;
    assert_int_equal(auth_init(), APP_OK);
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    struct auth_stats a = stats();
    assert_int_equal(check(TOK_ES256, &c), AUTH_OK);
    assert_int_equal(since(a).conn, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ram_per_connection),
        cmocka_unit_test_setup(test_same_token_twice, setup),
        cmocka_unit_test_setup(test_write_permission, setup),
        cmocka_unit_test_setup(test_expiry, setup),
        cmocka_unit_test_setup(test_clock_set_back, setup),
        cmocka_unit_test_setup(test_other_tokens, setup),
        cmocka_unit_test_setup(test_forbidden_stays_forbidden, setup),
        cmocka_unit_test_setup(test_reconfiguration, setup),
        cmocka_unit_test_setup(test_static_tokens, setup),
        cmocka_unit_test_setup(test_exp_int64_max, setup),
        cmocka_unit_test_setup(test_no_key, setup),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
