/* fmt.c: the printf engine: parsing of conversion specifications, integers, characters, strings,
 * pointers. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fmt.h"

void __fmt_put(struct fmt_out *o, const char *s, size_t n)
{
    o->total += n;
    while (n > 0) {
        if (o->pos == o->cap) {
            if (!o->flush)
                return;
            o->flush(o);
        }
        size_t k = o->cap - o->pos < n ? o->cap - o->pos : n;
        memcpy(o->buf + o->pos, s, k);
        o->pos += k, s += k, n -= k;
    }
}

void __fmt_fill(struct fmt_out *o, char c, size_t n)
{
    char chunk[16];
    memset(chunk, c, sizeof chunk);
    for (; n > sizeof chunk; n -= sizeof chunk)
        __fmt_put(o, chunk, sizeof chunk);
    __fmt_put(o, chunk, n);
}

void __fmt_field(struct fmt_out *o, const struct fmt_spec *sp, const char *prefix, size_t zeros,
                 size_t len, const char *text, void (*emit)(struct fmt_out *o, const void *arg),
                 const void *arg)
{
    size_t plen = strlen(prefix), total = plen + zeros + len;
    size_t pad = (size_t)sp->width > total ? (size_t)sp->width - total : 0;
    bool zero_pad = (sp->flags & FMT_ZERO) && !(sp->flags & FMT_LEFT);
    if (!(sp->flags & FMT_LEFT) && !zero_pad)
        __fmt_fill(o, ' ', pad);
    __fmt_put(o, prefix, plen);
    __fmt_fill(o, '0', zeros + (zero_pad ? pad : 0));
    if (emit)
        emit(o, arg);
    else
        __fmt_put(o, text, len);
    if (sp->flags & FMT_LEFT)
        __fmt_fill(o, ' ', pad);
}

static void format_int(struct fmt_out *o, struct fmt_spec *sp, uintmax_t v, bool neg)
{
    char digits[24], prefix[3] = "";
    const char *set = sp->flags & FMT_UPPER ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned base = sp->conv == 'x' ? 16 : sp->conv == 'o' ? 8 : 10;
    size_t n = 0;
    bool zero = v == 0;
    for (; v; v /= base)
        digits[sizeof digits - ++n] = set[v % base];
    size_t prec = sp->prec < 0 ? 1 : (size_t)sp->prec;
    if (sp->prec >= 0)
        sp->flags &= ~FMT_ZERO;
    if (sp->conv == 'd')
        strcpy(prefix, neg ? "-" : sp->flags & FMT_PLUS ? "+" : sp->flags & FMT_SPACE ? " " : "");
    else if (sp->conv == 'x' && (sp->flags & FMT_ALT) && !zero)
        strcpy(prefix, sp->flags & FMT_UPPER ? "0X" : "0x");
    else if (sp->conv == 'o' && (sp->flags & FMT_ALT) && prec <= n)
        prec = n + 1; /* # makes the first digit of an octal number a 0 */
    __fmt_field(o, sp, prefix, prec > n ? prec - n : 0, n, digits + sizeof digits - n, NULL, NULL);
}

/* Read a decimal number or *; INT_MAX for one that does not fit. */
static int read_num(const char **f, va_list *ap, bool *star)
{
    *star = **f == '*';
    if (*star) {
        (*f)++;
        return va_arg(*ap, int);
    }
    int v = 0;
    for (; **f >= '0' && **f <= '9'; (*f)++)
        v = v > (INT_MAX - 9) / 10 ? INT_MAX : v * 10 + (**f - '0');
    return v;
}

int __fmt_format(struct fmt_out *o, const char *f, va_list ap_in)
{
    va_list ap;
    va_copy(ap, ap_in);
    int rc = 0;
    while (*f) {
        const char *lit = f;
        while (*f && *f != '%')
            f++;
        __fmt_put(o, lit, (size_t)(f - lit));
        if (!*f)
            break;
        f++;
        struct fmt_spec sp = {0, 0, -1, 0};
        for (const char *fl;; f++) {
            if (!*f || !(fl = strchr("-+ 0#", *f)))
                break;
            sp.flags |= 1u << (fl - "-+ 0#");
        }
        bool star;
        int w = read_num(&f, &ap, &star);
        if (w < 0) { /* a negative * width is the - flag */
            sp.flags |= FMT_LEFT;
            w = w == INT_MIN ? INT_MAX : -w;
        }
        sp.width = w;
        if (*f == '.') {
            f++;
            sp.prec = read_num(&f, &ap, &star);
            if (sp.prec < 0)
                sp.prec = star ? -1 : 0;
        }
        /* Length: h counts down, l up; z, j, t are 64 bits here as is l. */
        int len = 0;
        for (;; f++) {
            if (*f == 'h')
                len--;
            else if (*f == 'l' || *f == 'z' || *f == 'j' || *f == 't')
                len++;
            else
                break;
        }
        char c = *f;
        if (!c)
            goto bad;
        f++;
        if (c >= 'A' && c <= 'Z' && c != 'C' && c != 'S') {
            sp.flags |= FMT_UPPER;
            c = (char)(c + 32);
        }
        sp.conv = c;
        switch (c) {
        case 'd':
        case 'i': {
            intmax_t v = len > 0 ? va_arg(ap, long) : va_arg(ap, int);
            v = len == -1 ? (short)v : len <= -2 ? (signed char)v : v;
            sp.conv = 'd';
            format_int(o, &sp, v < 0 ? -(uintmax_t)v : (uintmax_t)v, v < 0);
            break;
        }
        case 'u':
            sp.conv = 'd';
            sp.flags &= ~(FMT_PLUS | FMT_SPACE);
            /* fall through */
        case 'x':
        case 'o': {
            uintmax_t v = len > 0 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            v = len == -1 ? (unsigned short)v : len <= -2 ? (unsigned char)v : v;
            format_int(o, &sp, v, false);
            break;
        }
        case 'p': {
            void *p = va_arg(ap, void *);
            if (!p) {
                sp.flags &= ~FMT_ZERO;
                __fmt_field(o, &sp, "", 0, 5, "(nil)", NULL, NULL);
                break;
            }
            sp.conv = 'x';
            sp.flags |= FMT_ALT;
            format_int(o, &sp, (uintptr_t)p, false);
            break;
        }
        case 'c': {
            if (len != 0) /* %lc: no wide characters */
                goto bad;
            char ch = (char)va_arg(ap, int);
            sp.flags &= ~FMT_ZERO;
            __fmt_field(o, &sp, "", 0, 1, &ch, NULL, NULL);
            break;
        }
        case 's': {
            if (len != 0) /* %ls: no wide characters */
                goto bad;
            const char *s = va_arg(ap, const char *);
            if (!s) /* as glibc: "(null)" unless the precision cuts it */
                s = sp.prec < 0 || sp.prec >= 6 ? "(null)" : "";
            sp.flags &= ~FMT_ZERO;
            __fmt_field(o, &sp, "", 0, sp.prec < 0 ? strlen(s) : strnlen(s, (size_t)sp.prec), s,
                        NULL, NULL);
            break;
        }
        case 'f':
        case 'e':
        case 'g':
            if (len != 0 && len != 1) /* %lf is %f; %Lf (long double) is not supported */
                goto bad;
            __fmt_double(o, &sp, va_arg(ap, double));
            break;
        case '%':
            __fmt_put(o, "%", 1);
            break;
        default:
            goto bad;
        }
    }
    goto done;
bad:
    rc = -1;
done:
    va_end(ap);
    return rc;
}
