/* Calendar arithmetic after Howard Hinnant's public-domain
 * days_from_civil / civil_from_days ("chrono-Compatible Low-Level Date
 * Algorithms"), reduced to unsigned 32-bit math: every supported date
 * (1970..9999) is a non-negative day count below 2^22, so the only 64-bit
 * division is the split of milliseconds into days. */
#include "datetime.h"

#include "app_err.h"

#define MS_PER_DAY 86400000u

struct civil {
    uint32_t year, month, day;     /* 1970..9999, 1..12, 1..31 */
    uint32_t hour, minute, second; /* 0..23, 0..59, 0..59 */
    uint32_t ms;                   /* 0..999 */
    uint32_t weekday;              /* 0 = Sunday */
};

/* Days from 1970-01-01 to y-m-d; y >= 1970, so the era is never negative. */
static uint32_t days_from_civil(uint32_t y, uint32_t m, uint32_t d)
{
    y -= m <= 2u;
    uint32_t era = y / 400u;
    uint32_t yoe = y - era * 400u;                                   /* 0..399 */
    uint32_t doy = (153u * (m > 2u ? m - 3u : m + 9u) + 2u) / 5u + d - 1u; /* 0..365 */
    uint32_t doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;         /* 0..146096 */
    return era * 146097u + doe - 719468u;
}

static void civil_from_days(uint32_t z, struct civil *c)
{
    c->weekday = (z + 4u) % 7u; /* 1970-01-01 was a Thursday */
    z += 719468u;
    uint32_t era = z / 146097u;
    uint32_t doe = z - era * 146097u;
    uint32_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    uint32_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    uint32_t mp = (5u * doy + 2u) / 153u;
    c->day = doy - (153u * mp + 2u) / 5u + 1u;
    c->month = mp < 10u ? mp + 3u : mp - 9u;
    c->year = yoe + era * 400u + (c->month <= 2u);
}

static int split(int64_t unix_ms, struct civil *c)
{
    if (unix_ms < 0 || unix_ms > DATETIME_MAX_MS) {
        return APP_ERR_INVAL;
    }
    uint64_t ms = (uint64_t)unix_ms;
    uint64_t days = ms / MS_PER_DAY;
    uint32_t msod = (uint32_t)(ms - days * MS_PER_DAY);
    civil_from_days((uint32_t)days, c);
    c->ms = msod % 1000u;
    msod /= 1000u;
    c->second = msod % 60u;
    msod /= 60u;
    c->minute = msod % 60u;
    c->hour = msod / 60u;
    return APP_OK;
}

static void put2(char *p, uint32_t v)
{
    p[0] = (char)('0' + v / 10u);
    p[1] = (char)('0' + v % 10u);
}

static void put4(char *p, uint32_t v)
{
    put2(p, v / 100u);
    put2(p + 2, v % 100u);
}

/* Common error exit: never leave a half-written string behind. */
static int fail(char *out, size_t cap, int err)
{
    if (out != NULL && cap > 0u) {
        out[0] = '\0';
    }
    return err;
}

int datetime_iso8601(int64_t unix_ms, char *out, size_t cap, int with_ms)
{
    struct civil c;
    size_t len = with_ms ? DATETIME_ISO8601_MS_LEN : DATETIME_ISO8601_LEN;

    if (out == NULL || split(unix_ms, &c) != APP_OK) {
        return fail(out, cap, APP_ERR_INVAL);
    }
    if (cap <= len) {
        return fail(out, cap, APP_ERR_OVERFLOW);
    }
    put4(out, c.year);
    out[4] = '-';
    put2(out + 5, c.month);
    out[7] = '-';
    put2(out + 8, c.day);
    out[10] = 'T';
    put2(out + 11, c.hour);
    out[13] = ':';
    put2(out + 14, c.minute);
    out[16] = ':';
    put2(out + 17, c.second);
    if (with_ms) {
        out[19] = '.';
        out[20] = (char)('0' + c.ms / 100u);
        put2(out + 21, c.ms % 100u);
        out[23] = 'Z';
    }
    out[len] = '\0';
    return (int)len;
}

