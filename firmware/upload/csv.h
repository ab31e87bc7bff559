/* Streaming structure check of an uploaded access-review CSV file (API
 * contract, Part 2, "The CSV files"): the bytes pass through in chunks of
 * any size, the caller stores them elsewhere, and this module keeps only a
 * few dozen bytes of state. It never holds the file.
 *
 * What is checked:
 * - UTF-8 throughout (RFC 3629: no overlongs, surrogates or code points
 *   above U+10FFFF; a sequence may be split across chunks). One leading BOM
 *   (EF BB BF) is skipped. C0 control bytes other than TAB, CR and LF are
 *   refused ("control character"): RFC 4180's TEXTDATA has none, and a NUL
 *   means a binary file was sent.
 * - RFC 4180 quoting: a field is either unquoted (no '"' in it) or quoted
 *   "..." with "" for a quote, and may then hold CR, LF and commas; after
 *   the closing quote only a comma or a line end may follow.
 * - Records end with CRLF or LF; a CR outside quotes not followed by LF is
 *   an error. The last record may end at end of file without a line end.
 * - The first record is the header: exactly one documented column set
 *   (v1.0: 6 columns; Entra how-to: 11; early beta: 10), names compared
 *   ignoring ASCII case, nothing trimmed, each column once, any order.
 * - Every later record has as many fields as the header.
 * - Empty lines: a file may end with one empty line (a file ending in
 *   CRLF CRLF, as the Azure Logic App template sends); an empty line
 *   anywhere else, including a second trailing one, is an error naming its
 *   line (an empty line is a record with one field, Graph documents no
 *   exception). A line holding only "" is a one-field record, not empty.
 * - A file without a header (0 bytes, a BOM only, or only an empty line)
 *   is an error.
 *
 * On the first fault the check stops: csv_line(), csv_field() and
 * csv_reason() say where and why, and every later call returns the same
 * error. */
#ifndef CSV_H
#define CSV_H

#include <stddef.h>
#include <stdint.h>

/* Longest documented column name ("EntitlementOwners_Groups"); a longer
 * header field is not a documented name, so it is not kept whole. */
#define CSV_NAME_MAX 24u

/* The documented column set the header matched (csv_schema()). */
enum csv_schema {
    CSV_SCHEMA_NONE = 0, /* header not (yet) complete */
    CSV_SCHEMA_V1 = 1,   /* Graph v1.0: 6 columns */
    CSV_SCHEMA_ENTRA = 2, /* Entra how-to: v1.0 + 5 columns */
    CSV_SCHEMA_BETA = 3, /* early beta: 10 columns */
};

/* Caller-owned state; read it only through the functions below. */
struct csv_check {
    const char *reason;   /* NULL, or the static reason of the first fault */
    uint32_t line;        /* line where the current record begins */
    uint32_t phys;        /* current physical line (LFs seen + 1) */
    uint32_t records;     /* complete data records */
    uint32_t empty_line;  /* line of an empty line not yet known to be last, or 0 */
    uint32_t names;       /* header: one bit per documented column seen */
    int err;              /* APP_OK, or the sticky error */
    uint16_t field;       /* current field in the record, 1-based */
    uint8_t nfields;      /* fields per record, 0 until the header is done */
    uint8_t state;
    uint8_t u_need;       /* UTF-8 continuation bytes still expected */
    uint8_t u_lo, u_hi;   /* range of the next continuation byte */
    uint8_t bom;          /* BOM bytes matched at the start of the file */
    uint8_t nonempty;     /* the record holds more than its line end */
    uint8_t name_len;     /* header field length, CSV_NAME_MAX + 1 if longer */
    uint8_t schema;       /* enum csv_schema */
    char name[CSV_NAME_MAX];
};

/* Starts a check of a new file. */
void csv_init(struct csv_check *c);

/* Checks the next n bytes of the file (n may be 0; p may be NULL then).
 * Returns APP_OK, or APP_ERR_INVAL on the first fault and on every call
 * after it; APP_ERR_STATE after csv_end(). */
int csv_feed(struct csv_check *c, const void *p, size_t n);

/* The file is complete: checks what only the end can tell (an open quoted
 * field, a cut UTF-8 sequence, a missing header). Returns APP_OK or
 * APP_ERR_INVAL (sticky, like csv_feed()). */
int csv_end(struct csv_check *c);

/* After an error: 1-based physical line where the faulty record begins
 * (LFs inside quoted fields count), or the line of the offending empty
 * line; 1 for "no header". */
uint32_t csv_line(const struct csv_check *c);

/* After an error: 1-based field of the fault, 0 when it concerns the
 * whole record (empty line, line end, header set, no header). */
unsigned csv_field(const struct csv_check *c);

/* After an error: a short static English reason, e.g. "unterminated quoted
 * field"; "" when there is no error. Never NULL. */
const char *csv_reason(const struct csv_check *c);

/* Data records (after the header) complete so far. */
uint32_t csv_records(const struct csv_check *c);

/* The column set of the header, CSV_SCHEMA_NONE until it is complete. */
enum csv_schema csv_schema(const struct csv_check *c);

#endif
