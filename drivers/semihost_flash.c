/* hal_flash for QEMU boards: the store area is a host file reached through
 * Arm semihosting (drivers/semihost.c), with NOR rules enforced here (a
 * program ANDs, an erase writes 0xFF) so that the store sees what a real
 * NOR part would do; the board gives the part's shape with
 * semihost_flash_attach(). tools/qemu-run makes the file and passes its
 * path as the semihosting command line "flash=<path>". Calls before a
 * successful hal_flash_init() return APP_ERR_STATE. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "app_err.h"
#include "hal_flash.h"
#include "semihost.h"
#include "semihost_flash.h"

/* Only a command line that starts with this names a flash file: without
 * any arg=, QEMU hands the guest the -kernel path instead, and the ELF
 * must never be taken for (and erased as) the flash. */
#define FLASH_CMDLINE_PREFIX "flash="
#define FLASH_PATH_MAX 256u
/* Read-modify-write chunk of program and erase (on the stack). */
#define FLASH_CHUNK 256u

static bool s_open;
static uint32_t s_sector; /* bytes; a multiple of FLASH_CHUNK (erase writes whole chunks) */
static uint32_t s_unit;   /* program unit; divides FLASH_CHUNK */

void semihost_flash_attach(uint32_t sector_size, uint32_t program_unit)
{
    s_sector = sector_size;
    s_unit = program_unit;
}
static uint32_t s_handle;
static uint32_t s_size; /* bytes: sector_count * sector_size */

int hal_flash_init(struct hal_flash_geometry *out)
{
    if (s_sector == 0u || s_sector % FLASH_CHUNK != 0u || s_unit == 0u || FLASH_CHUNK % s_unit != 0u) {
        return APP_ERR_NODEV; /* not attached, or a shape this emulation cannot keep */
    }
    if (!s_open) {
        char line[sizeof(FLASH_CMDLINE_PREFIX) + FLASH_PATH_MAX];
        size_t len = 0;
        size_t plen = sizeof(FLASH_CMDLINE_PREFIX) - 1u;
        if (semihost_get_cmdline(line, sizeof(line), &len) != APP_OK || len <= plen ||
            memcmp(line, FLASH_CMDLINE_PREFIX, plen) != 0) {
            return APP_ERR_NODEV;
        }
        /* "r+b": read and write an existing file, never create one. */
        if (semihost_open(line + plen, SEMIHOST_MODE_RPLUS_B, &s_handle) != APP_OK) {
            return APP_ERR_NODEV;
        }
        uint32_t flen = 0;
        if (semihost_flen(s_handle, &flen) != APP_OK) {
            (void)semihost_close(s_handle);
            return APP_ERR_IO;
        }
        /* A tail shorter than a sector is not part of the area. */
        s_size = flen - flen % s_sector;
        if (s_size == 0u) {
            (void)semihost_close(s_handle);
            return APP_ERR_NODEV;
        }
        s_open = true;
    }
    out->sector_size = s_sector;
    out->sector_count = s_size / s_sector;
    out->program_unit = s_unit;
    return APP_OK;
}

/* The range [addr, addr + len) inside the area (no wrap-around). */
static bool in_area(uint32_t addr, size_t len)
{
    return addr <= s_size && len <= s_size - addr;
}

int hal_flash_read(uint32_t addr, void *buf, size_t len)
{
    if (!s_open) {
        return APP_ERR_STATE;
    }
    if (!in_area(addr, len)) {
        return APP_ERR_INVAL;
    }
    if (len == 0u) {
        return APP_OK;
    }
    if (semihost_seek(s_handle, addr) != APP_OK || semihost_read(s_handle, buf, len) != APP_OK) {
        return APP_ERR_IO;
    }
    return APP_OK;
}

int hal_flash_program(uint32_t addr, const void *buf, size_t len)
{
    const uint8_t *src = buf;
    uint8_t chunk[FLASH_CHUNK];

    if (!s_open) {
        return APP_ERR_STATE;
    }
    if (!in_area(addr, len) || addr % s_unit != 0u ||
        len % s_unit != 0u) {
        return APP_ERR_INVAL;
    }
    /* NOR: a program only clears bits, so each byte becomes old & new
     * (hal_flash.h). Read what is there, AND, write it back. */
    while (len > 0u) {
        size_t n = len < FLASH_CHUNK ? len : FLASH_CHUNK;
        if (semihost_seek(s_handle, addr) != APP_OK || semihost_read(s_handle, chunk, n) != APP_OK) {
            return APP_ERR_IO;
        }
        size_t i = 0;
        for (; n - i >= sizeof(uint32_t); i += sizeof(uint32_t)) {
            /* A word at a time (the builtin: -ffreestanding makes memcpy a call). */
            uint32_t a;
            uint32_t b;
            __builtin_memcpy(&a, chunk + i, sizeof(a));
            __builtin_memcpy(&b, src + i, sizeof(b));
            a &= b;
            __builtin_memcpy(chunk + i, &a, sizeof(a));
        }
        for (; i < n; i++) {
            chunk[i] &= src[i];
        }
        if (semihost_seek(s_handle, addr) != APP_OK || semihost_write(s_handle, chunk, n) != APP_OK) {
            return APP_ERR_IO;
        }
        addr += (uint32_t)n;
        src += n;
        len -= n;
    }
    return APP_OK;
}

int hal_flash_erase(uint32_t addr)
{
    uint8_t ones[FLASH_CHUNK];

    if (!s_open) {
        return APP_ERR_STATE;
    }
    if (addr % s_sector != 0u || addr >= s_size) {
        return APP_ERR_INVAL;
    }
    memset(ones, 0xFF, sizeof(ones));
    if (semihost_seek(s_handle, addr) != APP_OK) {
        return APP_ERR_IO;
    }
    /* One seek, then the sector in chunks: the file position advances. */
    for (uint32_t off = 0; off < s_sector; off += FLASH_CHUNK) {
        if (semihost_write(s_handle, ones, sizeof(ones)) != APP_OK) {
            return APP_ERR_IO;
        }
    }
    return APP_OK;
}
