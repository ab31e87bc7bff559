/* Streaming CSV check (firmware/upload/csv.c): a table of valid and invalid
 * files (each documented header set, case variants, BOM, CRLF and LF,
 * quoted line ends, commas and "" escapes, the Logic App's trailing CRLF,
 * every fault with its line, field and reason). Every case is fed whole,
 * byte by byte and in random chunk splits, each chunk in a buffer of its
 * own exact size (ASan sees any read past it), and must give the same
 * verdict, line, field, reason and record count every time. Then a 100 KB
 * generated file, sticky errors, and the state after csv_end(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "csv.h"

#define V1 "principalId,principalType,permissionId,permissionName,permissionDescription,permissionType"
#define ENTRA V1 ",ScopeId,ScopeDisplayName,EntitlementOwners_Users,EntitlementOwners_Groups,CustomData"
#define BETA                                                                                        \
    "PrincipalAADId,ResourceId,ResourceName,ResourceDescription,ResourceType,PermissionId,"         \
    "PermissionName,PermissionDescription,PermissionType,ResourceOwners"
#define ROW6 "6b1c6f47-3a2e-4d3f-9d8b-2f0e0c1a7e11,User,door-1,Front door,Main entrance,Badge"
#define ROW11 ROW6 ",site-1,Site One,alice@contoso.com,grp-1,{}"
#define ROW10 "6b1c6f47-3a2e-4d3f-9d8b-2f0e0c1a7e11,r1,Building A,HQ,Door,p1,Front,Main,Badge,bob"

struct csv_case {
    const char *name;
    const char *in;
    size_t len; /* 0: strlen(in) */
    int rc;
    uint32_t line;     /* on error */
    unsigned field;    /* on error */
    const char *reason; /* on error */
    uint32_t records;  /* data records seen (also at the error) */
};

#define OK(n, s, recs) {n, s, 0, APP_OK, 0, 0, NULL, recs}
#define OKN(n, s, recs) {n, s, sizeof(s) - 1u, APP_OK, 0, 0, NULL, recs}
#define BAD(n, s, l, f, r, recs) {n, s, 0, APP_ERR_INVAL, l, f, r, recs}
#define BADN(n, s, l, f, r, recs) {n, s, sizeof(s) - 1u, APP_ERR_INVAL, l, f, r, recs}

