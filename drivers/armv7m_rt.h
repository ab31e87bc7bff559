/* Cortex-M3/M4 run-time entry shared by the boards (armv7m_rt.c): the
 * handlers a board's vector table points at. */
#ifndef ARMV7M_RT_H
#define ARMV7M_RT_H

#include <stdint.h>

void Reset_Handler(void);
void HardFault_Handler(void);
void Default_Handler(void);

/* Record why the coming reset happens (0 power-on, 1 software, 2 fault),
 * for hal_board_reset_cause() after it. */
void armv7m_rt_reset_mark(uint32_t cause);

/* The board's reset flags say its watchdog reset the chip: that is the
 * cause hal_board_reset_cause() reports ("watchdog"). Call from
 * hal_board_init(). */
void armv7m_rt_reset_by_watchdog(void);

/* The initial stack pointer (linker script). */
extern uint32_t _estack;

/* Entries 0..15 of a vector table (B1.5.3): the initial stack pointer,
 * reset, and the architectural exceptions, every fault to the fault
 * handler (MemManage, BusFault and UsageFault are enabled by
 * armv7m_faults_enable()), SysTick to the board's handler. A board's
 * startup.c follows it with its external interrupts. */
#define ARMV7M_CORE_VECTORS(systick)                                             \
    [0] = (void (*)(void))(uintptr_t)&_estack, [1] = Reset_Handler,             \
    [2] = Default_Handler /* NMI */, [3 ... 6] = HardFault_Handler,             \
    [7 ... 14] = Default_Handler /* reserved, SVCall, debug, PendSV */,         \
    [15] = (systick)

#endif
