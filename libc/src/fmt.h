/* fmt.h: the formatting engine behind the printf family: an output sink and the conversions. */
#ifndef MG_LIBC_FMT_H
#define MG_LIBC_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Bytes go to buf while they fit (cap); then to flush, which empties buf, or,
 * without flush, nowhere. total counts every byte produced. */
struct fmt_out {
    char *buf;
    size_t cap, pos, total;
    void (*flush)(struct fmt_out *o);
};

#define FMT_LEFT 1u   /* - */
#define FMT_PLUS 2u   /* + */
#define FMT_SPACE 4u  /* space */
#define FMT_ZERO 8u   /* 0 */
#define FMT_ALT 16u   /* # */
#define FMT_UPPER 32u /* X E F G */

struct fmt_spec {
    unsigned flags;
    int width; /* 0: none */
    int prec;  /* -1: none */
    char conv; /* d x f e g ... (lower case) */
};

void __fmt_put(struct fmt_out *o, const char *s, size_t n);
void __fmt_fill(struct fmt_out *o, char c, size_t n);
/* Emit prefix (sign, 0x), `zeros` zeros, and a body of len bytes, padded to
 * the spec's width: with zeros after the prefix for FMT_ZERO (callers clear
 * it where C says it is ignored), else with spaces before, or after for
 * FMT_LEFT. The body is text, or when emit is not NULL what emit(o, arg)
 * writes (exactly len bytes). */
void __fmt_field(struct fmt_out *o, const struct fmt_spec *sp, const char *prefix, size_t zeros,
                 size_t len, const char *text, void (*emit)(struct fmt_out *o, const void *arg),
                 const void *arg);
/* Format into o; 0, or -1 for a conversion we do not support (%n, %a, %L...). */
int __fmt_format(struct fmt_out *o, const char *fmt, va_list ap);
/* %f %e %g of v. */
void __fmt_double(struct fmt_out *o, const struct fmt_spec *sp, double v);

#endif
