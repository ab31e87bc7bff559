/* Word-at-a-time byte tests ("Bit Twiddling Hacks", S. E. Anderson, "Determine
 * if a word has a byte less than/greater than/equal to n"): a scanner looks
 * at a whole machine word of input per step and drops to bytes only where a
 * word holds something of interest. Each test is non-zero iff some byte of w
 * is < n (n <= 128), > n (n <= 127), or == n. */
#ifndef WORDSCAN_H
#define WORDSCAN_H

#include <stdbool.h>
#include <stddef.h>

#define WORDSCAN_ONES ((size_t)-1 / 255u)
#define WORDSCAN_HIGHS (WORDSCAN_ONES * 0x80u)

static inline size_t wordscan_less(size_t w, unsigned n)
{
    return (w - WORDSCAN_ONES * n) & ~w & WORDSCAN_HIGHS;
}

static inline size_t wordscan_more(size_t w, unsigned n)
{
    return ((w + WORDSCAN_ONES * (127u - n)) | w) & WORDSCAN_HIGHS;
}

static inline size_t wordscan_byte(size_t w, unsigned n)
{
    return wordscan_less(w ^ (WORDSCAN_ONES * n), 1u);
}

/* Index of the first byte in memory order that a non-zero test result
 * flags. Exact although a test may also flag bytes after the first true
 * one (a borrow or carry only runs towards higher bytes). Little-endian:
 * Armv7-M as the boards configure it, and the host. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "wordscan_first() assumes a little-endian target"
#endif
static inline size_t wordscan_first(size_t m)
{
    /* ctzl where size_t is a long: ctzll is a libgcc call on a 32-bit
     * core, ctzl is RBIT + CLZ (Armv7-M). */
    if (sizeof(size_t) == sizeof(unsigned long)) {
        return (size_t)__builtin_ctzl((unsigned long)m) / 8u;
    }
    return (size_t)__builtin_ctzll((unsigned long long)m) / 8u;
}

/* One unaligned load (an LDR on Armv7-M, which allows unaligned word
 * loads, ARM DDI 0403 A3.2.1), also under -ffreestanding, which turns a
 * plain memcpy into a call. */
static inline size_t wordscan_load(const void *p)
{
    size_t w;
    __builtin_memcpy(&w, p, sizeof(w));
    return w;
}

/* s[0..n) equals lit[0..n) ignoring ASCII case, a word at a time. lit
 * must hold only letters and bytes 0x20..0x3F ('-', ':', '/', digits), s
 * no control bytes: then (c | 0x20) matches exactly the two cases of a
 * letter, and any other lit byte only itself (the other byte that maps
 * to it is a control byte: CR for '-'). */
static inline bool wordscan_caseeq(const char *s, const char *lit, size_t n)
{
    const size_t lower = WORDSCAN_ONES * 0x20u;
    size_t i = 0;
    for (; n - i >= sizeof(size_t); i += sizeof(size_t)) {
        if ((wordscan_load(s + i) | lower) != (wordscan_load(lit + i) | lower)) {
            return false;
        }
    }
    for (; i < n; i++) {
        if ((unsigned char)(s[i] | 0x20) != (unsigned char)(lit[i] | 0x20)) {
            return false;
        }
    }
    return true;
}

#endif
