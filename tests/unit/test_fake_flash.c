/* The simulated NOR flash the store's power-cut tests stand on
 * (fake_flash.h): NOR AND semantics, the hal_flash argument checks,
 * counters, power cuts with each tear, power-on, reprogram counting, and
 * the worn cell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app_err.h"
#include "fake_flash.h"
#include "hal_flash.h"

#define SECTOR 4096u
#define SECTORS 4u
#define UNIT 4u

static int setup(void **state)
{
    (void)state;
    fake_flash_setup(SECTOR, SECTORS, UNIT);
    return 0;
}

static bool all_ff(uint32_t addr, size_t len)
{
    const uint8_t *m = fake_flash_mem() + addr;
    for (size_t i = 0; i < len; i++) {
        if (m[i] != 0xFFu) {
            return false;
        }
    }
    return true;
}

static void test_fresh_device_is_erased(void **state)
{
    (void)state;
    struct hal_flash_geometry g;
    assert_int_equal(hal_flash_init(&g), APP_OK);
    assert_int_equal(g.sector_size, SECTOR);
    assert_int_equal(g.sector_count, SECTORS);
    assert_int_equal(g.program_unit, UNIT);
    assert_int_equal(fake_flash_size(), SECTOR * SECTORS);
    assert_true(all_ff(0, fake_flash_size()));
    assert_int_equal(fake_flash_ops(), 0);
    assert_false(fake_flash_is_off());
}

static void test_program_ands_and_erase_sets_ff(void **state)
{
    (void)state;
    const uint8_t a[8] = {0xF0, 0x0F, 0xAA, 0x55, 0x00, 0xFF, 0x81, 0x7E};
    const uint8_t b[8] = {0x3C, 0x3C, 0xFF, 0x00, 0xFF, 0x12, 0xFF, 0x00};
    uint8_t got[8];
    assert_int_equal(hal_flash_program(SECTOR + 8u, a, sizeof(a)), APP_OK);
    assert_int_equal(hal_flash_program(SECTOR + 8u, b, sizeof(b)), APP_OK);
    assert_int_equal(hal_flash_read(SECTOR + 8u, got, sizeof(got)), APP_OK);
    for (size_t i = 0; i < sizeof(a); i++) {
        assert_int_equal(got[i], a[i] & b[i]); /* bits only go 1 -> 0 */
    }
    assert_true(all_ff(0, SECTOR + 8u));
    assert_true(all_ff(SECTOR + 16u, fake_flash_size() - SECTOR - 16u));
    assert_int_equal(hal_flash_erase(SECTOR), APP_OK);
    assert_true(all_ff(0, fake_flash_size()));
    assert_int_equal(fake_flash_ops(), 3);
    assert_int_equal(fake_flash_erase_count(1), 1);
    assert_int_equal(fake_flash_erase_count(0), 0);
    assert_int_equal(fake_flash_erase_count(SECTORS), 0); /* out of range */
}

/* One line a case: the call, its address and length, what it returns. */
static const struct {
    char op; /* 'r' read, 'p' program, 'e' erase */
    uint32_t addr;
    size_t len;
    int want;
} k_args[] = {
    {'r', 0, 0, APP_OK},
    {'r', SECTOR * SECTORS - 1u, 1, APP_OK},      /* last byte */
    {'r', SECTOR * SECTORS - 1u, 2, APP_ERR_INVAL}, /* one past the end */
    {'r', SECTOR * SECTORS, 0, APP_OK},            /* empty, at the end */
    {'r', SECTOR * SECTORS + 1u, 0, APP_ERR_INVAL},
    {'r', UINT32_MAX, 2, APP_ERR_INVAL},           /* wraps */
    {'r', 3, 5, APP_OK},                           /* reads need no alignment */
    {'p', 0, 4, APP_OK},
    {'p', 0, 0, APP_OK},
    {'p', 2, 4, APP_ERR_INVAL},                    /* address not aligned */
    {'p', 4, 6, APP_ERR_INVAL},                    /* length not aligned */
    {'p', SECTOR * SECTORS - 4u, 4, APP_OK},
    {'p', SECTOR * SECTORS - 4u, 8, APP_ERR_INVAL},
    {'p', SECTOR * SECTORS, 4, APP_ERR_INVAL},
    {'p', UINT32_MAX - 3u, 4, APP_ERR_INVAL},
    {'e', 0, 0, APP_OK},
    {'e', SECTOR * (SECTORS - 1u), 0, APP_OK},
    {'e', SECTOR * SECTORS, 0, APP_ERR_INVAL},     /* past the area */
    {'e', 4, 0, APP_ERR_INVAL},                    /* not a sector start */
    {'e', UINT32_MAX, 0, APP_ERR_INVAL},
};

