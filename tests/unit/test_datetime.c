/* Host test of firmware/util/datetime.c: known timestamps both ways
 * (values from Python's datetime), IMF-fixdate weekdays, range and buffer
 * limits, a table of strings the strict parser must refuse, and a walk over
 * every day of 1970..9999 against a naive day-by-day calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "datetime.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct known {
    int64_t ms;
    const char *iso_ms; /* with_ms = 1 */
    const char *iso_s;  /* with_ms = 0 */
    const char *imf;
};

static const struct known s_known[] = {
    {0, "1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00", "Thu, 01 Jan 1970 00:00:00 GMT"},
    {1, "1970-01-01T00:00:00.001Z", "1970-01-01T00:00:00", "Thu, 01 Jan 1970 00:00:00 GMT"},
    {68169600000, "1972-02-29T00:00:00.000Z", "1972-02-29T00:00:00", "Tue, 29 Feb 1972 00:00:00 GMT"},
    {784111777000, "1994-11-06T08:49:37.000Z", "1994-11-06T08:49:37", "Sun, 06 Nov 1994 08:49:37 GMT"},
    {946684799999, "1999-12-31T23:59:59.999Z", "1999-12-31T23:59:59", "Fri, 31 Dec 1999 23:59:59 GMT"},
    {951868799999, "2000-02-29T23:59:59.999Z", "2000-02-29T23:59:59", "Tue, 29 Feb 2000 23:59:59 GMT"},
    {951868800000, "2000-03-01T00:00:00.000Z", "2000-03-01T00:00:00", "Wed, 01 Mar 2000 00:00:00 GMT"},
    {1709210096789, "2024-02-29T12:34:56.789Z", "2024-02-29T12:34:56", "Thu, 29 Feb 2024 12:34:56 GMT"},
    {1709688912123, "2024-03-06T01:35:12.123Z", "2024-03-06T01:35:12", "Wed, 06 Mar 2024 01:35:12 GMT"},
    {1709775312123, "2024-03-07T01:35:12.123Z", "2024-03-07T01:35:12", "Thu, 07 Mar 2024 01:35:12 GMT"},
    {2147483648000, "2038-01-19T03:14:08.000Z", "2038-01-19T03:14:08", "Tue, 19 Jan 2038 03:14:08 GMT"},
    {4107542399999, "2100-02-28T23:59:59.999Z", "2100-02-28T23:59:59", "Sun, 28 Feb 2100 23:59:59 GMT"},
    {4107542400000, "2100-03-01T00:00:00.000Z", "2100-03-01T00:00:00", "Mon, 01 Mar 2100 00:00:00 GMT"},
    {4294967296000, "2106-02-07T06:28:16.000Z", "2106-02-07T06:28:16", "Sun, 07 Feb 2106 06:28:16 GMT"},
    {253402300799999, "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59", "Fri, 31 Dec 9999 23:59:59 GMT"},
};

static void test_known_format(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_known); i++) {
        const struct known *k = &s_known[i];
        char buf[40];

        memset(buf, 'x', sizeof buf);
        assert_int_equal(datetime_iso8601(k->ms, buf, sizeof buf, 1), 24);
        assert_string_equal(buf, k->iso_ms);

        memset(buf, 'x', sizeof buf);
        assert_int_equal(datetime_iso8601(k->ms, buf, sizeof buf, 0), 19);
        assert_string_equal(buf, k->iso_s);

        memset(buf, 'x', sizeof buf);
        assert_int_equal(datetime_imf_fixdate(k->ms, buf, sizeof buf), 29);
        assert_string_equal(buf, k->imf);
    }
}

static void test_known_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_known); i++) {
        const struct known *k = &s_known[i];
        int64_t ms = -42;
        assert_int_equal(datetime_parse_iso8601(k->iso_ms, strlen(k->iso_ms), &ms), APP_OK);
        assert_true(ms == k->ms);
        /* The same instant without a fraction ("...SSZ") is whole seconds. */
        char s[32];
        snprintf(s, sizeof s, "%sZ", k->iso_s);
        assert_int_equal(datetime_parse_iso8601(s, strlen(s), &ms), APP_OK);
        assert_true(ms == k->ms - k->ms % 1000);
    }
}

struct frac_case {
    const char *s;
    int64_t ms;
};

/* Fractions of 1..9 digits are truncated (never rounded) to milliseconds. */
static const struct frac_case s_fracs[] = {
    {"2024-03-06T01:35:12Z", 1709688912000},
    {"2024-03-06T01:35:12.1Z", 1709688912100},
    {"2024-03-06T01:35:12.12Z", 1709688912120},
    {"2024-03-06T01:35:12.123Z", 1709688912123},
    {"2024-03-06T01:35:12.1239Z", 1709688912123},
    {"2024-03-06T01:35:12.99999Z", 1709688912999},
    {"2024-03-06T01:35:12.000001Z", 1709688912000},
    {"2024-03-06T01:35:12.9999999Z", 1709688912999},
    {"2024-03-06T01:35:12.12345678Z", 1709688912123},
    {"2024-03-06T01:35:12.987654321Z", 1709688912987},
    {"2024-03-06T01:35:12.0Z", 1709688912000},
};

