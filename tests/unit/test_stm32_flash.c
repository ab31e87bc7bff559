/* Host test of drivers/stm32_flash.c (hal_flash on the STM32F429's own
 * flash) against a model of the flash interface and the 2 MB array
 * (RM0090 section 3):
 * - FLASH_CR is locked after reset and unlocked only by KEY1 then KEY2 on
 *   FLASH_KEYR; any other key locks it until the next reset (3.6.1);
 * - a FLASH_CR write or a flash access while BSY is a model error: the
 *   bus would stall (3.6.1), the driver must have waited;
 * - a sector erase starts only from SER + SNB + STRT with PSIZE x32 and
 *   erases exactly the sector SNB names (table 6, both banks, SNB 0x10..
 *   for bank 2); a program is one 32-bit write with PG and PSIZE x32 that
 *   ANDs into the array (NOR), else PGSERR / PGAERR / PGPERR and nothing
 *   is written (3.6.4); so is a program while PGAERR/PGPERR/PGSERR are
 *   still set (the driver's own assumption, begin(): stricter than the
 *   RM says, so a driver that forgot to clear them fails here); BSY
 *   stays set for a few reads of FLASH_SR;
 * - write protection (WRPERR), injected PGSERR and OPERR; error flags
 *   are rc_w1;
 * - the ART data cache (FLASH_ACR.DCEN) keeps serving the bytes from
 *   before a change until it is reset (DCRST, written only with DCEN off,
 *   3.5.2).
 * The store area is the board's: 16 KB sectors 2 and 3 of bank 1 and 12
 * to 15 of bank 2, with 960 KB between them. Last, the real
 * store (firmware/store/) runs over driver and model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "hal_flash.h"
#include "stm32_flash.h"
#include "stm32_flash_regs.h"
#include "store.h"

#define REGS ((uintptr_t)0x40023C00u)
#define FLASH_BASE 0x08000000u
#define FLASH_BYTES (2u << 20)
#define SECT 0x4000u
#define NSECT 6u
#define AREA (SECT * NSECT)

/* FLASH_CR bits the driver does not use (RM0090 3.9, FLASH_CR). */
#define CR_MER (1u << 2)
#define CR_MER1 (1u << 15)
#define CR_PSIZE_MASK (3u << 8)
#define CR_SNB_MASK (0x1Fu << 3)
#define CR_EOPIE (1u << 24)
#define CR_ERRIE (1u << 25)
#define ACR_BOARD (5u | (1u << 8) | (1u << 9) | FLASH_ACR_DCEN) /* LATENCY 5, PRFTEN, ICEN */
#define PROG_ERRS (FLASH_SR_PGAERR | FLASH_SR_PGPERR | FLASH_SR_PGSERR)

static const uint32_t s_addrs[NSECT] = {0x08008000u, 0x0800C000u, 0x08100000u,
                                        0x08104000u, 0x08108000u, 0x0810C000u};
static const uint8_t s_snbs[NSECT] = {2u, 3u, 0x10u, 0x11u, 0x12u, 0x13u};
static const struct stm32_flash_area s_area = {
    .regs = REGS,
    .sector_size = SECT,
    .count = NSECT,
    .addr = s_addrs,
    .snb = s_snbs,
};

/* ---- the model ------------------------------------------------------------ */

static uint8_t s_flash[FLASH_BYTES]; /* the array */
static uint8_t s_view[FLASH_BYTES];  /* what a read sees through the data cache */
static uint8_t s_want[FLASH_BYTES];  /* what the test expects the array to hold */

enum op { OP_NONE, OP_ERASE, OP_PROG };

static struct {
    uint32_t acr, sr, cr;
    int key_state;         /* 1: KEY1 written */
    bool lockout;          /* a wrong key: locked until reset */
    enum op op;            /* in progress while BSY */
    uint32_t op_addr, op_len, op_val;
    uint32_t op_err;       /* flags the op ends with instead of its effect */
    unsigned busy_left;    /* reads of FLASH_SR that still show BSY */
    unsigned busy_polls;   /* per operation */
    bool stuck;            /* BSY never clears */
    uint32_t wrp;          /* bit n: SNB n write protected */
    uint32_t inject_start; /* the next program/erase is refused with this flag */
    uint32_t inject_end;   /* the next program/erase ends with this flag, nothing done */
    /* counters */
    unsigned accesses;     /* any register or array access */
    unsigned sr_reads, unlocks, erases, programs, prog_writes;
    unsigned erased[32];   /* by SNB */
    unsigned flushes;      /* DCRST pulses */
    uint32_t acr_log[8];
    unsigned acr_writes;
    /* ranges changed since the data cache was last reset */
    uint32_t dirty_off[64], dirty_len[64];
    unsigned ndirty;
    bool dirty_all;
} m;

/* Sector SNB of the STM32F42x (RM0090 3.3 table 6: 4 x 16, 64, 7 x 128 KB
 * in each bank; bank 2's SNB are 0x10 + n). */