static const struct csv_case s_cases[] = {
    /* ---- valid ---- */
    OK("v1 LF", V1 "\n" ROW6 "\n" ROW6 "\n", 2),
    OK("v1 CRLF", V1 "\r\n" ROW6 "\r\n" ROW6 "\r\n", 2),
    OK("v1 no final line end", V1 "\r\n" ROW6 "\r\n" ROW6, 2),
    OK("v1 mixed CRLF and LF", V1 "\n" ROW6 "\r\n" ROW6 "\n", 2),
    OK("entra", ENTRA "\r\n" ROW11 "\r\n", 1),
    OK("beta", BETA "\r\n" ROW10 "\r\n" ROW10 "\r\n" ROW10 "\r\n", 3),
    OK("v1 any order",
       "permissionType,permissionName,principalId,permissionDescription,principalType,permissionId\n" ROW6
       "\n",
       1),
    OK("v1 upper case", "PRINCIPALID,PRINCIPALTYPE,PERMISSIONID,PERMISSIONNAME,PERMISSIONDESCRIPTION,"
                        "PERMISSIONTYPE\n" ROW6 "\n",
       1),
    OK("entra lower case, shuffled",
       "customdata,entitlementowners_groups,scopeid,principalid,principaltype,permissionid,"
       "permissionname,permissiondescription,permissiontype,scopedisplayname,entitlementowners_users\r\n" ROW11,
       1),
    OK("beta with v1 spelling of permission columns",
       "PrincipalAADId,ResourceId,ResourceName,ResourceDescription,ResourceType,permissionId,"
       "permissionName,permissionDescription,permissionType,ResourceOwners\n" ROW10 "\n",
       1),
    OK("quoted header names",
       "\"principalId\",\"principalType\",permissionId,\"permissionName\",permissionDescription,"
       "\"permissionType\"\r\n" ROW6 "\r\n",
       1),
    OK("BOM", "\xEF\xBB\xBF" V1 "\r\n" ROW6 "\r\n", 1),
    OK("quoted comma, CRLF, LF and escapes",
       V1 "\r\nu1,User,p1,\"Door, front\",\"line one\r\nline two\nline three\",\"say \"\"hi\"\"\"\r\n" ROW6
          "\r\n",
       2),
    OK("quoted empty and only-escape fields", V1 "\nu1,\"\",\"\"\"\",,\"\",x\n", 1),
    OK("quoted CR alone inside quotes", V1 "\nu1,User,p1,\"a\rb\",d,t\n", 1),
    OK("empty fields", V1 "\n,,,,,\n,,,,,", 2),
    OK("Logic App trailing CRLF CRLF", V1 "\r\n" ROW6 "\r\n" ROW6 "\r\n\r\n", 2),
    OK("trailing LF LF", V1 "\n" ROW6 "\n\n", 1),
    OK("header only", V1, 0),
    OK("header only CRLF", V1 "\r\n", 0),
    OK("header then empty line", V1 "\r\n\r\n", 0),
    OK("UTF-8 2, 3 and 4 bytes",
       V1 "\nu1,User,p1,Caf\xC3\xA9 \xE2\x82\xAC \xE6\x97\xA5\xE6\x9C\xAC,\"\xF0\x9F\x98\x80\",t\n", 1),
    OK("UTF-8 edges U+D7FF U+E000 U+10FFFF U+0080 U+0800 U+10000",
       V1 "\nu1,\xED\x9F\xBF,\xEE\x80\x80,\xF4\x8F\xBF\xBF,\xC2\x80\xE0\xA0\x80,\xF0\x90\x80\x80\n", 1),
    OK("BOM character later is data", V1 "\nu1,\xEF\xBB\xBFx,p,n,d,t\n", 1),
    OK("tab and DEL in fields", V1 "\nu1,User\t2,p1,\"a\tb\",d\x7F,t\n", 1),
    OK("spaces kept in data", V1 "\n u1 , User ,p1,n,d,t \n", 1),
    OK("quoted field then CR LF", V1 "\r\nu1,User,p1,n,d,\"t\"\r\n", 1),

    /* ---- no header ---- */
    {"empty file", "", 0, APP_ERR_INVAL, 1, 0, "no header", 0},
    BAD("BOM only", "\xEF\xBB\xBF", 1, 0, "no header", 0),
    BAD("empty line only CRLF", "\r\n", 1, 0, "no header", 0),
    BAD("empty line only LF", "\n", 1, 0, "no header", 0),
    BAD("BOM then empty line", "\xEF\xBB\xBF\r\n", 1, 0, "no header", 0),
    BAD("empty line before header", "\n" V1 "\n", 1, 0, "empty line", 0),

    /* ---- BOM prefixes that are not a BOM ---- */
    BAD("EF BB at end", "\xEF\xBB", 1, 1, "UTF-8 sequence cut by end of file", 0),
    BAD("EF at end", "\xEF", 1, 1, "UTF-8 sequence cut by end of file", 0),
    BAD("EF BB then ASCII", "\xEF\xBBprincipalId", 1, 1, "invalid UTF-8", 0),
    BAD("EF BB BE is U+FEFE, not a column", "\xEF\xBB\xBE" V1 "\n", 1, 1, "unknown header column", 0),
    BAD("two BOMs", "\xEF\xBB\xBF\xEF\xBB\xBF" V1 "\n", 1, 1, "unknown header column", 0),

    /* ---- header ---- */
    BAD("header name with leading space",
        " principalId,principalType,permissionId,permissionName,permissionDescription,permissionType\n",
        1, 1, "unknown header column", 0),
    BAD("header name with trailing space",
        "principalId,principalType ,permissionId,permissionName,permissionDescription,permissionType\n",
        1, 2, "unknown header column", 0),
    BAD("header name prefix", "principalI\n", 1, 1, "unknown header column", 0),
    BAD("header name longer", "principalIdX\n", 1, 1, "unknown header column", 0),
    BAD("header name too long for the buffer",
        "principalId,EntitlementOwners_GroupsEntitlementOwners_Groups\n", 1, 2, "unknown header column", 0),
    BAD("DEL is not underscore", V1 ",ScopeId,ScopeDisplayName,EntitlementOwners\x7FUsers\n", 1, 9,
        "unknown header column", 0),
    BAD("quoted header name with escape", "\"principal\"\"Id\"\n", 1, 1, "unknown header column", 0),
    BAD("empty header field", "principalId,,principalType\n", 1, 2, "unknown header column", 0),
    BAD("header of one quoted empty field", "\"\"\n" ROW6 "\n", 1, 1, "unknown header column", 0),
    BAD("duplicate column, other case", "principalId,principalType,PRINCIPALID\n", 1, 3,
        "duplicate header column", 0),
    BAD("extra column after v1", V1 ",extra\n" ROW6 "\n", 1, 7, "unknown header column", 0),
    BAD("v1 plus beta column", V1 ",ResourceId\n", 1, 7, "header mixes column sets", 0),
    BAD("beta plus entra column", "ResourceId,ScopeId\n", 1, 2, "header mixes column sets", 0),
    BAD("v1 missing a column",
        "principalId,principalType,permissionId,permissionName,permissionDescription\n" ROW6 "\n", 1, 0,
        "header lacks columns of its set", 0),
    BAD("entra missing a column", V1 ",ScopeId,ScopeDisplayName,EntitlementOwners_Users,CustomData\r\n", 1,
        0, "header lacks columns of its set", 0),
    BAD("beta missing ResourceOwners at end of file",
        "PrincipalAADId,ResourceId,ResourceName,ResourceDescription,ResourceType,PermissionId,"
        "PermissionName,PermissionDescription,PermissionType",
        1, 0, "header lacks columns of its set", 0),
    BAD("header on 2 lines through a quoted LF", "\"principal\nId\"," V1 "\n", 1, 1,
        "unknown header column", 0),

    /* ---- field counts ---- */
    BAD("too many fields", V1 "\n" ROW6 "\n" ROW6 ",x\n", 3, 7, "too many fields", 1),
    BAD("too few fields", V1 "\r\nu1,User,p1,n,d\r\n", 2, 6, "too few fields", 0),
    BAD("too few fields at end of file", V1 "\n" ROW6 "\nu1", 3, 2, "too few fields", 1),
    BAD("one quoted empty field is not an empty line", V1 "\n\"\"\n", 2, 2, "too few fields", 0),
    BAD("too many in entra", ENTRA "\n" ROW11 ",\n", 2, 12, "too many fields", 0),
    BAD("too few in beta", BETA "\n" ROW6 "\n", 2, 7, "too few fields", 0),

    /* ---- empty lines ---- */
    BAD("empty line in the middle LF", V1 "\n" ROW6 "\n\n" ROW6 "\n", 3, 0, "empty line", 1),
    BAD("empty line in the middle CRLF", V1 "\r\n" ROW6 "\r\n\r\n" ROW6 "\r\n", 3, 0, "empty line", 1),
    BAD("empty line right after header", V1 "\r\n\r\n" ROW6 "\r\n", 2, 0, "empty line", 0),
    BAD("two trailing empty lines", V1 "\r\n" ROW6 "\r\n\r\n\r\n", 3, 0, "empty line", 1),

    /* ---- quoting ---- */
    BAD("quote in unquoted field", V1 "\nu1,Us\"er,p1,n,d,t\n", 2, 2, "quote in unquoted field", 0),
    BAD("quote at end of unquoted field", V1 "\nu1,User\",p1,n,d,t\n", 2, 2, "quote in unquoted field",
        0),
    BAD("character after closing quote", V1 "\n\"u1\"x,User,p1,n,d,t\n", 2, 1,
        "character after closing quote", 0),
    BAD("space after closing quote", V1 "\nu1,\"User\" ,p1,n,d,t\n", 2, 2, "character after closing quote",
        0),
    BAD("non-ASCII after closing quote", V1 "\nu1,\"User\"\xC3\xA9,p1,n,d,t\n", 2, 2,
        "character after closing quote", 0),
    BAD("quote in header name", "princ\"ipalId\n", 1, 1, "quote in unquoted field", 0),
    BAD("unterminated quoted field", V1 "\n" ROW6 "\nu1,User,\"p1,n,d,t\n", 3, 3, "unterminated quoted field",
        1),
    BAD("unterminated quoted field over lines", V1 "\nu1,User,p1,n,\"d\nmore\nmore\n", 2, 5,
        "unterminated quoted field", 0),
    BAD("line counts LFs inside quotes", V1 "\nu1,User,p1,n,\"d\n\n\nd\",t\n" ROW6 ",x\n", 6, 7,
        "too many fields", 1),
    BAD("error in a record spanning lines names its first line",
        V1 "\n" ROW6 "\nu1,\"a\nb\"c,p1,n,d,t\n", 3, 2, "character after closing quote", 1),

    /* ---- line ends ---- */
    BAD("lone CR in data", V1 "\nu1,Us\rer,p1,n,d,t\n", 2, 2, "CR without LF", 0),
    BAD("lone CR in header", "principalId\rprincipalType\n", 1, 1, "CR without LF", 0),
    BAD("CR at end of file", V1 "\n" ROW6 "\r", 2, 6, "CR without LF", 0),
    BAD("CR CR LF", V1 "\r\r\n", 1, 6, "CR without LF", 0),
    BAD("lone CR as a line end", V1 "\r" ROW6 "\r", 1, 6, "CR without LF", 0),
    BAD("lone CR on an empty line", V1 "\n\rx", 2, 1, "CR without LF", 0),

    /* ---- UTF-8 ---- */
    BAD("overlong C0 80", V1 "\nu1,\xC0\x80,p,n,d,t\n", 2, 2, "invalid UTF-8", 0),
    BAD("overlong C1 BF", V1 "\nu1,\xC1\xBF,p,n,d,t\n", 2, 2, "invalid UTF-8", 0),
    BAD("overlong E0 9F BF", V1 "\nu1,u,\xE0\x9F\xBF,n,d,t\n", 2, 3, "invalid UTF-8", 0),
    BAD("overlong F0 8F BF BF", V1 "\nu1,u,p,\xF0\x8F\xBF\xBF,d,t\n", 2, 4, "invalid UTF-8", 0),
    BAD("surrogate ED A0 80", V1 "\nu1,u,p,n,\xED\xA0\x80,t\n", 2, 5, "invalid UTF-8", 0),
    BAD("surrogate ED BF BF in quotes", V1 "\nu1,u,p,n,\"\xED\xBF\xBF\",t\n", 2, 5, "invalid UTF-8", 0),
    BAD("above U+10FFFF F4 90 80 80", V1 "\nu1,u,p,n,d,\xF4\x90\x80\x80\n", 2, 6, "invalid UTF-8", 0),
    BAD("F5 lead", V1 "\nu1,\xF5\x80\x80\x80,p,n,d,t\n", 2, 2, "invalid UTF-8", 0),
    BAD("FF byte", V1 "\n\xFF,u,p,n,d,t\n", 2, 1, "invalid UTF-8", 0),
    BAD("stray continuation byte", V1 "\nu1,u,p,\x80,d,t\n", 2, 4, "invalid UTF-8", 0),
    BAD("sequence cut by a comma", V1 "\nu1,\xC3,p,n,d,t\n", 2, 2, "invalid UTF-8", 0),
    BAD("sequence cut by a quote", V1 "\nu1,\"\xE2\x82\",p,n,d,t\n", 2, 2, "invalid UTF-8", 0),
    BAD("sequence cut by LF", V1 "\nu1,u,p,n,d,\xF0\x9F\x98\n", 2, 6, "invalid UTF-8", 0),
    BAD("sequence cut by end of file", V1 "\nu1,u,p,n,d,\xF0\x9F\x98", 2, 6,
        "UTF-8 sequence cut by end of file", 0),
    BAD("invalid UTF-8 in header", "principal\xC3\x28Id\n", 1, 1, "invalid UTF-8", 0),

    /* ---- control bytes ---- */
    BADN("NUL byte", V1 "\nu1,u\0,p,n,d,t\n", 2, 2, "control character", 0),
    BAD("control byte in quotes", V1 "\nu1,u,\"p\x01\",n,d,t\n", 2, 3, "control character", 0),
    BAD("escape byte in header", "\x1B" V1 "\n", 1, 1, "control character", 0),
};

