/* Byte console a board must provide: the log goes here (a UART on real
 * boards and on QEMU). */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <stddef.h>

/* Write len bytes, blocking until the transmitter has taken them (each wait
 * on the hardware is bounded). Never fails; bytes may be lost if the
 * transmitter is stuck. */
void hal_console_write(const char *data, size_t len);

#endif
