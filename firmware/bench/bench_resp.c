/* Responses for the bench reference images, read from the config
 * partition (layout in bench_resp.h). */
#include "bench_resp.h"

#include "app_config.h"

#if APP_BENCH_SERVER
#include <string.h>

#include "app_err.h"

static struct bench_resp s_resp[BENCH_RESP_MAX];
static unsigned s_count;

static uint32_t get_le(const uint8_t *p, unsigned n)
{
    uint32_t v = 0;
    while (n-- > 0u) {
        v = (v << 8) | p[n];
    }
    return v;
}

int bench_resp_load(const uint8_t *part, size_t len)
{
    size_t off = 8;
    s_count = 0;
    if (len < off || memcmp(part, "BRSP", 4) != 0) {
        return APP_ERR_NOTFOUND;
    }
    uint32_t count = get_le(part + 4, 4);
    if (count > BENCH_RESP_MAX) {
        return APP_ERR_INVAL;
    }
    for (unsigned i = 0; i < count; i++) {
        if (len - off < 2u) {
            return APP_ERR_INVAL;
        }
        size_t plen = get_le(part + off, 2);
        off += 2u;
        if (len - off < plen + 4u) {
            return APP_ERR_INVAL;
        }
        s_resp[i].path = (const char *)part + off;
        s_resp[i].path_len = plen;
        off += plen;
        size_t dlen = get_le(part + off, 4);
        off += 4u;
        if (dlen == 0u || dlen > 0xFFFFu || len - off < dlen) {
            return APP_ERR_INVAL;
        }
        s_resp[i].data = (const char *)part + off;
        s_resp[i].len = dlen;
        off += dlen;
    }
    s_count = count;
    return (int)count;
}

const struct bench_resp *bench_resp_get(unsigned i)
{
    return i < s_count ? &s_resp[i] : NULL;
}
#endif
