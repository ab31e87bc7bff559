/* Byte console a board must provide: the log goes here (a UART on real
 * boards and on QEMU). Two ways out: a blocking write for boot and fault
 * output, and interrupt-driven transmission that pulls bytes from a
 * source the application attaches (the log ring), so that the superloop
 * never waits for the transmitter. */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <stddef.h>

/* Write len bytes, blocking until the transmitter has taken them (each wait
 * on the hardware is bounded). Never fails; bytes may be lost if the
 * transmitter is stuck. For early boot, the fault handler and panics;
 * everything else goes through the source below. */
void hal_console_write(const char *data, size_t len);

/* A source of pending bytes, read in contiguous runs: drops the first
 * `taken` bytes of the run it returned last (they are on their way),
 * then sets *p to the next run and returns its length (0: nothing
 * pending). The port calls it from its TX interrupt (and from
 * hal_console_tx_kick/flush with interrupts masked); it must not block. */
typedef size_t (*hal_console_next_fn)(size_t taken, const char **p);

/* Attach the source and enable the console's TX interrupt in the
 * interrupt controller. Called once, from the superloop, before the first
 * kick. */
void hal_console_tx_attach(hal_console_next_fn next);

/* The source has new bytes: if the transmitter is idle, start it (enable
 * its TX interrupt and hand it the first byte if it has room). Returns at
 * once, never waits for the hardware; does nothing before attach. The
 * port's TX interrupt then moves bytes while the transmitter has room,
 * and turns itself off when the source returns -1. */
void hal_console_tx_kick(void);

/* Fault and panic paths: stop the TX interrupt and write everything the
 * source still holds with the blocking path (bounded waits). Afterwards
 * hal_console_write() output follows those bytes, not interleaved. */
void hal_console_tx_flush(void);

#endif
