/* Single-producer, single-consumer line ring (see log_ring.h). Producer
 * and consumer run on one core (main loop and an ISR), so compiler
 * fences order the data against the index that publishes it; 32-bit
 * aligned loads and stores are single-copy atomic (ARMv7-M ARM A3.5.3). */
#include "log_ring.h"

#include <stdatomic.h>
#include <string.h>

#include "app_err.h"

#ifdef LOG_RING_TEST_HOOKS
/* Host tests run the consumer here, between any two bytes of a put. */
void log_ring_test_hook(struct log_ring *r);
#define LOG_RING_HOOK(r) log_ring_test_hook(r)
#else
#define LOG_RING_HOOK(r) ((void)0)
#endif

int log_ring_init(struct log_ring *r, char *buf, size_t size)
{
    if (size == 0u || (size & (size - 1u)) != 0u || size > 0x80000000u) {
        return APP_ERR_INVAL;
    }
    r->buf = buf;
    r->size = (uint32_t)size;
    r->head = 0;
    r->tail = 0;
    r->dropped = 0;
    return APP_OK;
}

uint32_t log_ring_used(const struct log_ring *r)
{
    return r->head - r->tail;
}

/* Copy at head + off without publishing it: one memcpy, two where the
 * buffer wraps. */
static void copy_in(struct log_ring *r, uint32_t off, const char *s, size_t len)
{
    uint32_t at = (r->head + off) & (r->size - 1u);
    size_t first = len < r->size - at ? len : r->size - at;
    memcpy(r->buf + at, s, first);
    LOG_RING_HOOK(r);
    memcpy(r->buf, s + first, len - first);
    LOG_RING_HOOK(r);
}

/* "log: N line(s) dropped\r\n" into buf (at least 40 bytes); its length. */
static size_t drop_notice(char *buf, uint32_t n)
{
    char digits[10];
    size_t d = 0;
    do {
        digits[d++] = (char)('0' + n % 10u);
        n /= 10u;
    } while (n != 0u);
    memcpy(buf, "log: ", 5);
    size_t len = 5;
    while (d > 0u) {
        buf[len++] = digits[--d];
    }
    memcpy(buf + len, " line(s) dropped\r\n", 18);
    return len + 18u;
}

int log_ring_put(struct log_ring *r, const char *line, size_t len)
{
    if (len == 0u) {
        return APP_OK;
    }
    char notice[40];
    size_t nlen = r->dropped != 0u ? drop_notice(notice, r->dropped) : 0u;
    /* tail only grows under us (the consumer frees room), so this free
     * count can only be an underestimate. */
    uint32_t room = r->size - (r->head - r->tail);
    if (len > room || nlen > room - len) {
        if (r->dropped != UINT32_MAX) {
            r->dropped++;
        }
        return APP_ERR_NOMEM;
    }
    copy_in(r, 0, notice, nlen);
    copy_in(r, (uint32_t)nlen, line, len);
    /* The bytes are in place before head says so. */
    atomic_signal_fence(memory_order_release);
    r->head += (uint32_t)(nlen + len);
    r->dropped = 0;
    return APP_OK;
}

size_t log_ring_run(struct log_ring *r, size_t taken, const char **p)
{
    /* The caller is done reading the taken bytes: only now does tail hand
     * their slots back to the producer. */
    atomic_signal_fence(memory_order_release);
    uint32_t t = r->tail + (uint32_t)taken;
    r->tail = t;
    uint32_t used = r->head - t;
    /* Read the bytes only after seeing the head that published them. */
    atomic_signal_fence(memory_order_acquire);
    uint32_t at = t & (r->size - 1u);
    *p = r->buf + at;
    return used < r->size - at ? used : r->size - at;
}