static void test_parse_fractions(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_fracs); i++) {
        int64_t ms = -42;
        assert_int_equal(datetime_parse_iso8601(s_fracs[i].s, strlen(s_fracs[i].s), &ms), APP_OK);
        assert_true(ms == s_fracs[i].ms);
    }
}

/* Every one of these must be refused (and leave the output untouched). */
static const char *const s_bad[] = {
    "",
    "Z",
    "2024-03-06",
    "2024-03-06T01:35:12",         /* missing Z */
    "2024-03-06t01:35:12Z",        /* lowercase t */
    "2024-03-06T01:35:12z",        /* lowercase z */
    "2024-03-06T01:35:12.123z",
    "2024-03-06 01:35:12Z",        /* space instead of T */
    "2024-03-06T01:35:12+00:00",   /* offsets are not accepted */
    "2024-03-06T01:35:12-01:00",
    "2024-03-06T01:35:12.123+00:00",
    "2024-03-06T01:35:12.Z",       /* '.' without digits */
    "2024-03-06T01:35:12.1234567890Z", /* 10 fraction digits */
    "2024-03-06T01:35:12.1a3Z",
    "2024-03-06T01:35:12ZZ",       /* trailing garbage */
    "2024-03-06T01:35:12Z ",
    "2024-03-06T01:35:12.123Zx",
    " 2024-03-06T01:35:12Z",
    "2024-00-06T01:35:12Z",        /* month */
    "2024-13-06T01:35:12Z",
    "2024-03-00T01:35:12Z",        /* day */
    "2024-03-32T01:35:12Z",
    "2024-04-31T01:35:12Z",
    "2023-02-29T00:00:00Z",        /* not a leap year */
    "2100-02-29T00:00:00Z",        /* century, not a leap year */
    "1900-02-28T00:00:00Z",        /* before 1970: out of range */
    "1900-01-01T00:00:00Z",
    "1969-12-31T23:59:59.999Z",
    "0000-01-01T00:00:00Z",
    "2024-03-06T24:00:00Z",        /* hour */
    "2024-03-06T01:60:00Z",        /* minute */
    "2024-03-06T01:35:60Z",        /* second (no leap seconds) */
    "2024-3-06T01:35:12Z",         /* field widths */
    "24-03-06T01:35:12Z",
    "2024-03-06T1:35:12Z",
    "2O24-03-06T01:35:12Z",        /* letter O */
    "2024/03/06T01:35:12Z",
    "2024-03-06T01-35-12Z",
    "+2024-03-06T01:35:12Z",
    "-024-03-06T01:35:12Z",
    "2024-03-06T01:35:1 Z",
    "10000-01-01T00:00:00Z",
};

static void test_parse_rejects(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(s_bad); i++) {
        int64_t ms = -42;
        if (datetime_parse_iso8601(s_bad[i], strlen(s_bad[i]), &ms) != APP_ERR_INVAL) {
            fail_msg("accepted \"%s\"", s_bad[i]);
        }
        assert_true(ms == -42);
    }
}

/* n is what counts, not a NUL: a prefix or an embedded NUL is refused, and
 * bytes after n are never read. */
static void test_parse_length(void **state)
{
    (void)state;
    static const char s[] = "2024-03-06T01:35:12.123Z";
    int64_t ms = -42;
    for (size_t n = 0; n < sizeof s - 1u; n++) {
        assert_int_equal(datetime_parse_iso8601(s, n, &ms), APP_ERR_INVAL);
    }
    assert_true(ms == -42);
    static const char nul[] = "2024-03-06T01:35:12\0Z";
    assert_int_equal(datetime_parse_iso8601(nul, sizeof nul - 1u, &ms), APP_ERR_INVAL);
    char exact[24];
    memcpy(exact, s, sizeof exact); /* no NUL at all */
    assert_int_equal(datetime_parse_iso8601(exact, sizeof exact, &ms), APP_OK);
    assert_true(ms == 1709688912123);
    assert_int_equal(datetime_parse_iso8601(NULL, 0, &ms), APP_ERR_INVAL);
    assert_int_equal(datetime_parse_iso8601(s, sizeof s - 1u, NULL), APP_ERR_INVAL);
}

static void test_range(void **state)
{
    (void)state;
    static const int64_t bad[] = {-1, -1000, INT64_MIN, DATETIME_MAX_MS + 1, INT64_MAX};
    char buf[40];
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        memset(buf, 'x', sizeof buf);
        assert_int_equal(datetime_iso8601(bad[i], buf, sizeof buf, 1), APP_ERR_INVAL);
        assert_string_equal(buf, "");
        assert_int_equal(datetime_iso8601(bad[i], buf, sizeof buf, 0), APP_ERR_INVAL);
        memset(buf, 'x', sizeof buf);
        assert_int_equal(datetime_imf_fixdate(bad[i], buf, sizeof buf), APP_ERR_INVAL);
        assert_string_equal(buf, "");
    }
    assert_int_equal(datetime_iso8601(0, NULL, 40, 1), APP_ERR_INVAL);
    assert_int_equal(datetime_imf_fixdate(0, NULL, 40), APP_ERR_INVAL);
}

