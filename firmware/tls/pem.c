/* PEM block reader (see pem.h). */
#include "pem.h"

#include <string.h>

#include "app_err.h"
#include "mbedtls/base64.h"

static const char k_begin[] = "-----BEGIN ";
static const char k_end[] = "-----END ";
static const char k_dashes[] = "-----";

/* First occurrence of s (n bytes) in text[from..len), or len. */
static size_t find(const char *text, size_t len, size_t from, const char *s, size_t n)
{
    for (size_t i = from; i + n <= len; i++) {
        if (memcmp(text + i, s, n) == 0) {
            return i;
        }
    }
    return len;
}

int pem_next(const char *text, size_t len, size_t *pos, char *label, unsigned char *der,
             size_t der_cap)
{
    size_t b = find(text, len, *pos, k_begin, sizeof(k_begin) - 1u);
    if (b == len) {
        *pos = len;
        return 0;
    }
    size_t lab = b + sizeof(k_begin) - 1u;
    size_t lab_end = find(text, len, lab, k_dashes, sizeof(k_dashes) - 1u);
    size_t n = lab_end - lab;
    if (lab_end == len || n == 0u || n > PEM_LABEL_MAX) {
        return APP_ERR_INVAL;
    }
    /* RFC 7468 3: a label is printable ASCII (labelchar, space, '-'); a
     * NUL or line break inside it is a broken block, not a short label. */
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[lab + i];
        if (ch < 0x20u || ch > 0x7Eu) {
            return APP_ERR_INVAL;
        }
    }
    memcpy(label, text + lab, n);
    label[n] = '\0';
    size_t body = lab_end + sizeof(k_dashes) - 1u;
    size_t e = find(text, len, body, k_end, sizeof(k_end) - 1u);
    if (e == len) {
        return APP_ERR_INVAL;
    }
    /* The END line must name the same label and close with dashes. */
    size_t el = e + sizeof(k_end) - 1u;
    if (len - el < n + sizeof(k_dashes) - 1u || memcmp(text + el, label, n) != 0 ||
        memcmp(text + el + n, k_dashes, sizeof(k_dashes) - 1u) != 0) {
        return APP_ERR_INVAL;
    }
    size_t olen = 0;
    int rc = mbedtls_base64_decode(der, der_cap, &olen, (const unsigned char *)text + body,
                                   e - body);
    if (rc == MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL) {
        return APP_ERR_OVERFLOW;
    }
    if (rc != 0 || olen == 0u || olen > (size_t)0x7FFFFFFF) {
        return APP_ERR_INVAL;
    }
    *pos = el + n + sizeof(k_dashes) - 1u;
    return (int)olen;
}

int pem_label_is(const char *label, const char *want)
{
    size_t i = 0;
    for (; label[i] != '\0' && label[i] == want[i]; i++) {
    }
    return label[i] == want[i];
}
