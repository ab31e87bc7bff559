/* Streaming CSV structure check (csv.h). One byte-level state machine
 * (step()) takes every byte that can change state; inside a field of a data
 * record, runs of plain ASCII are skipped a word at a time (wordscan.h),
 * which is where almost all of a file's bytes are. */
#include "csv.h"

#include "app_err.h"
#include "wordscan.h"

enum {
    S_START,  /* first bytes of the file: a BOM may come */
    S_REC,    /* a record begins with the next byte */
    S_FSTART, /* a field begins with the next byte */
    S_UNQ,    /* inside an unquoted field */
    S_QUO,    /* inside a quoted field */
    S_QQ,     /* a quote inside a quoted field: "" or the closing one */
    S_CR,     /* a CR ended a record; LF must follow */
    S_DONE,   /* csv_end() accepted the file */
};

/* Every documented column name once; the sets are bit masks over it.
 * permissionId .. permissionType appear in all three sets (early beta
 * spells them with a capital P, which case-insensitive matching ignores). */
static const char *const s_cols[] = {
    "principalId", "principalType", "permissionId", "permissionName",
    "permissionDescription", "permissionType",
    "ScopeId", "ScopeDisplayName", "EntitlementOwners_Users", "EntitlementOwners_Groups",
    "CustomData",
    "PrincipalAADId", "ResourceId", "ResourceName", "ResourceDescription", "ResourceType",
    "ResourceOwners",
};
#define NCOLS (sizeof(s_cols) / sizeof(s_cols[0]))
#define COLS_V1 0x3Fu                     /* bits 0..5 */
#define COLS_ENTRA 0x7FFu                 /* bits 0..10 */
#define COLS_BETA (0x3Cu | (0x3Fu << 11)) /* bits 2..5, 11..16 */
_Static_assert(NCOLS <= 32u, "column bits fit the names mask");

static const unsigned char s_bom[3] = {0xEFu, 0xBBu, 0xBFu};

static int fail(struct csv_check *c, uint32_t line, unsigned field, const char *reason)
{
    c->err = APP_ERR_INVAL;
    c->line = line;
    c->field = (uint16_t)field;
    c->reason = reason;
    return APP_ERR_INVAL;
}

static unsigned ascii_lower(unsigned b)
{
    return b >= 'A' && b <= 'Z' ? b + 0x20u : b;
}

static int name_is(const char *name, size_t len, const char *lit)
{
    size_t k = 0;
    for (; k < len && lit[k] != '\0'; k++) {
        if (ascii_lower((unsigned char)name[k]) != ascii_lower((unsigned char)lit[k])) {
            return 0;
        }
    }
    return k == len && lit[k] == '\0';
}

/* A header field's bytes, kept while they fit (a longer one is unknown). */
static void keep(struct csv_check *c, unsigned b)
{
    if (c->nfields == 0u && c->name_len <= CSV_NAME_MAX) {
        if (c->name_len < CSV_NAME_MAX) {
            c->name[c->name_len] = (char)b;
        }
        c->name_len++;
    }
}

/* The header field just ended: a documented name, not seen before, and
 * still inside one column set (v1.0 is inside Entra's). */
static int header_name(struct csv_check *c)
{
    unsigned k = NCOLS;
    uint32_t bit;

    if (c->name_len <= CSV_NAME_MAX) {
        for (k = 0; k < NCOLS; k++) {
            if (name_is(c->name, c->name_len, s_cols[k])) {
                break;
            }
        }
    }
    if (k == NCOLS) {
        return fail(c, c->line, c->field, "unknown header column");
    }
    bit = (uint32_t)1u << k;
    if (c->names & bit) {
        return fail(c, c->line, c->field, "duplicate header column");
    }
    c->names |= bit;
    if ((c->names & ~(uint32_t)COLS_ENTRA) != 0u && (c->names & ~(uint32_t)COLS_BETA) != 0u) {
        return fail(c, c->line, c->field, "header mixes column sets");
    }
    c->name_len = 0;
    return APP_OK;
}

