/* plat_console_stderr.c: the platform console as plain stderr, for unit tests
 * that link pieces of platform/unix without its event loop. */
#include <stdio.h>

#include "platform.h"

void mg_plat_console_write(const void *buf, size_t len)
{
    fwrite(buf, 1, len, stderr);
}

void mg_plat_console_flush(void)
{
    fflush(stderr);
}
