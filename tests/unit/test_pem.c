/* PEM block reader (firmware/tls/pem.c): a table of texts, each with the
 * blocks expected in order (label, DER bytes as hex) or the error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "pem.h"

/* "AAEC" is the bytes 00 01 02; "/w==" is ff. */
#define B(label) "-----BEGIN " label "-----\n"
#define E(label) "-----END " label "-----\n"

struct pem_case {
    const char *name;
    const char *text;
    int err;                 /* first error expected, 0 for none */
    const char *labels[3];   /* blocks before it, in order */
    const char *der_hex[3];
};

static const struct pem_case k_cases[] = {
    {"one block", B("CERTIFICATE") "AAEC\n" E("CERTIFICATE"), 0, {"CERTIFICATE"}, {"000102"}},
    {"CRLF lines", "-----BEGIN CERTIFICATE-----\r\nAAEC\r\n-----END CERTIFICATE-----\r\n", 0,
     {"CERTIFICATE"}, {"000102"}},
    {"no final newline", B("PRIVATE KEY") "/w==\n-----END PRIVATE KEY-----", 0, {"PRIVATE KEY"},
     {"ff"}},
    {"explanatory text around (RFC 7468 5.2)",
     "subject=CN=x\nissuer=CN=y\n" B("CERTIFICATE") "AAEC\n" E("CERTIFICATE") "trailer\n", 0,
     {"CERTIFICATE"}, {"000102"}},
    {"a chain of two", B("CERTIFICATE") "AAEC\n" E("CERTIFICATE") B("CERTIFICATE") "/w==\n"
     E("CERTIFICATE"), 0, {"CERTIFICATE", "CERTIFICATE"}, {"000102", "ff"}},
    {"body over several lines", B("EC PRIVATE KEY") "AA\nEC\n" E("EC PRIVATE KEY"), 0,
     {"EC PRIVATE KEY"}, {"000102"}},
    {"nothing at all", "", 0, {NULL}, {NULL}},
    {"text without a block", "hello\n-----\n", 0, {NULL}, {NULL}},
    {"END label differs", B("CERTIFICATE") "AAEC\n" E("PRIVATE KEY"), APP_ERR_INVAL, {NULL}, {NULL}},
    {"no END line", B("CERTIFICATE") "AAEC\n", APP_ERR_INVAL, {NULL}, {NULL}},
    {"END without dashes", B("CERTIFICATE") "AAEC\n-----END CERTIFICATE\n", APP_ERR_INVAL, {NULL},
     {NULL}},
    {"empty label", "-----BEGIN -----\nAAEC\n-----END -----\n", APP_ERR_INVAL, {NULL}, {NULL}},
    {"label over PEM_LABEL_MAX",
     B("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG") "AAEC\n" E("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFG"),
     APP_ERR_INVAL, {NULL}, {NULL}},
    {"BEGIN line broken", "-----BEGIN CERT\nIFICATE-----\nAAEC\n" E("CERTIFICATE"),
     APP_ERR_INVAL, {NULL}, {NULL}},
    {"control byte in the label", B("CERT\tIFICATE") "AAEC\n" E("CERT\tIFICATE"), APP_ERR_INVAL,
     {NULL}, {NULL}},
    {"empty body", B("CERTIFICATE") E("CERTIFICATE"), APP_ERR_INVAL, {NULL}, {NULL}},
    {"not base64", B("CERTIFICATE") "AA*C\n" E("CERTIFICATE"), APP_ERR_INVAL, {NULL}, {NULL}},
    {"bad padding", B("CERTIFICATE") "A===\n" E("CERTIFICATE"), APP_ERR_INVAL, {NULL}, {NULL}},
    {"space inside a line", B("CERTIFICATE") "AA EC\n" E("CERTIFICATE"), APP_ERR_INVAL, {NULL},
     {NULL}},
    {"encrypted key headers (RFC 1421)",
     B("EC PRIVATE KEY") "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAEC\n"
     E("EC PRIVATE KEY"), APP_ERR_INVAL, {NULL}, {NULL}},
    {"second block broken", B("CERTIFICATE") "AAEC\n" E("CERTIFICATE") B("CERTIFICATE") "AA*C\n"
     E("CERTIFICATE"), APP_ERR_INVAL, {"CERTIFICATE"}, {"000102"}},
};

static void hex(const unsigned char *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        (void)snprintf(out + 2 * i, 3, "%02x", p[i]);
    }
    out[2 * n] = '\0';
}

static void test_table(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof(k_cases) / sizeof(k_cases[0]); c++) {
        const struct pem_case *k = &k_cases[c];
        size_t len = strlen(k->text);
        size_t pos = 0;
        int i = 0;
        for (;;) {
            char label[PEM_LABEL_MAX + 1];
            unsigned char der[64];
            char got[2 * sizeof(der) + 1];
            int n = pem_next(k->text, len, &pos, label, der, sizeof(der));
            if (n <= 0) {
                if (n != k->err || k->labels[i] != NULL) {
                    fail_msg("%s: returned %d after %d block(s), expected %d after all", k->name,
                             n, i, k->err);
                }
                break;
            }
            if (i >= 3 || k->labels[i] == NULL) {
                fail_msg("%s: unexpected block %d (%s)", k->name, i, label);
            }
            hex(der, (size_t)n, got);
            if (strcmp(label, k->labels[i]) != 0 || strcmp(got, k->der_hex[i]) != 0) {
                fail_msg("%s: block %d is %s %s, expected %s %s", k->name, i, label, got,
                         k->labels[i], k->der_hex[i]);
            }
            assert_true(pos <= len);
            i++;
        }
    }
}

static void test_label_is(void **state)
{
    (void)state;
    assert_true(pem_label_is("CERTIFICATE", "CERTIFICATE"));
    assert_true(pem_label_is("", ""));
    assert_false(pem_label_is("CERTIFICATE", "CERTIFICATES"));
    assert_false(pem_label_is("CERTIFICATES", "CERTIFICATE"));
    assert_false(pem_label_is("certificate", "CERTIFICATE"));
    assert_false(pem_label_is("PRIVATE KEY", "EC PRIVATE KEY"));
}

/* A NUL inside the label (found by fuzz_pem) is a broken block, not a
 * label that reads as empty. */
static void test_nul_in_label(void **state)
{
    (void)state;
    static const char k_text[] = "-----BEGIN \0ERT-----\nAAEC\n-----END \0ERT-----\n";
    char label[PEM_LABEL_MAX + 1];
    unsigned char der[16];
    size_t pos = 0;
    assert_int_equal(pem_next(k_text, sizeof(k_text) - 1u, &pos, label, der, sizeof(der)),
                     APP_ERR_INVAL);
}

/* A DER buffer one byte short is an overflow, never a truncated key. */
static void test_overflow(void **state)
{
    (void)state;
    const char *text = B("CERTIFICATE") "AAEC\n" E("CERTIFICATE");
    char label[PEM_LABEL_MAX + 1];
    unsigned char der[3];
    size_t pos = 0;
    assert_int_equal(pem_next(text, strlen(text), &pos, label, der, 2), APP_ERR_OVERFLOW);
    assert_int_equal(pos, 0);
    assert_int_equal(pem_next(text, strlen(text), &pos, label, der, 3), 3);
    assert_int_equal(pos, strlen(text) - 1u); /* past the END line, before its newline */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_nul_in_label),
        cmocka_unit_test(test_label_is),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
