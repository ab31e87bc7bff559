/* A byte ring of whole log lines between one producer (the superloop) and
 * one consumer (the console's TX interrupt). A line that does not fit is
 * dropped whole and counted; the next line that fits is preceded by
 * "log: N line(s) dropped\r\n". */
#ifndef LOG_RING_H
#define LOG_RING_H

#include <stddef.h>
#include <stdint.h>

/* Free-running byte counts: used = head - tail, index = count & (size - 1).
 * head is written only by the producer, tail only by the consumer. */
struct log_ring {
    char *buf;
    uint32_t size;          /* a power of two */
    volatile uint32_t head; /* bytes ever put */
    volatile uint32_t tail; /* bytes ever taken */
    uint32_t dropped;       /* lines dropped since the last notice (producer only) */
};

/* Use buf (size bytes, a power of two, owned by the caller) as an empty
 * ring. Returns APP_OK, or APP_ERR_INVAL if size is not a power of two. */
int log_ring_init(struct log_ring *r, char *buf, size_t size);

/* Producer: append the len bytes of line as one unit. Returns APP_OK, or
 * APP_ERR_NOMEM when the line (with a pending drop notice) did not fit: it
 * was dropped whole and counted. len 0 is APP_OK and adds nothing. */
int log_ring_put(struct log_ring *r, const char *line, size_t len);

/* Consumer: drop the first `taken` bytes of the run returned last (they
 * were sent), then set *p to the oldest pending bytes that are contiguous
 * in the buffer and return how many (0: the ring is empty). Safe against
 * a concurrent log_ring_put() on the same core (an interrupt consumer, a
 * main-loop producer). The shape of hal_console_next_fn. */
size_t log_ring_run(struct log_ring *r, size_t taken, const char **p);

/* Bytes waiting to be taken. */
uint32_t log_ring_used(const struct log_ring *r);

#endif