/* ---- feeding ------------------------------------------------------------ */

struct outcome {
    int rc;
    uint32_t line;
    unsigned field;
    const char *reason;
    uint32_t records;
};

static uint32_t s_rng;

static uint32_t next_rand(void)
{
    uint32_t x = s_rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s_rng = x;
    return x;
}

/* Feeds in[0..len) in chunks of 1..max bytes (max 0: one chunk), each copied
 * to a buffer of its exact size, stopping at the first error. */
static struct outcome run(const char *in, size_t len, size_t max, uint32_t seed)
{
    struct csv_check c;
    struct outcome o;
    size_t off = 0;
    int rc = APP_OK;

    s_rng = seed | 1u;
    csv_init(&c);
    while (off < len && rc == APP_OK) {
        size_t n = max == 0 ? len : 1u + next_rand() % max;
        if (n > len - off) {
            n = len - off;
        }
        char *chunk = malloc(n);
        assert_non_null(chunk);
        memcpy(chunk, in + off, n);
        rc = csv_feed(&c, chunk, n);
        free(chunk);
        off += n;
    }
    o.rc = csv_end(&c);
    if (rc != APP_OK) {
        assert_int_equal(o.rc, rc); /* sticky */
    }
    o.line = csv_line(&c);
    o.field = csv_field(&c);
    o.reason = csv_reason(&c);
    o.records = csv_records(&c);
    if (o.rc == APP_OK) {
        assert_int_not_equal(csv_schema(&c), CSV_SCHEMA_NONE);
        assert_string_equal(o.reason, "");
        assert_int_equal(csv_feed(&c, "x", 1), APP_ERR_STATE);
        assert_int_equal(csv_end(&c), APP_ERR_STATE);
    } else {
        /* Sticky: more bytes or another end give the same answer. */
        assert_int_equal(csv_feed(&c, "x", 1), o.rc);
        assert_int_equal(csv_end(&c), o.rc);
        assert_int_equal(csv_line(&c), o.line);
        assert_int_equal(csv_field(&c), o.field);
        assert_ptr_equal(csv_reason(&c), o.reason);
    }
    return o;
}

