/* UTF-8 well-formedness (RFC 3629 section 4), shared by everything that
 * accepts or emits text: the JSON writer, the JSON reader and the store. */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length (1..4) of the well-formed UTF-8 sequence at p[0..n), n > 0, or 0
 * when it is ill-formed: overlongs, encoded surrogates, code points above
 * U+10FFFF, stray continuation bytes and sequences cut by n are all
 * refused. If cp is not NULL it receives the code point. */
size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

#endif
