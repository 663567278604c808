/* buf.h: a growable text buffer for the engine's generated files. */
#ifndef EDSL_BUF_H
#define EDSL_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* Zero-initialised is empty. The owner frees it with buf_free. */
struct buf {
    char *p;
    size_t len, cap;
};

void buf_put(struct buf *b, const void *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* s as a C string literal, quotes included; NULL as `NULL`. */
void buf_cstr(struct buf *b, const char *s);
/* s quoted for a Graphviz label: quotes included. */
void buf_dotstr(struct buf *b, const char *s);
const char *buf_str(const struct buf *b); /* never NULL */
size_t buf_lines(const struct buf *b);    /* newlines so far */
void buf_free(struct buf *b);

#endif
