/* First-fit allocator for mbedTLS (see tls_heap.h).
 *
 * The buffer is tiled by blocks. Each starts with an 8-byte header: its
 * size (header included, a multiple of 8; bit 0 set while allocated) and
 * the size of the block before it (0 for the first), so that a freed block
 * finds both neighbours and merges with them. A free block keeps the links
 * of the free list in its payload; allocated blocks cost their header
 * only. The free list is searched first fit, newest first (as mbedTLS's
 * memory_buffer_alloc does); a block larger than asked is split when the
 * rest can hold a free block. Every free checks the headers around the
 * block, so a foreign pointer, a double free or an overrun into the next
 * header is caught there (the corrupt hook) instead of spreading. */
#include "tls_heap.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define HDR 8u
#define USED 1u

struct hdr {
    uint32_t size; /* bytes of this block, header included; | USED */
    uint32_t prev; /* bytes of the block before it; 0 for the first */
};

/* A free block's payload. */
struct free_links {
    struct hdr *next;
    struct hdr *prev;
};

#define ROUND8(n) (((n) + 7u) & ~(size_t)7u)
#define MIN_BLOCK ROUND8(HDR + sizeof(struct free_links))

static uint8_t *s_base;
static uint8_t *s_end;
static struct hdr *s_free; /* newest first */
static void (*s_corrupt)(const char *why);
static struct tls_heap_stats s_st;

static size_t size_of(const struct hdr *h)
{
    return h->size & ~(uint32_t)USED;
}

static struct free_links *links(struct hdr *h)
{
    return (struct free_links *)(void *)((uint8_t *)h + HDR);
}

static struct hdr *next_of(struct hdr *h)
{
    uint8_t *n = (uint8_t *)h + size_of(h);
    return n < s_end ? (struct hdr *)(void *)n : NULL;
}

static void list_push(struct hdr *h)
{
    links(h)->prev = NULL;
    links(h)->next = s_free;
    if (s_free != NULL) {
        links(s_free)->prev = h;
    }
    s_free = h;
}

static void list_drop(struct hdr *h)
{
    struct free_links *l = links(h);
    if (l->prev != NULL) {
        links(l->prev)->next = l->next;
    } else {
        s_free = l->next;
    }
    if (l->next != NULL) {
        links(l->next)->prev = l->prev;
    }
}

void tls_heap_init(void *buf, size_t len, void (*corrupt)(const char *why))
{
    memset(&s_st, 0, sizeof(s_st));
    s_corrupt = corrupt;
    s_free = NULL;
    len &= ~(size_t)7u;
    if (buf == NULL || ((uintptr_t)buf & 7u) != 0u || len < MIN_BLOCK || len > UINT32_MAX) {
        s_base = s_end = NULL;
        return;
    }
    s_base = buf;
    s_end = s_base + len;
    struct hdr *h = buf;
    h->size = (uint32_t)len;
    h->prev = 0;
    list_push(h);
    s_st.size = len;
}

void *tls_heap_calloc(size_t n, size_t size)
{
    if (s_base == NULL || n == 0u || size == 0u || size > (size_t)(s_end - s_base) / n) {
        return NULL;
    }
    size_t need = ROUND8(n * size) + HDR;
    if (need < MIN_BLOCK) {
        need = MIN_BLOCK;
    }
    struct hdr *h = s_free;
    while (h != NULL && size_of(h) < need) {
        h = links(h)->next;
    }
    if (h == NULL) {
        return NULL;
    }
    list_drop(h);
    size_t have = size_of(h);
    if (have - need >= MIN_BLOCK) {
        struct hdr *rest = (struct hdr *)(void *)((uint8_t *)h + need);
        rest->size = (uint32_t)(have - need);
        rest->prev = (uint32_t)need;
        struct hdr *after = next_of(rest);
        if (after != NULL) {
            after->prev = rest->size;
        }
        list_push(rest);
        have = need;
    }
    h->size = (uint32_t)have | USED;
    s_st.cur += have;
    s_st.blocks++;
    if (s_st.cur > s_st.peak) {
        s_st.peak = s_st.cur;
    }
    if (s_st.blocks > s_st.peak_blocks) {
        s_st.peak_blocks = s_st.blocks;
    }
    void *p = (uint8_t *)h + HDR;
    memset(p, 0, have - HDR);
    return p;
}

