/* Host test of firmware/json/json.c: the seed body byte for byte, string
 * escaping (every control byte, every class of invalid UTF-8, exhaustive
 * short strings against a reference escaper written here), integers at
 * their extremes, structure and misuse, and the window: overflow at every
 * capacity, every (window, skip) pair reassembling the reference document,
 * count mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "datetime.h"
#include "json.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LIT(s) (s), (sizeof(s) - 1u)

/* Render into a big buffer; returns json_result(). */
static int render(void (*fn)(struct json_out *), char *buf, size_t cap, size_t *total)
{
    struct json_out o;
    json_init(&o, buf, cap);
    fn(&o);
    if (total != NULL) {
        *total = json_total(&o);
    }
    return json_result(&o);
}

static void assert_bytes(const char *got, size_t got_len, const char *want, size_t want_len)
{
    if (got_len != want_len || (want_len != 0u && memcmp(got, want, want_len) != 0)) {
        fail_msg("got %zu bytes \"%.*s\", want %zu bytes \"%.*s\"", got_len, (int)got_len, got,
                 want_len, (int)want_len, want);
    }
}

/* ---- the seed body (contract: "Success response") ------------------------ */

static const char s_seed_body[] =
    "{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#identityGovernance/"
    "entitlementManagement/accessPackageCatalogs('73eb2497-3b88-4c0a-8bb3-68ba8162beff')/"
    "accessPackageResources('99ab2454-3b88-4c0a-8bb3-68ba8162beff')/uploadSessions/$entity\","
    "\"id\":\"23f27c15-72f9-45fe-9e9c-e3d8f75bdc44\",\"status\":\"Complete\","
    "\"isUploadDone\":true,\"stats\":{\"filesUploaded\":1,\"totalBytesUploaded\":2000000},"
    "\"files\":[{\"name\":\"building-a-access.csv\",\"size\":2000000,"
    "\"uploadedDateTime\":\"2024-03-06T01:35:12.123Z\"}],"
    "\"createdDateTime\":\"2024-03-06T01:35:12.123Z\","
    "\"expirationDateTime\":\"2024-03-07T01:35:12.123Z\"}";

static void render_seed(struct json_out *o)
{
    json_obj_begin(o);
    json_key(o, "@odata.context");
    json_str(o, "https://graph.microsoft.com/beta/$metadata#identityGovernance/"
                "entitlementManagement/accessPackageCatalogs('73eb2497-3b88-4c0a-8bb3-"
                "68ba8162beff')/accessPackageResources('99ab2454-3b88-4c0a-8bb3-68ba8162beff')"
                "/uploadSessions/$entity");
    json_key(o, "id");
    json_str(o, "23f27c15-72f9-45fe-9e9c-e3d8f75bdc44");
    json_key(o, "status");
    json_str(o, "Complete");
    json_key(o, "isUploadDone");
    json_bool(o, true);
    json_key(o, "stats");
    json_obj_begin(o);
    json_key(o, "filesUploaded");
    json_i64(o, 1);
    json_key(o, "totalBytesUploaded");
    json_i64(o, 2000000);
    json_obj_end(o);
    json_key(o, "files");
    json_arr_begin(o);
    json_obj_begin(o);
    json_key(o, "name");
    json_str(o, "building-a-access.csv");
    json_key(o, "size");
    json_i64(o, 2000000);
    json_key(o, "uploadedDateTime");
    json_time_ms(o, 1709688912123);
    json_obj_end(o);
    json_arr_end(o);
    json_key(o, "createdDateTime");
    json_time_ms(o, 1709688912123);
    json_key(o, "expirationDateTime");
    json_time_ms(o, 1709775312123);
    json_obj_end(o);
}

static void test_seed_body(void **state)
{
    (void)state;
    char buf[1024];
    size_t total = 0;
    int r = render(render_seed, buf, sizeof buf, &total);
    assert_int_equal(r, (int)(sizeof s_seed_body - 1u));
    assert_int_equal(total, sizeof s_seed_body - 1u);
    assert_bytes(buf, (size_t)r, LIT(s_seed_body));
}

/* ---- the reference document for the window tests ------------------------ */

/* A response head, then a body touching every writer call: escapes (a run
 * longer than the writer's 16-byte escaping chunk), UTF-8 of every length,
 * integer extremes, literals, empty containers, an empty key. */
