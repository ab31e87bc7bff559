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

#endif
