/* Fake http_io for the http_server tests: see fake_transport.h. */
#include "fake_transport.h"

#include <string.h>

#include "app_err.h"

static struct ft_conn *conn_of(void *ctx)
{
    struct ft_conn *c = ctx;
    if (c->closed) {
        c->calls_after_close++;
    }
    return c;
}

static int ft_recv(void *ctx, void *buf, size_t cap)
{
    struct ft_conn *c = conn_of(ctx);
    c->recv_calls++;
    size_t n = c->in_avail - c->in_pos;
    if (n == 0u) {
        return (c->eof && c->in_avail == c->in_len) ? APP_ERR_STATE : 0;
    }
    if (n > cap) {
        n = cap;
    }
    memcpy(buf, c->in + c->in_pos, n);
    c->in_pos += n;
    return (int)n;
}

static bool ft_pending(void *ctx)
{
    struct ft_conn *c = conn_of(ctx);
    c->pending_calls++;
    return c->in_avail > c->in_pos || (c->eof && c->in_avail == c->in_len);
}

static size_t ft_room(void *ctx)
{
    struct ft_conn *c = conn_of(ctx);
    c->room_calls++;
    return c->room;
}

static int ft_send(void *ctx, const void *buf, size_t len)
{
    struct ft_conn *c = conn_of(ctx);
    c->send_calls++;
    if (c->send_err != 0) {
        return c->send_err;
    }
    size_t n = len < c->room ? len : c->room;
    if (n > c->send_max) {
        n = c->send_max;
    }
    if (n > FT_OUT_MAX - c->out_len) {
        c->out_overflow = true;
        n = FT_OUT_MAX - c->out_len;
    }
    memcpy(c->out + c->out_len, buf, n);
    c->out_len += n;
    if (c->room != FT_UNLIMITED) {
        c->room -= n;
    }
    return (int)n;
}

static void ft_flush(void *ctx)
{
    struct ft_conn *c = conn_of(ctx);
    c->flush_calls++;
}

static void ft_close(void *ctx)
{
    struct ft_conn *c = conn_of(ctx);
    c->close_calls++;
    c->closed = true;
}

static void ft_abort(void *ctx)
{
    struct ft_conn *c = conn_of(ctx);
    c->abort_calls++;
    c->closed = true;
}

const struct http_io ft_io = {
    .recv = ft_recv,
    .pending = ft_pending,
    .room = ft_room,
    .send = ft_send,
    .flush = ft_flush,
    .close = ft_close,
    .abort = ft_abort,
};

void ft_init(struct ft_conn *c)
{
    memset(c, 0, sizeof(*c));
    c->room = FT_UNLIMITED;
    c->send_max = FT_UNLIMITED;
}

void ft_queue(struct ft_conn *c, const void *p, size_t n, bool arrive)
{
    if (n > FT_IN_MAX - c->in_len) {
        n = FT_IN_MAX - c->in_len;
    }
    memcpy(c->in + c->in_len, p, n);
    c->in_len += n;
    if (arrive) {
        c->in_avail = c->in_len;
    }
}

void ft_queue_str(struct ft_conn *c, const char *s)
{
    ft_queue(c, s, strlen(s), true);
}

size_t ft_arrive(struct ft_conn *c, size_t n)
{
    size_t left = c->in_len - c->in_avail;
    if (n > left) {
        n = left;
    }
    c->in_avail += n;
    return n;
}

size_t ft_unread(const struct ft_conn *c)
{
    return c->in_len - c->in_pos;
}

/* ---- reading responses back ------------------------------------------------ */

static int lower(int ch)
{
    return (ch >= 'A' && ch <= 'Z') ? ch + ('a' - 'A') : ch;
}

static bool tchar(unsigned char ch)
{
    /* RFC 9110 5.6.2 token characters. */
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (ch != 0u && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static bool name_is(const char *p, size_t n, const char *name)
{
    size_t m = strlen(name);
    if (n != m) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (lower((unsigned char)p[i]) != lower((unsigned char)name[i])) {
            return false;
        }
    }
    return true;
}

const char *ft_header(const struct ft_resp *r, const char *name, size_t *vlen)
{
    const char *p = r->head;
    const char *end = r->head + r->head_len;
    /* Skip the status line. */
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (eol == NULL) {
        return NULL;
    }
    p = eol + 1;
    while (p < end) {
        eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL || eol - p < 1) {
            return NULL;
        }
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (colon != NULL && name_is(p, (size_t)(colon - p), name)) {
            const char *v = colon + 1;
            while (v < eol && *v == ' ') {
                v++;
            }
            *vlen = (size_t)(eol - 1 - v); /* without the CR */
            return v;
        }
        p = eol + 1;
    }
    return NULL;
}