static const char s_ref[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 1234567\r\n\r\n"
    "{\"a\":\"plain\",\"esc\\n\":\"q\\\"b\\\\s/\\u0001\\u001f\x7f tab\\t end, then a long run "
    "of escapes \\n\\n\\n\\r\\r\\r\\b\\f\",\"utf8\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\","
    "\"n\":[0,-1,-9223372036854775808,9223372036854775807,true,false,null,[],{}],"
    "\"t\":\"2024-03-06T01:35:12.123Z\",\"o\":{\"x\":\"\",\"\":42}}\r\n";
#define REF_LEN (sizeof s_ref - 1u)

static void render_ref(struct json_out *o)
{
    json_raw_str(o, "HTTP/1.1 200 OK\r\nContent-Length: ");
    json_raw_u64(o, 1234567);
    json_raw(o, LIT("\r\n\r\n"));
    json_obj_begin(o);
    json_key(o, "a");
    json_str(o, "plain");
    json_keyn(o, LIT("esc\n"));
    json_str(o, "q\"b\\s/\x01\x1f\x7f tab\t end, then a long run of escapes \n\n\n\r\r\r\b\f");
    json_key(o, "utf8");
    json_str(o, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    json_key(o, "n");
    json_arr_begin(o);
    json_i64(o, 0);
    json_i64(o, -1);
    json_i64(o, INT64_MIN);
    json_i64(o, INT64_MAX);
    json_bool(o, true);
    json_bool(o, false);
    json_null(o);
    json_arr_begin(o);
    json_arr_end(o);
    json_obj_begin(o);
    json_obj_end(o);
    json_arr_end(o);
    json_key(o, "t");
    json_time_ms(o, 1709688912123);
    json_key(o, "o");
    json_obj_begin(o);
    json_key(o, "x");
    json_strn(o, NULL, 0);
    json_keyn(o, "", 0);
    json_i64(o, 42);
    json_obj_end(o);
    json_obj_end(o);
    json_raw_str(o, "\r\n");
}

static void test_reference(void **state)
{
    (void)state;
    char buf[1024];
    size_t total = 0;
    int r = render(render_ref, buf, sizeof buf, &total);
    assert_int_equal(r, (int)REF_LEN);
    assert_int_equal(total, REF_LEN);
    assert_bytes(buf, (size_t)r, s_ref, REF_LEN);
}

/* Every capacity from 0 to the full length: anything short is an
 * overflow (never a shorter "successful" document), the stored bytes are
 * exactly the document's first cap bytes, nothing is written past cap
 * (exact-size heap buffer under ASan), and the total keeps counting. */
static void test_overflow_every_cap(void **state)
{
    (void)state;
    for (size_t cap = 0; cap <= REF_LEN + 1u; cap++) {
        char *buf = cap != 0u ? test_malloc(cap) : NULL;
        struct json_out o;
        json_init(&o, buf, cap);
        render_ref(&o);
        assert_int_equal(json_total(&o), REF_LEN);
        if (cap < REF_LEN) {
            assert_int_equal(json_result(&o), APP_ERR_OVERFLOW);
            assert_true(json_more(&o));
            assert_bytes(buf, cap, s_ref, cap);
        } else {
            assert_int_equal(json_result(&o), (int)REF_LEN);
            assert_false(json_more(&o));
            assert_bytes(buf, REF_LEN, s_ref, REF_LEN);
        }
        if (buf != NULL) {
            test_free(buf);
        }
    }
}

/* Every window size 1..64 at every skip: the window holds exactly the
 * document's bytes [skip, skip + w), json_more() is true exactly when bytes
 * remain after it; and stepping skip by w reassembles the document. */
static void test_windows(void **state)
{
    (void)state;
    for (size_t w = 1; w <= 64u; w++) {
        char *buf = test_malloc(w);
        for (size_t skip = 0; skip <= REF_LEN + 1u; skip++) {
            struct json_out o;
            memset(buf, 0xA5, w);
            json_init_window(&o, buf, w, skip);
            render_ref(&o);
            size_t want = skip >= REF_LEN ? 0u : (REF_LEN - skip < w ? REF_LEN - skip : w);
            bool more = skip + w < REF_LEN;
            assert_int_equal(json_total(&o), REF_LEN);
            assert_int_equal(json_more(&o), more);
            assert_int_equal(json_result(&o), more ? APP_ERR_OVERFLOW : (int)want);
            assert_bytes(buf, want, s_ref + skip, want);
        }

        char doc[sizeof s_ref];
        size_t got = 0;
        bool more = true;
        for (size_t skip = 0; more; skip += w) {
            struct json_out o;
            json_init_window(&o, buf, w, skip);
            render_ref(&o);
            more = json_more(&o);
            int r = more ? (int)w : json_result(&o);
            assert_true(r >= 0);
            assert_true(got + (size_t)r <= REF_LEN);
            memcpy(doc + got, buf, (size_t)r);
            got += (size_t)r;
        }
        assert_bytes(doc, got, s_ref, REF_LEN);
        test_free(buf);
    }
}

/* A skip near SIZE_MAX: the window end is clamped, nothing stored. */
static void test_window_far(void **state)
{
    (void)state;
    char buf[8];
    struct json_out o;
    json_init_window(&o, buf, sizeof buf, SIZE_MAX - 3u);
    render_ref(&o);
    assert_int_equal(json_result(&o), 0);
    assert_false(json_more(&o));
    assert_int_equal(json_total(&o), REF_LEN);
}

static void test_count_mode(void **state)
{
    (void)state;
    struct json_out o;
    json_init_count(&o);
    render_ref(&o);
    assert_int_equal(json_total(&o), REF_LEN);
    assert_int_equal(json_result(&o), 0);
    assert_false(json_more(&o));

    json_init_count(&o);
    render_seed(&o);
    assert_int_equal(json_total(&o), sizeof s_seed_body - 1u);

    /* Errors still show in count mode. */
    json_init_count(&o);
    json_arr_begin(&o);
    json_strn(&o, "\xff", 1);
    json_arr_end(&o);
    assert_int_equal(json_result(&o), APP_ERR_INVAL);
    assert_false(json_more(&o));
}

/* ---- escaping ------------------------------------------------------------ */

struct esc_case {
    unsigned char c;
    const char *want; /* inside the quotes */
};

/* RFC 8259 section 7: all of U+0000..U+001F, '"' and '\\' escaped; short
 * forms where JSON has them, else \u00xx in lowercase hex. */
static const struct esc_case s_escapes[] = {
    {0x00, "\\u0000"}, {0x01, "\\u0001"}, {0x02, "\\u0002"}, {0x03, "\\u0003"},
    {0x04, "\\u0004"}, {0x05, "\\u0005"}, {0x06, "\\u0006"}, {0x07, "\\u0007"},
    {0x08, "\\b"},     {0x09, "\\t"},     {0x0A, "\\n"},     {0x0B, "\\u000b"},
    {0x0C, "\\f"},     {0x0D, "\\r"},     {0x0E, "\\u000e"}, {0x0F, "\\u000f"},
    {0x10, "\\u0010"}, {0x11, "\\u0011"}, {0x12, "\\u0012"}, {0x13, "\\u0013"},
    {0x14, "\\u0014"}, {0x15, "\\u0015"}, {0x16, "\\u0016"}, {0x17, "\\u0017"},
    {0x18, "\\u0018"}, {0x19, "\\u0019"}, {0x1A, "\\u001a"}, {0x1B, "\\u001b"},
    {0x1C, "\\u001c"}, {0x1D, "\\u001d"}, {0x1E, "\\u001e"}, {0x1F, "\\u001f"},
    {'"', "\\\""},     {'\\', "\\\\"},    {0x7F, "\x7f"},    {'/', "/"},
    {' ', " "},        {'~', "~"},        {'A', "A"},        {'\'', "'"},
};

/* Each byte alone, and in the middle of a run long enough for the
 * word-at-a-time scan, as a value and as a key. */
static void test_escapes(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_escapes); i++) {
        const struct esc_case *e = &s_escapes[i];
        char in[40], want[128], buf[128];
        struct json_out o;
        size_t wl = 0;

        want[wl++] = '"';
        memcpy(want + wl, e->want, strlen(e->want));
        wl += strlen(e->want);
        want[wl++] = '"';
        json_init(&o, buf, sizeof buf);
        json_strn(&o, (const char *)&e->c, 1);
        assert_int_equal(json_result(&o), (int)wl);
        assert_bytes(buf, wl, want, wl);

        memset(in, 'x', sizeof in);
        in[20] = (char)e->c;
        wl = 0;
        memcpy(want + wl, "{\"", 2);
        wl += 2;
        memset(want + wl, 'x', 20);
        wl += 20;
        memcpy(want + wl, e->want, strlen(e->want));
        wl += strlen(e->want);
        memset(want + wl, 'x', 18); /* in[21..38] */
        wl += 18;
        memcpy(want + wl, "\":1}", 4);
        wl += 4;
        json_init(&o, buf, sizeof buf);
        json_obj_begin(&o);
        json_keyn(&o, in, sizeof in - 1u);
        json_i64(&o, 1);
        json_obj_end(&o);
        assert_int_equal(json_result(&o), (int)wl);
        assert_bytes(buf, wl, want, wl);
    }
}

