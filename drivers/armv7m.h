/* ARMv7-M core peripherals (SysTick, NVIC, SCB) shared by Cortex-M3/M4
 * boards. Addresses are architectural (ARMv7-M ARM, DDI 0403E, B3). */
#ifndef ARMV7M_H
#define ARMV7M_H

#include <stdint.h>

/* Fault status captured by the fault handler (B3.2.15 - B3.2.18). */
struct armv7m_fault {
    uint32_t cfsr, hfsr, mmfar, bfar;
    uint32_t pc, lr, psr, sp;
    uint32_t exc;   /* active exception number (IPSR) */
};

/* Start SysTick on the processor clock, interrupting every `ticks` cycles. */
void armv7m_systick_start(uint32_t ticks);

/* Cycles since the last SysTick wrap (its reload value minus the current
 * count, B3.3.3): with a millisecond count, a cycle counter on boards
 * without a readable free-running timer. */
uint32_t armv7m_systick_elapsed(void);

/* Start the DWT cycle counter (Cortex-M3/M4 with the DWT unit, C1.8.8;
 * QEMU models none) and read it: one count per core clock, wrapping. */
void armv7m_cyccnt_start(void);
uint32_t armv7m_cyccnt(void);

/* Enable external interrupt irq (0-based) in the NVIC. */
void armv7m_irq_enable(unsigned irq);

/* Set external interrupt irq's priority (0 highest; the core implements
 * only the top bits of the byte, B3.4.9). */
void armv7m_irq_priority(unsigned irq, uint8_t prio);

/* Enable the separate usage/bus/memory-management fault handlers so that
 * CFSR tells what went wrong instead of everything escalating. */
void armv7m_faults_enable(void);

/* Read the fault registers; frame is the stacked exception frame. */
void armv7m_fault_read(const uint32_t *frame, struct armv7m_fault *out);

/* Clear the given HardFault status bits (a handled fault). */
void armv7m_hfsr_clear(uint32_t bits);

uint32_t armv7m_irq_save(void);
void armv7m_irq_restore(uint32_t primask);
void armv7m_wfi(void);
void armv7m_reset(void) __attribute__((noreturn));

#endif
