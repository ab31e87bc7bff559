/* libFuzzer harness for the router: any path and query bytes. Checks that
 * a match yields ids within the contract (1..64 printable bytes, no '/'),
 * that error details stay NUL-terminated, in bounds and valid UTF-8 (they
 * are echoed in JSON), and that the answer does not depend on bytes
 * outside the given lengths. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app_err.h"
#include "route.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_id(const struct route_id *id)
{
    assert(id->n >= 1 && id->n <= APP_ID_MAX);
    assert(id->s[id->n] == '\0');
    for (size_t i = 0; i < id->n; i++) {
        unsigned char c = (unsigned char)id->s[i];
        assert(c > 0x20 && c < 0x7F && c != '/');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* First '?' splits path and query, like the HTTP parser does. */
    const uint8_t *q = memchr(data, '?', size);
    size_t pn = q != NULL ? (size_t)(q - data) : size;
    size_t qn = q != NULL ? size - pn - 1 : 0;
    /* Exact-size heap copies so ASan catches any read past the lengths. */
    char *path = malloc(pn ? pn : 1);
    char *query = malloc(qn ? qn : 1);
    memcpy(path, data, pn);
    if (qn) {
        memcpy(query, q + 1, qn);
    }
    struct route_result r;
    int err = route_match(path, pn, query, qn, &r);
    if (err == APP_OK) {
        assert(r.kind == ROUTE_SESSION || r.kind == ROUTE_COLLECTION || r.kind == ROUTE_UPLOAD);
        check_id(&r.catalog);
        check_id(&r.resource);
        if (r.kind == ROUTE_COLLECTION) {
            assert(r.session.n == 0);
        } else {
            check_id(&r.session);
        }
    } else {
        assert(err == APP_ERR_INVAL || err == APP_ERR_NOTFOUND);
        assert(r.kind != ROUTE_SESSION && r.kind != ROUTE_COLLECTION && r.kind != ROUTE_UPLOAD);
        assert(r.detail_len < sizeof(r.detail));
        assert(r.detail[r.detail_len] == '\0');
        for (size_t k = 0; k < r.detail_len;) {
            size_t n = utf8_seq((const unsigned char *)r.detail + k, r.detail_len - k, NULL);
            assert(n > 0);
            k += n;
        }
    }
    free(path);
    free(query);
    return 0;
}