struct utf8_case {
    const char *name;
    const char *s;
    size_t n;
};

#define U8(name, lit) {name, lit, sizeof(lit) - 1u}

static const struct utf8_case s_invalid[] = {
    U8("overlong 2-byte NUL", "\xc0\x80"),
    U8("overlong 2-byte 0x7F", "\xc1\xbf"),
    U8("overlong 3-byte NUL", "\xe0\x80\x80"),
    U8("overlong 3-byte U+07FF", "\xe0\x9f\xbf"),
    U8("overlong 4-byte NUL", "\xf0\x80\x80\x80"),
    U8("overlong 4-byte U+FFFF", "\xf0\x8f\xbf\xbf"),
    U8("surrogate U+D800", "\xed\xa0\x80"),
    U8("surrogate U+DBFF", "\xed\xaf\xbf"),
    U8("surrogate U+DC00", "\xed\xb0\x80"),
    U8("surrogate U+DFFF", "\xed\xbf\xbf"),
    U8("CESU-8 surrogate pair", "\xed\xa0\xbd\xed\xb8\x80"),
    U8("U+110000", "\xf4\x90\x80\x80"),
    U8("U+1FFFFF", "\xf7\xbf\xbf\xbf"),
    U8("5-byte form", "\xf8\x88\x80\x80\x80"),
    U8("6-byte form", "\xfc\x84\x80\x80\x80\x80"),
    U8("lone continuation 0x80", "\x80"),
    U8("lone continuation 0xBF", "\xbf"),
    U8("continuation inside ASCII", "a\x80z"),
    U8("extra continuation", "\xc3\xa9\xa9"),
    U8("truncated 2-byte at end", "abc\xc3"),
    U8("truncated 3-byte at end", "abc\xe2\x82"),
    U8("truncated 3-byte after lead", "\xe2"),
    U8("truncated 4-byte at end", "abc\xf0\x9f\x98"),
    U8("bad 2nd byte of 2", "\xc3\x28"),
    U8("bad 2nd byte of 3", "\xe2\x28\xa1"),
    U8("bad 3rd byte of 3", "\xe2\x82\x28"),
    U8("bad 3rd byte of 4", "\xf0\x9f\x28\x80"),
    U8("bad 4th byte of 4", "\xf0\x9f\x98\x28"),
    U8("lead then lead", "\xc3\xc3\xa9"),
    U8("0xC0", "\xc0"),
    U8("0xC1", "\xc1"),
    U8("0xF5", "\xf5\x80\x80\x80"),
    U8("0xF6", "\xf6"),
    U8("0xF7", "\xf7"),
    U8("0xF8", "\xf8"),
    U8("0xF9", "\xf9"),
    U8("0xFA", "\xfa"),
    U8("0xFB", "\xfb"),
    U8("0xFC", "\xfc"),
    U8("0xFD", "\xfd"),
    U8("0xFE", "\xfe"),
    U8("0xFF", "\xff"),
    U8("after escapes", "line\n\"quoted\"\t\x80"),
    U8("after a long ASCII run", "0123456789abcdef0123456789abcdef\xff"),
    U8("in a long valid run", "caf\xc3\xa9 caf\xc3\xa9 caf\xc3\xa9 \xed\xa0\x80 caf\xc3\xa9"),
};