static bool snb_sector(unsigned snb, uint32_t *addr, uint32_t *size)
{
    uint32_t bank;
    unsigned n;
    if (snb < 12u) {
        bank = FLASH_BASE;
        n = snb;
    } else if (snb >= 16u && snb < 28u) {
        bank = FLASH_BASE + 0x100000u;
        n = snb - 16u;
    } else {
        return false;
    }
    if (n < 4u) {
        *addr = bank + n * 0x4000u;
        *size = 0x4000u;
    } else if (n == 4u) {
        *addr = bank + 0x10000u;
        *size = 0x10000u;
    } else {
        *addr = bank + 0x20000u + (n - 5u) * 0x20000u;
        *size = 0x20000u;
    }
    return true;
}

static unsigned addr_snb(uint32_t addr)
{
    for (unsigned snb = 0; snb < 28u; snb++) {
        uint32_t a, n;
        if (snb_sector(snb, &a, &n) && addr >= a && addr - a < n) {
            return snb;
        }
    }
    fail_msg("no sector at 0x%08x", (unsigned)addr);
    return 0;
}

static uint32_t off_of(uint32_t addr, uint32_t len)
{
    if (addr < FLASH_BASE || addr - FLASH_BASE > FLASH_BYTES || len > FLASH_BYTES - (addr - FLASH_BASE)) {
        fail_msg("flash access at 0x%08x+%u, outside the array", (unsigned)addr, (unsigned)len);
    }
    return addr - FLASH_BASE;
}

static void mark_dirty(uint32_t off, uint32_t len)
{
    if (m.ndirty < 64u) {
        m.dirty_off[m.ndirty] = off;
        m.dirty_len[m.ndirty++] = len;
    } else {
        m.dirty_all = true;
    }
}

static void cache_reset(void)
{
    if (m.dirty_all) {
        memcpy(s_view, s_flash, FLASH_BYTES);
    } else {
        for (unsigned i = 0; i < m.ndirty; i++) {
            memcpy(s_view + m.dirty_off[i], s_flash + m.dirty_off[i], m.dirty_len[i]);
        }
    }
    m.ndirty = 0;
    m.dirty_all = false;
}

/* Power on: registers at their reset values (LOCK set), the array kept,
 * the data cache empty; the board's ACR unless dcen is false. */
static void model_reset(bool dcen)
{
    memset(&m, 0, sizeof(m));
    m.cr = FLASH_CR_LOCK;
    m.acr = dcen ? ACR_BOARD : (ACR_BOARD & ~FLASH_ACR_DCEN);
    m.busy_polls = 3;
    memcpy(s_view, s_flash, FLASH_BYTES);
}

static void start_busy(enum op op, uint32_t addr, uint32_t len, uint32_t val)
{
    m.op = op;
    m.op_addr = addr;
    m.op_len = len;
    m.op_val = val;
    m.op_err = m.inject_end;
    m.inject_end = 0;
    m.busy_left = m.busy_polls;
    m.sr |= FLASH_SR_BSY;
}

static void complete(void)
{
    uint32_t off = off_of(m.op_addr, m.op_len);
    if (m.op_err != 0u) {
        m.sr |= m.op_err;
    } else if (m.op == OP_ERASE) {
        memset(s_flash + off, 0xFF, m.op_len);
        mark_dirty(off, m.op_len);
        m.erases++;
        m.erased[addr_snb(m.op_addr)]++;
    } else {
        uint32_t v;
        memcpy(&v, s_flash + off, 4);
        v &= m.op_val; /* NOR: a program only clears bits */
        memcpy(s_flash + off, &v, 4);
        mark_dirty(off, 4);
        m.programs++;
    }
    if (m.cr & CR_EOPIE) {
        m.sr |= FLASH_SR_EOP; /* EOP only with EOPIE (3.9, FLASH_SR) */
    }
    m.op = OP_NONE;
    m.sr &= ~FLASH_SR_BSY;
    m.cr &= ~FLASH_CR_STRT;
}

static void start_erase(void)
{
    uint32_t cr = m.cr;
    unsigned snb = (cr & CR_SNB_MASK) >> 3;
    uint32_t addr, size;
    if ((cr & (FLASH_CR_SER | FLASH_CR_PG | CR_MER | CR_MER1)) != FLASH_CR_SER) {
        fail_msg("STRT with CR 0x%08x: not a sector erase", (unsigned)cr);
    }
    if ((cr & CR_PSIZE_MASK) != FLASH_CR_PSIZE_X32) {
        fail_msg("erase with PSIZE %u, the board needs x32", (unsigned)((cr >> 8) & 3u));
    }
    if (!snb_sector(snb, &addr, &size)) {
        fail_msg("erase of SNB 0x%x: no such sector", snb);
    }
    if (m.wrp & (1u << snb)) {
        m.sr |= FLASH_SR_WRPERR;
        m.cr &= ~FLASH_CR_STRT;
        return;
    }
    if (m.inject_start != 0u) {
        m.sr |= m.inject_start;
        m.inject_start = 0;
        m.cr &= ~FLASH_CR_STRT;
        return;
    }
    start_busy(OP_ERASE, addr, size, 0);
}

