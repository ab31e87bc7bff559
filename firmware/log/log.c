/* Minimal printf subset for the console log, and the ring that keeps
 * the superloop from waiting for the UART. */
#include "log.h"

#include <stdint.h>
#include <string.h>

#include "app_err.h"
#include "hal_console.h"
#include "log_ring.h"
#include "prof.h"

static char s_ring_buf[LOG_RING_SIZE] __attribute__((aligned(4), section(".pool.log.ring")));
static struct log_ring s_ring;
static uint32_t s_dropped_total; /* lines the ring had no room for, since boot */

uint32_t log_lines_dropped(void)
{
    return s_dropped_total;
}
static uint8_t s_async; /* 1 once the ring is attached to the console */

struct out {
    char *buf;
    size_t cap;
    size_t len;
    int overflow;
};

static void put(struct out *o, char c)
{
    if (o->len + 1u < o->cap) {
        o->buf[o->len++] = c;
    } else {
        o->overflow = 1;
    }
}

static void put_num(struct out *o, unsigned long long v, unsigned base, int neg,
                    unsigned width, char pad, int upper)
{
    char tmp[24];
    unsigned n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0u);
    if (neg) {
        if (pad == '0') {
            put(o, '-');
        } else {
            tmp[n++] = '-';
        }
        if (width > 0u) {
            width--;
        }
    }
    while (width > n) {
        put(o, pad);
        width--;
    }
    while (n > 0u) {
        put(o, tmp[--n]);
    }
}

int log_vformat(char *buf, size_t cap, const char *fmt, va_list ap)
{
    struct out o = {buf, cap, 0, 0};
    for (const char *f = fmt; *f != '\0'; f++) {
        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f++;
        char pad = ' ';
        unsigned width = 0;
        int lng = 0;
        if (*f == '0') {
            pad = '0';
            f++;
        }
        while (*f >= '0' && *f <= '9') {
            width = width * 10u + (unsigned)(*f - '0');
            f++;
        }
        int prec = -1;
        if (*f == '.') {
            f++;
            prec = 0;
            if (*f == '*') {
                prec = va_arg(ap, int);
                f++;
            } else {
                while (*f >= '0' && *f <= '9') {
                    prec = prec * 10 + (*f - '0');
                    f++;
                }
            }
        }
        while (*f == 'l' || *f == 'z') {
            /* size_t is unsigned long wide on both the target and the host. */
            lng = (*f == 'z') ? 1 : lng + 1;
            f++;
        }
        switch (*f) {
        case 'd':
        case 'i': {
            long long v = lng >= 2 ? va_arg(ap, long long) : lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
            unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            put_num(&o, m, 10u, v < 0, width, pad, 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v = lng >= 2 ? va_arg(ap, unsigned long long)
                                   : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            put_num(&o, v, *f == 'u' ? 10u : 16u, 0, width, pad, *f == 'X');
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_num(&o, (uintptr_t)va_arg(ap, void *), 16u, 0, 0, ' ', 0);
            break;
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            size_t n = 0;
            while ((prec < 0 || n < (size_t)prec) && s[n] != '\0') {
                n++;
            }
            while (width > n) {
                put(&o, ' ');
                width--;
            }
            for (size_t i = 0; i < n; i++) {
                put(&o, s[i]);
            }
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            f--;
            break;
        default:
            put(&o, '%');
            put(&o, *f);
            break;
        }
    }
    if (cap > 0u) {
        buf[o.len] = '\0';
    }
    return o.overflow ? APP_ERR_OVERFLOW : (int)o.len;
}

int log_format(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = log_vformat(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

void log_printf(const char *fmt, ...)
{
    char line[LOG_LINE_MAX + 1];
    va_list ap;
    va_start(ap, fmt);
    int n = log_vformat(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0) {
        size_t len = strlen(line);
        memcpy(line + len - 5u, "...\r\n", 5u);
        n = (int)len;
    }
    log_write(line, (size_t)n);
}

/* hal_console_next_fn, called from the console's TX interrupt. */
static size_t log_next(size_t taken, const char **p)
{
    return log_ring_run(&s_ring, taken, p);
}

void log_init(void)
{
    (void)log_ring_init(&s_ring, s_ring_buf, sizeof(s_ring_buf));
    hal_console_tx_attach(log_next);
    s_async = 1;
}

void log_sync(void)
{
    if (s_async) {
        s_async = 0;
        hal_console_tx_flush();
    }
}

void log_write(const char *s, size_t len)
{
    PROF_WORK();
    if (!s_async) {
        hal_console_write(s, len);
        return;
    }
    /* A full ring drops and counts the line (log_ring.h). */
    if (log_ring_put(&s_ring, s, len) != APP_OK) {
        s_dropped_total++;
    }
    hal_console_tx_kick();
}
