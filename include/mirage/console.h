/* console.h: the CONSOLE device (Mirage_console.S): a byte stream to and from an operator. */
#ifndef MIRAGE_CONSOLE_H
#define MIRAGE_CONSOLE_H

#include <stddef.h>

struct mg_console;
struct mg_console_ops {
    /* Write all len bytes (the caller keeps buf). len, or a negative MG_E*. */
    long (*write)(struct mg_console *c, const void *buf, size_t len);
    /* Read up to len bytes, waiting (fiber-blocking) until at least one is
     * there. The count; 0 at end of input; or MG_E* (MG_ENOTSUP if the
     * console has no input). */
    long (*read)(struct mg_console *c, void *buf, size_t len);
    /* Flush and stop; later calls return MG_EPIPE. 0 or MG_E*. */
    int (*close)(struct mg_console *c);
};
struct mg_console {
    const struct mg_console_ops *ops;
    const char *name;
};
static inline long mg_console_write(struct mg_console *c, const void *buf, size_t len)
{
    return c->ops->write(c, buf, len);
}
static inline long mg_console_read(struct mg_console *c, void *buf, size_t len)
{
    return c->ops->read(c, buf, len);
}
static inline int mg_console_close(struct mg_console *c) { return c->ops->close(c); }
/* Write a NUL-terminated string. */
long mg_console_puts(struct mg_console *c, const char *s);
/* printf to the console. The count written, or MG_E*. */
long mg_console_printf(struct mg_console *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The platform's console (stdout and stdin on unix). name: "console" for
 * default_console, the given name for custom_console. */
int mg_console_connect(struct mg_console **out, const char *name);

#endif