uint32_t stm32_flash_fake_read(uintptr_t base, uint32_t off)
{
    assert_true(base == REGS);
    m.accesses++;
    switch (off) {
    case FLASH_ACR: return m.acr;
    case FLASH_CR: return m.cr;
    case FLASH_SR:
        m.sr_reads++;
        if ((m.sr & FLASH_SR_BSY) && !m.stuck) {
            if (m.busy_left == 0u) {
                complete();
            } else {
                m.busy_left--;
            }
        }
        return m.sr;
    default:
        fail_msg("read of FLASH offset 0x%x", (unsigned)off);
        return 0;
    }
}

void stm32_flash_fake_write(uintptr_t base, uint32_t off, uint32_t val)
{
    assert_true(base == REGS);
    m.accesses++;
    switch (off) {
    case FLASH_ACR:
        if ((m.acr & FLASH_ACR_DCEN) && (val & FLASH_ACR_DCRST)) {
            fail_msg("DCRST written with the data cache enabled (RM0090 3.5.2)");
        }
        if ((val & FLASH_ACR_DCEN) && (val & FLASH_ACR_DCRST)) {
            fail_msg("DCEN set with DCRST still held");
        }
        if ((val & FLASH_ACR_DCRST) && !(m.acr & FLASH_ACR_DCRST)) {
            cache_reset();
            m.flushes++;
        }
        if (m.acr_writes < 8u) {
            m.acr_log[m.acr_writes] = val;
        }
        m.acr_writes++;
        m.acr = val;
        break;
    case FLASH_KEYR:
        if (m.lockout) {
            break; /* a bus error on the chip; stays locked until reset */
        }
        if (!(m.cr & FLASH_CR_LOCK)) {
            m.lockout = true; /* a key when already unlocked: a wrong sequence */
            m.cr |= FLASH_CR_LOCK;
        } else if (m.key_state == 0 && val == FLASH_KEY1) {
            m.key_state = 1;
        } else if (m.key_state == 1 && val == FLASH_KEY2) {
            m.key_state = 0;
            m.cr &= ~FLASH_CR_LOCK;
            m.unlocks++;
        } else {
            m.lockout = true;
            m.key_state = 0;
        }
        break;
    case FLASH_SR:
        m.sr &= ~(val & (FLASH_SR_ERRORS | FLASH_SR_EOP)); /* rc_w1 */
        break;
    case FLASH_CR:
        if (m.sr & FLASH_SR_BSY) {
            fail_msg("FLASH_CR written (0x%08x) while BSY: the bus stalls (RM0090 3.6.1)", (unsigned)val);
        }
        if (m.cr & FLASH_CR_LOCK) {
            break; /* locked: not writable */
        }
        m.cr = val;
        if (val & FLASH_CR_STRT) {
            start_erase();
        }
        break;
    default:
        fail_msg("write of FLASH offset 0x%x", (unsigned)off);
    }
}

const void *stm32_flash_fake_mem(uint32_t addr)
{
    m.accesses++;
    if (m.sr & FLASH_SR_BSY) {
        fail_msg("flash read at 0x%08x while BSY", (unsigned)addr);
    }
    uint32_t off = off_of(addr, 1);
    return (m.acr & FLASH_ACR_DCEN) ? &s_view[off] : &s_flash[off];
}

void stm32_flash_fake_prog32(uint32_t addr, uint32_t val)
{
    m.accesses++;
    m.prog_writes++;
    if (m.sr & FLASH_SR_BSY) {
        fail_msg("flash written at 0x%08x while BSY", (unsigned)addr);
    }
    (void)off_of(addr & ~3u, 4);
    if (!(m.cr & FLASH_CR_PG) || (m.cr & FLASH_CR_LOCK) || (m.cr & (FLASH_CR_SER | CR_MER | CR_MER1))) {
        m.sr |= FLASH_SR_PGSERR; /* a write to the array without PG */
    } else if (m.sr & PROG_ERRS) {
        m.sr |= FLASH_SR_PGSERR; /* flags of an earlier program not cleared */
    } else if (addr & 3u) {
        m.sr |= FLASH_SR_PGAERR;
    } else if ((m.cr & CR_PSIZE_MASK) != FLASH_CR_PSIZE_X32) {
        m.sr |= FLASH_SR_PGPERR; /* a word written with another PSIZE */
    } else if (m.wrp & (1u << addr_snb(addr))) {
        m.sr |= FLASH_SR_WRPERR;
    } else if (m.inject_start != 0u) {
        m.sr |= m.inject_start;
        m.inject_start = 0;
    } else {
        start_busy(OP_PROG, addr, 4, val);
    }
}

/* ---- helpers --------------------------------------------------------------- */

static uint8_t pattern(uint32_t addr)
{
    uint32_t x = addr * 2654435761u;
    return (uint8_t)(x >> 24);
}

/* Array: a pattern everywhere, the area erased unless fill_area. */
static void fill(bool fill_area)
{
    for (uint32_t i = 0; i < FLASH_BYTES; i++) {
        s_flash[i] = pattern(FLASH_BASE + i);
    }
    if (!fill_area) {
        for (unsigned k = 0; k < NSECT; k++) {
            memset(s_flash + (s_addrs[k] - FLASH_BASE), 0xFF, SECT);
        }
    }
    memcpy(s_want, s_flash, FLASH_BYTES);
}

