/* stdio.h: formatted output into strings, and to the console; no FILE I/O.
 *
 * The conversions are C99's d i u x X o c s p % and f F e E g G, with the
 * flags - + space 0 #, width and precision (numbers or *), and the length
 * modifiers hh h l ll z j t. Doubles are printed exactly, rounded half to
 * even, as glibc does. Not supported (the call returns -1): %n, %a, long
 * double (%Lf), wide characters (%lc %ls), positional arguments (%1$d).
 * The functions return the length the full output would have had
 * (excluding the NUL). printf, puts and putchar write to the platform's
 * console (mg_plat_console_write).
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int sprintf(char *restrict buf, const char *restrict fmt, ...)
    __attribute__((format(printf, 2, 3)));
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int puts(const char *s);
int putchar(int c);

#endif