/* A comma: the field ends, the next one begins. */
static int next_field(struct csv_check *c)
{
    if (c->nfields == 0u) {
        int rc = header_name(c);
        if (rc != APP_OK) {
            return rc;
        }
    } else if (c->field == c->nfields) {
        return fail(c, c->line, c->field + 1u, "too many fields");
    }
    c->field++;
    c->state = S_FSTART;
    return APP_OK;
}

/* The record ends (its LF, or the end of the file). */
static int end_record(struct csv_check *c)
{
    if (c->field == 1u && !c->nonempty) {
        /* An error only if anything follows (csv.h). */
        c->empty_line = c->line;
        return APP_OK;
    }
    if (c->nfields == 0u) {
        int rc = header_name(c);
        if (rc != APP_OK) {
            return rc;
        }
        if (c->names == COLS_V1) {
            c->schema = CSV_SCHEMA_V1;
        } else if (c->names == COLS_ENTRA) {
            c->schema = CSV_SCHEMA_ENTRA;
        } else if (c->names == COLS_BETA) {
            c->schema = CSV_SCHEMA_BETA;
        } else {
            return fail(c, c->line, 0, "header lacks columns of its set");
        }
        c->nfields = (uint8_t)c->field;
        return APP_OK;
    }
    if (c->field < c->nfields) {
        return fail(c, c->line, c->field + 1u, "too few fields");
    }
    c->records++;
    return APP_OK;
}

static int line_end(struct csv_check *c)
{
    int rc = end_record(c);
    c->phys++;
    c->state = S_REC;
    return rc;
}

/* One byte after the BOM question is settled. */
static int byte_step(struct csv_check *c, unsigned b)
{
    if (c->state == S_REC) {
        /* A record begins here (before any check, so that a fault in its
         * first byte names it). */
        if (c->empty_line != 0u) {
            return fail(c, c->empty_line, 0, "empty line");
        }
        c->line = c->phys;
        c->field = 1;
        c->nonempty = 0;
        c->name_len = 0;
        c->state = S_FSTART;
    }
    if (c->u_need != 0u) {
        /* A continuation byte (RFC 3629 section 4): only inside a field,
         * since the lead byte was. */
        if (b < c->u_lo || b > c->u_hi) {
            return fail(c, c->line, c->field, "invalid UTF-8");
        }
        c->u_need--;
        c->u_lo = 0x80u;
        c->u_hi = 0xBFu;
        keep(c, b);
        return APP_OK;
    }
    if (b >= 0x80u) {
        /* A lead byte; the first continuation's range excludes overlongs
         * (E0 A0.., F0 90..), surrogates (ED ..9F), > U+10FFFF (F4 ..8F). */
        c->u_lo = 0x80u;
        c->u_hi = 0xBFu;
        if (b >= 0xC2u && b <= 0xDFu) {
            c->u_need = 1;
        } else if (b >= 0xE0u && b <= 0xEFu) {
            c->u_need = 2;
            c->u_lo = b == 0xE0u ? 0xA0u : 0x80u;
            c->u_hi = b == 0xEDu ? 0x9Fu : 0xBFu;
        } else if (b >= 0xF0u && b <= 0xF4u) {
            c->u_need = 3;
            c->u_lo = b == 0xF0u ? 0x90u : 0x80u;
            c->u_hi = b == 0xF4u ? 0x8Fu : 0xBFu;
        } else {
            return fail(c, c->line, c->field, "invalid UTF-8");
        }
    } else if (b < 0x20u && b != '\t' && b != '\r' && b != '\n') {
        return fail(c, c->line, c->field, "control character");
    }

    switch (c->state) {
    case S_FSTART:
        if (b == ',') {
            return next_field(c);
        }
        if (b == '\r') {
            c->state = S_CR;
            return APP_OK;
        }
        if (b == '\n') {
            return line_end(c);
        }
        c->nonempty = 1;
        if (b == '"') {
            c->state = S_QUO;
            return APP_OK;
        }
        c->state = S_UNQ;
        keep(c, b);
        return APP_OK;
    case S_UNQ:
        if (b == ',') {
            return next_field(c);
        }
        if (b == '\r') {
            c->state = S_CR;
            return APP_OK;
        }
        if (b == '\n') {
            return line_end(c);
        }
        if (b == '"') {
            /* RFC 4180 section 2.5: a field holding quotes is quoted. */
            return fail(c, c->line, c->field, "quote in unquoted field");
        }
        keep(c, b);
        return APP_OK;
    case S_QUO:
        if (b == '"') {
            c->state = S_QQ;
            return APP_OK;
        }
        if (b == '\n') {
            c->phys++;
        }
        keep(c, b);
        return APP_OK;
    case S_QQ:
        if (b == '"') {
            /* RFC 4180 section 2.7: "" is one quote. */
            c->state = S_QUO;
            keep(c, b);
            return APP_OK;
        }
        if (b == ',') {
            return next_field(c);
        }
        if (b == '\r') {
            c->state = S_CR;
            return APP_OK;
        }
        if (b == '\n') {
            return line_end(c);
        }
        return fail(c, c->line, c->field, "character after closing quote");
    case S_CR:
        if (b == '\n') {
            return line_end(c);
        }
        return fail(c, c->line, c->field, "CR without LF");
    default:
        return fail(c, c->line, c->field, "internal state");
    }
}