static void setup_dcen(bool dcen, bool fill_area)
{
    fill(fill_area);
    model_reset(dcen);
    stm32_flash_attach(&s_area);
    struct hal_flash_geometry g;
    assert_int_equal(hal_flash_init(&g), APP_OK);
    assert_int_equal(m.accesses, 0);
}

static int setup(void **state)
{
    (void)state;
    setup_dcen(true, true);
    return 0;
}

static uint8_t *want_at(uint32_t area_addr)
{
    return &s_want[s_addrs[area_addr / SECT] - FLASH_BASE + area_addr % SECT];
}

/* The array holds exactly s_want (every byte of the 2 MB). */
static void expect_array(void)
{
    if (memcmp(s_flash, s_want, FLASH_BYTES) != 0) {
        for (uint32_t i = 0; i < FLASH_BYTES; i++) {
            if (s_flash[i] != s_want[i]) {
                fail_msg("array at 0x%08x is 0x%02x, expected 0x%02x", (unsigned)(FLASH_BASE + i),
                         s_flash[i], s_want[i]);
            }
        }
    }
}

/* After every call: idle, locked, no flag left, the cache not stale. */
static void expect_idle_locked(void)
{
    assert_false(m.sr & FLASH_SR_BSY);
    assert_true(m.cr & FLASH_CR_LOCK);
    assert_int_equal(m.sr & (FLASH_SR_ERRORS | FLASH_SR_EOP), 0);
    if (m.acr & FLASH_ACR_DCEN) {
        assert_int_equal(m.ndirty, 0);
        assert_false(m.dirty_all);
    }
}

/* The area read through the driver equals s_want. */
static void expect_area_reads(void)
{
    static uint8_t b[AREA];
    assert_int_equal(hal_flash_read(0, b, AREA), APP_OK);
    for (uint32_t a = 0; a < AREA; a++) {
        if (b[a] != *want_at(a)) {
            fail_msg("read at area 0x%05x gave 0x%02x, expected 0x%02x", (unsigned)a, b[a], *want_at(a));
        }
    }
}

static int program(uint32_t addr, const void *p, size_t n)
{
    int rc = hal_flash_program(addr, p, n);
    if (rc == APP_OK) {
        const uint8_t *q = p;
        for (size_t i = 0; i < n; i++) {
            *want_at(addr + (uint32_t)i) &= q[i];
        }
    }
    return rc;
}

