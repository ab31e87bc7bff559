/* STM32F4 flash interface registers (RM0090 rev 19, 3.9 "Flash interface
 * registers") and how the driver reaches the flash array. */
#ifndef STM32_FLASH_REGS_H
#define STM32_FLASH_REGS_H

#include <stdint.h>

/* The host unit test defines STM32_FLASH_FAKE_REGS and models the
 * interface and the array (erase, program sizes, error flags) behind
 * these functions. */
#ifdef STM32_FLASH_FAKE_REGS
uint32_t stm32_flash_fake_read(uintptr_t base, uint32_t off);
void stm32_flash_fake_write(uintptr_t base, uint32_t off, uint32_t val);
const void *stm32_flash_fake_mem(uint32_t addr);
void stm32_flash_fake_prog32(uint32_t addr, uint32_t val);
#define FL_RD(base, off) stm32_flash_fake_read((base), (off))
#define FL_WR(base, off, v) stm32_flash_fake_write((base), (off), (v))
#define FL_MEM(addr) stm32_flash_fake_mem(addr)
#define FL_PROG32(addr, v) stm32_flash_fake_prog32((addr), (v))
#define FL_DSB() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#else
#define FL_RD(base, off) (*(volatile uint32_t *)((base) + (off)))
#define FL_WR(base, off, v) (*(volatile uint32_t *)((base) + (off)) = (v))
#define FL_MEM(addr) ((const void *)(uintptr_t)(addr))
#define FL_PROG32(addr, v) (*(volatile uint32_t *)(uintptr_t)(addr) = (v))
/* The program write reaches the flash interface before BSY is polled. */
#define FL_DSB() __asm volatile("dsb" ::: "memory")
#endif

#define FLASH_ACR 0x00u
#define FLASH_KEYR 0x04u
#define FLASH_SR 0x0Cu
#define FLASH_CR 0x10u

#define FLASH_KEY1 0x45670123u /* RM0090 3.5.1 unlock sequence */
#define FLASH_KEY2 0xCDEF89ABu

#define FLASH_ACR_DCEN (1u << 10)
#define FLASH_ACR_DCRST (1u << 12)

#define FLASH_SR_EOP (1u << 0)
#define FLASH_SR_OPERR (1u << 1)
#define FLASH_SR_WRPERR (1u << 4)  /* write protected */
#define FLASH_SR_PGAERR (1u << 5)  /* alignment */
#define FLASH_SR_PGPERR (1u << 6)  /* parallelism (PSIZE vs access) */
#define FLASH_SR_PGSERR (1u << 7)  /* sequence */
#define FLASH_SR_RDERR (1u << 8)   /* PCROP read (STM32F42x/43x) */
#define FLASH_SR_BSY (1u << 16)
#define FLASH_SR_ERRORS (FLASH_SR_OPERR | FLASH_SR_WRPERR | FLASH_SR_PGAERR | FLASH_SR_PGPERR | \
                         FLASH_SR_PGSERR | FLASH_SR_RDERR)

#define FLASH_CR_PG (1u << 0)
#define FLASH_CR_SER (1u << 1)
#define FLASH_CR_SNB(n) (((uint32_t)(n) & 0x1Fu) << 3)
#define FLASH_CR_PSIZE_X32 (2u << 8)
#define FLASH_CR_STRT (1u << 16)
#define FLASH_CR_LOCK (1u << 31)

#endif
