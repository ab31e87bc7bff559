/* libFuzzer harness for firmware/upload/csv.c.
 *
 * Input: byte 0 picks the chunking (a PRNG seed and the largest chunk; 0..3
 * mean byte at a time), the rest is the file. It is checked once whole and
 * once in chunks; only the chunk being fed is readable (the rest of the
 * buffer is poisoned), so a read before or after it is caught. The two runs
 * must agree on verdict, line, field, reason and record count; the answer
 * must satisfy what csv.h promises, checked here from the raw bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "app_err.h"
#include "csv.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                   \
    do {                                                           \
        if (!(c)) {                                                \
            fprintf(stderr, "fuzz_csv:%d: %s\n", __LINE__, #c);    \
            abort();                                               \
        }                                                          \
    } while (0)

struct outcome {
    int rc;
    uint32_t line;
    unsigned field;
    const char *reason;
    uint32_t records;
    enum csv_schema schema;
};

/* xorshift32 */
static uint32_t next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static struct outcome finish(struct csv_check *c, int rc)
{
    struct outcome o;
    o.rc = csv_end(c);
    if (rc != APP_OK) {
        CHECK(o.rc == rc);
    }
    o.line = csv_line(c);
    o.field = csv_field(c);
    o.reason = csv_reason(c);
    o.records = csv_records(c);
    o.schema = csv_schema(c);
    /* Sticky. */
    if (o.rc != APP_OK) {
        CHECK(csv_feed(c, "a", 1) == o.rc);
        CHECK(csv_end(c) == o.rc);
        CHECK(csv_line(c) == o.line && csv_field(c) == o.field && csv_reason(c) == o.reason);
    } else {
        CHECK(csv_feed(c, "a", 1) == APP_ERR_STATE);
    }
    return o;
}

static struct outcome feed_whole(const uint8_t *buf, size_t len)
{
    struct csv_check c;
    csv_init(&c);
    return finish(&c, csv_feed(&c, buf, len));
}

static struct outcome feed_chunked(const uint8_t *buf, size_t len, uint8_t mode)
{
    struct csv_check c;
    uint32_t rng = 0x9e3779b9u ^ ((uint32_t)mode * 0x01000193u);
    size_t max_chunk = 1u + (mode >> 2);
    size_t off = 0;
    int rc = APP_OK;

    csv_init(&c);
    ASAN_POISON_MEMORY_REGION(buf, len);
    while (off < len && rc == APP_OK) {
        size_t n = 1u + next(&rng) % max_chunk;
        if (n > len - off) {
            n = len - off;
        }
        ASAN_UNPOISON_MEMORY_REGION(buf + off, n);
        rc = csv_feed(&c, buf + off, n);
        ASAN_POISON_MEMORY_REGION(buf + off, n);
        off += n;
    }
    ASAN_UNPOISON_MEMORY_REGION(buf, len);
    return finish(&c, rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct outcome whole, chunked;
    size_t len, lfs = 0;
    uint8_t *buf;

    if (size < 1) {
        return 0;
    }
    len = size - 1;
    /* Exactly len bytes, so that ASan sees a read at buf[len]. */
    buf = malloc(len);
    CHECK(buf != NULL || len == 0);
    if (len != 0) {
        memcpy(buf, data + 1, len);
    }

    whole = feed_whole(buf, len);
    chunked = feed_chunked(buf, len, data[0]);
    CHECK(whole.rc == chunked.rc);
    CHECK(whole.line == chunked.line);
    CHECK(whole.field == chunked.field);
    CHECK(whole.reason == chunked.reason);
    CHECK(whole.records == chunked.records);
    CHECK(whole.schema == chunked.schema);

    for (size_t k = 0; k < len; k++) {
        lfs += buf[k] == '\n';
    }
    CHECK(whole.records <= lfs + 1u);
    if (whole.rc == APP_OK) {
        size_t k = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        CHECK(whole.schema != CSV_SCHEMA_NONE);
        CHECK(whole.reason[0] == '\0');
        /* Accepted means well-formed UTF-8 with no control byte but TAB, CR, LF. */
        while (k < len) {
            size_t n = utf8_seq(buf + k, len - k, NULL);
            CHECK(n != 0);
            CHECK(buf[k] >= 0x20 || buf[k] == '\t' || buf[k] == '\r' || buf[k] == '\n');
            k += n;
        }
        /* A header line: at least one LF-free documented name, 6+ fields. */
        CHECK(len >= 6 * 7);
    } else {
        CHECK(whole.rc == APP_ERR_INVAL);
        CHECK(whole.line >= 1 && whole.line <= lfs + 1u);
        CHECK(whole.field <= 18);
        CHECK(whole.reason != NULL && whole.reason[0] != '\0');
    }
    free(buf);
    return 0;
}