static int erase(uint32_t addr)
{
    int rc = hal_flash_erase(addr);
    if (rc == APP_OK) {
        memset(want_at(addr), 0xFF, SECT);
    }
    return rc;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_init_geometry(void **state)
{
    (void)state;
    struct hal_flash_geometry g;
    stm32_flash_attach(&s_area);
    assert_int_equal(hal_flash_init(&g), APP_OK);
    assert_int_equal(g.sector_size, SECT);
    assert_int_equal(g.sector_count, NSECT);
    assert_int_equal(g.program_unit, 4);
    stm32_flash_attach(NULL);
    assert_int_equal(hal_flash_init(&g), APP_ERR_NODEV);
    struct stm32_flash_area odd = s_area;
    odd.sector_size = 0x3000u;
    stm32_flash_attach(&odd);
    assert_int_equal(hal_flash_init(&g), APP_ERR_NODEV);
    odd = s_area;
    odd.count = 0;
    stm32_flash_attach(&odd);
    assert_int_equal(hal_flash_init(&g), APP_ERR_NODEV);
    stm32_flash_attach(&s_area);
    assert_int_equal(m.accesses, 0);
}

/* Before hal_flash_init (attached or not, or after a failed init) every
 * call is APP_ERR_STATE and touches nothing. Regression: with no area
 * attached, the range check read through a NULL area before looking at
 * s_ready. */
static void test_before_init(void **state)
{
    (void)state;
    uint8_t b[8] = {0};
    struct hal_flash_geometry g;
    stm32_flash_attach(NULL);
    assert_int_equal(hal_flash_read(0, b, 4), APP_ERR_STATE);
    assert_int_equal(hal_flash_program(0, b, 4), APP_ERR_STATE);
    assert_int_equal(hal_flash_erase(0), APP_ERR_STATE);
    assert_int_equal(hal_flash_init(&g), APP_ERR_NODEV);
    assert_int_equal(hal_flash_read(0, b, 4), APP_ERR_STATE);
    stm32_flash_attach(&s_area);
    assert_int_equal(hal_flash_read(0, b, 4), APP_ERR_STATE);
    assert_int_equal(hal_flash_program(4, b, 4), APP_ERR_STATE);
    assert_int_equal(hal_flash_erase(SECT), APP_ERR_STATE);
    assert_int_equal(m.accesses, 0);
    assert_int_equal(hal_flash_init(&g), APP_OK);
    assert_int_equal(hal_flash_read(0, b, 4), APP_OK);
}

/* Out of the area or unaligned: APP_ERR_INVAL, no register or array
 * access at all. */
static void test_invalid_args(void **state)
{
    (void)state;
    uint8_t b[16] = {0};
    assert_int_equal(hal_flash_read(AREA - 3u, b, 4), APP_ERR_INVAL);
    assert_int_equal(hal_flash_read(AREA, b, 1), APP_ERR_INVAL);
    assert_int_equal(hal_flash_read(0xFFFFFFFFu, b, 2), APP_ERR_INVAL);
    assert_int_equal(hal_flash_program(2, b, 4), APP_ERR_INVAL);
    assert_int_equal(hal_flash_program(4, b, 6), APP_ERR_INVAL);
    assert_int_equal(hal_flash_program(AREA - 4u, b, 8), APP_ERR_INVAL);
    assert_int_equal(hal_flash_program(AREA, b, 4), APP_ERR_INVAL);
    assert_int_equal(hal_flash_erase(0x100u), APP_ERR_INVAL);
    assert_int_equal(hal_flash_erase(SECT + 4u), APP_ERR_INVAL);
    assert_int_equal(hal_flash_erase(AREA), APP_ERR_INVAL);
    assert_int_equal(hal_flash_erase(0xFFFFC000u), APP_ERR_INVAL);
    assert_int_equal(m.accesses, 0);
    assert_int_equal(hal_flash_read(AREA, b, 0), APP_OK); /* empty, at the end */
    expect_array();
}

/* Reads map area offsets to the right sectors, across the 960 KB gap
 * between sector 3 and sector 12 too, and touch no register. */
static void test_read_across_gap(void **state)
{
    (void)state;
    expect_area_reads();
    uint8_t b[64];
    assert_int_equal(hal_flash_read(2u * SECT - 32u, b, sizeof(b)), APP_OK);
    for (uint32_t i = 0; i < 32u; i++) {
        assert_int_equal(b[i], pattern(0x0800FFE0u + i));
        assert_int_equal(b[32u + i], pattern(0x08100000u + i));
    }
    assert_int_equal(hal_flash_read(SECT - 1u, b, 2), APP_OK);
    assert_int_equal(b[0], pattern(0x0800BFFFu));
    assert_int_equal(b[1], pattern(0x0800C000u));
    assert_int_equal(hal_flash_read(AREA - 1u, b, 1), APP_OK);
    assert_int_equal(b[0], pattern(0x0810FFFFu));
    assert_int_equal(m.sr_reads, 0);
    assert_int_equal(m.unlocks, 0);
}

/* Each area sector erases exactly the chip sector its SNB names (bank 1
 * and bank 2), through BSY, unlocked by the keys and locked again; not a
 * byte elsewhere in the 2 MB changes. */
static void test_erase_exact_sector(void **state)
{
    (void)state;
    m.busy_polls = 7;
    for (unsigned k = 0; k < NSECT; k++) {
        unsigned reads = m.sr_reads;
        assert_int_equal(erase(k * SECT), APP_OK);
        expect_idle_locked();
        expect_array();
        assert_int_equal(m.erased[s_snbs[k]], 1);
        assert_int_equal(m.erases, k + 1u);
        assert_int_equal(m.unlocks, k + 1u);
        assert_true(m.sr_reads - reads >= 8u); /* waited out BSY */
        expect_area_reads();
    }
    for (unsigned snb = 0; snb < 32u; snb++) {
        assert_int_equal(m.erased[snb], (snb == 2u || snb == 3u || (snb >= 0x10u && snb <= 0x13u)) ? 1 : 0);
    }
}

/* A program ANDs into the array (a second program only clears bits), one
 * 32-bit write per changed word, including across the gap between
 * sectors 3 and 12. */
static void test_program_and(void **state)
{
    (void)state;
    setup_dcen(true, false); /* the area erased, the rest a pattern */
    uint8_t a[16], b[16];
    for (unsigned i = 0; i < sizeof(a); i++) {
        a[i] = (uint8_t)(0xF0u | i);
        b[i] = (uint8_t)(0x3Cu + 17u * i);
    }
    assert_int_equal(program(64, a, sizeof(a)), APP_OK);
    expect_idle_locked();
    assert_int_equal(program(64, b, sizeof(b)), APP_OK);
    expect_idle_locked();
    expect_array();
    assert_int_equal(*want_at(64), 0xF0u & 0x3Cu);
    /* 8 bytes before the gap, 8 after */
    assert_int_equal(program(2u * SECT - 8u, a, sizeof(a)), APP_OK);
    expect_idle_locked();
    expect_array();
    assert_int_equal(s_flash[0x0800FFF8u - FLASH_BASE], a[0]);
    assert_int_equal(s_flash[0x08100007u - FLASH_BASE], a[15]);
    assert_int_equal(s_flash[0x08010000u - FLASH_BASE], pattern(0x08010000u)); /* sector 4 untouched */
    /* the last word of the area */
    assert_int_equal(program(AREA - 4u, b, 4), APP_OK);
    expect_array();
    expect_area_reads();
    assert_int_equal(m.unlocks, 4);
}

/* Words that would not change (new & old == old) get no program cycle:
 * all-ones, and words equal to what is there. */
static void test_program_skips_unchanged_words(void **state)
{
    (void)state;
    setup_dcen(true, false);
    uint8_t ones[32];
    memset(ones, 0xFF, sizeof(ones));
    assert_int_equal(program(0, ones, sizeof(ones)), APP_OK);
    assert_int_equal(m.prog_writes, 0);
    uint32_t w[4] = {0x12345678u, 0xFFFFFFFFu, 0x00FF00FFu, 0xA5A5A5A5u};
    assert_int_equal(program(SECT, w, sizeof(w)), APP_OK);
    assert_int_equal(m.prog_writes, 3);
    assert_int_equal(m.programs, 3);
    /* Again: nothing left to clear. */
    assert_int_equal(program(SECT, w, sizeof(w)), APP_OK);
    assert_int_equal(m.prog_writes, 3);
    /* Ones where there are zeros change nothing either; one new bit does. */
    uint32_t x[4] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFF00FFu, 0xA5A5A5A4u};
    assert_int_equal(program(SECT, x, sizeof(x)), APP_OK);
    assert_int_equal(m.prog_writes, 4);
    expect_idle_locked();
    expect_array();
    uint32_t got[4];
    assert_int_equal(hal_flash_read(SECT, got, sizeof(got)), APP_OK);
    assert_int_equal(got[3], 0xA5A5A5A4u);
    assert_int_equal(got[2], 0x00FF00FFu);
}

