/* assert.c: __assert_fail, the end of a failed assert(). */
#include <assert.h>
#include <stdio.h>

#include "platform.h"

_Noreturn void __assert_fail(const char *expr, const char *file, unsigned int line,
                             const char *func)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s:%u: %s: Assertion `%s' failed.", file, line, func, expr);
    mg_plat_abort(msg);
}
