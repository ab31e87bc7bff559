/* Simulated NOR flash for host tests: implements hal_flash.h over RAM with
 * the board's rules (program ANDs, erase writes 0xFF, alignment and range
 * checks), counts programs and erases, and cuts the power at a chosen op,
 * tearing it, as littlefs's lfs_emubd does with power_cycles. The store's
 * power-cut tests run every N through fake_flash_cut_after(). */
#ifndef FAKE_FLASH_H
#define FAKE_FLASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal_flash.h"

/* A fresh device: all bytes 0xFF, counters zero, power on, no cut or
 * failure pending. sector_size a power of two, program_unit 1, 2, 4 or 8
 * dividing it, sector_count >= 1 (anything else aborts the test). */
void fake_flash_setup(uint32_t sector_size, uint32_t sector_count, uint32_t program_unit);

/* The medium itself (fake_flash_size() bytes), to inspect or corrupt. */
uint8_t *fake_flash_mem(void);
size_t fake_flash_size(void);

/* How the op that the power cut interrupts is left. */
enum fake_flash_tear {
    FAKE_FLASH_TEAR_NONE,   /* the cut op did nothing */
    FAKE_FLASH_TEAR_PREFIX, /* a program wrote a random-length prefix; an erase set a random
                               prefix of the sector to 0xFF */
    FAKE_FLASH_TEAR_RANDOM, /* a program left each byte either old or old&new at random; an
                               erase left random bytes in the sector */
};

/* After `ops` more program/erase calls complete normally, the next one is
 * torn as `tear` says and returns APP_ERR_IO, and every later
 * program/erase/read (and init) returns APP_ERR_IO until
 * fake_flash_power_on() (the device is off). ops < 0 disables. Calls
 * refused for their arguments (APP_ERR_INVAL) are not ops. The tears draw
 * from xorshift32 seeded with seed (0 counts as 1): same seed, same tear. */
void fake_flash_cut_after(long ops, enum fake_flash_tear tear, uint32_t seed);

/* A reboot: calls work again, no cut pending. The medium keeps what it
 * holds. */
void fake_flash_power_on(void);
bool fake_flash_is_off(void);

/* Programs + erases completed since setup (a torn op is not; a program
 * failed by fake_flash_fail_program_at() is). */
long fake_flash_ops(void);

/* Completed erases of sector (its index) since setup; 0 out of range. */
uint32_t fake_flash_erase_count(uint32_t sector);

/* Programs that cleared bits in a byte that was neither 0xFF nor left
 * 0x00 -- rewrites real NOR would corrupt; 0 expected. */
long fake_flash_reprograms(void);

/* The next program touching addr reports APP_ERR_IO and leaves that byte
 * random (a worn cell); its other bytes are programmed. One shot. */
void fake_flash_fail_program_at(uint32_t addr);

#endif
