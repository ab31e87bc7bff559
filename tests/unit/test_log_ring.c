/* Host test of firmware/log/log_ring.c: lines go in whole or not at all,
 * dropped lines are counted and announced once room returns (only when
 * the notice and the line both fit), wrap-around of the buffer and of the
 * free-running counters, an exactly full ring, lines longer than the
 * ring, and a consumer (the TX interrupt on the target) that runs between
 * any two bytes of a put. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "log_ring.h"

#define RING 256u

static char s_buf[RING];
static struct log_ring s_r;

/* What the consumer has taken so far. */
static char s_out[16384];
static size_t s_out_len;

/* Hook: at the s_hook_at-th copy step of a put (after each of the up to
 * two memcpy of the notice and of the line), take s_hook_take bytes. */
static long s_hook_calls;
static long s_hook_at = -1;
static size_t s_hook_take;

static size_t take(size_t max)
{
    size_t n = 0;
    const char *p;
    size_t k = log_ring_run(&s_r, 0, &p);
    while (n < max && k > 0u) {
        size_t m = k < max - n ? k : max - n;
        assert_true(s_out_len + m <= sizeof(s_out));
        memcpy(s_out + s_out_len, p, m);
        s_out_len += m;
        n += m;
        k = log_ring_run(&s_r, m, &p); /* hands the m bytes back */
    }
    return n;
}

static size_t pending_run(void)
{
    const char *p;
    return log_ring_run(&s_r, 0, &p);
}

void log_ring_test_hook(struct log_ring *r)
{
    assert_ptr_equal(r, &s_r);
    if (s_hook_calls++ == s_hook_at) {
        (void)take(s_hook_take);
    }
}

static int setup(void **state)
{
    (void)state;
    memset(s_buf, 0xEE, sizeof(s_buf));
    assert_int_equal(log_ring_init(&s_r, s_buf, sizeof(s_buf)), APP_OK);
    s_out_len = 0;
    s_hook_calls = 0;
    s_hook_at = -1;
    return 0;
}

/* A line of exactly len bytes ending in "\r\n", its content from seed. */
static size_t make_line(char *buf, size_t len, unsigned seed)
{
    assert_true(len >= 3u);
    for (size_t i = 0; i + 2u < len; i++) {
        buf[i] = (char)('a' + (seed + i) % 26u);
    }
    buf[len - 2u] = '\r';
    buf[len - 1u] = '\n';
    return len;
}

static void put_ok(const char *s, size_t len)
{
    assert_int_equal(log_ring_put(&s_r, s, len), APP_OK);
}

static void expect_out(const char *want)
{
    assert_int_equal(s_out_len, strlen(want));
    assert_memory_equal(s_out, want, s_out_len);
}

static void test_init_rejects(void **state)
{
    (void)state;
    struct log_ring r;
    assert_int_equal(log_ring_init(&r, s_buf, 0), APP_ERR_INVAL);
    assert_int_equal(log_ring_init(&r, s_buf, 100), APP_ERR_INVAL);
    assert_int_equal(log_ring_init(&r, s_buf, 255), APP_ERR_INVAL);
    assert_int_equal(log_ring_init(&r, s_buf, 1), APP_OK);
}

static void test_empty_and_zero(void **state)
{
    (void)state;
    assert_int_equal(pending_run(), 0);
    put_ok("x", 0);
    assert_int_equal(log_ring_used(&s_r), 0);
    put_ok("one\r\n", 5);
    assert_int_equal(log_ring_used(&s_r), 5);
    take(SIZE_MAX);
    expect_out("one\r\n");
    assert_int_equal(pending_run(), 0);
}

/* A line that does not fit leaves the ring exactly as it was. */
static void test_whole_line_drop(void **state)
{
    (void)state;
    char a[200], b[100];
    make_line(a, sizeof(a), 0);
    make_line(b, sizeof(b), 1);
    put_ok(a, sizeof(a));
    uint32_t head = s_r.head;
    assert_int_equal(log_ring_put(&s_r, b, sizeof(b)), APP_ERR_NOMEM);
    assert_int_equal(s_r.head, head);
    assert_int_equal(s_r.dropped, 1);
    take(SIZE_MAX);
    assert_int_equal(s_out_len, sizeof(a));
    assert_memory_equal(s_out, a, sizeof(a));
}

