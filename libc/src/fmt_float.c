/* fmt_float.c: %f %e %g, exact: the double is expanded to its full decimal value, then rounded
 * half-to-even as glibc does. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fmt.h"

/* A double is m * 2^e with m < 2^53 and -1074 <= e <= 971. As a decimal
 * B * 10^exp10 the integer B has at most 767 digits (m * 5^1074), that is 86
 * limbs of nine digits. */
#define LIMBS 90
#define LIMB_BASE 1000000000u

struct dec {
    uint32_t l[LIMBS]; /* B, least significant limb first */
    int n;             /* limbs used */
    int nd;            /* decimal digits of B */
    int x;             /* digits before the decimal point: nd + exp10 */
};

/* The rounded value: digits 0..k-1 of the expansion, the last of them
 * raised by one at index j (the ones after it become 0) when up; carry
 * when the raise ran off the front (999 -> 1000). */
struct rounded {
    const struct dec *d;
    int k, j;
    bool up, carry;
};

static const uint32_t pow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

static void mul_small(struct dec *d, uint32_t f)
{
    uint64_t carry = 0;
    for (int i = 0; i < d->n; i++) {
        uint64_t t = (uint64_t)d->l[i] * f + carry;
        d->l[i] = (uint32_t)(t % LIMB_BASE);
        carry = t / LIMB_BASE;
    }
    for (; carry; carry /= LIMB_BASE)
        d->l[d->n++] = (uint32_t)(carry % LIMB_BASE);
}

static void expand(struct dec *d, uint64_t m, int e)
{
    d->l[0] = (uint32_t)(m % LIMB_BASE);
    d->l[1] = (uint32_t)(m / LIMB_BASE);
    d->n = d->l[1] ? 2 : 1;
    int exp10 = 0;
    for (; e >= 29; e -= 29)
        mul_small(d, 1u << 29);
    if (e > 0)
        mul_small(d, 1u << e);
    /* m / 2^k = m * 5^k / 10^k */
    for (int k = e < 0 ? -e : 0; k > 0; k -= 13) {
        uint32_t f = 1;
        for (int i = 0; i < k && i < 13; i++)
            f *= 5; /* 5^13 < 2^32 */
        mul_small(d, f);
    }
    if (e < 0)
        exp10 = e;
    int top = 1;
    while (top < 9 && d->l[d->n - 1] >= pow10[top])
        top++;
    d->nd = 9 * (d->n - 1) + top;
    d->x = d->nd + exp10;
}

/* Digit i of B, 0 the most significant; 0 outside B. */
static int digit(const struct dec *d, int i)
{
    if (i < 0 || i >= d->nd)
        return 0;
    int p = d->nd - 1 - i;
    return (int)(d->l[p / 9] / pow10[p % 9] % 10);
}

static bool nonzero_after(const struct dec *d, int i)
{
    for (i++; i < d->nd; i++)
        if (digit(d, i))
            return true;
    return false;
}

/* Keep k digits (k <= 0: none), rounding half to even. */
static void round_to(struct rounded *r, const struct dec *d, int k)
{
    r->d = d;
    r->k = k;
    r->j = 0;
    r->up = r->carry = false;
    if (k >= d->nd)
        return;
    int next = k >= 0 ? digit(d, k) : 0;
    if (next > 5 || (next == 5 && (nonzero_after(d, k) || (digit(d, k - 1) & 1))))
        r->up = true;
    if (!r->up)
        return;
    r->j = k - 1;
    while (r->j >= 0 && digit(d, r->j) == 9)
        r->j--;
    r->carry = r->j < 0;
}

/* Digit i of the rounded value (whose first digit is 1 after a carry). */
static int rdigit(const struct rounded *r, int i)
{
    if (r->carry)
        return i == 0;
    if (i >= r->k)
        return 0;
    if (!r->up || i < r->j)
        return digit(r->d, i);
    return i == r->j ? digit(r->d, i) + 1 : 0;
}

/* What the body emitters need: the rounded digits and where they go. */
struct body {
    const struct rounded *r;
    int x;      /* digits before the point after rounding */
    int frac;   /* digits after the point */
    bool point; /* print the point */
    int exp;    /* %e: the exponent; INT32_MIN for %f */
    unsigned flags;
};

