/* Percent-decoding (see pct.h). */
#include "pct.h"

#include "app_err.h"
#include "hexdigit.h"

int pct_decode(const char *in, size_t n, char *out, size_t cap, bool plus, size_t *out_n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '%') {
            int hi = i + 2u < n ? hexdigit((unsigned char)in[i + 1]) : -1;
            int lo = i + 2u < n ? hexdigit((unsigned char)in[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return APP_ERR_INVAL;
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        if (c < 0x20u || c == 0x7Fu) {
            return APP_ERR_INVAL;
        }
        if (o >= cap) {
            return APP_ERR_OVERFLOW;
        }
        out[o++] = (char)c;
    }
    *out_n = o;
    return APP_OK;
}