static void check_case(const struct csv_case *t, struct outcome o, const char *how)
{
    if (o.rc != t->rc || o.records != t->records ||
        (t->rc != APP_OK &&
         (o.line != t->line || o.field != t->field || strcmp(o.reason, t->reason) != 0))) {
        print_error("case \"%s\" (%s): got rc %d line %u field %u \"%s\" records %u\n", t->name, how,
                    o.rc, (unsigned)o.line, o.field, o.reason, (unsigned)o.records);
        fail();
    }
}

static void test_table(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(s_cases) / sizeof(s_cases[0]); k++) {
        const struct csv_case *t = &s_cases[k];
        size_t len = t->len != 0 ? t->len : strlen(t->in);

        check_case(t, run(t->in, len, 0, 1), "whole");
        check_case(t, run(t->in, len, 1, 1), "byte by byte");
        for (uint32_t seed = 1; seed <= 40; seed++) {
            char how[32];
            snprintf(how, sizeof(how), "random split %u", (unsigned)seed);
            check_case(t, run(t->in, len, 1u + seed % 13u, seed * 2654435761u), how);
        }
    }
}

/* Every 2-way split of every case (a sequence or a CRLF split at each
 * possible point). */
static void test_every_split_point(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(s_cases) / sizeof(s_cases[0]); k++) {
        const struct csv_case *t = &s_cases[k];
        size_t len = t->len != 0 ? t->len : strlen(t->in);
        for (size_t cut = 0; cut <= len; cut++) {
            struct csv_check c;
            struct outcome o;
            csv_init(&c);
            o.rc = csv_feed(&c, t->in, cut);
            if (o.rc == APP_OK) {
                o.rc = csv_feed(&c, t->in + cut, len - cut);
            }
            o.rc = csv_end(&c);
            o.line = csv_line(&c);
            o.field = csv_field(&c);
            o.reason = csv_reason(&c);
            o.records = csv_records(&c);
            check_case(t, o, "split in two");
        }
    }
}