int ft_parse_responses(const char *p, size_t n, bool allow_head_only, struct ft_resp *out, int max,
                       const char **why)
{
    size_t i = 0;
    int count = 0;
    *why = "";
    while (i < n) {
        struct ft_resp r;
        memset(&r, 0, sizeof(r));
        r.head = p + i;
        /* Status line. */
        if (n - i < 17u || memcmp(p + i, "HTTP/1.1 ", 9) != 0) {
            *why = "no \"HTTP/1.1 \" status line";
            return -1;
        }
        for (size_t k = 9; k < 12u; k++) {
            if (p[i + k] < '0' || p[i + k] > '9') {
                *why = "status code is not three digits";
                return -1;
            }
            r.status = r.status * 10u + (unsigned)(p[i + k] - '0');
        }
        if (r.status < 100u || p[i + 12] != ' ') {
            *why = "bad status code";
            return -1;
        }
        size_t j = i + 13;
        size_t reason = j;
        while (j < n && p[j] != '\r') {
            if ((unsigned char)p[j] < 0x20u || (unsigned char)p[j] > 0x7Eu) {
                *why = "bad byte in the reason phrase";
                return -1;
            }
            j++;
        }
        if (j == reason || j + 1u >= n || p[j + 1] != '\n') {
            *why = "status line not ended by CRLF";
            return -1;
        }
        j += 2;
        /* Header fields up to the blank line. */
        int n_cl = 0;
        size_t cl = 0;
        for (;;) {
            if (j + 1u < n && p[j] == '\r' && p[j + 1] == '\n') {
                j += 2;
                break;
            }
            size_t name = j;
            while (j < n && tchar((unsigned char)p[j])) {
                j++;
            }
            if (j == name || j + 1u >= n || p[j] != ':' || p[j + 1] != ' ') {
                *why = "bad header field name";
                return -1;
            }
            size_t name_n = j - name;
            j += 2;
            size_t val = j;
            while (j < n && p[j] != '\r') {
                if ((unsigned char)p[j] < 0x20u || (unsigned char)p[j] > 0x7Eu) {
                    *why = "bad byte in a header value";
                    return -1;
                }
                j++;
            }
            if (j + 1u >= n || p[j + 1] != '\n') {
                *why = "header field not ended by CRLF";
                return -1;
            }
            if (name_is(p + name, name_n, "content-length")) {
                n_cl++;
                cl = 0;
                if (j == val || j - val > 9u) {
                    *why = "bad Content-Length";
                    return -1;
                }
                for (size_t k = val; k < j; k++) {
                    if (p[k] < '0' || p[k] > '9') {
                        *why = "bad Content-Length";
                        return -1;
                    }
                    cl = cl * 10u + (size_t)(p[k] - '0');
                }
            }
            if (name_is(p + name, name_n, "connection") && j - val == 5u &&
                memcmp(p + val, "close", 5) == 0) {
                r.conn_close = true;
            }
            j += 2;
        }
        if (n_cl != 1) {
            *why = "not exactly one Content-Length";
            return -1;
        }
        r.head_len = j - i;
        r.content_length = cl;
        r.body = p + j;
        bool next_is_head = j == n || (n - j >= 5u && memcmp(p + j, "HTTP/", 5) == 0);
        if (allow_head_only && cl > 0u && next_is_head) {
            r.head_only = true;
            r.body_len = 0;
        } else {
            if (n - j < cl) {
                *why = "stream ends inside a body";
                return -1;
            }
            r.body_len = cl;
        }
        i = j + r.body_len;
        if (count >= max) {
            *why = "more responses than expected";
            return -1;
        }
        out[count++] = r;
    }
    return count;
}

bool ft_uuid_v4(const char *s, size_t n)
{
    if (n != 36u) {
        return false;
    }
    for (size_t i = 0; i < 36u; i++) {
        char ch = s[i];
        bool dash = i == 8u || i == 13u || i == 18u || i == 23u;
        if (dash ? ch != '-' : !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return false;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}