/* A wrong key (say a stray write) locks FLASH_CR until reset: every
 * erase and program fails with APP_ERR_IO and changes nothing; after a
 * reset the same calls work. */
static void test_wrong_key_locks_until_reset(void **state)
{
    (void)state;
    stm32_flash_fake_write(REGS, FLASH_KEYR, 0x12345678u);
    assert_true(m.lockout);
    uint32_t w = 0x11223344u;
    assert_int_equal(hal_flash_erase(2u * SECT), APP_ERR_IO);
    assert_int_equal(hal_flash_program(8, &w, 4), APP_ERR_IO);
    assert_int_equal(m.erases + m.programs, 0);
    expect_idle_locked();
    expect_array();
    /* KEY1 alone, then something else, is wrong too. */
    model_reset(true);
    stm32_flash_fake_write(REGS, FLASH_KEYR, FLASH_KEY1);
    stm32_flash_fake_write(REGS, FLASH_KEYR, FLASH_KEY1);
    assert_int_equal(hal_flash_erase(2u * SECT), APP_ERR_IO);
    assert_int_equal(m.erases, 0);
    model_reset(true);
    assert_int_equal(erase(2u * SECT), APP_OK);
    assert_int_equal(program(2u * SECT + 8u, &w, 4), APP_OK);
    expect_idle_locked();
    expect_array();
    assert_int_equal(m.unlocks, 2);
}

/* The medium's errors: WRPERR on a protected sector, PGSERR, OPERR. Each
 * call returns APP_ERR_IO, leaves no flag set and the interface locked,
 * and the next call works. Flags left from before a call (a PGSERR from a
 * stray write would refuse the next program) are cleared first. */
static void test_injected_errors(void **state)
{
    (void)state;
    setup_dcen(true, false);
    uint32_t w[2] = {0x5A5A5A5Au, 0x0F0F0F0Fu};
    /* write protection of sector 13 (area sector 3) */
    m.wrp = 1u << 0x11;
    assert_int_equal(hal_flash_erase(3u * SECT), APP_ERR_IO);
    expect_idle_locked();
    assert_int_equal(hal_flash_program(3u * SECT + 16u, w, sizeof(w)), APP_ERR_IO);
    expect_idle_locked();
    expect_array();
    assert_int_equal(erase(4u * SECT), APP_OK);
    assert_int_equal(program(4u * SECT, w, sizeof(w)), APP_OK);
    m.wrp = 0;
    /* PGSERR refusing a program */
    m.inject_start = FLASH_SR_PGSERR;
    assert_int_equal(hal_flash_program(0, w, sizeof(w)), APP_ERR_IO);
    expect_idle_locked();
    expect_array();
    assert_int_equal(program(0, w, sizeof(w)), APP_OK);
    /* OPERR at the end of an erase and of a program */
    m.inject_end = FLASH_SR_OPERR;
    assert_int_equal(hal_flash_erase(5u * SECT), APP_ERR_IO);
    expect_idle_locked();
    m.inject_end = FLASH_SR_OPERR;
    assert_int_equal(hal_flash_program(5u * SECT, w, sizeof(w)), APP_ERR_IO);
    expect_idle_locked();
    expect_array();
    /* an erase refused with PGSERR */
    m.inject_start = FLASH_SR_PGSERR;
    assert_int_equal(hal_flash_erase(5u * SECT), APP_ERR_IO);
    expect_idle_locked();
    /* flags from before: cleared by the driver, the program works */
    m.sr |= FLASH_SR_PGSERR | FLASH_SR_PGPERR | FLASH_SR_EOP | FLASH_SR_RDERR;
    assert_int_equal(program(5u * SECT + 8u, w, sizeof(w)), APP_OK);
    expect_idle_locked();
    m.sr |= FLASH_SR_WRPERR;
    assert_int_equal(erase(5u * SECT), APP_OK);
    expect_idle_locked();
    expect_array();
    expect_area_reads();
}

/* With DCEN on, every erase and program ends with DCEN off, a DCRST
 * pulse, DCEN back on, the other ACR bits kept; reads then see the new
 * bytes (the model's cache would serve the old ones). With DCEN off, ACR
 * is not written. */
