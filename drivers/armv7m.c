/* ARMv7-M system control space (ARMv7-M ARM, DDI 0403E, B3.2-B3.4). */
#include "armv7m.h"

#define SCS(off) (*(volatile uint32_t *)(0xE000E000u + (off)))

#define SYST_CSR 0x010u
#define SYST_RVR 0x014u
#define SYST_CVR 0x018u
#define NVIC_ISER0 0x100u
#define NVIC_IPR0 0x400u
#define SCB_AIRCR 0xD0Cu
#define SCB_SHCSR 0xD24u
#define SCB_CFSR 0xD28u
#define SCB_HFSR 0xD2Cu
#define SCB_MMFAR 0xD34u
#define SCB_BFAR 0xD38u

void armv7m_systick_start(uint32_t ticks)
{
    SCS(SYST_CSR) = 0;
    SCS(SYST_RVR) = ticks - 1u;
    SCS(SYST_CVR) = 0;
    /* CLKSOURCE = processor clock, TICKINT, ENABLE (B3.3.3). */
    SCS(SYST_CSR) = 0x7u;
}

uint32_t armv7m_systick_elapsed(void)
{
    return SCS(SYST_RVR) - SCS(SYST_CVR);
}

/* DEMCR.TRCENA powers the DWT; DWT_CTRL.CYCCNTENA starts the count
 * (C1.6.5, C1.8.7). */
#define DEMCR (*(volatile uint32_t *)0xE000EDFCu)
#define DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define DWT_CYCCNT (*(volatile uint32_t *)0xE0001004u)

void armv7m_cyccnt_start(void)
{
    DEMCR |= 1u << 24;
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;
}

uint32_t armv7m_cyccnt(void)
{
    return DWT_CYCCNT;
}

void armv7m_irq_enable(unsigned irq)
{
    SCS(NVIC_ISER0 + 4u * (irq / 32u)) = 1u << (irq % 32u);
}

void armv7m_irq_priority(unsigned irq, uint8_t prio)
{
    /* NVIC_IPRn are byte-accessible, one byte per interrupt (B3.4.9). */
    *(volatile uint8_t *)(0xE000E000u + NVIC_IPR0 + irq) = prio;
}

void armv7m_faults_enable(void)
{
    /* USGFAULTENA, BUSFAULTENA, MEMFAULTENA (B3.2.13). */
    SCS(SCB_SHCSR) |= (1u << 18) | (1u << 17) | (1u << 16);
}

void armv7m_fault_read(const uint32_t *frame, struct armv7m_fault *out)
{
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    out->cfsr = SCS(SCB_CFSR);
    out->hfsr = SCS(SCB_HFSR);
    out->mmfar = SCS(SCB_MMFAR);
    out->bfar = SCS(SCB_BFAR);
    /* Stacked frame: r0 r1 r2 r3 r12 lr pc xpsr (B1.5.6). */
    out->lr = frame[5];
    out->pc = frame[6];
    out->psr = frame[7];
    out->sp = (uint32_t)(uintptr_t)frame;
    out->exc = ipsr & 0x1FFu;
}

void armv7m_hfsr_clear(uint32_t bits)
{
    /* HFSR bits are write-one-to-clear (B3.2.16). */
    SCS(SCB_HFSR) = bits;
}

uint32_t armv7m_irq_save(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}

void armv7m_irq_restore(uint32_t primask)
{
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

void armv7m_wfi(void)
{
    /* With PRIMASK set a pending interrupt still ends WFI (B1.5.19). */
    __asm volatile("dsb\n wfi\n isb" ::: "memory");
}

void armv7m_reset(void)
{
    __asm volatile("dsb" ::: "memory");
    /* VECTKEY | SYSRESETREQ (B3.2.6). */
    SCS(SCB_AIRCR) = 0x05FA0004u;
    __asm volatile("dsb" ::: "memory");
    for (;;) {
    }
}
