/* Cortex-M3/M4 run-time entry (ARMv7-M ARM, DDI 0403E, B1.5): reset
 * (.data copy, .bss clear, stack paint), the reset cause kept across a
 * reset, and fault handlers that log the fault registers and reset. The
 * board's startup.c holds only its vector table (linker symbols from
 * linker/<board>.ld). */
#include <stdint.h>
#include <string.h>

#include "armv7m.h"
#include "armv7m_rt.h"
#include "hal_board.h"
#include "hal_console.h"

/* Why the next reset happens, kept across it (.noinit): the Cortex-M3 has
 * no reset-cause register, so the firmware writes one before it resets. */
#define RESET_MAGIC 0x52535400u /* "RST" + cause */
enum { RESET_POWER = 0, RESET_SOFTWARE = 1, RESET_FAULT = 2, RESET_WATCHDOG = 3 };
static uint32_t s_reset_word __attribute__((section(".noinit")));
static uint32_t s_reset_cause;

void armv7m_rt_reset_mark(uint32_t cause)
{
    s_reset_word = RESET_MAGIC | cause;
}

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern uint32_t _sstack;
int main(void);

/* Stack is painted so that its high-water mark can be measured. */
#define STACK_PAINT 0xA5A5A5A5u

__attribute__((noreturn)) void Reset_Handler(void)
{
    uint32_t *src = &_sidata;
    for (uint32_t *dst = &_sdata; dst < &_edata;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &_sbss; dst < &_ebss;) {
        *dst++ = 0;
    }
    /* Paint the stack below the current frame. */
    uint32_t *sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *p = &_sstack; p < sp - 16; p++) {
        *p = STACK_PAINT;
    }
    /* Anything but our mark (RAM at power-on, a reset by the debugger or
     * the reset pin) counts as power-on. */
    uint32_t w = s_reset_word;
    s_reset_cause = (w & ~0xFFu) == RESET_MAGIC && (w & 0xFFu) <= RESET_FAULT ? (w & 0xFFu) : RESET_POWER;
    s_reset_word = 0;
    (void)main();
    armv7m_rt_reset_mark(RESET_SOFTWARE);
    armv7m_reset();
}

void armv7m_rt_reset_by_watchdog(void)
{
    s_reset_cause = RESET_WATCHDOG;
}

const char *hal_board_reset_cause(void)
{
    static const char *const names[] = {"power-on", "software", "fault", "watchdog"};
    return names[s_reset_cause];
}

uint32_t hal_board_stack_peak(void)
{
    const uint32_t *p = &_sstack;
    while (p < &_estack && *p == STACK_PAINT) {
        p++;
    }
    return (uint32_t)((uintptr_t)&_estack - (uintptr_t)p);
}

static void put_hex(const char *label, uint32_t v)
{
    char buf[20];
    size_t n = strlen(label);
    memcpy(buf, label, n);
    buf[n++] = '=';
    for (int i = 7; i >= 0; i--) {
        buf[n++] = "0123456789abcdef"[(v >> (4 * i)) & 0xFu];
    }
    buf[n++] = ' ';
    hal_console_write(buf, n);
}

/* Called from the naked handler with the stacked frame. */
__attribute__((used, noreturn)) static void fault_report(uint32_t *frame)
{
    struct armv7m_fault f;
    armv7m_fault_read(frame, &f);
    /* What the log ring still holds first, then the fault (in order). */
    hal_console_tx_flush();
    hal_console_write("\r\nFAULT ", 8);
    put_hex("exc", f.exc);
    put_hex("pc", f.pc);
    put_hex("lr", f.lr);
    put_hex("psr", f.psr);
    put_hex("sp", f.sp);
    put_hex("cfsr", f.cfsr);
    put_hex("hfsr", f.hfsr);
    put_hex("mmfar", f.mmfar);
    put_hex("bfar", f.bfar);
    hal_console_write("\r\nFAULT resetting\r\n", 19);
    armv7m_rt_reset_mark(RESET_FAULT);
    armv7m_reset();
}

/* A semihosting call (BKPT 0xAB, drivers/semihost.c) with no host to
 * answer it: QEMU without -semihosting-config enable=on (and a real board
 * without a debugger) escalates the BKPT to HardFault (HFSR.FORCED or
 * DEBUGEVT, CFSR 0; QEMU 7.2 sets FORCED). The call then fails as a
 * refusing host would answer (r0 = -1) and execution goes on after it, so
 * that the board boots without its flash file instead of fault-looping. */
#define THUMB_BKPT_SEMIHOST 0xBEABu
#define HFSR_FORCED (1u << 30)
#define HFSR_DEBUGEVT (1u << 31)

__attribute__((used)) static void fault_entry(uint32_t *frame)
{
    struct armv7m_fault f;
    armv7m_fault_read(frame, &f);
    /* CFSR 0: the stacked pc was fetched without a fault, safe to read. */
    if (f.exc == 3u && f.cfsr == 0u && (f.hfsr & (HFSR_FORCED | HFSR_DEBUGEVT)) != 0u &&
        (f.pc & 1u) == 0u && *(const volatile uint16_t *)(uintptr_t)f.pc == THUMB_BKPT_SEMIHOST) {
        frame[0] = UINT32_MAX; /* r0: the call's result */
        frame[6] = f.pc + 2u;  /* pc: past the 16-bit BKPT */
        armv7m_hfsr_clear(f.hfsr);
        return;
    }
    fault_report(frame);
}

/* Pick the stack the frame was pushed on (EXC_RETURN bit 2, B1.5.8). The
 * tail branch keeps lr = EXC_RETURN, so fault_entry() returning is an
 * exception return. */
__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "b fault_entry\n");
}

void Default_Handler(void)
{
    uint32_t frame[8] = {0};
    hal_console_tx_flush();
    hal_console_write("\r\nFAULT unexpected exception\r\n", 30);
    fault_report(frame);
}

/* The HAL's interrupt, sleep and reset services, the same on every
 * ARMv7-M board. */
uint32_t hal_board_irq_save(void)
{
    return armv7m_irq_save();
}

void hal_board_irq_restore(uint32_t key)
{
    armv7m_irq_restore(key);
}

void hal_board_sleep(void)
{
    armv7m_wfi();
}

void hal_board_reset(void)
{
    hal_console_tx_flush(); /* the last lines before the reset */
    armv7m_rt_reset_mark(RESET_SOFTWARE);
    armv7m_reset();
}