static void test_argument_checks(void **state)
{
    (void)state;
    uint8_t buf[16];
    long ops = 0;
    memset(buf, 0, sizeof(buf));
    for (size_t i = 0; i < sizeof(k_args) / sizeof(k_args[0]); i++) {
        int got = k_args[i].op == 'r'   ? hal_flash_read(k_args[i].addr, buf, k_args[i].len)
                  : k_args[i].op == 'p' ? hal_flash_program(k_args[i].addr, buf, k_args[i].len)
                                        : hal_flash_erase(k_args[i].addr);
        if (got != k_args[i].want) {
            fail_msg("case %zu: %c 0x%x len %zu: %d, want %d", i, k_args[i].op,
                     (unsigned)k_args[i].addr, k_args[i].len, got, k_args[i].want);
        }
        ops += k_args[i].op != 'r' && got == APP_OK;
    }
    /* Refused calls are not ops and change nothing they were refused for. */
    assert_int_equal(fake_flash_ops(), ops);
}

static void test_reprogram_counting(void **state)
{
    (void)state;
    const uint8_t ones[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    const uint8_t v1[4] = {0xF0, 0xFF, 0xFF, 0xFF};
    const uint8_t zero[4] = {0x00, 0xFF, 0xFF, 0xFF};
    const uint8_t v2[4] = {0xFF, 0xF0, 0xFF, 0xFF};
    const uint8_t v3[4] = {0xFF, 0x30, 0xFF, 0xFF};
    assert_int_equal(hal_flash_program(0, v1, 4), APP_OK);   /* from 0xFF: fine */
    assert_int_equal(hal_flash_program(0, ones, 4), APP_OK); /* clears nothing */
    assert_int_equal(hal_flash_program(0, v1, 4), APP_OK);   /* same again: nothing cleared */
    assert_int_equal(hal_flash_program(0, zero, 4), APP_OK); /* to 0x00: a "kill" write, fine */
    assert_int_equal(fake_flash_reprograms(), 0);
    assert_int_equal(hal_flash_program(0, v2, 4), APP_OK);
    assert_int_equal(hal_flash_program(0, v3, 4), APP_OK); /* 0xF0 -> 0x30: corrupting */
    assert_int_equal(fake_flash_reprograms(), 1);
    assert_int_equal(fake_flash_mem()[1], 0x30);
}

/* Program 16 bytes of 0x00 at 0 after `before` good ops, the cut set at
 * `before`: returns how many of the 16 bytes the torn program cleared. */
static size_t torn_program(enum fake_flash_tear tear, uint32_t seed, long before)
{
    const uint8_t zero[16] = {0};
    fake_flash_setup(SECTOR, SECTORS, UNIT);
    fake_flash_cut_after(before, tear, seed);
    for (long i = 0; i < before; i++) {
        assert_int_equal(hal_flash_program(SECTOR + 4u * (uint32_t)i, zero, 4), APP_OK);
    }
    assert_false(fake_flash_is_off());
    assert_int_equal(hal_flash_program(0, zero, sizeof(zero)), APP_ERR_IO);
    assert_true(fake_flash_is_off());
    assert_int_equal(fake_flash_ops(), before);
    size_t cleared = 0;
    for (size_t i = 0; i < sizeof(zero); i++) {
        uint8_t b = fake_flash_mem()[i];
        assert_true(b == 0x00u || b == 0xFFu); /* each byte old or old & new */
        cleared += b == 0x00u;
    }
    return cleared;
}

static void test_cut_tears_a_program(void **state)
{
    (void)state;
    assert_int_equal(torn_program(FAKE_FLASH_TEAR_NONE, 1, 0), 0);
    assert_int_equal(torn_program(FAKE_FLASH_TEAR_NONE, 1, 3), 0);
    /* PREFIX: the cleared bytes are a prefix; over seeds, lengths vary. */
    bool seen_short = false, seen_long = false;
    for (uint32_t seed = 1; seed <= 40; seed++) {
        size_t n = torn_program(FAKE_FLASH_TEAR_PREFIX, seed, 2);
        for (size_t i = 0; i < 16u; i++) {
            assert_int_equal(fake_flash_mem()[i], i < n ? 0x00 : 0xFF);
        }
        seen_short |= n < 8u;
        seen_long |= n >= 8u;
    }
    assert_true(seen_short && seen_long);
    /* RANDOM: some bytes programmed and some not, not only as a prefix. */
    bool seen_gap = false;
    for (uint32_t seed = 1; seed <= 40; seed++) {
        (void)torn_program(FAKE_FLASH_TEAR_RANDOM, seed, 1);
        for (size_t i = 1; i < 16u; i++) {
            seen_gap |= fake_flash_mem()[i - 1] == 0xFFu && fake_flash_mem()[i] == 0x00u;
        }
    }
    assert_true(seen_gap);
    /* Deterministic: the same seed tears the same way. */
    size_t a = torn_program(FAKE_FLASH_TEAR_RANDOM, 77, 0);
    uint8_t first[16];
    memcpy(first, fake_flash_mem(), sizeof(first));
    assert_int_equal(torn_program(FAKE_FLASH_TEAR_RANDOM, 77, 0), a);
    assert_memory_equal(fake_flash_mem(), first, sizeof(first));
}

/* Sector 1 programmed to 0x00, then an erase of it cut after `before`
 * good erases of sector 0. */
static void torn_erase(enum fake_flash_tear tear, uint32_t seed, long before)
{
    static uint8_t zero[SECTOR];
    fake_flash_setup(SECTOR, SECTORS, UNIT);
    assert_int_equal(hal_flash_program(SECTOR, zero, SECTOR), APP_OK);
    fake_flash_cut_after(before, tear, seed);
    for (long i = 0; i < before; i++) {
        assert_int_equal(hal_flash_erase(0), APP_OK);
    }
    assert_int_equal(hal_flash_erase(SECTOR), APP_ERR_IO);
    assert_true(fake_flash_is_off());
    assert_int_equal(fake_flash_ops(), 1 + before);
    assert_int_equal(fake_flash_erase_count(0), before);
    assert_int_equal(fake_flash_erase_count(1), 0); /* torn: not completed */
}

static void test_cut_tears_an_erase(void **state)
{
    (void)state;
    const uint8_t *m;
    torn_erase(FAKE_FLASH_TEAR_NONE, 1, 2);
    m = fake_flash_mem() + SECTOR;
    for (size_t i = 0; i < SECTOR; i++) {
        assert_int_equal(m[i], 0x00);
    }
    bool seen_partial = false;
    for (uint32_t seed = 1; seed <= 20; seed++) {
        torn_erase(FAKE_FLASH_TEAR_PREFIX, seed, 0);
        m = fake_flash_mem() + SECTOR;
        size_t n = 0;
        while (n < SECTOR && m[n] == 0xFFu) {
            n++;
        }
        for (size_t i = n; i < SECTOR; i++) {
            assert_int_equal(m[i], 0x00); /* 0xFF prefix, the rest untouched */
        }
        seen_partial |= n > 0u && n < SECTOR;
    }
    assert_true(seen_partial);
    torn_erase(FAKE_FLASH_TEAR_RANDOM, 5, 1);
    m = fake_flash_mem() + SECTOR;
    size_t ff = 0, zero = 0;
    for (size_t i = 0; i < SECTOR; i++) {
        ff += m[i] == 0xFFu;
        zero += m[i] == 0x00u;
    }
    assert_true(ff < SECTOR / 4u && zero < SECTOR / 4u); /* neither erased nor old */
    /* Other sectors are never touched by a torn erase. */
    assert_true(all_ff(0, SECTOR));
    assert_true(all_ff(2u * SECTOR, 2u * SECTOR));
}

static void test_off_until_power_on(void **state)
{
    (void)state;
    const uint8_t v[4] = {0x12, 0x34, 0x56, 0x78};
    uint8_t got[4];
    struct hal_flash_geometry g;
    fake_flash_cut_after(0, FAKE_FLASH_TEAR_NONE, 1);
    assert_int_equal(hal_flash_erase(0), APP_ERR_IO);
    /* Off: everything fails, nothing changes, nothing counts. */
    assert_int_equal(hal_flash_program(0, v, 4), APP_ERR_IO);
    assert_int_equal(hal_flash_erase(0), APP_ERR_IO);
    assert_int_equal(hal_flash_read(0, got, 4), APP_ERR_IO);
    assert_int_equal(hal_flash_init(&g), APP_ERR_IO);
    assert_true(all_ff(0, fake_flash_size()));
    assert_int_equal(fake_flash_ops(), 0);
    fake_flash_power_on();
    assert_false(fake_flash_is_off());
    assert_int_equal(hal_flash_init(&g), APP_OK);
    assert_int_equal(hal_flash_program(0, v, 4), APP_OK);
    assert_int_equal(hal_flash_read(0, got, 4), APP_OK);
    assert_memory_equal(got, v, 4);
    assert_int_equal(fake_flash_ops(), 1);
}

static void test_cut_disabled_and_rearmed(void **state)
{
    (void)state;
    fake_flash_cut_after(1, FAKE_FLASH_TEAR_NONE, 1);
    fake_flash_cut_after(-1, FAKE_FLASH_TEAR_NONE, 1); /* disarmed */
    for (int i = 0; i < 10; i++) {
        assert_int_equal(hal_flash_erase(0), APP_OK);
    }
    /* power_on() also drops a pending cut. */
    fake_flash_cut_after(0, FAKE_FLASH_TEAR_NONE, 1);
    fake_flash_power_on();
    assert_int_equal(hal_flash_erase(0), APP_OK);
    assert_int_equal(fake_flash_erase_count(0), 11);
    assert_int_equal(fake_flash_ops(), 11);
}

static void test_worn_cell(void **state)
{
    (void)state;
    const uint8_t v[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    uint8_t got[8];
    fake_flash_fail_program_at(0x105);
    assert_int_equal(hal_flash_program(0x0F8, v, 8), APP_OK); /* does not touch it */
    assert_int_equal(hal_flash_program(0x100, v, 8), APP_ERR_IO);
    assert_int_equal(hal_flash_read(0x100, got, 8), APP_OK);
    for (size_t i = 0; i < 8u; i++) {
        if (i != 5u) {
            assert_int_equal(got[i], v[i]);
        }
    }
    assert_false(fake_flash_is_off()); /* a worn cell is not a power cut */
    assert_int_equal(hal_flash_program(0x200, v, 8), APP_OK); /* one shot */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_fresh_device_is_erased, setup),
        cmocka_unit_test_setup(test_program_ands_and_erase_sets_ff, setup),
        cmocka_unit_test_setup(test_argument_checks, setup),
        cmocka_unit_test_setup(test_reprogram_counting, setup),
        cmocka_unit_test_setup(test_cut_tears_a_program, setup),
        cmocka_unit_test_setup(test_cut_tears_an_erase, setup),
        cmocka_unit_test_setup(test_off_until_power_on, setup),
        cmocka_unit_test_setup(test_cut_disabled_and_rearmed, setup),
        cmocka_unit_test_setup(test_worn_cell, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
