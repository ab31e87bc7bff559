/* hal_flash over the STM32F4 flash interface (RM0090 3.5-3.6): unlock with
 * the key sequence, one operation at a time (BSY), sector erase (SER, SNB,
 * STRT) and 32-bit programs (PG, PSIZE x32), every error flag checked and
 * cleared, locked again after each operation so that a stray write cannot
 * program anything. The flash array reads through the bus like memory;
 * the ART data cache is flushed after a change so that no read sees the
 * bytes from before it (RM0090 3.5.2). */
#include "stm32_flash.h"

#include <stdbool.h>
#include <string.h>

#include "app_err.h"
#include "hal_flash.h"
#include "stm32_flash_regs.h"

#define RD(off) FL_RD(s_area->regs, (off))
#define WR(off, v) FL_WR(s_area->regs, (off), (v))
#define UNIT 4u

static const struct stm32_flash_area *s_area;
static bool s_ready;

void stm32_flash_attach(const struct stm32_flash_area *area)
{
    s_area = area;
    s_ready = false;
}

int hal_flash_init(struct hal_flash_geometry *out)
{
    const struct stm32_flash_area *a = s_area;
    if (a == NULL || a->count == 0u || a->sector_size == 0u || (a->sector_size & (a->sector_size - 1u)) != 0u) {
        return APP_ERR_NODEV;
    }
    out->sector_size = a->sector_size;
    out->sector_count = a->count;
    out->program_unit = UNIT;
    s_ready = true;
    return APP_OK;
}

static bool in_area(uint32_t addr, size_t len)
{
    if (!s_ready) {
        return false; /* s_area may be NULL before hal_flash_init() */
    }
    uint64_t size = (uint64_t)s_area->sector_size * s_area->count;
    return (uint64_t)addr + len <= size;
}

static uint32_t cpu_addr(uint32_t addr)
{
    return s_area->addr[addr / s_area->sector_size] + addr % s_area->sector_size;
}

int hal_flash_read(uint32_t addr, void *buf, size_t len)
{
    if (!in_area(addr, len)) {
        return s_ready ? APP_ERR_INVAL : APP_ERR_STATE;
    }
    uint8_t *out = buf;
    while (len > 0u) {
        /* Sectors need not be adjacent: one copy per sector. */
        uint32_t in = s_area->sector_size - addr % s_area->sector_size;
        size_t k = len < in ? len : in;
        memcpy(out, FL_MEM(cpu_addr(addr)), k);
        out += k;
        addr += (uint32_t)k;
        len -= k;
    }
    return APP_OK;
}

static int wait_idle(uint32_t polls)
{
    for (uint32_t i = 0; i < polls; i++) {
        if ((RD(FLASH_SR) & FLASH_SR_BSY) == 0u) {
            return APP_OK;
        }
    }
    return APP_ERR_TIMEOUT;
}

/* Idle, error flags from before cleared (a set PGSERR refuses the next
 * program), unlocked. */
static int begin(void)
{
    if (wait_idle(STM32_FLASH_ERASE_POLLS) != APP_OK) {
        return APP_ERR_TIMEOUT;
    }
    WR(FLASH_SR, FLASH_SR_ERRORS | FLASH_SR_EOP);
    if ((RD(FLASH_CR) & FLASH_CR_LOCK) != 0u) {
        WR(FLASH_KEYR, FLASH_KEY1);
        WR(FLASH_KEYR, FLASH_KEY2);
        if ((RD(FLASH_CR) & FLASH_CR_LOCK) != 0u) {
            return APP_ERR_IO; /* locked until the next reset (a wrong key was written) */
        }
    }
    return APP_OK;
}

/* Check the flags the operation left, clear them, lock, and flush the data
 * cache so that reads see the new bytes. */
static int end(int rc)
{
    uint32_t sr = RD(FLASH_SR);
    if ((sr & FLASH_SR_BSY) != 0u) {
        /* Timed out: a FLASH_CR write now would stall the bus until BSY
         * clears (RM0090 3.6.1), unbounded; begin() waits next time. */
        return rc;
    }
    WR(FLASH_SR, sr & (FLASH_SR_ERRORS | FLASH_SR_EOP));
    WR(FLASH_CR, FLASH_CR_LOCK);
    uint32_t acr = RD(FLASH_ACR);
    if ((acr & FLASH_ACR_DCEN) != 0u) {
        WR(FLASH_ACR, acr & ~FLASH_ACR_DCEN);
        WR(FLASH_ACR, (acr & ~FLASH_ACR_DCEN) | FLASH_ACR_DCRST);
        WR(FLASH_ACR, acr & ~FLASH_ACR_DCEN);
        WR(FLASH_ACR, acr);
    }
    if (rc == APP_OK && (sr & FLASH_SR_ERRORS) != 0u) {
        rc = APP_ERR_IO;
    }
    return rc;
}

int hal_flash_program(uint32_t addr, const void *buf, size_t len)
{
    if (!in_area(addr, len) || addr % UNIT != 0u || len % UNIT != 0u) {
        return s_ready ? APP_ERR_INVAL : APP_ERR_STATE;
    }
    int rc = begin();
    if (rc != APP_OK) {
        return end(rc);
    }
    WR(FLASH_CR, FLASH_CR_PSIZE_X32 | FLASH_CR_PG);
    const uint8_t *p = buf;
    for (size_t i = 0; i < len && rc == APP_OK; i += UNIT) {
        uint32_t a = cpu_addr(addr + (uint32_t)i);
        uint32_t want;
        uint32_t old;
        memcpy(&want, p + i, UNIT);
        memcpy(&old, FL_MEM(a), UNIT);
        want &= old; /* NOR: bits only go to 0 (hal_flash.h) */
        if (want == old) {
            continue; /* nothing to clear: no program cycle */
        }
        FL_PROG32(a, want);
        FL_DSB();
        rc = wait_idle(STM32_FLASH_PROGRAM_POLLS);
        if (rc == APP_OK && (RD(FLASH_SR) & FLASH_SR_ERRORS) != 0u) {
            rc = APP_ERR_IO;
        }
    }
    return end(rc);
}

int hal_flash_erase(uint32_t addr)
{
    if (!in_area(addr, 1u) || addr % s_area->sector_size != 0u) {
        return s_ready ? APP_ERR_INVAL : APP_ERR_STATE;
    }
    int rc = begin();
    if (rc != APP_OK) {
        return end(rc);
    }
    uint32_t cr = FLASH_CR_PSIZE_X32 | FLASH_CR_SER | FLASH_CR_SNB(s_area->snb[addr / s_area->sector_size]);
    WR(FLASH_CR, cr);
    WR(FLASH_CR, cr | FLASH_CR_STRT);
    FL_DSB();
    rc = wait_idle(STM32_FLASH_ERASE_POLLS);
    return end(rc);
}
