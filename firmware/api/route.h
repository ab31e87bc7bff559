/* Graph URL router for the upload-session read path (contract "Routes"):
 * version prefix, both catalog paths, case-insensitive segment names,
 * percent-decoding, the ('id') key alias, and the query-option rule. Knows
 * nothing of HTTP connections or of the store. */
#ifndef ROUTE_H
#define ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app_config.h"
#include "odata.h"

enum route_kind {
    ROUTE_SESSION = 0,      /* .../uploadSessions/{s}: ids filled in */
    ROUTE_COLLECTION,       /* .../uploadSessions: catalog and resource filled in */
    ROUTE_UPLOAD,           /* .../uploadSessions/{s}/uploadFile */
    ROUTE_FILE_VALUE,       /* .../uploadSessions/{s}/files/{f}/$value: file filled in */
    ROUTE_BAD_SEGMENT,      /* 400: "Resource not found for the segment '<detail>'." */
    ROUTE_BAD_QUERY,        /* 400: unsupported OData system query option <detail> */
    ROUTE_BAD_QUERY_VALUE,  /* 400: a supported option with a value we cannot serve: <detail> */
    ROUTE_BAD_REQUEST,      /* 400: malformed path (bad percent-encoding, control byte, bad id) */
};

struct route_id {
    char s[APP_ID_MAX + 1];
    uint8_t n;
};

struct route_result {
    enum route_kind kind;
    struct route_id catalog, resource, session, file;
    bool v1;                  /* the v1.0 path family (else beta or bare) */
    struct odata_query query; /* the collection's and the entity's options */
    /* For errors: the offending segment or option (decoded where possible),
     * NUL-terminated valid UTF-8: a byte that starts no UTF-8 character is
     * U+FFFD, and a cut to fit falls between characters. */
    char detail[APP_ID_MAX + 32];
    size_t detail_len;
};

/* Route path (not yet percent-decoded, starting with '/') and the query
 * (bytes after '?', may be empty). Always fills out->kind.
 * Paths: [/beta]/identityGovernance/entitlementManagement/accessPackageCatalogs/{c}/
 * accessPackageResources/{r}/uploadSessions, the same under
 * identityGovernance/catalogs/{c}, and /v1.0/identityGovernance/
 * entitlementManagement/catalogs/{c}/resources/{r}/uploadSessions; then
 * [/{s}[/uploadFile | /files/{f}/$value]].
 * Returns APP_OK when the path names one of the route kinds above
 * ROUTE_BAD_SEGMENT, APP_ERR_NOTFOUND for an unknown path or query option
 * (kind says which answer), APP_ERR_INVAL for a malformed path or query. */
int route_match(const char *path, size_t path_len, const char *query, size_t query_len,
                struct route_result *out);

#endif
