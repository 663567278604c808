/* console.c: the freestanding console: buffered output, one host call per flush; no input. */
#include <string.h>

#include <mirage/error.h>
#include <mirage/fiber.h>

#include "plat.h"
#include "platform.h"

/* Flushed when full, at every mg_plat_wait, at exit and abort: a line is
 * not a system call or an exit (an exit costs tens of microseconds on PVM). */
#define CONSOLE_BUF 8192
static char out[CONSOLE_BUF];
static size_t out_len;

void mg_plat_console_flush(void)
{
    size_t len = out_len;
    out_len = 0;
    if (len)
        plat_console_out(out, len);
}

void mg_plat_console_write(const void *buf, size_t len)
{
    if (out_len + len > CONSOLE_BUF)
        mg_plat_console_flush();
    if (len >= CONSOLE_BUF) {
        plat_console_out(buf, len);
        return;
    }
    memcpy(out + out_len, buf, len);
    out_len += len;
}

/* The tenders give the unikernel no console input. */
long mg_plat_console_read(void *buf, size_t len)
{
    (void)buf;
    (void)len;
    return MG_ENOTSUP;
}

struct mg_waitq *mg_plat_console_waitq(void)
{
    static struct mg_waitq never; /* nothing wakes it: there is no input */
    return &never;
}
