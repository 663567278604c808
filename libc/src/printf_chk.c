/* printf_chk.c: the _FORTIFY_SOURCE snprintf family: abort when the size given exceeds the
 * object's. */
#include <mg_libc.h>
#include <stdarg.h>
#include <stdio.h>

int __vsnprintf_chk(char *restrict buf, size_t size, int flag, size_t buflen,
                    const char *restrict fmt, va_list ap);
int __snprintf_chk(char *restrict buf, size_t size, int flag, size_t buflen,
                   const char *restrict fmt, ...);
int __vsprintf_chk(char *restrict buf, int flag, size_t buflen, const char *restrict fmt,
                   va_list ap);
int __sprintf_chk(char *restrict buf, int flag, size_t buflen, const char *restrict fmt, ...);

/* flag asks glibc for extra %n checks; we have no %n, so it changes nothing. */
int __vsnprintf_chk(char *restrict buf, size_t size, int flag, size_t buflen,
                    const char *restrict fmt, va_list ap)
{
    (void)flag;
    if (size > buflen)
        mg_libc_fatal("libc: buffer overflow detected in snprintf");
    return vsnprintf(buf, size, fmt, ap);
}

int __snprintf_chk(char *restrict buf, size_t size, int flag, size_t buflen,
                   const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = __vsnprintf_chk(buf, size, flag, buflen, fmt, ap);
    va_end(ap);
    return n;
}

/* sprintf has no size: write at most buflen bytes and abort if more were needed. */
int __vsprintf_chk(char *restrict buf, int flag, size_t buflen, const char *restrict fmt,
                   va_list ap)
{
    (void)flag;
    int n = vsnprintf(buf, buflen, fmt, ap);
    if (n >= 0 && (size_t)n >= buflen)
        mg_libc_fatal("libc: buffer overflow detected in sprintf");
    return n;
}

int __sprintf_chk(char *restrict buf, int flag, size_t buflen, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = __vsprintf_chk(buf, flag, buflen, fmt, ap);
    va_end(ap);
    return n;
}
