/* One UTF-8 sequence, checked against the table of RFC 3629 section 4:
 * the second byte's range excludes overlongs (E0 A0.., F0 90..),
 * surrogates (ED ..9F) and code points above U+10FFFF (F4 ..8F). */
#include "utf8.h"

size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned c = p[0];
    unsigned lo = 0x80u;
    unsigned hi = 0xBFu;
    size_t need;
    uint32_t v;

    if (c < 0x80u) {
        need = 0;
        v = c;
    } else if (c >= 0xC2u && c <= 0xDFu) {
        need = 1;
        v = c & 0x1Fu;
    } else if (c >= 0xE0u && c <= 0xEFu) {
        need = 2;
        v = c & 0x0Fu;
        lo = c == 0xE0u ? 0xA0u : 0x80u;
        hi = c == 0xEDu ? 0x9Fu : 0xBFu;
    } else if (c >= 0xF0u && c <= 0xF4u) {
        need = 3;
        v = c & 0x07u;
        lo = c == 0xF0u ? 0x90u : 0x80u;
        hi = c == 0xF4u ? 0x8Fu : 0xBFu;
    } else {
        return 0;
    }
    if (n - 1u < need) {
        return 0;
    }
    for (size_t k = 1; k <= need; k++) {
        unsigned b = p[k];
        if (b < lo || b > hi) {
            return 0;
        }
        lo = 0x80u;
        hi = 0xBFu;
        v = (v << 6) | (b & 0x3Fu);
    }
    if (cp != NULL) {
        *cp = v;
    }
    return need + 1u;
}