/* The bytes of a BOM prefix that turned out not to be one are ordinary
 * bytes of the first record. */
static int bom_replay(struct csv_check *c)
{
    unsigned n = c->bom;
    c->state = S_REC;
    for (unsigned k = 0; k < n; k++) {
        int rc = byte_step(c, s_bom[k]);
        if (rc != APP_OK) {
            return rc;
        }
    }
    return APP_OK;
}

static int step(struct csv_check *c, unsigned b)
{
    if (c->state == S_START) {
        if (b == s_bom[c->bom]) {
            if (++c->bom == sizeof(s_bom)) {
                c->state = S_REC;
            }
            return APP_OK;
        }
        int rc = bom_replay(c);
        if (rc != APP_OK) {
            return rc;
        }
    }
    return byte_step(c, b);
}

/* Word-at-a-time skips over bytes that cannot change state. A byte of w
 * with its top bit set is flagged by "| w" itself; for the others,
 * (w - 0x20..) flags bytes below 0x20 and (x - 0x01..) flags zero bytes of
 * x = w ^ c. A borrow only starts at a flagged byte and only runs to later
 * bytes, so the first flagged byte is exact (wordscan.h). */
#define ONES WORDSCAN_ONES
static size_t skip_unquoted(const unsigned char *p, size_t i, size_t n)
{
    const size_t ctl = ONES * 0x20u, comma = ONES * (unsigned)',', quote = ONES * (unsigned)'"';
    while (n - i >= sizeof(size_t)) {
        size_t w = wordscan_load(p + i);
        size_t m = ((w - ctl) | w | ((w ^ comma) - ONES) | ((w ^ quote) - ONES)) & WORDSCAN_HIGHS;
        if (m != 0u) {
            return i + wordscan_first(m);
        }
        i += sizeof(size_t);
    }
    while (i < n && p[i] >= 0x20u && p[i] < 0x80u && p[i] != ',' && p[i] != '"') {
        i++;
    }
    return i;
}

static size_t skip_quoted(const unsigned char *p, size_t i, size_t n)
{
    const size_t ctl = ONES * 0x20u, quote = ONES * (unsigned)'"';
    while (n - i >= sizeof(size_t)) {
        size_t w = wordscan_load(p + i);
        size_t m = ((w - ctl) | w | ((w ^ quote) - ONES)) & WORDSCAN_HIGHS;
        if (m != 0u) {
            return i + wordscan_first(m);
        }
        i += sizeof(size_t);
    }
    while (i < n && p[i] >= 0x20u && p[i] < 0x80u && p[i] != '"') {
        i++;
    }
    return i;
}