static void test_data_cache_flush(void **state)
{
    (void)state;
    const uint32_t off = ACR_BOARD & ~FLASH_ACR_DCEN;
    uint32_t w = 0x00000000u;
    uint8_t b[4];
    assert_int_equal(hal_flash_read(0, b, 4), APP_OK); /* a read flushes nothing */
    assert_int_equal(m.acr_writes, 0);
    assert_int_equal(erase(0), APP_OK);
    assert_int_equal(m.acr_writes, 4);
    assert_int_equal(m.acr_log[0], off);
    assert_int_equal(m.acr_log[1], off | FLASH_ACR_DCRST);
    assert_int_equal(m.acr_log[2], off);
    assert_int_equal(m.acr_log[3], ACR_BOARD);
    assert_int_equal(m.acr, ACR_BOARD);
    assert_int_equal(m.flushes, 1);
    assert_int_equal(hal_flash_read(0, b, 4), APP_OK);
    assert_int_equal(b[0], 0xFF);
    assert_int_equal(program(0, &w, 4), APP_OK);
    assert_int_equal(m.flushes, 2);
    assert_int_equal(m.acr, ACR_BOARD);
    assert_int_equal(hal_flash_read(0, b, 4), APP_OK);
    assert_int_equal(b[0], 0x00);
    expect_idle_locked();

    setup_dcen(false, true);
    assert_int_equal(erase(SECT), APP_OK);
    assert_int_equal(program(SECT, &w, 4), APP_OK);
    assert_int_equal(m.acr_writes, 0);
    assert_int_equal(m.acr, off);
    expect_array();
    expect_area_reads();
}

/* BSY held for many reads: the driver waits it out every time. */
static void test_long_busy(void **state)
{
    (void)state;
    m.busy_polls = STM32_FLASH_PROGRAM_POLLS - 10u;
    uint8_t b[64];
    memset(b, 0x42, sizeof(b));
    assert_int_equal(erase(SECT), APP_OK);
    assert_int_equal(program(SECT, b, sizeof(b)), APP_OK);
    assert_int_equal(m.programs, 16);
    expect_idle_locked();
    expect_array();
}

/* BSY that does not clear: APP_ERR_TIMEOUT after a bounded number of
 * reads of FLASH_SR and no FLASH_CR write while BSY (the model fails the
 * test on one: the bus would stall, unbounded). Once BSY clears, the next
 * call finishes the wait, and locks again. Regression: end() used to lock
 * (write FLASH_CR) right after the timeout. */
static void test_stuck_busy_times_out(void **state)
{
    (void)state;
    m.stuck = true;
    assert_int_equal(hal_flash_erase(SECT), APP_ERR_TIMEOUT);
    assert_true(m.sr_reads <= STM32_FLASH_ERASE_POLLS + 3u);
    assert_int_equal(m.erases, 0);
    /* stuck before the call: not even unlocked */
    unsigned unlocks = m.unlocks;
    unsigned reads = m.sr_reads;
    uint32_t w = 0;
    assert_int_equal(hal_flash_program(0, &w, 4), APP_ERR_TIMEOUT);
    assert_true(m.sr_reads - reads <= STM32_FLASH_ERASE_POLLS + 3u);
    assert_int_equal(m.unlocks, unlocks);
    assert_int_equal(m.prog_writes, 0);
    /* BSY clears: the erase lands, the next program works and locks. */
    m.stuck = false;
    memset(want_at(SECT), 0xFF, SECT);
    assert_int_equal(program(SECT, &w, 4), APP_OK);
    expect_idle_locked();
    expect_array();
    /* a program whose BSY sticks */
    m.stuck = true;
    reads = m.sr_reads;
    uint32_t v = 0x0000FFFFu;
    assert_int_equal(hal_flash_program(SECT + 4u, &v, 4), APP_ERR_TIMEOUT);
    assert_true(m.sr_reads - reads <= STM32_FLASH_PROGRAM_POLLS + 3u);
    m.stuck = false;
    *want_at(SECT + 6u) = 0; /* v's two high bytes, once it lands */
    *want_at(SECT + 7u) = 0;
    assert_int_equal(erase(2u * SECT), APP_OK);
    expect_idle_locked();
    expect_array();
}

/* ---- the store over driver and model ------------------------------------------ */

#define CAT "73eb2497-3b88-4c0a-8bb3-68ba8162beff"
#define RES "99ab2454-3b88-4c0a-8bb3-68ba8162beff"

static uint8_t fpat(uint32_t seed, uint32_t i)
{
    return (uint8_t)(seed * 29u + i * 13u + (i >> 9));
}

static int add_session(const char *id)
{
    struct store_session_in in = {
        .catalog_id = CAT,
        .catalog_id_len = strlen(CAT),
        .resource_id = RES,
        .resource_id_len = strlen(RES),
        .id = id,
        .id_len = strlen(id),
        .reference_id = id,
        .reference_id_len = strlen(id),
        .data = "review",
        .data_len = 6,
        .created_ms = 1000,
        .expiration_ms = 2000,
    };
    return store_session_add(&in, NULL);
}

static const struct store_session *find_session(const char *id)
{
    const struct store_session *s = NULL;
    if (store_find(CAT, strlen(CAT), RES, strlen(RES), id, strlen(id), &s, NULL) != APP_OK) {
        return NULL;
    }
    return s;
}