/* ---- a realistic 100 KB file --------------------------------------------- */

static size_t gen_file(char *buf, size_t cap, uint32_t *records)
{
    static const char *const kinds[] = {"User", "Group", "ServicePrincipal"};
    static const char *const doors[] = {"Front door", "Server room", "Loading dock \xE2\x80\x93 east",
                                        "Lab \"B\", floor 2", "Parking"};
    size_t n = (size_t)snprintf(buf, cap, "\xEF\xBB\xBF%s\r\n", ENTRA);
    *records = 0;
    s_rng = 12345;
    while (n + 400 < cap) {
        uint32_t r = next_rand();
        const char *door = doors[r % 5u];
        int quote = strchr(door, '"') != NULL;
        char qdoor[64];
        if (quote) {
            snprintf(qdoor, sizeof(qdoor), "\"Lab \"\"B\"\", floor 2\"");
            door = qdoor;
        }
        n += (size_t)snprintf(buf + n, cap - n,
                              "%08x-%04x-4%03x-a%03x-%012x,%s,door-%u,%s,\"Access to %s, badge "
                              "reader %u\",Badge,site-%u,Site %u,user%u@contoso.com,,\r\n",
                              (unsigned)r, (unsigned)(r >> 7) & 0xFFFFu, (unsigned)(r >> 3) & 0xFFFu,
                              (unsigned)(r >> 11) & 0xFFFu, (unsigned)r, kinds[r % 3u], (unsigned)(r % 97u),
                              door, quote ? "the lab" : "it", (unsigned)(r % 13u), (unsigned)(r % 7u),
                              (unsigned)(r % 7u), (unsigned)(r % 1000u));
        (*records)++;
    }
    return n;
}