/* The header of an allocated block at p, or NULL when p is not one (or
 * the headers around it do not agree). */
static struct hdr *owned(void *p)
{
    uint8_t *b = p;
    if (b < s_base + HDR || b >= s_end || ((uintptr_t)(b - s_base) & 7u) != 0u) {
        return NULL;
    }
    struct hdr *h = (struct hdr *)(void *)(b - HDR);
    size_t sz = size_of(h);
    if ((h->size & USED) == 0u || sz < MIN_BLOCK || (sz & 7u) != 0u ||
        sz > (size_t)(s_end - (uint8_t *)h)) {
        return NULL;
    }
    struct hdr *n = next_of(h);
    if (n != NULL && n->prev != sz) {
        return NULL;
    }
    if ((h->prev == 0u) != ((uint8_t *)h == s_base) ||
        (h->prev != 0u && (h->prev > (size_t)((uint8_t *)h - s_base) ||
                           size_of((struct hdr *)(void *)((uint8_t *)h - h->prev)) != h->prev))) {
        return NULL;
    }
    return h;
}

void tls_heap_free(void *p)
{
    if (p == NULL) {
        return;
    }
    struct hdr *h = s_base != NULL ? owned(p) : NULL;
    if (h == NULL) {
        if (s_corrupt != NULL) {
            s_corrupt("free of a pointer that is not an allocated block");
        }
        return;
    }
    size_t sz = size_of(h);
    s_st.cur -= sz;
    s_st.blocks--;
    struct hdr *n = next_of(h);
    if (n != NULL && (n->size & USED) == 0u) {
        list_drop(n);
        sz += size_of(n);
    }
    if (h->prev != 0u) {
        struct hdr *b = (struct hdr *)(void *)((uint8_t *)h - h->prev);
        if ((b->size & USED) == 0u) {
            list_drop(b);
            sz += size_of(b);
            h = b;
        }
    }
    h->size = (uint32_t)sz;
    n = next_of(h);
    if (n != NULL) {
        n->prev = (uint32_t)sz;
    }
    list_push(h);
}

void tls_heap_stats(struct tls_heap_stats *out)
{
    s_st.largest_free = 0;
    for (struct hdr *h = s_free; h != NULL; h = links(h)->next) {
        if (size_of(h) - HDR > s_st.largest_free) {
            s_st.largest_free = size_of(h) - HDR;
        }
    }
    *out = s_st;
}

void tls_heap_peak_reset(void)
{
    s_st.peak = s_st.cur;
    s_st.peak_blocks = s_st.blocks;
}

const char *tls_heap_check(void)
{
    if (s_base == NULL) {
        return NULL;
    }
    size_t used = 0;
    size_t blocks = 0;
    size_t free_blocks = 0;
    uint32_t prev = 0;
    bool last_free = false;
    for (uint8_t *b = s_base; b < s_end;) {
        struct hdr *h = (struct hdr *)(void *)b;
        size_t sz = size_of(h);
        if (sz < MIN_BLOCK || (sz & 7u) != 0u || sz > (size_t)(s_end - b)) {
            return "block size";
        }
        if (h->prev != prev) {
            return "previous size";
        }
        bool is_free = (h->size & USED) == 0u;
        if (is_free && last_free) {
            return "two free blocks in a row";
        }
        if (is_free) {
            free_blocks++;
        } else {
            used += sz;
            blocks++;
        }
        last_free = is_free;
        prev = (uint32_t)sz;
        b += sz;
    }
    size_t listed = 0;
    for (struct hdr *h = s_free; h != NULL; h = links(h)->next) {
        if ((h->size & USED) != 0u || ++listed > free_blocks) {
            return "free list";
        }
    }
    if (listed != free_blocks) {
        return "free list";
    }
    if (used != s_st.cur || blocks != s_st.blocks) {
        return "counters";
    }
    return NULL;
}
