/* fatal.c: the libc's way out: abort(), and mg_libc_fatal for the checks that catch misuse. */
#include <stdlib.h>

#include <mg_libc.h>

#include "platform.h"

_Noreturn void abort(void)
{
    mg_plat_abort("libc: abort() called");
}

_Noreturn void mg_libc_fatal(const char *msg)
{
    mg_plat_abort(msg);
}
