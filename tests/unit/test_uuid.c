/* Request ids (firmware/util/uuid.c) over a fake DRBG: the ChaCha20 stream
 * they come from (RFC 8439 A.1 vectors), the v4 bits, rekeying from the
 * DRBG, distinct ids, and the fallback when the DRBG fails. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "rng.h"
#include "uuid.h"

static unsigned s_fills;   /* rng_fill calls */
static int s_fail;         /* make rng_fill fail */
static uint8_t s_fill_byte;

/* The fake DRBG: every byte s_fill_byte (0 gives RFC 8439's all-zero key
 * and nonce). */
int rng_fill(void *buf, size_t len)
{
    s_fills++;
    if (s_fail) {
        return APP_ERR_IO;
    }
    memset(buf, s_fill_byte, len);
    s_fill_byte++;
    return APP_OK;
}

/* RFC 8439 A.1 test vectors #1 and #2: the keystream of the all-zero key
 * and nonce, blocks 0 and 1. */
static const char k_stream[] =
    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"
    "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
    "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f";

/* The id uuid.c makes of stream bytes [at, at + 16): v4 and variant bits
 * set (RFC 9562 5.4), lowercase, dashes at 8-4-4-4-12. */
static void expected_id(size_t at, char out[UUID_STR_LEN + 1])
{
    uint8_t b[16];
    for (size_t i = 0; i < 16u; i++) {
        unsigned v;
        assert_int_equal(sscanf(k_stream + 2u * (at + i), "%2x", &v), 1);
        b[i] = (uint8_t)v;
    }
    b[6] = (uint8_t)((b[6] & 0x0Fu) | 0x40u);
    b[8] = (uint8_t)((b[8] & 0x3Fu) | 0x80u);
    (void)snprintf(out, UUID_STR_LEN + 1, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                   "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                   b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static bool well_formed(const char *id)
{
    if (strlen(id) != UUID_STR_LEN || id[14] != '4' || strchr("89ab", id[19]) == NULL) {
        return false;
    }
    for (size_t i = 0; i < UUID_STR_LEN; i++) {
        bool dash = i == 8u || i == 13u || i == 18u || i == 23u;
        if (dash ? id[i] != '-' : strchr("0123456789abcdef", id[i]) == NULL) {
            return false;
        }
    }
    return true;
}

/* Runs first: the module's key is still unset, so the first draw keys it
 * from the (all-zero) fake DRBG. Ids are taken from the end of each block. */
static void test_stream_vectors(void **state)
{
    (void)state;
    static const size_t k_order[] = {48, 32, 16, 0, 112, 96, 80, 64};
    for (size_t i = 0; i < sizeof(k_order) / sizeof(k_order[0]); i++) {
        char got[UUID_STR_LEN + 1];
        char want[UUID_STR_LEN + 1];
        assert_int_equal(uuid_v4(got), APP_OK);
        expected_id(k_order[i], want);
        assert_string_equal(got, want);
        assert_true(well_formed(got));
    }
    assert_int_equal(s_fills, 1);
}

static int cmp_id(const void *a, const void *b)
{
    return memcmp(a, b, UUID_STR_LEN);
}

/* A key serves 64 blocks (256 ids), then the DRBG is asked again; no id
 * repeats across keys. */
static void test_rekey_and_distinct(void **state)
{
    (void)state;
    enum { N = 4096 };
    static char ids[N][UUID_STR_LEN + 1];
    unsigned fills0 = s_fills;
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(uuid_v4(ids[i]), APP_OK);
        assert_true(well_formed(ids[i]));
    }
    /* 8 ids of the first key were drawn before: 248 more, then one fill
     * per 256. */
    assert_int_equal(s_fills - fills0, (N - 248 + 255) / 256);
    qsort(ids, N, sizeof(ids[0]), cmp_id);
    for (size_t i = 1; i < N; i++) {
        assert_true(memcmp(ids[i - 1], ids[i], UUID_STR_LEN) != 0);
    }
}

/* A DRBG that fails: APP_ERR_STATE, still well-formed and distinct ids;
 * once it works again, so do the ids. */
static void test_drbg_failure(void **state)
{
    (void)state;
    char a[UUID_STR_LEN + 1];
    char b[UUID_STR_LEN + 1];
    /* Use up the current key's remaining ids so that the next draw rekeys. */
    int guard = 0;
    unsigned fills = s_fills;
    while (s_fills == fills && guard++ < 300) {
        assert_int_equal(uuid_v4(a), APP_OK);
    }
    s_fail = 1;
    /* A fresh key is needed within 256 ids: the DRBG is asked and fails. */
    int err = APP_OK;
    for (int i = 0; i < 300 && err == APP_OK; i++) {
        err = uuid_v4(a);
    }
    assert_int_equal(err, APP_ERR_STATE);
    assert_int_equal(uuid_v4(b), APP_ERR_STATE);
    assert_true(well_formed(a));
    assert_true(well_formed(b));
    assert_string_not_equal(a, b);
    s_fail = 0;
    assert_int_equal(uuid_v4(a), APP_OK);
    assert_true(well_formed(a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_vectors),
        cmocka_unit_test(test_rekey_and_distinct),
        cmocka_unit_test(test_drbg_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