struct cap_case {
    int kind; /* 0 iso with ms, 1 iso without, 2 imf */
    size_t len;
};

/* A buffer one byte short (no room for the NUL) is an overflow, exactly
 * fitting is fine, and nothing is written past cap. */
static void test_buffer_caps(void **state)
{
    (void)state;
    static const struct cap_case cases[] = {{0, 24}, {1, 19}, {2, 29}};
    for (size_t c = 0; c < ARRAY_LEN(cases); c++) {
        for (size_t cap = 0; cap <= cases[c].len + 1u; cap++) {
            char *buf = test_malloc(cap + 1u); /* +1: never NULL for cap 0 */
            memset(buf, 'x', cap + 1u);
            int r;
            switch (cases[c].kind) {
            case 0: r = datetime_iso8601(1709688912123, buf, cap, 1); break;
            case 1: r = datetime_iso8601(1709688912123, buf, cap, 0); break;
            default: r = datetime_imf_fixdate(1709688912123, buf, cap); break;
            }
            if (cap > cases[c].len) {
                assert_int_equal(r, (int)cases[c].len);
                assert_int_equal(strlen(buf), cases[c].len);
            } else {
                assert_int_equal(r, APP_ERR_OVERFLOW);
                if (cap > 0u) {
                    assert_int_equal(buf[0], '\0');
                }
            }
            assert_int_equal(buf[cap], 'x'); /* the byte after cap is untouched */
            test_free(buf);
        }
    }
}

/* Decimal of v in exactly w digits at p (the test's own formatter: the
 * day walk is too long for snprintf under the sanitizers). */
static char *dec(char *p, int v, int w)
{
    for (int i = w - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + w;
}

/* Every day from 1970-01-01 to 9999-12-31 against a naive calendar that
 * just counts days, months and weekdays forward; each day at a different
 * time of day. All three formats and the parse of the output are checked. */
static void test_every_day(void **state)
{
    (void)state;
    static const char *const wd[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const mn[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1970, m = 1, d = 1, weekday = 4; /* Thursday */
    int64_t day = 0;
    char got[40], want[48];

    for (;;) {
        int64_t tod = (day * 7919 + 12345) % 86400000; /* varies the time of day */
        int64_t ms = day * 86400000 + tod;
        int h = (int)(tod / 3600000), mi = (int)(tod / 60000 % 60), s = (int)(tod / 1000 % 60),
            f = (int)(tod % 1000);

        char *w = dec(want, y, 4);
        *w++ = '-';
        w = dec(w, m, 2);
        *w++ = '-';
        w = dec(w, d, 2);
        *w++ = 'T';
        w = dec(w, h, 2);
        *w++ = ':';
        w = dec(w, mi, 2);
        *w++ = ':';
        w = dec(w, s, 2);
        *w++ = '.';
        w = dec(w, f, 3);
        memcpy(w, "Z", 2);
        assert_int_equal(datetime_iso8601(ms, got, sizeof got, 1), 24);
        if (memcmp(got, want, 25) != 0) {
            fail_msg("day %lld: got %s want %s", (long long)day, got, want);
        }
        int64_t back = -1;
        assert_int_equal(datetime_parse_iso8601(got, 24, &back), APP_OK);
        if (back != ms) {
            fail_msg("day %lld: parsed %lld", (long long)day, (long long)back);
        }

        memcpy(want, wd[weekday], 3);
        memcpy(want + 3, ", ", 2);
        w = dec(want + 5, d, 2);
        *w++ = ' ';
        memcpy(w, mn[m - 1], 3);
        w += 3;
        *w++ = ' ';
        w = dec(w, y, 4);
        *w++ = ' ';
        w = dec(w, h, 2);
        *w++ = ':';
        w = dec(w, mi, 2);
        *w++ = ':';
        w = dec(w, s, 2);
        memcpy(w, " GMT", 5);
        assert_int_equal(datetime_imf_fixdate(ms, got, sizeof got), 29);
        if (memcmp(got, want, 30) != 0) {
            fail_msg("day %lld: got %s want %s", (long long)day, got, want);
        }

        if (y == 9999 && m == 12 && d == 31) {
            break;
        }
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int dim = mdays[m - 1] + (m == 2 && leap);
        if (++d > dim) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
        weekday = (weekday + 1) % 7;
        day++;
    }
    assert_true(day == 2932896); /* days from 1970-01-01 to 9999-12-31 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_format),
        cmocka_unit_test(test_known_parse),
        cmocka_unit_test(test_parse_fractions),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_parse_length),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_buffer_caps),
        cmocka_unit_test(test_every_day),
    };
    return cmocka_run_group_tests_name("datetime", tests, NULL, NULL);
}
