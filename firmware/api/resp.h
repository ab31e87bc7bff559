/* Resumable response renderer: a response is a program of pieces (literal
 * text, strings escaped for JSON, numbers, timestamps, loops over
 * collections, conditionals) whose values a getter supplies. It is
 * rendered once, front to back, into whatever room the connection has;
 * a cursor remembers where it stopped, so the next slice resumes there
 * (as lwIP's httpd resumes a file from tcp_sent) instead of rendering
 * from byte 0 again. Lengths come from the same programs without copying
 * (resp_length), so Content-Length never needs a rendering pass. */
#ifndef RESP_H
#define RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Nesting of RESP_EACH loops (sessions, then their files). */
#define RESP_MAX_DEPTH 2u

enum resp_kind {
    RESP_END = 0, /**< end of the program */
    RESP_LIT,     /**< lit[0..n) as is */
    RESP_RAW,     /**< the field's string as is (head text) */
    RESP_STR,     /**< the field's string, JSON-escaped (quotes are literals) */
    RESP_U64,     /**< the field's number in decimal */
    RESP_BOOL,    /**< true / false */
    RESP_TIME,    /**< "YYYY-MM-DDTHH:MM:SS.mmmZ" with its quotes */
    RESP_BLOB,    /**< the field's n bytes (getter: n), copied by the doc's read function */
    /* Control ops from here on (resp.c tests kind >= RESP_IF). */
    RESP_IF,      /**< skip the next n ops unless the field is non-zero */
    RESP_EACH,    /**< repeat the next n ops for items 0..field-1 (none: skip them) */
    RESP_NEXT,    /**< closes the loop body n ops long */
    RESP_SEP,     /**< ',' before every loop item but the first */
};

/** One op; n is lit's length (RESP_LIT) or an op count (IF, EACH, NEXT). */
struct resp_op {
    uint8_t kind;
    uint8_t field;
    uint16_t n;
    const char *lit;
};

/** What a getter tells about a field: p/n/esc_n for strings (esc_n the
 * escaped length, equal to n when nothing needs escaping), v otherwise. */
struct resp_val {
    const char *p;
    size_t n;
    size_t esc_n;
    uint64_t v;
};

/** Where a response stands; zero it (resp_cursor_init) to start. */
struct resp_cursor {
    uint8_t part;                 /**< index into the response's programs */
    uint8_t depth;                /**< open loops */
    uint16_t pc;                  /**< op of the piece being sent */
    uint16_t item[RESP_MAX_DEPTH];
    uint16_t count[RESP_MAX_DEPTH];
    uint32_t off;                 /**< bytes of that piece already sent */
    uint32_t done;                /**< bytes rendered so far */
    uint32_t mark;                /**< bytes of the first part (the head), once past it */
};

/**
 * Value of field for the current loop items (item[0..depth)). Must give
 * the same answer every time for one response: a piece cut by the end of
 * a slice is produced again for the next one.
 */
typedef void (*resp_get_fn)(const void *ctx, uint8_t field, const uint16_t *item, uint8_t depth,
                            struct resp_val *out);

/**
 * Bytes [off, off + n) of a RESP_BLOB field into buf (bytes that are not
 * in RAM: a stored file). Returns true when all n were read.
 */
typedef bool (*resp_read_fn)(const void *ctx, uint8_t field, uint32_t off, void *buf, size_t n);

/** A response: up to three programs in a row (e.g. head, body) over one getter. */
struct resp_doc {
    const struct resp_op *parts[3]; /**< NULL ends the list early */
    resp_get_fn get;
    const void *ctx;
    resp_read_fn read; /**< for RESP_BLOB; NULL when the programs have none */
};

void resp_cursor_init(struct resp_cursor *c);

/**
 * Render the next bytes of doc at c into buf[0..cap) and advance c.
 * @return bytes written: cap, or fewer when the response ends.
 */
size_t resp_fill(const struct resp_doc *doc, struct resp_cursor *c, char *buf, size_t cap);

/** True once c has passed the last piece of doc. */
bool resp_done(const struct resp_doc *doc, const struct resp_cursor *c);

/**
 * Length of what one program renders, summed piece by piece without
 * rendering (escaped lengths come from the getter).
 * @return the length; SIZE_MAX when a value cannot be rendered (a time
 *         outside years 1970..9999).
 */
size_t resp_length(const struct resp_op *prog, resp_get_fn get, const void *ctx);

#endif