static void write_file(const char *id, const char *name, uint32_t size, uint32_t seed)
{
    static struct store_writer w;
    const struct store_session *s = find_session(id);
    assert_non_null(s);
    assert_int_equal(store_file_begin(&w, store_session_index(s), name, strlen(name)), APP_OK);
    uint8_t b[301];
    for (uint32_t off = 0; off < size;) {
        uint32_t k = 1u + (off * 5u + 11u) % (uint32_t)sizeof(b);
        k = size - off < k ? size - off : k;
        for (uint32_t j = 0; j < k; j++) {
            b[j] = fpat(seed, off + j);
        }
        assert_int_equal(store_file_write(&w, b, k), APP_OK);
        off += k;
    }
    assert_int_equal(store_file_commit(&w, NULL, 1500, NULL), APP_OK);
}

static void check_file(const char *id, uint32_t size, uint32_t seed)
{
    const struct store_session *s = find_session(id);
    assert_non_null(s);
    assert_int_equal(store_session_file_count(s), 1);
    assert_int_equal(store_file_verify(s, 0), APP_OK);
    uint8_t b[512];
    uint32_t off = 0;
    for (;;) {
        int got = store_file_read(s, 0, off, b, sizeof(b));
        assert_true(got >= 0);
        if (got == 0) {
            break;
        }
        for (int j = 0; j < got; j++) {
            assert_int_equal(b[j], fpat(seed, off + (uint32_t)j));
        }
        off += (uint32_t)got;
    }
    assert_int_equal(off, size);
}

static unsigned s_store_erases;

static void remount(uint32_t seed)
{
    s_store_erases += m.erases;
    model_reset(true); /* a reboot: interface locked, cache empty */
    stm32_flash_attach(&s_area);
    store_reset();
    assert_int_equal(store_mount(seed), APP_OK);
}

/* Create, write files that span sectors, delete, remount: the store works
 * over the driver with BSY, locking and the data cache, and never touches
 * a byte outside the six sectors. */
static void test_store_over_driver(void **state)
{
    (void)state;
    setup_dcen(true, false);
    remount(1); /* formats the erased area */
    /* Session c has one file of sizes[c % 6] bytes; session c - 2 is
     * deleted first, so that at most three 16 KB data sectors are live
     * (six, less one for the metadata log and APP_STORE_RESERVE). Twelve
     * cycles: the allocator goes round and erases used sectors. */
    static const uint32_t sizes[6] = {6000u, 20000u, 9000u, 14000u, 3000u, 17000u};
    enum { CYCLES = 12 };
    char ids[CYCLES][4];
    for (unsigned c = 0; c < CYCLES; c++) {
        snprintf(ids[c], sizeof(ids[c]), "S%u", c);
        if (c >= 2u) {
            const struct store_session *s = find_session(ids[c - 2u]);
            assert_non_null(s);
            assert_int_equal(store_session_delete(store_session_index(s)), APP_OK);
        }
        assert_int_equal(add_session(ids[c]), APP_OK);
        write_file(ids[c], "data.csv", sizes[c % 6u], c + 1u);
        expect_idle_locked();
        remount(c + 2u);
        for (unsigned k = 0; k <= c; k++) {
            if (k + 2u > c) {
                check_file(ids[k], sizes[k % 6u], k + 1u);
            } else {
                assert_null(find_session(ids[k]));
            }
        }
        assert_int_equal(store_count(), c == 0u ? 1 : 2);
    }
    /* Nothing outside the area changed. */
    for (uint32_t i = 0; i < FLASH_BYTES; i++) {
        uint32_t a = FLASH_BASE + i;
        bool in = false;
        for (unsigned k = 0; k < NSECT; k++) {
            in = in || (a >= s_addrs[k] && a - s_addrs[k] < SECT);
        }
        if (!in && s_flash[i] != pattern(a)) {
            fail_msg("the store changed 0x%08x, outside its area", (unsigned)a);
        }
    }
    /* Every sector was erased at least once (the allocator went round). */
    s_store_erases += m.erases;
    assert_true(s_store_erases >= NSECT);
    print_message("store over the driver: %d cycles, %u sector erases\n", CYCLES, s_store_erases);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_geometry),
        cmocka_unit_test(test_before_init),
        cmocka_unit_test_setup(test_invalid_args, setup),
        cmocka_unit_test_setup(test_read_across_gap, setup),
        cmocka_unit_test_setup(test_erase_exact_sector, setup),
        cmocka_unit_test_setup(test_program_and, setup),
        cmocka_unit_test_setup(test_program_skips_unchanged_words, setup),
        cmocka_unit_test_setup(test_wrong_key_locks_until_reset, setup),
        cmocka_unit_test_setup(test_injected_errors, setup),
        cmocka_unit_test_setup(test_data_cache_flush, setup),
        cmocka_unit_test_setup(test_long_busy, setup),
        cmocka_unit_test_setup(test_stuck_busy_times_out, setup),
        cmocka_unit_test_setup(test_store_over_driver, setup),
    };
    return cmocka_run_group_tests_name("stm32_flash", tests, NULL, NULL);
}
