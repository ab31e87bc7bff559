/* The board's non-volatile store area, as NOR flash: sectors that erase to
 * 0xFF, and programs that can only clear bits (a program ANDs the new
 * bytes into what is there). Addresses are offsets from the start of the
 * area (0 .. sector_size * sector_count - 1), not CPU addresses.
 *
 * A power cut during hal_flash_program() can leave any subset of its bytes
 * programmed; during hal_flash_erase() the sector can read back as any
 * bits. The store above is written for exactly that (firmware/store/). */
#ifndef HAL_FLASH_H
#define HAL_FLASH_H

#include <stddef.h>
#include <stdint.h>

struct hal_flash_geometry {
    uint32_t sector_size;  /**< bytes; a power of two */
    uint32_t sector_count; /**< sectors in the area */
    uint32_t program_unit; /**< a program's address and length are multiples of this (1, 2, 4, 8) */
};

/* Open the area and report its geometry. Returns APP_OK; APP_ERR_NODEV
 * when the board has no area (or, in QEMU, no backing file); APP_ERR_IO. */
int hal_flash_init(struct hal_flash_geometry *out);

/* Copy len bytes at addr into buf. APP_OK; APP_ERR_INVAL when the range
 * is outside the area; APP_ERR_IO. */
int hal_flash_read(uint32_t addr, void *buf, size_t len);

/* Program len bytes at addr: each byte becomes old & new (NOR: bits go
 * 1 -> 0 only). Returns once the bytes are on the medium. APP_OK;
 * APP_ERR_INVAL for a range outside the area or not aligned to
 * program_unit; APP_ERR_IO when the medium reported an error (the bytes
 * are then undefined). The caller verifies by reading back if it must. */
int hal_flash_program(uint32_t addr, const void *buf, size_t len);

/* Erase the sector that starts at addr to 0xFF. APP_OK; APP_ERR_INVAL
 * when addr is not a sector start in the area; APP_ERR_IO. */
int hal_flash_erase(uint32_t addr);

#endif