void csv_init(struct csv_check *c)
{
    *c = (struct csv_check){0};
    c->line = 1;
    c->phys = 1;
    c->field = 1;
    c->state = S_START;
}

/* The common path of a data record, without byte_step(): runs of plain
 * ASCII inside fields, field starts, commas that do not exceed the field
 * count, quotes that open, close or escape. Stops (leaving the byte to
 * byte_step()) at anything else: line ends, non-ASCII, control bytes,
 * faults. Returns the new offset. */
static size_t fast_path(struct csv_check *c, const unsigned char *p, size_t i, size_t n)
{
    unsigned st = c->state;
    unsigned b;

    for (;;) {
        if (st == S_UNQ) {
            i = skip_unquoted(p, i, n);
            if (i == n || p[i] != ',' || c->field == c->nfields) {
                break;
            }
            c->field++;
            i++;
            st = S_FSTART;
        } else if (st == S_QUO) {
            i = skip_quoted(p, i, n);
            if (i == n || p[i] != '"') {
                break;
            }
            i++;
            st = S_QQ;
        } else if (i == n) {
            break;
        } else if (st == S_FSTART) {
            b = p[i];
            if (b == '"') {
                st = S_QUO;
            } else if (b >= 0x20u && b < 0x80u && b != ',') {
                st = S_UNQ;
            } else {
                break;
            }
            c->nonempty = 1;
            i++;
        } else if (st == S_QQ) {
            b = p[i];
            if (b == '"') {
                st = S_QUO; /* RFC 4180 section 2.7 */
            } else if (b == ',' && c->field != c->nfields) {
                c->field++;
                st = S_FSTART;
            } else {
                break;
            }
            i++;
        } else {
            break;
        }
    }
    c->state = (uint8_t)st;
    return i;
}

int csv_feed(struct csv_check *c, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t i = 0;

    if (c->err != APP_OK) {
        return c->err;
    }
    if (c->state == S_DONE) {
        return APP_ERR_STATE;
    }
    while (i < n) {
        /* Header bytes are kept, so they take the byte path. */
        if (c->nfields != 0u && c->u_need == 0u) {
            i = fast_path(c, p, i, n);
            if (i == n) {
                break;
            }
        }
        int rc = step(c, p[i++]);
        if (rc != APP_OK) {
            return rc;
        }
    }
    return APP_OK;
}

int csv_end(struct csv_check *c)
{
    int rc;

    if (c->err != APP_OK) {
        return c->err;
    }
    if (c->state == S_DONE) {
        return APP_ERR_STATE;
    }
    if (c->state == S_START) {
        rc = bom_replay(c);
        if (rc != APP_OK) {
            return rc;
        }
    }
    if (c->u_need != 0u) {
        return fail(c, c->line, c->field, "UTF-8 sequence cut by end of file");
    }
    switch (c->state) {
    case S_REC:
        break;
    case S_QUO:
        return fail(c, c->line, c->field, "unterminated quoted field");
    case S_CR:
        return fail(c, c->line, c->field, "CR without LF");
    default: /* S_FSTART, S_UNQ, S_QQ: the last record ends without a line end */
        rc = end_record(c);
        if (rc != APP_OK) {
            return rc;
        }
        break;
    }
    if (c->nfields == 0u) {
        return fail(c, 1, 0, "no header");
    }
    c->state = S_DONE;
    return APP_OK;
}

uint32_t csv_line(const struct csv_check *c)
{
    return c->line;
}

unsigned csv_field(const struct csv_check *c)
{
    return c->field;
}

const char *csv_reason(const struct csv_check *c)
{
    return c->reason != NULL ? c->reason : "";
}

uint32_t csv_records(const struct csv_check *c)
{
    return c->records;
}

enum csv_schema csv_schema(const struct csv_check *c)
{
    return (enum csv_schema)c->schema;
}
