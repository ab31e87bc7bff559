/* libFuzzer harness for the router: any path and query bytes. Checks that
 * a match yields ids within the contract (1..64 printable bytes, no '/'),
 * that error details stay NUL-terminated, in bounds and valid UTF-8 (they
 * are echoed in JSON), and that the answer does not depend on bytes
 * outside the given lengths. */
#include <assert.h>
#include <stddef.h>
#include <stdbool.h>
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
    bool served = r.kind == ROUTE_SESSION || r.kind == ROUTE_COLLECTION || r.kind == ROUTE_UPLOAD ||
                  r.kind == ROUTE_FILE_VALUE;
    if (err == APP_OK) {
        assert(served);
        check_id(&r.catalog);
        check_id(&r.resource);
        if (r.kind == ROUTE_COLLECTION) {
            assert(r.session.n == 0);
        } else {
            check_id(&r.session);
        }
        if (r.kind == ROUTE_FILE_VALUE) {
            check_id(&r.file);
        }
        /* The OData options stay within what odata.h promises. */
        const struct odata_query *o = &r.query;
        assert(o->top <= APP_API_PAGE_MAX);
        assert((o->status_mask & ~ODATA_STATUS_ALL) == 0);
        assert(o->ref_n <= APP_ID_MAX && (o->ref_n > 0) == o->has_ref);
        assert(o->skip_at <= o->skip_end && o->skip_end <= qn);
        assert(r.kind == ROUTE_COLLECTION || (o->top == APP_API_PAGE_MAX && o->skip == 0 &&
                                              !o->has_ref && o->status_mask == ODATA_STATUS_ALL));
    } else {
        assert(err == APP_ERR_INVAL || err == APP_ERR_NOTFOUND);
        assert(!served);
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
