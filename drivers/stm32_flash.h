/* hal_flash on the STM32F4's own flash (RM0090 section 3): the store area
 * is a list of same-size sectors anywhere in the flash (the board names
 * them: on the STM32F429 the 16 KB ones, which erase in a fraction of the
 * time of the 128 KB ones), programmed 32 bits at a time (x32
 * parallelism, VDD 2.7-3.6 V). The board calls stm32_flash_attach()
 * before hal_flash_init(). */
#ifndef STM32_FLASH_H
#define STM32_FLASH_H

#include <stdint.h>

/* Bounded waits, in reads of FLASH_SR: a word program takes at most
 * 100 us, a 16 KB sector erase well under 2 s (STM32F429 datasheet DS9405,
 * "Flash memory programming"); the counts leave room at 180 MHz. In the
 * bank the code runs from, the CPU stalls on its next fetch instead of
 * polling (RM0090 3.6): the operation ends before the loop resumes. */
#ifndef STM32_FLASH_PROGRAM_POLLS
#define STM32_FLASH_PROGRAM_POLLS 100000u
#endif
#ifndef STM32_FLASH_ERASE_POLLS
#define STM32_FLASH_ERASE_POLLS 400000000u
#endif

struct stm32_flash_area {
    uintptr_t regs;        /* the flash interface registers */
    uint32_t sector_size;  /* bytes, every sector of the area */
    uint32_t count;        /* sectors */
    const uint32_t *addr;  /* [count] CPU address of each sector */
    const uint8_t *snb;    /* [count] its FLASH_CR.SNB value */
};

/* The area (kept by pointer: the board's tables are const). */
void stm32_flash_attach(const struct stm32_flash_area *area);

#endif
