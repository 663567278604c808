/* vsnprintf.c: vsnprintf, snprintf, vsprintf and sprintf over the engine of fmt.c. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "fmt.h"

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
    struct fmt_out o = {buf, size ? size - 1 : 0, 0, 0, NULL};
    int rc = __fmt_format(&o, fmt, ap);
    if (size)
        buf[o.pos] = 0;
    if (rc < 0)
        return -1;
    if (o.total > INT_MAX) {
        errno = EOVERFLOW;
        return -1;
    }
    return (int)o.total;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* No size: the caller promised room; INT_MAX bounds what the result can report. */
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
    return vsnprintf(buf, (size_t)INT_MAX + 1, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}
