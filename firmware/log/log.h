/* Console log: printf-style lines on the board's console, formatted into
 * a fixed buffer (no libc stdio, which would pull in malloc). After
 * log_init() lines go into a RAM ring that the console's TX interrupt
 * drains: a writer never waits for the UART. Call from the superloop only
 * (one producer). */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Format into buf (always NUL-terminated when cap > 0). Supports %s %c %d
 * %i %u %x %X %p %% with optional '0' flag, width and 'l'/'ll'/'z'
 * length modifiers. Returns the length written, or APP_ERR_OVERFLOW when
 * the output did not fit (buf then holds a truncated line). */
int log_vformat(char *buf, size_t cap, const char *fmt, va_list ap);
int log_format(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Hand the log to the console's interrupt-driven transmitter
 * (hal_console_tx_attach). Until then, and after log_sync(), every line
 * is written synchronously (hal_console_write). */
void log_init(void);

/* Panic paths (assert, heap corruption) before a reset: write what the
 * ring holds now, synchronously, and every later line too, so that the
 * last words are neither dropped nor left in RAM. */
void log_sync(void);

/* Format and write to the console. Lines longer than LOG_LINE_MAX are
 * cut and end with "...". */
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write len bytes to the console as they are (a line already formatted).
 * In the ring the bytes are one unit: when they do not fit they are
 * dropped whole and counted (never a partial line). */
void log_write(const char *s, size_t len);

#ifndef LOG_LINE_MAX
#define LOG_LINE_MAX 200
#endif

/* RAM ring for log lines (.pool.log.ring), a power of two. 1 KiB holds
 * ~8 request lines: 90 ms of output at 115200 baud (README "The log"). */
#ifndef LOG_RING_SIZE
#define LOG_RING_SIZE 1024
#endif
#if LOG_RING_SIZE < 256 || (LOG_RING_SIZE & (LOG_RING_SIZE - 1)) != 0
#error "LOG_RING_SIZE must be a power of two of at least 256"
#endif

/* Lines dropped whole for want of room in the ring, since boot. */
uint32_t log_lines_dropped(void);

#endif
