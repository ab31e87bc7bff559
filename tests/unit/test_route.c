/* Router table: one line a case (path, query, expected kind, ids or the
 * detail the error message names). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "route.h"
#include "utf8.h"

#define C "73eb2497-3b88-4c0a-8bb3-68ba8162beff"
#define R "99ab2454-3b88-4c0a-8bb3-68ba8162beff"
#define S "23f27c15-72f9-45fe-9e9c-e3d8f75bdc44"
#define EM "/identityGovernance/entitlementManagement/accessPackageCatalogs/"
#define TAIL "/accessPackageResources/" R "/uploadSessions/" S
#define FFFD "\xef\xbf\xbd" /* U+FFFD REPLACEMENT CHARACTER */

struct route_case {
    const char *path;
    const char *query;
    enum route_kind kind;
    const char *c, *r, *s; /* expected ids for ROUTE_SESSION */
    const char *detail;    /* expected detail for errors (NULL: not checked) */
};

static const struct route_case k_cases[] = {
    /* The seed's call, with and without the version prefix. */
    {"/beta" EM C TAIL, "", ROUTE_SESSION, C, R, S, NULL},
    {EM C TAIL, "", ROUTE_SESSION, C, R, S, NULL},
    /* The newer catalogs alias. */
    {"/beta/identityGovernance/catalogs/" C TAIL, "", ROUTE_SESSION, C, R, S, NULL},
    {"/identityGovernance/catalogs/" C TAIL, "", ROUTE_SESSION, C, R, S, NULL},
    /* Segment names are case-insensitive, ids are not. */
    {"/BETA/IDENTITYGOVERNANCE/ENTITLEMENTMANAGEMENT/ACCESSPACKAGECATALOGS/" C
     "/ACCESSPACKAGERESOURCES/" R "/UPLOADSESSIONS/" S, "", ROUTE_SESSION, C, R, S, NULL},
    {"/beta" EM "AbC/accessPackageResources/dEf/uploadSessions/GhI", "", ROUTE_SESSION, "AbC", "dEf", "GhI", NULL},
    /* OData key syntax. */
    {"/beta/identityGovernance/entitlementManagement/accessPackageCatalogs('" C "')/accessPackageResources('" R
     "')/uploadSessions('" S "')", "", ROUTE_SESSION, C, R, S, NULL},
    {"/beta" EM "a/accessPackageResources('it''s')/uploadSessions/x", "", ROUTE_SESSION, "a", "it's", "x", NULL},
    {"/beta" EM "%61%62/accessPackageResources/r/uploadSessions/%7e", "", ROUTE_SESSION, "ab", "r", "~", NULL},
    {"/beta/identity%47overnance" "/catalogs/c/accessPackageResources/r/uploadSessions/s", "", ROUTE_SESSION, "c", "r", "s", NULL},
    /* Non-$ query parameters are ignored. */
    {"/beta" EM C TAIL, "foo=bar&x&=y&", ROUTE_SESSION, C, R, S, NULL},
    /* Unknown segments name the segment. */
    {"/v1.0" EM C TAIL, "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "accessPackageCatalogs"},
    {"/v2.0" EM C TAIL, "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "v2.0"},
    {"/beta/identityGovernance/entitlementManagement/accessPackages/" C, "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "accessPackages"},
    {"/beta" EM C "/accessPackageResourceRoles/" R, "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "accessPackageResourceRoles"},
    {"/beta" EM C TAIL "/files", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "files"},
    {"/beta" EM C TAIL "/files/f/%24value", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "files"},
    {"/beta" EM C TAIL "/files/f/$value/", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, ""},
    {"/beta" EM C TAIL "/files/f/$value", "$top=1", ROUTE_BAD_QUERY, NULL, NULL, NULL, "$top"},
    {"/beta" EM C TAIL "/", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, ""},
    {"/beta", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "identityGovernance"},
    {"/", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, ""},
    {"/beta" EM C "/accessPackageResources/" R "/uploadSessions", "", ROUTE_COLLECTION, C, R, "", NULL},
    {"/beta" EM C "/accessPackageResources/" R "/uploadSessions/", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, ""},
    {"/beta" EM C "/accessPackageResources/" R "/uploadSessions/" S "/uploadFile", "", ROUTE_UPLOAD, C, R, S, NULL},
    {"/beta" EM C "/accessPackageResources/" R "/uploadSessions/" S "/UPLOADFILE", "", ROUTE_UPLOAD, C, R, S, NULL},
    {"/beta" EM C "/accessPackageResources/" R "/uploadSessions/" S "/uploadFile/", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, ""},
    {"/beta" EM C "/accessPackageResources/" R "/uploadSessions/" S "/files", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "files"},
    {"/beta/identityGovernance/catalogs", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "catalogs"},
    {"/beta/beta" EM C TAIL, "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "beta"},
    /* Malformed: bad escapes, control bytes, '/' or empty ids, long ids. */
    {"/beta" EM "%zz" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "%4" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "a%00b" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "a%0ab" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "a%7fb" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "a%2fb" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "a%20b" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "/accessPackageResources/" R "/uploadSessions/" S, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "x1234567890123456789012345678901234567890123456789012345678901234" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta/identityGovernance/entitlementManagement/accessPackageCatalogs('')" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"beta" EM C TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    /* Raw bytes the word-at-a-time segment scan must still see. */
    {"/beta" EM "abc\x80" "def" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "abcd efgh" TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta/identity\tGovernance" EM C TAIL, "", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    {"/beta" EM "1234567/accessPackageResources/12345678/uploadSessions/123456789", "", ROUTE_SESSION,
     "1234567", "12345678", "123456789", NULL},
    {"/beta" EM "1234567%41/accessPackageResources/1234567\x7f/uploadSessions/s", "", ROUTE_BAD_REQUEST,
     NULL, NULL, NULL, NULL},
    {"/beta" EM "12345678%41bcdefgh/accessPackageResources/r/uploadSessions/s", "", ROUTE_SESSION,
     "12345678Abcdefgh", "r", "s", NULL},
    {"/beta" EM C "/accessPackageResources/" R "/uploadSessionz/" S, "", ROUTE_BAD_SEGMENT, NULL, NULL,
     NULL, "uploadSessionz"},
    {"/beta" EM C "/accessPackageResources/" R "/uploadSessions/" S "\xff", "", ROUTE_BAD_REQUEST, NULL,
     NULL, NULL, NULL},
    /* The 64-byte id is the longest accepted. */
    {"/beta" EM "1234567890123456789012345678901234567890123456789012345678901234" TAIL, "", ROUTE_SESSION,
     "1234567890123456789012345678901234567890123456789012345678901234", R, S, NULL},
    /* System query options, with or without '$', any case, encoded. */
    {"/beta" EM C TAIL, "$select=id", ROUTE_BAD_QUERY, NULL, NULL, NULL, "$select"},
    {"/beta" EM C TAIL, "select=id", ROUTE_BAD_QUERY, NULL, NULL, NULL, "select"},
    {"/beta" EM C TAIL, "$EXPAND=files", ROUTE_SESSION, C, R, S, NULL},
    {"/beta" EM C TAIL, "$expand=stats", ROUTE_BAD_QUERY_VALUE, NULL, NULL, NULL, "$expand=stats"},
    {"/beta" EM C TAIL, "$expand=files&expand=files", ROUTE_BAD_QUERY, NULL, NULL, NULL, "expand"},
    {"/beta" EM C TAIL "/uploadFile", "$expand=files", ROUTE_BAD_QUERY, NULL, NULL, NULL, "$expand"},
    {"/beta" EM C TAIL, "a=1&%24top=2", ROUTE_BAD_QUERY, NULL, NULL, NULL, "$top"},
    {"/beta" EM C TAIL, "$unknownoption", ROUTE_BAD_QUERY, NULL, NULL, NULL, "$unknownoption"},
    {"/beta" EM C TAIL, "Filter=x", ROUTE_BAD_QUERY, NULL, NULL, NULL, "Filter"},
    {"/beta" EM C TAIL, "a=%zz", ROUTE_SESSION, C, R, S, NULL},   /* values are not ours to judge */
    {"/beta" EM C TAIL, "%zz=1", ROUTE_BAD_REQUEST, NULL, NULL, NULL, NULL},
    /* Regression (issue 10 item 5): a detail is echoed in a JSON message,
     * so it is valid UTF-8: a decoded byte that starts no character is
     * U+FFFD (RFC 3629 4); whole characters stay. */
    {"/beta/x%C0%AF", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "x" FFFD FFFD},
    {"/x%C0%AF", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "x" FFFD FFFD},
    {"/beta/caf%C3%A9", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "caf\xc3\xa9"},
    {"/beta/%ED%A0%80", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, FFFD FFFD FFFD}, /* a surrogate */
    {"/beta/%F0%9F%94%91%F0%9F", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "\xf0\x9f\x94\x91" FFFD FFFD},
    {"/beta/a\xff", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "a" FFFD},
    {"/beta" EM C TAIL "/%FF", "", ROUTE_BAD_SEGMENT, NULL, NULL, NULL, "%FF"}, /* raw, as sent */
    {"/beta" EM C TAIL, "$%FF=1", ROUTE_BAD_QUERY, NULL, NULL, NULL, "$" FFFD},
    {"/beta" EM C TAIL, "%24sel%C3%A9ct", ROUTE_BAD_QUERY, NULL, NULL, NULL, "$sel\xc3\xa9" "ct"},
};

/* The detail is NUL-terminated, valid UTF-8 (route.h). */
static void check_detail(const struct route_result *r)
{
    assert_true(r->detail_len < sizeof(r->detail));
    assert_int_equal(strlen(r->detail), r->detail_len);
    for (size_t k = 0; k < r->detail_len;) {
        size_t q = utf8_seq((const unsigned char *)r->detail + k, r->detail_len - k, NULL);
        assert_true(q > 0u);
        k += q;
    }
}

static void check_id(const struct route_id *id, const char *want)
{
    assert_int_equal(id->n, strlen(want));
    assert_string_equal(id->s, want);
}

static void test_route_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(k_cases) / sizeof(k_cases[0]); i++) {
        const struct route_case *t = &k_cases[i];
        struct route_result r;
        print_message("case %zu: %s ? %s\n", i, t->path, t->query);
        int err = route_match(t->path, strlen(t->path), t->query, strlen(t->query), &r);
        assert_int_equal(r.kind, t->kind);
        switch (t->kind) {
        case ROUTE_SESSION:
        case ROUTE_COLLECTION:
        case ROUTE_UPLOAD:
            assert_int_equal(err, APP_OK);
            check_id(&r.catalog, t->c);
            check_id(&r.resource, t->r);
            check_id(&r.session, t->s);
            break;
        case ROUTE_BAD_REQUEST:
        case ROUTE_BAD_QUERY_VALUE:
            assert_int_equal(err, APP_ERR_INVAL);
            break;
        default:
            assert_int_equal(err, APP_ERR_NOTFOUND);
            break;
        }
        if (t->kind != ROUTE_SESSION && t->kind != ROUTE_COLLECTION && t->kind != ROUTE_UPLOAD) {
            check_detail(&r);
        }
        if (t->detail != NULL) {
            assert_string_equal(r.detail, t->detail);
            assert_int_equal(r.detail_len, strlen(t->detail));
        }
    }
}

/* A long unknown segment is cut in the detail, never overflowing it. */
static void test_route_long_segment_detail(void **state)
{
    char path[600] = "/beta/";
    (void)state;
    memset(path + 6, 'q', 500);
    path[506] = '\0';
    struct route_result r;
    assert_int_equal(route_match(path, strlen(path), "", 0, &r), APP_ERR_NOTFOUND);
    assert_int_equal(r.kind, ROUTE_BAD_SEGMENT);
    assert_true(r.detail_len < sizeof(r.detail));
    assert_int_equal(strlen(r.detail), r.detail_len);
}

/* Regression (issue 10 item 5): a long segment of two-byte characters is
 * cut between characters, never inside one. */
static void test_route_cut_at_character(void **state)
{
    char path[600] = "/beta/";
    (void)state;
    for (size_t k = 0; k < 60; k++) {
        strcat(path, "%C3%A9"); /* U+00E9, 2 bytes */
    }
    struct route_result r;
    assert_int_equal(route_match(path, strlen(path), "", 0, &r), APP_ERR_NOTFOUND);
    assert_int_equal(r.kind, ROUTE_BAD_SEGMENT);
    check_detail(&r);
    assert_int_equal(r.detail_len, (sizeof(r.detail) - 1u) / 2u * 2u);
    /* A 3-byte character that does not fit whole is left out. */
    strcpy(path, "/beta/");
    for (size_t k = 0; k < sizeof(r.detail) - 2u; k++) {
        strcat(path, "a");
    }
    strcat(path, "%E2%82%AC"); /* U+20AC, 3 bytes, one byte of room left */
    assert_int_equal(route_match(path, strlen(path), "", 0, &r), APP_ERR_NOTFOUND);
    check_detail(&r);
    assert_int_equal(r.detail_len, sizeof(r.detail) - 2u);
}

#define V1 "/v1.0/identityGovernance/entitlementManagement/catalogs/"

static struct route_result match(const char *path, const char *query, int want_err)
{
    struct route_result r;
    assert_int_equal(route_match(path, strlen(path), query, strlen(query), &r), want_err);
    return r;
}

/* The v1.0 path family and the file media value (contract Part 2). */
static void test_route_v1_and_files(void **state)
{
    (void)state;
    struct route_result r = match(V1 C "/resources/" R "/uploadSessions", "", APP_OK);
    assert_int_equal(r.kind, ROUTE_COLLECTION);
    assert_true(r.v1);
    assert_string_equal(r.catalog.s, C);
    assert_string_equal(r.resource.s, R);
    r = match(V1 "catalogs('c')/resources('r')/uploadSessions('s')", "", APP_OK);
    assert_int_equal(r.kind, ROUTE_SESSION);
    r = match("/V1.0/identityGovernance/entitlementManagement/CATALOGS/c/RESOURCES/r/uploadSessions/s/uploadFile", "", APP_OK);
    assert_int_equal(r.kind, ROUTE_UPLOAD);
    assert_true(r.v1);
    r = match(V1 "c/resources/r/uploadSessions/s/files/f1/$value", "", APP_OK);
    assert_int_equal(r.kind, ROUTE_FILE_VALUE);
    assert_string_equal(r.file.s, "f1");
    assert_string_equal(r.session.s, "s");
    r = match("/beta" EM "c/accessPackageResources/r/uploadSessions/s/files('a.csv')/$value", "", APP_OK);
    assert_int_equal(r.kind, ROUTE_FILE_VALUE);
    assert_false(r.v1);
    assert_string_equal(r.file.s, "a.csv");
    /* Not mixed: beta segment names under v1.0 and the reverse. */
    r = match(V1 "c/accessPackageResources/r/uploadSessions", "", APP_ERR_NOTFOUND);
    assert_string_equal(r.detail, "accessPackageResources");
    r = match("/beta" EM "c/resources/r/uploadSessions", "", APP_ERR_NOTFOUND);
    assert_string_equal(r.detail, "resources");
    r = match("/v1.0/identityGovernance/catalogs/c/resources/r/uploadSessions", "", APP_ERR_NOTFOUND);
    assert_string_equal(r.detail, "catalogs");
}

/* The list's options: values, defaults, the $skip span for nextLink. */
static void test_route_list_options(void **state)
{
    (void)state;
    const char *coll = V1 "c/resources/r/uploadSessions";
    struct route_result r = match(coll, "", APP_OK);
    assert_int_equal(r.query.top, APP_API_PAGE_MAX);
    assert_int_equal(r.query.skip, 0);
    assert_int_equal(r.query.status_mask, ODATA_STATUS_ALL);
    assert_false(r.query.desc || r.query.count || r.query.expand_files || r.query.has_ref);
    const char *q = "$top=7&$skip=14&$filter=status%20eq%20%27Complete%27+and+referenceId+eq+'it''s'"
                    "&$orderby=createdDateTime%20desc&$count=true&$expand=files&x=1";
    r = match(coll, q, APP_OK);
    assert_int_equal(r.query.top, 7);
    assert_int_equal(r.query.skip, 14);
    assert_int_equal(r.query.status_mask, 2);
    assert_true(r.query.has_ref && !r.query.none);
    assert_int_equal(r.query.ref_n, 4);
    assert_memory_equal(r.query.ref, "it's", 4);
    assert_true(r.query.desc && r.query.count && r.query.expand_files);
    assert_int_equal(r.query.skip_at, 7);
    assert_int_equal(r.query.skip_end, 16); /* with its '&' */
    /* Either spelling of a status; "and" of two is their intersection. */
    r = match(coll, "$filter=status eq 'active' and status eq 'EXPIRED'", APP_OK);
    assert_int_equal(r.query.status_mask, 0);
    r = match(coll, "$filter=referenceId eq 'a' and referenceId eq 'b'", APP_OK);
    assert_true(r.query.none);
    r = match(coll, "$top=500&$orderby=createdDateTime asc&$count=false", APP_OK);
    assert_int_equal(r.query.top, APP_API_PAGE_MAX); /* a server may page below $top */
    assert_false(r.query.desc || r.query.count);
    r = match(coll, "a=1&$skip=3", APP_OK);
    assert_int_equal(r.query.skip_at, 4);
    assert_int_equal(r.query.skip_end, 11);
    static const struct {
        const char *q;
        enum route_kind kind;
        const char *detail;
    } bad[] = {
        {"$top=-1", ROUTE_BAD_QUERY_VALUE, "$top=-1"},
        {"$top=", ROUTE_BAD_QUERY_VALUE, "$top="},
        {"$skip=1e3", ROUTE_BAD_QUERY_VALUE, "$skip=1e3"},
        {"$skip=65536", ROUTE_BAD_QUERY_VALUE, "$skip=65536"},
        {"$filter=status eq 'Done'", ROUTE_BAD_QUERY_VALUE, "$filter=status eq 'Done'"},
        {"$filter=status ne 'Active'", ROUTE_BAD_QUERY_VALUE, "$filter=status ne 'Active'"},
        {"$filter=id eq 'x'", ROUTE_BAD_QUERY_VALUE, "$filter=id eq 'x'"},
        {"$filter=status eq 'Active' or status eq 'Expired'", ROUTE_BAD_QUERY_VALUE, NULL},
        {"$filter=status eq 'Active' and", ROUTE_BAD_QUERY_VALUE, NULL},
        {"$filter=referenceId eq 'x", ROUTE_BAD_QUERY_VALUE, NULL},
        {"$filter=referenceId eq ''", ROUTE_BAD_QUERY_VALUE, NULL},
        {"$filter=referenceId eq 'a'and status eq 'active'", ROUTE_BAD_QUERY_VALUE, NULL},
        {"$orderby=id", ROUTE_BAD_QUERY_VALUE, "$orderby=id"},
        {"$orderby=createdDateTime up", ROUTE_BAD_QUERY_VALUE, NULL},
        {"$orderby=createdDateTime desc x", ROUTE_BAD_QUERY_VALUE, NULL},
        {"$count=yes", ROUTE_BAD_QUERY_VALUE, "$count=yes"},
        {"$expand=stats", ROUTE_BAD_QUERY_VALUE, "$expand=stats"},
        {"$select=id", ROUTE_BAD_QUERY, "$select"},
        {"$search=x", ROUTE_BAD_QUERY, "$search"},
        {"$top=1&top=2", ROUTE_BAD_QUERY, "top"},
        {"$filter=%zz", ROUTE_BAD_REQUEST, NULL},
        {"$filter=a%00", ROUTE_BAD_REQUEST, NULL},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct route_result b;
        int err = route_match(coll, strlen(coll), bad[i].q, strlen(bad[i].q), &b);
        if (err == APP_OK || b.kind != bad[i].kind ||
            (bad[i].detail != NULL && strcmp(b.detail, bad[i].detail) != 0)) {
            fail_msg("query %s: err %d kind %d detail '%s'", bad[i].q, err, (int)b.kind, b.detail);
        }
        check_detail(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table),
        cmocka_unit_test(test_route_long_segment_detail),
        cmocka_unit_test(test_route_cut_at_character),
        cmocka_unit_test(test_route_v1_and_files),
        cmocka_unit_test(test_route_list_options),
    };
    return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}
