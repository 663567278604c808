/* console.c: the CONSOLE device over the platform's console (stdout/stdin on unix). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <mirage/console.h>
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "platform.h"

struct console {
    struct mg_console base; /* first: the handle the unikernel sees */
    bool closed;
};

static long console_write(struct mg_console *c, const void *buf, size_t len)
{
    if (((struct console *)c)->closed)
        return MG_EPIPE;
    mg_plat_console_write(buf, len);
    /* An operator reads the console as it is written, as with MirageOS's
     * unbuffered unix console: do not leave a line waiting in a buffer. */
    mg_plat_console_flush();
    return (long)len;
}

static long console_read(struct mg_console *c, void *buf, size_t len)
{
    if (((struct console *)c)->closed)
        return MG_EPIPE;
    if (len == 0)
        return 0;
    for (;;) {
        long n = mg_plat_console_read(buf, len);
        if (n > 0)
            return n;
        if (n == -1) /* the platform's end of input */
            return 0;
        if (n < 0)
            return n;
        int rc = mg_wait(mg_plat_console_waitq(), UINT64_MAX);
        if (rc < 0)
            return rc;
        if (((struct console *)c)->closed)
            return MG_EPIPE;
    }
}

static int console_close(struct mg_console *c)
{
    struct console *con = (struct console *)c;
    if (con->closed)
        return MG_EPIPE;
    con->closed = true;
    mg_plat_console_flush();
    return 0;
}

static const struct mg_console_ops console_ops = {
    .write = console_write,
    .read = console_read,
    .close = console_close,
};

int mg_console_connect(struct mg_console **out, const char *name)
{
    struct console *c = calloc(1, sizeof *c);
    if (!c)
        return MG_ENOMEM;
    c->base.ops = &console_ops;
    c->base.name = name;
    *out = &c->base;
    return 0;
}
