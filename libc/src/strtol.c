/* strtol.c: strtol, strtoul, strtoll, strtoull, strtoimax, strtoumax (long and long long are both
 * 64 bits here). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

static int digit_value(int c)
{
    if (isdigit(c))
        return c - '0';
    if (isalpha(c))
        return (c | 32) - 'a' + 10;
    return 99;
}

/* The magnitude of the number at s, saturated at ULLONG_MAX with *over set;
 * *neg for a leading '-'. *end as strtoull's. */
static unsigned long long parse(const char *s, char **end, int base, bool *neg, bool *over)
{
    const char *p = s;
    *neg = *over = false;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '-' || *p == '+')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' &&
        digit_value((unsigned char)p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == '0' ? 8 : 10;
    }
    const char *digits = p;
    unsigned long long v = 0;
    for (int d; (d = digit_value((unsigned char)*p)) < base; p++) {
        if (__builtin_mul_overflow(v, (unsigned)base, &v) ||
            __builtin_add_overflow(v, (unsigned)d, &v))
            *over = true;
    }
    if (end)
        *end = (char *)(p == digits ? s : p);
    return *over ? ULLONG_MAX : v;
}

unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
    bool neg, over;
    unsigned long long v = parse(s, end, base, &neg, &over);
    if (over) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return neg ? -v : v;
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
    bool neg, over;
    unsigned long long v = parse(s, end, base, &neg, &over);
    unsigned long long limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
    if (over || v > limit) {
        errno = ERANGE;
        return neg ? LLONG_MIN : LLONG_MAX;
    }
    return neg ? (long long)-v : (long long)v;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    return strtoull(s, end, base);
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    return strtoll(s, end, base);
}

uintmax_t strtoumax(const char *restrict s, char **restrict end, int base)
{
    return strtoull(s, end, base);
}

intmax_t strtoimax(const char *restrict s, char **restrict end, int base)
{
    return strtoll(s, end, base);
}