static void test_drop_notice(void **state)
{
    (void)state;
    char a[252];
    make_line(a, sizeof(a), 0);
    put_ok(a, sizeof(a));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(log_ring_put(&s_r, "next\r\n", 6), APP_ERR_NOMEM);
    }
    take(SIZE_MAX);
    s_out_len = 0;
    put_ok("after\r\n", 7);
    put_ok("more\r\n", 6); /* one notice only */
    take(SIZE_MAX);
    expect_out("log: 3 line(s) dropped\r\nafter\r\nmore\r\n");
    assert_int_equal(s_r.dropped, 0);
}

/* Room for the line but not for notice + line: the line is dropped too,
 * and the count grows. */
static void test_notice_needs_room_for_both(void **state)
{
    (void)state;
    char a[RING], b[RING - 10u], c[20];
    make_line(a, sizeof(a), 0);
    make_line(b, sizeof(b), 1);
    make_line(c, sizeof(c), 2);
    put_ok(a, sizeof(a));
    assert_int_equal(log_ring_put(&s_r, c, sizeof(c)), APP_ERR_NOMEM);
    take(SIZE_MAX);
    s_out_len = 0;
    /* 246 bytes would fit alone; 24 + 246 do not. */
    assert_int_equal(log_ring_put(&s_r, b, sizeof(b)), APP_ERR_NOMEM);
    assert_int_equal(log_ring_used(&s_r), 0);
    assert_int_equal(s_r.dropped, 2);
    put_ok(c, sizeof(c));
    take(SIZE_MAX);
    const char *note = "log: 2 line(s) dropped\r\n";
    assert_int_equal(s_out_len, strlen(note) + sizeof(c));
    assert_memory_equal(s_out, note, strlen(note));
    assert_memory_equal(s_out + strlen(note), c, sizeof(c));
}

static void test_exactly_full(void **state)
{
    (void)state;
    char a[RING], b[RING / 2u], c[RING / 2u];
    make_line(a, sizeof(a), 5);
    make_line(b, sizeof(b), 6);
    make_line(c, sizeof(c), 7);
    put_ok(a, sizeof(a));
    assert_int_equal(log_ring_used(&s_r), RING);
    take(SIZE_MAX);
    /* Full again, from the middle of the buffer. */
    put_ok(b, sizeof(b));
    take(RING / 2u);
    put_ok(c, sizeof(c));
    put_ok(b, sizeof(b));
    assert_int_equal(log_ring_used(&s_r), RING);
    take(SIZE_MAX);
    assert_int_equal(s_out_len, 2u * RING + RING / 2u);
    assert_memory_equal(s_out, a, RING);
    assert_memory_equal(s_out + RING, b, sizeof(b));
    assert_memory_equal(s_out + RING + sizeof(b), c, sizeof(c));
    assert_memory_equal(s_out + RING + sizeof(b) + sizeof(c), b, sizeof(b));
    assert_int_equal(s_r.dropped, 0);
}

/* Full to the last byte: one byte more is a drop, one byte taken makes
 * room for one byte (here the drop notice does not fit: dropped too). */
static void test_full_by_one(void **state)
{
    (void)state;
    char a[RING];
    make_line(a, sizeof(a), 5);
    put_ok(a, sizeof(a));
    assert_int_equal(log_ring_put(&s_r, "x", 1), APP_ERR_NOMEM);
    take(1);
    assert_int_equal(log_ring_put(&s_r, "y", 1), APP_ERR_NOMEM);
    assert_int_equal(log_ring_used(&s_r), RING - 1u);
    take(SIZE_MAX);
    put_ok("y", 1);
    take(SIZE_MAX);
    assert_int_equal(s_out_len, RING + 24u + 1u);
    assert_memory_equal(s_out + RING, "log: 2 line(s) dropped\r\ny", 25);
}

static void test_longer_than_ring(void **state)
{
    (void)state;
    char big[RING + 1u];
    make_line(big, sizeof(big), 0);
    assert_int_equal(log_ring_put(&s_r, big, sizeof(big)), APP_ERR_NOMEM);
    assert_int_equal(log_ring_put(&s_r, big, SIZE_MAX), APP_ERR_NOMEM);
    assert_int_equal(log_ring_used(&s_r), 0);
    put_ok("ok\r\n", 4);
    take(SIZE_MAX);
    expect_out("log: 2 line(s) dropped\r\nok\r\n");
}

/* Lines of every length from 3 to 97 through the ring, the consumer
 * lagging: the buffer index wraps many times, and the counters wrap
 * past 2^32 (started just below). */
