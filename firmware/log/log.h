/* Console log: printf-style lines on the board's console, formatted into
 * a fixed buffer (no libc stdio, which would pull in malloc). */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stddef.h>

/* Format into buf (always NUL-terminated when cap > 0). Supports %s %c %d
 * %i %u %x %X %p %% with optional '0' flag, width and 'l'/'ll'/'z'
 * length modifiers. Returns the length written, or APP_ERR_OVERFLOW when
 * the output did not fit (buf then holds a truncated line). */
int log_vformat(char *buf, size_t cap, const char *fmt, va_list ap);
int log_format(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Format and write to the console. Lines longer than LOG_LINE_MAX are
 * cut and end with "...". */
void log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write len bytes to the console as they are (a line already formatted). */
void log_write(const char *s, size_t len);

#ifndef LOG_LINE_MAX
#define LOG_LINE_MAX 200
#endif

#endif