/* Invalid UTF-8, as a value or as a key: APP_ERR_INVAL, not one byte of
 * the string (nor its quote or comma) produced, and every later call is a
 * no-op. The string is followed by continuation bytes that are not part of
 * it (a truncated sequence must not be completed from beyond n). */
static void test_invalid_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_invalid); i++) {
        struct utf8_case copy = s_invalid[i];
        const struct utf8_case *u = &copy;
        char padded[80];
        assert_true(copy.n + 3u <= sizeof padded);
        memcpy(padded, copy.s, copy.n);
        memset(padded + copy.n, 0x80, 3);
        copy.s = padded;
        for (int as_key = 0; as_key < 2; as_key++) {
            char buf[128];
            struct json_out o;
            memset(buf, '#', sizeof buf);
            json_init(&o, buf, sizeof buf);
            json_obj_begin(&o);
            json_key(&o, "k");
            json_i64(&o, 1);
            size_t before = json_total(&o);
            if (as_key) {
                json_keyn(&o, u->s, u->n);
            } else {
                json_key(&o, "v");
                before = json_total(&o);
                json_strn(&o, u->s, u->n);
            }
            if (json_result(&o) != APP_ERR_INVAL || json_total(&o) != before) {
                fail_msg("%s (%s): result %d, total %zu -> %zu", u->name,
                         as_key ? "key" : "value", json_result(&o), before, json_total(&o));
            }
            for (size_t b = before; b < sizeof buf; b++) {
                assert_int_equal(buf[b], '#');
            }
            json_str(&o, "ok");
            json_obj_end(&o);
            assert_int_equal(json_total(&o), before);
            assert_int_equal(json_result(&o), APP_ERR_INVAL);
            assert_false(json_more(&o));
        }
    }
}

static const struct utf8_case s_valid[] = {
    U8("U+0080", "\xc2\x80"),
    U8("U+07FF", "\xdf\xbf"),
    U8("U+0800", "\xe0\xa0\x80"),
    U8("U+0FFF", "\xe0\xbf\xbf"),
    U8("U+CFFF", "\xec\xbf\xbf"),
    U8("U+D7FF", "\xed\x9f\xbf"),
    U8("U+E000", "\xee\x80\x80"),
    U8("U+FFFD", "\xef\xbf\xbd"),
    U8("U+FFFF", "\xef\xbf\xbf"),
    U8("U+10000", "\xf0\x90\x80\x80"),
    U8("U+3FFFF", "\xf0\xbf\xbf\xbf"),
    U8("U+40000", "\xf1\x80\x80\x80"),
    U8("U+FFFFF", "\xf3\xbf\xbf\xbf"),
    U8("U+100000", "\xf4\x80\x80\x80"),
    U8("U+10FFFF", "\xf4\x8f\xbf\xbf"),
    U8("BOM", "\xef\xbb\xbf"),
    U8("mixed long", "r\xc3\xa9sum\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e-\xf0\x9f\x98\x80.csv"),
    U8("multibyte at every offset of a word", "\xc3\xa9xxxxxxx\xc3\xa9xxxxxx\xe2\x82\xacxxxxx"),
};

/* Valid UTF-8 goes out byte for byte, as value and as key. */
static void test_valid_utf8(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_valid); i++) {
        const struct utf8_case *u = &s_valid[i];
        char buf[256], want[256];
        struct json_out o;
        size_t wl = 0;

        json_init(&o, buf, sizeof buf);
        json_obj_begin(&o);
        json_keyn(&o, u->s, u->n);
        json_strn(&o, u->s, u->n);
        json_obj_end(&o);
        want[wl++] = '{';
        want[wl++] = '"';
        memcpy(want + wl, u->s, u->n);
        wl += u->n;
        memcpy(want + wl, "\":\"", 3);
        wl += 3;
        memcpy(want + wl, u->s, u->n);
        wl += u->n;
        want[wl++] = '"';
        want[wl++] = '}';
        if (json_result(&o) != (int)wl) {
            fail_msg("%s: result %d", u->name, json_result(&o));
        }
        assert_bytes(buf, wl, want, wl);
    }
}