static void test_wrap_around(void **state)
{
    (void)state;
    s_r.head = s_r.tail = 0xFFFFFF00u;
    char want[sizeof(s_out)];
    size_t want_len = 0;
    char line[100];
    for (unsigned i = 0; i < 200u; i++) {
        size_t len = make_line(line, 3u + i % 95u, i);
        while (log_ring_put(&s_r, line, len) != APP_OK) {
            s_r.dropped = 0; /* not this test's subject */
            take(37);
        }
        memcpy(want + want_len, line, len);
        want_len += len;
    }
    take(SIZE_MAX);
    assert_true(s_r.head < 0xFFFFFF00u); /* the counters wrapped */
    assert_int_equal(s_out_len, want_len);
    assert_memory_equal(s_out, want, want_len);
}

/* The consumer runs between any two copy steps of a put (the TX
 * interrupt on the target), taking 1 byte or everything it sees: the
 * output is still the lines in order and whole, across the buffer's end,
 * and the producer never overwrites a byte not yet taken. */
static void test_consumer_between_copies(void **state)
{
    (void)state;
    char a[150], b[90], c[76];
    make_line(a, sizeof(a), 0);
    make_line(b, sizeof(b), 1);
    make_line(c, sizeof(c), 2);
    for (size_t takes = 1; takes <= RING; takes += RING - 1u) {
        for (long at = 0; at < 8; at++) {
            setup(NULL);
            put_ok(a, sizeof(a));
            take(60); /* 90 bytes of a left; b and c then fill to 256 */
            s_hook_calls = 0;
            s_hook_at = at;
            s_hook_take = takes;
            put_ok(b, sizeof(b));
            put_ok(c, sizeof(c)); /* crosses the end of the buffer */
            assert_int_equal(s_hook_calls, 8); /* 2 puts x 2 copies x 2 steps */
            take(SIZE_MAX);
            assert_int_equal(s_out_len, sizeof(a) + sizeof(b) + sizeof(c));
            assert_memory_equal(s_out, a, sizeof(a));
            assert_memory_equal(s_out + sizeof(a), b, sizeof(b));
            assert_memory_equal(s_out + sizeof(a) + sizeof(b), c, sizeof(c));
        }
    }
}

/* The consumer takes one byte at every position of a long stream of
 * puts of mixed sizes, some dropped: what comes out is a sequence of
 * whole lines and notices, nothing torn. */
static void test_interleaved_stream_is_whole_lines(void **state)
{
    (void)state;
    char line[120];
    unsigned sent = 0, dropped = 0;
    for (unsigned i = 0; i < 600u; i++) {
        size_t len = make_line(line, 10u + (i * 37u) % 110u, i);
        line[0] = '<';
        if (log_ring_put(&s_r, line, len) == APP_OK) {
            sent++;
        } else {
            dropped++;
        }
        take(i % 3u == 0u ? 40u : 1u);
    }
    take(SIZE_MAX);
    assert_true(dropped > 0u);
    /* Every line starts with '<' or is a notice; count the real ones. */
    unsigned lines = 0, noted = 0;
    size_t pos = 0;
    while (pos < s_out_len) {
        const char *eol = memchr(s_out + pos, '\n', s_out_len - pos);
        assert_non_null(eol);
        size_t n = (size_t)(eol - (s_out + pos)) + 1u;
        assert_true(n >= 2u && s_out[pos + n - 2u] == '\r');
        if (s_out[pos] == '<') {
            lines++;
        } else {
            unsigned k = 0;
            assert_int_equal(sscanf(s_out + pos, "log: %u line(s) dropped\r\n", &k), 1);
            noted += k;
        }
        pos += n;
    }
    assert_int_equal(lines, sent);
    /* Drops after the last notice are still counted in the ring. */
    assert_int_equal(noted + s_r.dropped, dropped);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects),
        cmocka_unit_test_setup(test_empty_and_zero, setup),
        cmocka_unit_test_setup(test_whole_line_drop, setup),
        cmocka_unit_test_setup(test_drop_notice, setup),
        cmocka_unit_test_setup(test_notice_needs_room_for_both, setup),
        cmocka_unit_test_setup(test_exactly_full, setup),
        cmocka_unit_test_setup(test_full_by_one, setup),
        cmocka_unit_test_setup(test_longer_than_ring, setup),
        cmocka_unit_test_setup(test_wrap_around, setup),
        cmocka_unit_test_setup(test_consumer_between_copies, setup),
        cmocka_unit_test_setup(test_interleaved_stream_is_whole_lines, setup),
    };
    return cmocka_run_group_tests_name("log_ring", tests, NULL, NULL);
}
