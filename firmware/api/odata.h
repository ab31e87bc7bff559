/* OData system query options of the upload-session routes (OData 4.01
 * Part 2, 5.1; api-contract.md Part 1 "Routes" and Part 2 "Operations"):
 * the list takes $top, $skip, $filter (status / referenceId eq, joined by
 * "and"), $orderby=createdDateTime [asc|desc], $count and $expand=files;
 * an entity takes $expand=files; any other system option, with or without
 * its '$', is refused by name. Other parameters are ignored. Pure: no I/O. */
#ifndef ODATA_H
#define ODATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app_config.h"

/* Page size of a list: the default and the most $top gives (contract:
 * "a documented page size"). One byte per entry in every response. */
#ifndef APP_API_PAGE_MAX
#define APP_API_PAGE_MAX 20
#endif

/* What a route accepts. */
#define ODATA_ALLOW_LIST 1u   /* the collection */
#define ODATA_ALLOW_ENTITY 2u /* one session */

/* Status bits of $filter, in the order of enum store_status (active,
 * complete, expired). */
#define ODATA_STATUS_ALL 7u

enum odata_fail {
    ODATA_FAIL_NONE = 0,
    ODATA_FAIL_OPTION,   /* a system option this route does not take: detail is its name */
    ODATA_FAIL_VALUE,    /* a taken option with a value we cannot serve: detail "name=value" */
    ODATA_FAIL_ENCODING, /* bad percent-encoding in a name or value */
};

struct odata_query {
    uint16_t top;          /* entries of a page (APP_API_PAGE_MAX when not asked) */
    uint16_t skip;
    uint8_t status_mask;   /* bit i: enum store_status i matches */
    bool desc;             /* $orderby=createdDateTime desc */
    bool count;            /* $count=true */
    bool expand_files;     /* $expand=files */
    bool has_ref;          /* referenceId eq 'ref[0..ref_n)' */
    bool none;             /* two different referenceIds: nothing matches */
    uint8_t ref_n;
    char ref[APP_ID_MAX];
    /* The raw query without its $skip option, for @odata.nextLink:
     * [0, skip_at) then [skip_end, n) (both the whole query when none). */
    uint16_t skip_at, skip_end;
};

/* Parse the query q[0..n) (bytes after '?'; q may be NULL when n is 0) for
 * a route that takes `allow` (ODATA_ALLOW_*, 0 for none).
 * Returns APP_OK with *out filled; else APP_ERR_NOTFOUND (*fail
 * ODATA_FAIL_OPTION) or APP_ERR_INVAL (VALUE, ENCODING), with the decoded
 * option (name, or name=value) in detail[0..*detail_n) (cut to cap). */
int odata_parse(const char *q, size_t n, unsigned allow, struct odata_query *out,
                enum odata_fail *fail, char *detail, size_t cap, size_t *detail_n);

#endif