/* The test's own UTF-8 check, by decoding (RFC 3629 section 3), unlike the
 * writer's table of second-byte ranges. */
static bool ref_utf8_ok(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp, min;
        if (c < 0x80u) {
            i++;
            continue;
        } else if ((c & 0xE0u) == 0xC0u) {
            len = 2, cp = c & 0x1Fu, min = 0x80u;
        } else if ((c & 0xF0u) == 0xE0u) {
            len = 3, cp = c & 0x0Fu, min = 0x800u;
        } else if ((c & 0xF8u) == 0xF0u) {
            len = 4, cp = c & 0x07u, min = 0x10000u;
        } else {
            return false;
        }
        if (n - i < len) {
            return false;
        }
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0u) != 0x80u) {
                return false;
            }
            cp = cp << 6 | (s[i + k] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFFu || (cp >= 0xD800u && cp <= 0xDFFFu)) {
            return false;
        }
        i += len;
    }
    return true;
}

/* The test's own escaper, one byte at a time. */
static size_t ref_escape(char *d, const unsigned char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    d[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        switch (c) {
        case '"': d[k++] = '\\', d[k++] = '"'; break;
        case '\\': d[k++] = '\\', d[k++] = '\\'; break;
        case '\b': d[k++] = '\\', d[k++] = 'b'; break;
        case '\f': d[k++] = '\\', d[k++] = 'f'; break;
        case '\n': d[k++] = '\\', d[k++] = 'n'; break;
        case '\r': d[k++] = '\\', d[k++] = 'r'; break;
        case '\t': d[k++] = '\\', d[k++] = 't'; break;
        default:
            if (c < 0x20u) {
                d[k++] = '\\', d[k++] = 'u', d[k++] = '0', d[k++] = '0';
                d[k++] = hex[c >> 4], d[k++] = hex[c & 15u];
            } else {
                d[k++] = (char)c;
            }
        }
    }
    d[k++] = '"';
    return k;
}

static void check_against_ref(const unsigned char *s, size_t n)
{
    char buf[6 * 48 + 2], want[6 * 48 + 2];
    struct json_out o;
    json_init(&o, buf, sizeof buf);
    json_strn(&o, (const char *)s, n);
    int r = json_result(&o);
    if (!ref_utf8_ok(s, n)) {
        if (r != APP_ERR_INVAL || json_total(&o) != 0u) {
            fail_msg("accepted invalid %02x %02x %02x %02x (n %zu)", n > 0 ? s[0] : 0,
                     n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, n);
        }
        return;
    }
    size_t wl = ref_escape(want, s, n);
    if (r != (int)wl || memcmp(buf, want, wl) != 0) {
        fail_msg("bad output for %02x %02x %02x %02x (n %zu): result %d", n > 0 ? s[0] : 0,
                 n > 1 ? s[1] : 0, n > 2 ? s[2] : 0, n > 3 ? s[3] : 0, n, r);
    }
}

/* Every 1- and 2-byte string, every 3-byte string with a lead from C0 up,
 * and the 4-byte leads with the boundary values of the later bytes,
 * against the reference check and escaper above. */
static void test_exhaustive_short(void **state)
{
    (void)state;
    unsigned char s[4];
    for (unsigned a = 0; a < 256u; a++) {
        s[0] = (unsigned char)a;
        check_against_ref(s, 1);
        for (unsigned b = 0; b < 256u; b++) {
            s[1] = (unsigned char)b;
            check_against_ref(s, 2);
        }
    }
    for (unsigned a = 0xC0u; a < 256u; a++) {
        for (unsigned b = 0; b < 256u; b++) {
            for (unsigned c = 0; c < 256u; c++) {
                s[0] = (unsigned char)a, s[1] = (unsigned char)b, s[2] = (unsigned char)c;
                check_against_ref(s, 3);
            }
        }
    }
    static const unsigned char edge[] = {0x00, 0x22, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF};
    for (unsigned a = 0xF0u; a < 256u; a++) {
        for (unsigned b = 0; b < 256u; b++) {
            for (size_t c = 0; c < sizeof edge; c++) {
                for (size_t d = 0; d < sizeof edge; d++) {
                    s[0] = (unsigned char)a, s[1] = (unsigned char)b;
                    s[2] = edge[c], s[3] = edge[d];
                    check_against_ref(s, 4);
                }
            }
        }
    }
}

/* One special byte (or sequence) at every offset of plain strings of
 * every length up to 40: covers whole words, the overlapping last word and
 * the byte-wise tail of the writer's scans, on 32- and 64-bit hosts. */
