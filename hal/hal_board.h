/* Board bring-up and CPU services the superloop needs. */
#ifndef HAL_BOARD_H
#define HAL_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Clocks, time base, console, and the board's devices (the Ethernet chip is
 * attached here, so hal_eth_init() knows where it lives). Called once from
 * main() before anything else. */
void hal_board_init(void);

/* Board name for the log, e.g. "mps2-an385". */
const char *hal_board_name(void);

/* Mask interrupts; returns the previous mask for hal_board_irq_restore(). */
uint32_t hal_board_irq_save(void);
void hal_board_irq_restore(uint32_t key);

/* Sleep until the next interrupt (WFI). Call with interrupts masked by
 * hal_board_irq_save() after checking that no work is pending: a pending
 * interrupt still wakes the core, so no event is lost between the check
 * and the sleep. */
void hal_board_sleep(void);

/* Tell the board's watchdog the superloop is alive; called once per pass.
 * A board that runs none does nothing. The watchdog resets the board when
 * a pass takes longer than its period (board.h). */
void hal_board_watchdog_feed(void);

/* The configuration partition (a flash region holding the framed device
 * configuration, see firmware/config/config.h). Sets *len to its size and
 * returns its first byte; the bytes are read-only. */
const uint8_t *hal_board_config(size_t *len);

/* Most bytes of stack used since reset (the board paints its stack at
 * reset), or 0 when the board cannot tell. */
uint32_t hal_board_stack_peak(void);

/* Why the last reset happened: "power-on" (or anything the board cannot
 * tell apart from it), "software" (hal_board_reset()), "fault" (the fault
 * handler reset the board), "watchdog" (a board whose watchdog runs and
 * whose reset flags tell). */
const char *hal_board_reset_cause(void);

/* Reset the whole system. Does not return. */
void hal_board_reset(void) __attribute__((noreturn));

#endif
