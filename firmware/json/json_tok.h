/* Strict JSON reading over jsmn tokens: validation of the RFC 8259
 * grammar, then bounded, non-recursive helpers to walk the token tree and
 * convert values. String content (UTF-8, surrogate pairs, NUL) is checked
 * when a string is read (RFC 7493 I-JSON rules), so that the caller can
 * say which field is bad. Used for the device configuration; meant for
 * JWTs and request bodies later. No heap: the caller owns the token array
 * and buffers.
 *
 * jsmn is used header-only: json_tok.c holds its only implementation
 * (JSMN_STATIC; not JSMN_STRICT, the validator is strict); other files
 * see the token type alone and parse through json_tok_parse(), never
 * jsmn_parse(). JSMN_PARENT_LINKS is not used (it would change the token
 * layout between files). */
#ifndef JSON_TOK_H
#define JSON_TOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef JSMN_PARENT_LINKS
#error "json_tok assumes the jsmn token layout without JSMN_PARENT_LINKS"
#endif
#define JSMN_HEADER
#include "jsmn.h"

/** Deepest nesting of arrays and objects json_tok_validate() accepts. */
#ifndef JSON_TOK_MAX_DEPTH
#define JSON_TOK_MAX_DEPTH 32
#endif
#if JSON_TOK_MAX_DEPTH < 1 || JSON_TOK_MAX_DEPTH > 32
#error "JSON_TOK_MAX_DEPTH must be 1..32 (one bit per level in a uint32_t)"
#endif

/**
 * Check that js[0..len) is exactly one JSON text per the RFC 8259 grammar:
 * no trailing or missing commas, no leading zeros, no bare words, only
 * whitespace between tokens, strings with valid escape syntax and no raw
 * control bytes. String content is not judged here: invalid UTF-8, lone
 * surrogate escapes and "\u0000" pass, and every reader (json_tok_string,
 * json_tok_eq, json_tok_check_unique) refuses them. Nothing is written.
 *
 * jsmn alone is not enough, even in its strict mode: it accepts "[1 2]",
 * "[1,]", "{"a":1,}" and stops at a NUL byte; this check runs first.
 *
 * @param err_off if not NULL, set to the byte offset of the first error
 *                (or len when the text ends too early)
 * @return APP_OK; APP_ERR_INVAL for a syntax error; APP_ERR_NOMEM when
 *         nesting is deeper than JSON_TOK_MAX_DEPTH.
 */
int json_tok_validate(const char *js, size_t len, size_t *err_off);

/**
 * Validate (json_tok_validate()) then tokenize js[0..len) into toks.
 * Token 0 is the root value; a key token of an object has size 1 and its
 * value follows it. A top-level scalar gets one token.
 *
 * @param count   set to the number of tokens used, on success
 * @param err_off as for json_tok_validate() (0 for a token shortage)
 * @return APP_OK; APP_ERR_INVAL for a syntax error or len > INT_MAX;
 *         APP_ERR_NOMEM for nesting deeper than JSON_TOK_MAX_DEPTH or
 *         more than cap tokens.
 */
int json_tok_parse(const char *js, size_t len, jsmntok_t *toks, unsigned cap, int *count,
                   size_t *err_off);

/**
 * Index of the token after the value at i and everything inside it (its
 * next sibling, or count at the end). Iterative: cost is the number of
 * tokens skipped, no recursion.
 *
 * @return the index (i < result <= count); APP_ERR_INVAL when i is out of
 *         range or the tree is inconsistent with count.
 */
int json_tok_skip(const jsmntok_t *toks, int count, int i);

/**
 * Find key (key_len bytes of UTF-8, compared with the unescaped key) in
 * the object at obj. The first match wins; use json_tok_check_unique()
 * to refuse duplicates.
 *
 * @return the index of the value token; APP_ERR_NOTFOUND when absent;
 *         APP_ERR_INVAL when obj is not an object or the tree is bad.
 */
int json_tok_find(const char *js, const jsmntok_t *toks, int count, int obj, const char *key,
                  size_t key_len);

/**
 * Check that no two keys of the object at obj are equal after unescaping
 * (RFC 7493 2.3). Comparison is O(keys^2), bounded by the token count.
 *
 * @param dup if not NULL, set to the index of the second key of the first
 *            duplicate pair found
 * @return APP_OK; APP_ERR_INVAL on a duplicate, a key that does not
 *         decode, obj not an object, or a bad tree.
 */
int json_tok_check_unique(const char *js, const jsmntok_t *toks, int count, int obj, int *dup);

/**
 * True if the string token t unescapes to exactly the bytes lit[0..n).
 * False for non-strings and for strings that do not decode.
 */
bool json_tok_eq(const char *js, const jsmntok_t *t, const char *lit, size_t n);

/**
 * True if the string token t, unescaped, holds lit (n > 0 bytes, no
 * space) as one of its words separated by U+0020 (RFC 6749 3.3 scope
 * lists). The separator may be escaped ("\\u0020"): the string is decoded
 * first. False for non-strings and for strings that do not decode.
 */
bool json_tok_has_word(const char *js, const jsmntok_t *t, const char *lit, size_t n);

/**
 * Unescape the string token t into buf as UTF-8 and NUL-terminate it.
 * Escapes: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX (surrogate pairs
 * combine into one code point). Refused: lone surrogates, invalid UTF-8,
 * raw control bytes, NUL (\\u0000, so buf is a C string).
 *
 * @return the length written (without the NUL); APP_ERR_INVAL when t is
 *         not a string or its content is refused (json_tok_string_problem()
 *         says why); APP_ERR_OVERFLOW when the valid result plus its NUL
 *         does not fit cap (buf then holds a truncated, NUL-terminated
 *         prefix when cap > 0). Content errors win over overflow.
 */
int json_tok_string(const char *js, const jsmntok_t *t, char *buf, size_t cap);

/**
 * For diagnostics after json_tok_string() failed with APP_ERR_INVAL: a
 * short static description ("invalid UTF-8", "lone surrogate in \\u
 * escape", ...), or NULL when t is a string that decodes.
 */
const char *json_tok_string_problem(const char *js, const jsmntok_t *t);

/**
 * Read a primitive token as a JSON integer: -?(0|[1-9][0-9]*) only, no
 * fraction, exponent, '+' or leading zeros. "-0" is valid JSON integer
 * grammar and reads as 0.
 *
 * @return APP_OK; APP_ERR_INVAL when t is not such an integer;
 *         APP_ERR_OVERFLOW when it is outside int64_t. *out is untouched
 *         on error.
 */
int json_tok_int64(const char *js, const jsmntok_t *t, int64_t *out);

/**
 * Read a primitive token that is any JSON number (RFC 8259 section 6:
 * fraction and exponent allowed) as an integer rounded towards minus
 * infinity (dir < 0) or plus infinity (dir > 0); dir 0 is
 * json_tok_int64(). For RFC 7519 NumericDate values, which need not be
 * integers.
 *
 * @return APP_OK; APP_ERR_INVAL when t is not a number;
 *         APP_ERR_OVERFLOW when the rounded value is outside int64_t.
 *         *out is untouched on error.
 */
int json_tok_int64_round(const char *js, const jsmntok_t *t, int dir, int64_t *out);

/**
 * Read a primitive token that is exactly true or false.
 * @return APP_OK; APP_ERR_INVAL otherwise (*out untouched).
 */
int json_tok_bool(const char *js, const jsmntok_t *t, bool *out);

/** True if t is the primitive null. */
bool json_tok_is_null(const char *js, const jsmntok_t *t);

#endif
