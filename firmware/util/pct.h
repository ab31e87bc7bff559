/* Percent-decoding of URL pieces (RFC 3986 2.1), shared by the router's
 * path segments and the query options. */
#ifndef PCT_H
#define PCT_H

#include <stdbool.h>
#include <stddef.h>

/* Decode in[0..n) into out[0..cap), '+' as a space when plus (the form
 * encoding many clients use in queries, HTML 4.01 17.13.4). Returns APP_OK
 * with *out_n set; APP_ERR_INVAL for a bad escape or a decoded control,
 * DEL or NUL; APP_ERR_OVERFLOW when it does not fit. */
int pct_decode(const char *in, size_t n, char *out, size_t cap, bool plus, size_t *out_n);

#endif
