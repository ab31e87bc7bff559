/* UTC timestamps as text, for JSON bodies and HTTP headers: ISO 8601 /
 * RFC 3339 and RFC 9110 IMF-fixdate, from and to Unix milliseconds.
 * Pure integer arithmetic (proleptic Gregorian calendar), no libc time
 * functions; the supported range is years 1970..9999. */
#ifndef DATETIME_H
#define DATETIME_H

#include <stddef.h>
#include <stdint.h>

/** Characters of "YYYY-MM-DDTHH:MM:SS.mmmZ" (without the NUL). */
#define DATETIME_ISO8601_MS_LEN 24u
/** Characters of "YYYY-MM-DDTHH:MM:SS" (without the NUL). */
#define DATETIME_ISO8601_LEN 19u
/** Characters of "Sun, 06 Nov 1994 08:49:37 GMT" (without the NUL). */
#define DATETIME_IMF_FIXDATE_LEN 29u

/** Largest accepted time: 9999-12-31T23:59:59.999Z. */
#define DATETIME_MAX_MS INT64_C(253402300799999)

/**
 * Format unix_ms as ISO 8601 in UTC.
 *
 * with_ms != 0 gives "2024-03-06T01:35:12.123Z" (always three fraction
 * digits and 'Z', 24 characters); with_ms == 0 gives "2024-03-06T01:35:12"
 * (seconds, no zone designator: the Graph innerError date format).
 *
 * @param unix_ms milliseconds since 1970-01-01T00:00:00Z, 0..DATETIME_MAX_MS
 * @param out     caller's buffer, NUL-terminated on success
 * @param cap     size of out, at least the text length + 1
 * @return the length written (without the NUL);
 *         APP_ERR_INVAL when unix_ms is outside years 1970..9999 or out is
 *         NULL; APP_ERR_OVERFLOW when cap is too small. On error out holds
 *         an empty string when cap > 0.
 */
int datetime_iso8601(int64_t unix_ms, char *out, size_t cap, int with_ms);

/**
 * Format unix_ms as an RFC 9110 (5.6.7) IMF-fixdate, e.g.
 * "Sun, 06 Nov 1994 08:49:37 GMT" (29 characters; milliseconds dropped).
 *
 * @return the length written (without the NUL); APP_ERR_INVAL when
 *         unix_ms is outside years 1970..9999 or out is NULL;
 *         APP_ERR_OVERFLOW when cap < 30. On error out holds an empty
 *         string when cap > 0.
 */
int datetime_imf_fixdate(int64_t unix_ms, char *out, size_t cap);

/**
 * Parse exactly n bytes of strict "YYYY-MM-DDTHH:MM:SS[.f]Z" (RFC 3339
 * UTC form with uppercase 'T' and 'Z' only, 1..9 fraction digits,
 * truncated to milliseconds). Month, day (leap years included), hour < 24,
 * minute < 60 and second < 60 are validated; the year must be 1970..9999.
 * s need not be NUL-terminated.
 *
 * @return APP_OK with *unix_ms set; APP_ERR_INVAL for anything else
 *         (*unix_ms untouched).
 */
int datetime_parse_iso8601(const char *s, size_t n, int64_t *unix_ms);

#endif