static void test_big_file(void **state)
{
    static char buf[100 * 1024];
    uint32_t records;
    size_t len = gen_file(buf, sizeof(buf), &records);
    struct csv_case t = {"100 KB", buf, len, APP_OK, 0, 0, NULL, records};
    (void)state;

    check_case(&t, run(buf, len, 0, 1), "whole");
    check_case(&t, run(buf, len, 1, 1), "byte by byte");
    check_case(&t, run(buf, len, 1460, 7), "TCP-sized");
    check_case(&t, run(buf, len, 37, 9), "small");
    /* The Logic App's ending. */
    memcpy(buf + len, "\r\n", 2);
    t.len = len + 2;
    check_case(&t, run(buf, len + 2, 700, 3), "trailing CRLF");
    /* A fault deep inside: a quote in an unquoted field of the last record. */
    buf[len - 4] = '"';
    t.len = len;
    t.rc = APP_ERR_INVAL;
    t.line = records + 1u;
    t.field = 9; /* "user..@contoso.com\"" */
    t.reason = "quote in unquoted field";
    t.records = records - 1u;
    check_case(&t, run(buf, len, 0, 1), "whole, fault at end");
    check_case(&t, run(buf, len, 513, 5), "chunked, fault at end");
}

static void test_init_state(void **state)
{
    struct csv_check c;
    (void)state;
    csv_init(&c);
    assert_string_equal(csv_reason(&c), "");
    assert_int_equal(csv_records(&c), 0);
    assert_int_equal(csv_schema(&c), CSV_SCHEMA_NONE);
    assert_int_equal(csv_feed(&c, NULL, 0), APP_OK);
    assert_int_equal(csv_feed(&c, V1 "\n", sizeof(V1)), APP_OK);
    assert_int_equal(csv_schema(&c), CSV_SCHEMA_V1);
    assert_int_equal(csv_end(&c), APP_OK);
    assert_true(sizeof(struct csv_check) <= 72u); /* 64 on a 32-bit core */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_every_split_point),
        cmocka_unit_test(test_big_file),
        cmocka_unit_test(test_init_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
