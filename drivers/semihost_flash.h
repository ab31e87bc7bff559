/* hal_flash over a semihosted host file (QEMU boards): see semihost_flash.c. */
#ifndef SEMIHOST_FLASH_H
#define SEMIHOST_FLASH_H

#include <stdint.h>

/* The NOR part the file stands for: erase sector and program unit, in
 * bytes (the sector a multiple of 256, the unit dividing 256). */
void semihost_flash_attach(uint32_t sector_size, uint32_t program_unit);

#endif