static void put_digits(struct fmt_out *o, const struct rounded *r, int from, int n)
{
    char buf[32];
    while (n > 0) {
        int k = n < 32 ? n : 32;
        for (int i = 0; i < k; i++)
            buf[i] = (char)('0' + rdigit(r, from + i));
        __fmt_put(o, buf, (size_t)k);
        from += k, n -= k;
    }
}

static void emit_body(struct fmt_out *o, const void *arg)
{
    const struct body *b = arg;
    if (b->exp != INT32_MIN) {
        put_digits(o, b->r, 0, 1);
        if (b->point)
            __fmt_put(o, ".", 1);
        put_digits(o, b->r, 1, b->frac);
        unsigned e = b->exp < 0 ? (unsigned)-b->exp : (unsigned)b->exp;
        char tail[8] = {b->flags & FMT_UPPER ? 'E' : 'e', b->exp < 0 ? '-' : '+'};
        int n = e >= 100 ? 3 : 2;
        for (int i = n; i > 0; i--, e /= 10)
            tail[1 + i] = (char)('0' + e % 10);
        __fmt_put(o, tail, (size_t)(2 + n));
        return;
    }
    if (b->x <= 0)
        __fmt_put(o, "0", 1);
    else
        put_digits(o, b->r, 0, b->x);
    if (b->point)
        __fmt_put(o, ".", 1);
    put_digits(o, b->r, b->x, b->frac);
}

static size_t body_len(const struct body *b)
{
    size_t n = (size_t)b->frac + b->point;
    if (b->exp != INT32_MIN)
        return n + 1 + 2 + (b->exp >= 100 || b->exp <= -100 ? 3 : 2);
    return n + (size_t)(b->x > 0 ? b->x : 1);
}

void __fmt_double(struct fmt_out *o, const struct fmt_spec *sp_in, double v)
{
    struct fmt_spec sp = *sp_in;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bool neg = bits >> 63;
    const char *sign = neg ? "-" : sp.flags & FMT_PLUS ? "+" : sp.flags & FMT_SPACE ? " " : "";
    int be = (int)(bits >> 52 & 0x7ff);
    uint64_t m = bits & (((uint64_t)1 << 52) - 1);
    if (be == 0x7ff) {
        const char *t = m ? "nan" : "inf";
        if (sp.flags & FMT_UPPER)
            t = m ? "NAN" : "INF";
        sp.flags &= ~FMT_ZERO;
        __fmt_field(o, &sp, sign, 0, 3, t, NULL, NULL);
        return;
    }
    int e = be ? be - 1075 : -1074;
    if (be)
        m |= (uint64_t)1 << 52;
    while (m && !(m & 1)) /* fewer factors of 5 to multiply in */
        m >>= 1, e++;
    struct dec d;
    if (m)
        expand(&d, m, e);
    else
        d = (struct dec){.l = {0}, .n = 1, .nd = 1, .x = 1};

    int prec = sp.prec < 0 ? 6 : sp.prec;
    struct rounded r;
    struct body b = {.r = &r, .flags = sp.flags, .exp = INT32_MIN};
    char conv = sp.conv;
    if (conv == 'g') {
        int p = prec ? prec : 1;
        round_to(&r, &d, p);
        int x = d.x + r.carry - 1; /* the exponent %e would print */
        if (x < -4 || x >= p) {
            conv = 'e';
            prec = p - 1;
        } else {
            conv = 'f';
            prec = p - 1 - x;
        }
    }
    if (conv == 'e') {
        round_to(&r, &d, prec + 1);
        b.exp = d.x + r.carry - 1;
        b.frac = prec;
    } else {
        round_to(&r, &d, d.x + prec);
        b.x = d.x + r.carry;
        b.frac = prec;
    }
    if (sp.conv == 'g' && !(sp.flags & FMT_ALT)) { /* drop trailing zeros */
        int first = b.exp != INT32_MIN ? 1 : b.x;
        while (b.frac > 0 && rdigit(&r, first + b.frac - 1) == 0)
            b.frac--;
    }
    b.point = b.frac > 0 || (sp.flags & FMT_ALT);
    __fmt_field(o, &sp, sign, 0, body_len(&b), NULL, emit_body, &b);
}