static void test_special_at_every_offset(void **state)
{
    (void)state;
    static const struct utf8_case specials[] = {
        U8("NUL", "\x00"),           U8("quote", "\""),
        U8("backslash", "\\"),      U8("0x1F", "\x1f"),
        U8("newline", "\n"),         U8("DEL", "\x7f"),
        U8("lone 0x80", "\x80"),     U8("0xFF", "\xff"),
        U8("U+00E9", "\xc3\xa9"),    U8("U+20AC", "\xe2\x82\xac"),
        U8("U+1F600", "\xf0\x9f\x98\x80"), U8("surrogate", "\xed\xa0\x80"),
        U8("truncated", "\xe2\x82"),
    };
    unsigned char s[48];
    for (size_t sp = 0; sp < ARRAY_LEN(specials); sp++) {
        for (size_t len = 0; len <= 40u; len++) {
            for (size_t at = 0; at <= len; at++) {
                size_t n = 0;
                for (size_t i = 0; i < at; i++) {
                    s[n++] = (unsigned char)('a' + i % 26u);
                }
                memcpy(s + n, specials[sp].s, specials[sp].n);
                n += specials[sp].n;
                for (size_t i = at; i < len; i++) {
                    s[n++] = (unsigned char)('A' + i % 26u);
                }
                check_against_ref(s, n);
            }
        }
    }
}

/* ---- numbers --------------------------------------------------------------- */

struct i64_case {
    int64_t v;
    const char *want;
};

static const struct i64_case s_i64[] = {
    {0, "0"},
    {1, "1"},
    {-1, "-1"},
    {9, "9"},
    {10, "10"},
    {-10, "-10"},
    {INT32_MAX, "2147483647"},
    {INT32_MIN, "-2147483648"},
    {4294967295, "4294967295"},
    {4294967296, "4294967296"},
    {-4294967296, "-4294967296"},
    {999999999, "999999999"},
    {1000000000, "1000000000"},
    {4294967296000000000, "4294967296000000000"},
    {1000000000000000000, "1000000000000000000"},
    {999999999999999999, "999999999999999999"},
    {-1000000000000000001, "-1000000000000000001"},
    {INT64_MAX, "9223372036854775807"},
    {INT64_MIN + 1, "-9223372036854775807"},
    {INT64_MIN, "-9223372036854775808"},
};

struct u64_case {
    uint64_t v;
    const char *want;
};

static const struct u64_case s_u64[] = {
    {0, "0"},
    {7, "7"},
    {UINT32_MAX, "4294967295"},
    {UINT64_C(4294967296), "4294967296"},
    {UINT64_C(9999999999999999999), "9999999999999999999"},
    {UINT64_C(10000000000000000000), "10000000000000000000"},
    {UINT64_MAX, "18446744073709551615"},
};

static void test_integers(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_i64); i++) {
        char buf[64], want[64];
        struct json_out o;
        json_init(&o, buf, sizeof buf);
        json_arr_begin(&o);
        json_i64(&o, s_i64[i].v);
        json_i64(&o, s_i64[i].v);
        json_arr_end(&o);
        int wl = snprintf(want, sizeof want, "[%s,%s]", s_i64[i].want, s_i64[i].want);
        assert_int_equal(json_result(&o), wl);
        assert_bytes(buf, (size_t)wl, want, (size_t)wl);
    }
    for (size_t i = 0; i < ARRAY_LEN(s_u64); i++) {
        char buf[64];
        struct json_out o;
        json_init(&o, buf, sizeof buf);
        json_raw_u64(&o, s_u64[i].v);
        assert_int_equal(json_result(&o), (int)strlen(s_u64[i].want));
        assert_bytes(buf, strlen(s_u64[i].want), s_u64[i].want, strlen(s_u64[i].want));
    }
}

/* ---- structure ------------------------------------------------------------- */

static void doc_empty_obj(struct json_out *o)
{
    json_obj_begin(o);
    json_obj_end(o);
}

static void doc_nested_empty(struct json_out *o)
{
    json_arr_begin(o);
    json_arr_begin(o);
    json_arr_end(o);
    json_obj_begin(o);
    json_obj_end(o);
    json_arr_begin(o);
    json_i64(o, 1);
    json_obj_begin(o);
    json_obj_end(o);
    json_arr_end(o);
    json_str(o, "");
    json_arr_end(o);
}

static void doc_members(struct json_out *o)
{
    json_obj_begin(o);
    json_key(o, "a");
    json_arr_begin(o);
    json_arr_end(o);
    json_key(o, "b");
    json_obj_begin(o);
    json_obj_end(o);
    json_key(o, "c");
    json_obj_begin(o);
    json_key(o, "d");
    json_null(o);
    json_key(o, "e");
    json_bool(o, false);
    json_obj_end(o);
    json_key(o, "f");
    json_time_ms(o, 0);
    json_obj_end(o);
}

/* Raw bytes never take part in the comma logic. */
static void doc_raw_between(struct json_out *o)
{
    json_raw_str(o, "HEAD ");
    json_arr_begin(o);
    json_i64(o, 1);
    json_raw(o, " ", 1);
    json_i64(o, 2);
    json_raw_u64(o, 3);
    json_arr_end(o);
    json_raw_str(o, "");
}

static void doc_scalar_top(struct json_out *o)
{
    json_str(o, "just a string");
}

static void doc_times(struct json_out *o)
{
    json_arr_begin(o);
    json_time_ms(o, 1709688912123);
    json_time_ms(o, 0);
    json_time_ms(o, DATETIME_MAX_MS);
    json_arr_end(o);
}

