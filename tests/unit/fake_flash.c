/* Simulated NOR flash (fake_flash.h): RAM, NOR rules, counters, power
 * cuts with torn programs and erases. */
#include "fake_flash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_err.h"

static uint8_t *s_mem;
static uint32_t *s_erases;
static uint32_t s_sector_size;
static uint32_t s_sector_count;
static uint32_t s_unit;
static long s_ops;
static long s_reprograms;
static long s_cut_left = -1; /* ops before the cut; < 0: none pending */
static enum fake_flash_tear s_tear;
static uint32_t s_rng = 1;
static bool s_off;
static bool s_fail_armed;
static uint32_t s_fail_addr;

static void die(const char *why)
{
    fprintf(stderr, "fake_flash: %s\n", why);
    abort();
}

/* xorshift32 (Marsaglia 2003): deterministic tears from the seed. */
static uint32_t rnd(void)
{
    uint32_t x = s_rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s_rng = x;
    return x;
}

void fake_flash_setup(uint32_t sector_size, uint32_t sector_count, uint32_t program_unit)
{
    bool unit_ok = program_unit == 1u || program_unit == 2u || program_unit == 4u ||
                   program_unit == 8u;
    if (sector_size == 0u || (sector_size & (sector_size - 1u)) != 0u || sector_count == 0u ||
        !unit_ok || sector_size % program_unit != 0u ||
        (uint64_t)sector_size * sector_count > SIZE_MAX / 2u) {
        die("bad geometry");
    }
    free(s_mem);
    free(s_erases);
    s_sector_size = sector_size;
    s_sector_count = sector_count;
    s_unit = program_unit;
    s_mem = malloc((size_t)sector_size * sector_count);
    s_erases = calloc(sector_count, sizeof(*s_erases));
    if (s_mem == NULL || s_erases == NULL) {
        die("out of memory");
    }
    memset(s_mem, 0xFF, (size_t)sector_size * sector_count);
    s_ops = 0;
    s_reprograms = 0;
    s_cut_left = -1;
    s_tear = FAKE_FLASH_TEAR_NONE;
    s_rng = 1;
    s_off = false;
    s_fail_armed = false;
}

uint8_t *fake_flash_mem(void)
{
    return s_mem;
}

size_t fake_flash_size(void)
{
    return (size_t)s_sector_size * s_sector_count;
}

void fake_flash_cut_after(long ops, enum fake_flash_tear tear, uint32_t seed)
{
    s_cut_left = ops < 0 ? -1 : ops;
    s_tear = tear;
    s_rng = seed != 0u ? seed : 1u;
}

void fake_flash_power_on(void)
{
    s_off = false;
    s_cut_left = -1;
}

bool fake_flash_is_off(void)
{
    return s_off;
}

long fake_flash_ops(void)
{
    return s_ops;
}

uint32_t fake_flash_erase_count(uint32_t sector)
{
    return s_mem != NULL && sector < s_sector_count ? s_erases[sector] : 0u;
}

long fake_flash_reprograms(void)
{
    return s_reprograms;
}

void fake_flash_fail_program_at(uint32_t addr)
{
    s_fail_armed = true;
    s_fail_addr = addr;
}

/* The op about to run is the one the power cut hits: true once, and the
 * device is off from then on. Otherwise counts the op down. */
static bool cut_now(void)
{
    if (s_cut_left < 0) {
        return false;
    }
    if (s_cut_left > 0) {
        s_cut_left--;
        return false;
    }
    s_cut_left = -1;
    s_off = true;
    return true;
}

static bool in_area(uint32_t addr, size_t len)
{
    size_t size = fake_flash_size();
    return addr <= size && len <= size - addr;
}

int hal_flash_init(struct hal_flash_geometry *out)
{
    if (s_mem == NULL) {
        return APP_ERR_NODEV;
    }
    if (s_off) {
        return APP_ERR_IO;
    }
    out->sector_size = s_sector_size;
    out->sector_count = s_sector_count;
    out->program_unit = s_unit;
    return APP_OK;
}

int hal_flash_read(uint32_t addr, void *buf, size_t len)
{
    if (s_mem == NULL) {
        return APP_ERR_STATE;
    }
    if (s_off) {
        return APP_ERR_IO;
    }
    if (!in_area(addr, len)) {
        return APP_ERR_INVAL;
    }
    if (len > 0u) {
        memcpy(buf, s_mem + addr, len);
    }
    return APP_OK;
}

int hal_flash_program(uint32_t addr, const void *buf, size_t len)
{
    const uint8_t *src = buf;

    if (s_mem == NULL) {
        return APP_ERR_STATE;
    }
    if (s_off) {
        return APP_ERR_IO;
    }
    if (!in_area(addr, len) || addr % s_unit != 0u || len % s_unit != 0u) {
        return APP_ERR_INVAL;
    }
    uint8_t *dst = s_mem + addr;
    if (cut_now()) {
        if (s_tear == FAKE_FLASH_TEAR_PREFIX) {
            size_t n = (size_t)(rnd() % (uint32_t)(len + 1u));
            for (size_t i = 0; i < n; i++) {
                dst[i] &= src[i];
            }
        } else if (s_tear == FAKE_FLASH_TEAR_RANDOM) {
            for (size_t i = 0; i < len; i++) {
                if (rnd() & 1u) {
                    dst[i] &= src[i];
                }
            }
        }
        return APP_ERR_IO;
    }
    bool reprogram = false;
    for (size_t i = 0; i < len; i++) {
        uint8_t now = (uint8_t)(dst[i] & src[i]);
        if (dst[i] != 0xFFu && now != dst[i] && now != 0x00u) {
            reprogram = true;
        }
        dst[i] = now;
    }
    s_reprograms += reprogram ? 1 : 0;
    s_ops++;
    if (s_fail_armed && s_fail_addr >= addr && s_fail_addr - addr < len) {
        s_fail_armed = false;
        s_mem[s_fail_addr] = (uint8_t)rnd();
        return APP_ERR_IO;
    }
    return APP_OK;
}

int hal_flash_erase(uint32_t addr)
{
    if (s_mem == NULL) {
        return APP_ERR_STATE;
    }
    if (s_off) {
        return APP_ERR_IO;
    }
    if (addr % s_sector_size != 0u || addr >= fake_flash_size()) {
        return APP_ERR_INVAL;
    }
    uint8_t *dst = s_mem + addr;
    if (cut_now()) {
        if (s_tear == FAKE_FLASH_TEAR_PREFIX) {
            memset(dst, 0xFF, rnd() % (s_sector_size + 1u));
        } else if (s_tear == FAKE_FLASH_TEAR_RANDOM) {
            for (uint32_t i = 0; i < s_sector_size; i++) {
                dst[i] = (uint8_t)rnd();
            }
        }
        return APP_ERR_IO;
    }
    memset(dst, 0xFF, s_sector_size);
    s_erases[addr / s_sector_size]++;
    s_ops++;
    return APP_OK;
}