int datetime_imf_fixdate(int64_t unix_ms, char *out, size_t cap)
{
    /* RFC 9110 5.6.7: day-name and month names are case-sensitive. */
    static const char s_days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char s_months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct civil c;

    if (out == NULL || split(unix_ms, &c) != APP_OK) {
        return fail(out, cap, APP_ERR_INVAL);
    }
    if (cap <= DATETIME_IMF_FIXDATE_LEN) {
        return fail(out, cap, APP_ERR_OVERFLOW);
    }
    const char *dn = s_days[c.weekday];
    const char *mn = s_months[c.month - 1u];
    out[0] = dn[0];
    out[1] = dn[1];
    out[2] = dn[2];
    out[3] = ',';
    out[4] = ' ';
    put2(out + 5, c.day);
    out[7] = ' ';
    out[8] = mn[0];
    out[9] = mn[1];
    out[10] = mn[2];
    out[11] = ' ';
    put4(out + 12, c.year);
    out[16] = ' ';
    put2(out + 17, c.hour);
    out[19] = ':';
    put2(out + 20, c.minute);
    out[22] = ':';
    put2(out + 23, c.second);
    out[25] = ' ';
    out[26] = 'G';
    out[27] = 'M';
    out[28] = 'T';
    out[29] = '\0';
    return (int)DATETIME_IMF_FIXDATE_LEN;
}

/* k ASCII digits at s as a number, or -1 when any byte is not a digit. */
static int32_t digits(const char *s, unsigned k)
{
    int32_t v = 0;
    for (unsigned i = 0; i < k; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - (unsigned)'0';
        if (d > 9u) {
            return -1;
        }
        v = v * 10 + (int32_t)d;
    }
    return v;
}

static uint32_t days_in_month(uint32_t y, uint32_t m)
{
    static const uint8_t s_mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2u && (y % 4u == 0u && (y % 100u != 0u || y % 400u == 0u))) {
        return 29u;
    }
    return s_mdays[m - 1u];
}

int datetime_parse_iso8601(const char *s, size_t n, int64_t *unix_ms)
{
    /* Fixed layout up to the seconds: "YYYY-MM-DDTHH:MM:SS" (RFC 3339 5.6,
     * restricted to the 'Z' offset and uppercase separators). */
    if (s == NULL || unix_ms == NULL || n < 20u || n > 30u) {
        return APP_ERR_INVAL;
    }
    if (s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
        return APP_ERR_INVAL;
    }
    int32_t y = digits(s, 4u);
    int32_t mo = digits(s + 5, 2u);
    int32_t d = digits(s + 8, 2u);
    int32_t h = digits(s + 11, 2u);
    int32_t mi = digits(s + 14, 2u);
    int32_t se = digits(s + 17, 2u);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        se < 0 || se > 59) {
        return APP_ERR_INVAL;
    }
    if ((uint32_t)d > days_in_month((uint32_t)y, (uint32_t)mo)) {
        return APP_ERR_INVAL;
    }

    uint32_t ms = 0;
    size_t i = 19u;
    if (s[i] == '.') {
        /* 1..9 digits; keep the first three (truncation, not rounding). */
        size_t first = ++i;
        while (i < n && (unsigned)(unsigned char)s[i] - (unsigned)'0' <= 9u) {
            if (i - first < 3u) {
                ms = ms * 10u + (uint32_t)(s[i] - '0');
            }
            i++;
        }
        size_t k = i - first;
        if (k < 1u || k > 9u) {
            return APP_ERR_INVAL;
        }
        for (; k < 3u; k++) {
            ms *= 10u;
        }
    }
    if (i + 1u != n || s[i] != 'Z') {
        return APP_ERR_INVAL;
    }

    uint32_t days = days_from_civil((uint32_t)y, (uint32_t)mo, (uint32_t)d);
    uint32_t sod = (uint32_t)h * 3600u + (uint32_t)mi * 60u + (uint32_t)se;
    *unix_ms = (int64_t)days * (int64_t)MS_PER_DAY + (int64_t)sod * 1000 + (int64_t)ms;
    return APP_OK;
}