static void doc_nothing(struct json_out *o)
{
    (void)o;
}

struct doc_case {
    const char *name;
    void (*fn)(struct json_out *);
    const char *want;
};

static const struct doc_case s_docs[] = {
    {"empty object", doc_empty_obj, "{}"},
    {"nested empty", doc_nested_empty, "[[],{},[1,{}],\"\"]"},
    {"members", doc_members,
     "{\"a\":[],\"b\":{},\"c\":{\"d\":null,\"e\":false},\"f\":\"1970-01-01T00:00:00.000Z\"}"},
    {"raw between", doc_raw_between, "HEAD [1 ,23]"},
    {"scalar at top", doc_scalar_top, "\"just a string\""},
    {"times", doc_times,
     "[\"2024-03-06T01:35:12.123Z\",\"1970-01-01T00:00:00.000Z\",\"9999-12-31T23:59:59.999Z\"]"},
    {"nothing", doc_nothing, ""},
};

static void test_documents(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_docs); i++) {
        char buf[256];
        size_t total = 0;
        int r = render(s_docs[i].fn, buf, sizeof buf, &total);
        if (r != (int)strlen(s_docs[i].want)) {
            fail_msg("%s: result %d", s_docs[i].name, r);
        }
        assert_int_equal(total, strlen(s_docs[i].want));
        assert_bytes(buf, (size_t)r, s_docs[i].want, strlen(s_docs[i].want));
    }
}

/* JSON_MAX_DEPTH containers nest; one more is APP_ERR_INVAL, and sticky. */
static void test_nesting_limit(void **state)
{
    (void)state;
    char buf[128], want[128];
    struct json_out o;
    size_t wl = 0;

    json_init(&o, buf, sizeof buf);
    for (unsigned d = 0; d < JSON_MAX_DEPTH; d++) {
        if (d % 2u == 0u) {
            json_arr_begin(&o);
            want[wl++] = '[';
        } else {
            json_obj_begin(&o);
            json_key(&o, "k");
            memcpy(want + wl, "{\"k\":", 5);
            wl += 5;
        }
    }
    json_i64(&o, 7);
    want[wl++] = '7';
    for (unsigned d = JSON_MAX_DEPTH; d-- > 0u;) {
        if (d % 2u == 0u) {
            json_arr_end(&o);
            want[wl++] = ']';
        } else {
            json_obj_end(&o);
            want[wl++] = '}';
        }
    }
    assert_int_equal(json_result(&o), (int)wl);
    assert_bytes(buf, wl, want, wl);

    for (int obj = 0; obj < 2; obj++) {
        json_init(&o, buf, sizeof buf);
        for (unsigned d = 0; d < JSON_MAX_DEPTH; d++) {
            json_arr_begin(&o);
        }
        assert_int_equal(json_total(&o), JSON_MAX_DEPTH);
        if (obj) {
            json_obj_begin(&o);
        } else {
            json_arr_begin(&o);
        }
        assert_int_equal(json_total(&o), JSON_MAX_DEPTH);
        for (unsigned d = 0; d <= JSON_MAX_DEPTH; d++) {
            json_arr_end(&o);
        }
        assert_int_equal(json_total(&o), JSON_MAX_DEPTH);
        assert_int_equal(json_result(&o), APP_ERR_INVAL);
    }
}

/* ---- misuse ---------------------------------------------------------------- */

static void mis_value_without_key(struct json_out *o) { json_obj_begin(o); json_str(o, "x"); }
static void mis_int_without_key(struct json_out *o) { json_obj_begin(o); json_i64(o, 1); }
static void mis_bool_without_key(struct json_out *o) { json_obj_begin(o); json_bool(o, true); }
static void mis_null_without_key(struct json_out *o) { json_obj_begin(o); json_null(o); }
static void mis_time_without_key(struct json_out *o) { json_obj_begin(o); json_time_ms(o, 0); }
static void mis_obj_without_key(struct json_out *o) { json_obj_begin(o); json_obj_begin(o); }
static void mis_arr_without_key(struct json_out *o) { json_obj_begin(o); json_arr_begin(o); }
static void mis_value_after_member(struct json_out *o)
{
    json_obj_begin(o);
    json_key(o, "a");
    json_i64(o, 1);
    json_i64(o, 2);
}
static void mis_key_at_top(struct json_out *o) { json_key(o, "a"); }
static void mis_key_in_array(struct json_out *o) { json_arr_begin(o); json_key(o, "a"); }
static void mis_key_twice(struct json_out *o) { json_obj_begin(o); json_key(o, "a"); json_key(o, "b"); }
static void mis_end_after_key(struct json_out *o) { json_obj_begin(o); json_key(o, "a"); json_obj_end(o); }
static void mis_obj_end_at_top(struct json_out *o) { json_obj_end(o); }
static void mis_arr_end_at_top(struct json_out *o) { json_arr_end(o); }
static void mis_obj_end_closes_array(struct json_out *o) { json_arr_begin(o); json_obj_end(o); }
static void mis_arr_end_closes_object(struct json_out *o) { json_obj_begin(o); json_arr_end(o); }
static void mis_end_too_many(struct json_out *o) { json_arr_begin(o); json_arr_end(o); json_arr_end(o); }
static void mis_two_top_values(struct json_out *o) { json_str(o, "a"); json_str(o, "b"); }
static void mis_two_top_containers(struct json_out *o)
{
    json_obj_begin(o);
    json_obj_end(o);
    json_arr_begin(o);
}
static void mis_str_null(struct json_out *o) { json_arr_begin(o); json_str(o, NULL); }
static void mis_strn_null(struct json_out *o) { json_arr_begin(o); json_strn(o, NULL, 3); }
static void mis_key_null(struct json_out *o) { json_obj_begin(o); json_key(o, NULL); }
static void mis_keyn_null(struct json_out *o) { json_obj_begin(o); json_keyn(o, NULL, 2); }
static void mis_raw_null(struct json_out *o) { json_raw(o, NULL, 1); }
static void mis_raw_str_null(struct json_out *o) { json_raw_str(o, NULL); }
static void mis_time_negative(struct json_out *o) { json_arr_begin(o); json_time_ms(o, -1); }
static void mis_time_past_9999(struct json_out *o)
{
    json_arr_begin(o);
    json_time_ms(o, DATETIME_MAX_MS + 1);
}
/* Not sticky errors, but not documents either: json_result() refuses. */
static void mis_unclosed(struct json_out *o) { json_arr_begin(o); json_i64(o, 1); }
static void mis_key_pending(struct json_out *o) { json_obj_begin(o); json_key(o, "a"); }

