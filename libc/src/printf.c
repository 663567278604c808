/* printf.c: printf, vprintf, puts and putchar, written to the platform's console. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "platform.h"

static void to_console(struct fmt_out *o)
{
    mg_plat_console_write(o->buf, o->pos);
    o->pos = 0;
}

int vprintf(const char *restrict fmt, va_list ap)
{
    char chunk[128];
    struct fmt_out o = {chunk, sizeof chunk, 0, 0, to_console};
    int rc = __fmt_format(&o, fmt, ap);
    to_console(&o);
    if (rc < 0)
        return -1;
    if (o.total > INT_MAX) {
        errno = EOVERFLOW;
        return -1;
    }
    return (int)o.total;
}

int printf(const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    mg_plat_console_write(s, strlen(s));
    mg_plat_console_write("\n", 1);
    return 0;
}

int putchar(int c)
{
    char ch = (char)c;
    mg_plat_console_write(&ch, 1);
    return (unsigned char)c;
}
