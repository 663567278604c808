/* console_printf.c: formatted and string output on any CONSOLE device. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/console.h>
#include <mirage/error.h>

/* Most console lines fit here; a fiber's stack (64 KiB by default) keeps
 * this much without strain. Longer output is formatted into the heap. */
#define CONSOLE_PRINTF_STACK 256

long mg_console_puts(struct mg_console *c, const char *s)
{
    return mg_console_write(c, s, strlen(s));
}

long mg_console_printf(struct mg_console *c, const char *fmt, ...)
{
    char small[CONSOLE_PRINTF_STACK];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return MG_EINVAL;
    if ((size_t)n < sizeof small)
        return mg_console_write(c, small, (size_t)n);

    char *big = malloc((size_t)n + 1);
    if (!big)
        return MG_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    long rc = mg_console_write(c, big, (size_t)n);
    free(big);
    return rc;
}