struct misuse_case {
    const char *name;
    void (*fn)(struct json_out *);
    bool sticky; /* later calls are no-ops */
};

static const struct misuse_case s_misuse[] = {
    {"value without key", mis_value_without_key, true},
    {"int without key", mis_int_without_key, true},
    {"bool without key", mis_bool_without_key, true},
    {"null without key", mis_null_without_key, true},
    {"time without key", mis_time_without_key, true},
    {"object without key", mis_obj_without_key, true},
    {"array without key", mis_arr_without_key, true},
    {"value after member", mis_value_after_member, true},
    {"key at top level", mis_key_at_top, true},
    {"key in array", mis_key_in_array, true},
    {"key twice", mis_key_twice, true},
    {"end after key", mis_end_after_key, true},
    {"obj_end at top", mis_obj_end_at_top, true},
    {"arr_end at top", mis_arr_end_at_top, true},
    {"obj_end closes array", mis_obj_end_closes_array, true},
    {"arr_end closes object", mis_arr_end_closes_object, true},
    {"one end too many", mis_end_too_many, true},
    {"two top-level values", mis_two_top_values, true},
    {"two top-level containers", mis_two_top_containers, true},
    {"str NULL", mis_str_null, true},
    {"strn NULL", mis_strn_null, true},
    {"key NULL", mis_key_null, true},
    {"keyn NULL", mis_keyn_null, true},
    {"raw NULL", mis_raw_null, true},
    {"raw_str NULL", mis_raw_str_null, true},
    {"time before 1970", mis_time_negative, true},
    {"time after 9999", mis_time_past_9999, true},
    {"unclosed container", mis_unclosed, false},
    {"key without value at end", mis_key_pending, false},
};

static void test_misuse(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_misuse); i++) {
        const struct misuse_case *m = &s_misuse[i];
        for (int mode = 0; mode < 3; mode++) {
            char buf[64];
            struct json_out o;
            if (mode == 0) {
                json_init(&o, buf, sizeof buf);
            } else if (mode == 1) {
                json_init(&o, buf, 1); /* overflowed first: INVAL must win */
            } else {
                json_init_count(&o);
            }
            m->fn(&o);
            if (json_result(&o) != APP_ERR_INVAL) {
                fail_msg("%s (mode %d): result %d", m->name, mode, json_result(&o));
            }
            assert_false(json_more(&o));
            if (m->sticky) {
                size_t before = json_total(&o);
                json_raw_str(&o, "x");
                json_raw_u64(&o, 1);
                json_arr_begin(&o);
                json_i64(&o, 1);
                json_arr_end(&o);
                if (json_total(&o) != before || json_result(&o) != APP_ERR_INVAL) {
                    fail_msg("%s (mode %d): not sticky", m->name, mode);
                }
            }
        }
    }
}

/* Overflow alone is not final: the writer keeps counting and checking. */
static void test_overflow_then_more(void **state)
{
    (void)state;
    char buf[4];
    struct json_out o;
    json_init(&o, buf, sizeof buf);
    json_arr_begin(&o);
    json_str(&o, "abcdef");
    assert_int_equal(json_result(&o), APP_ERR_INVAL); /* still open */
    assert_int_equal(json_total(&o), 9u);
    json_i64(&o, -5);
    json_arr_end(&o);
    assert_int_equal(json_total(&o), 13u);
    assert_int_equal(json_result(&o), APP_ERR_OVERFLOW);
    assert_true(json_more(&o));
    assert_bytes(buf, 4, "[\"ab", 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_body),
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_overflow_every_cap),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_window_far),
        cmocka_unit_test(test_count_mode),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_valid_utf8),
        cmocka_unit_test(test_exhaustive_short),
        cmocka_unit_test(test_special_at_every_offset),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_overflow_then_more),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
