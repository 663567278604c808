/* ipaddr.c: IPv4 and IPv6 addresses and prefixes: strict parsers, RFC 5952 printers, keys. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <mirage/args.h>
#include <mirage/error.h>
#include <mirage/ipaddr.h>

/* A decimal number of at most max_digits digits, no sign, no leading zero;
 * advances *s. -1 if there is none. */
static long decimal(const char **s, int max_digits)
{
    const char *p = *s;
    long v = 0;
    int n = 0;
    while (*p >= '0' && *p <= '9' && n < max_digits + 1) {
        v = v * 10 + (*p - '0');
        p++;
        n++;
    }
    if (n == 0 || n > max_digits || (n > 1 && **s == '0'))
        return -1;
    *s = p;
    return v;
}

/* Dotted quad at *s; advances *s past it. */
static int v4_at(const char **s, uint8_t b[4])
{
    const char *p = *s;
    for (int i = 0; i < 4; i++) {
        if (i > 0 && *p++ != '.')
            return MG_EINVAL;
        long v = decimal(&p, 3);
        if (v < 0 || v > 255)
            return MG_EINVAL;
        b[i] = (uint8_t)v;
    }
    *s = p;
    return 0;
}

static int prefix_len(const char *p, long max, uint8_t *len)
{
    if (*p++ != '/')
        return MG_EINVAL;
    long v = decimal(&p, 3);
    if (v < 0 || v > max || *p)
        return MG_EINVAL;
    *len = (uint8_t)v;
    return 0;
}

int mg_ipv4_parse(const char *s, struct mg_ipv4 *out)
{
    struct mg_ipv4 a;
    if (v4_at(&s, a.b) || *s)
        return MG_EINVAL;
    *out = a;
    return 0;
}

int mg_ipv4_prefix_parse(const char *s, struct mg_ipv4_prefix *out)
{
    struct mg_ipv4_prefix p;
    if (v4_at(&s, p.addr.b) || prefix_len(s, 32, &p.len))
        return MG_EINVAL;
    *out = p;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* RFC 4291 2.2: eight groups of 1-4 hex digits, one `::` standing for one
 * or more zero groups, and optionally a dotted quad as the last 32 bits. */
static int v6_at(const char **s, uint8_t out[16])
{
    const char *p = *s;
    uint16_t g[8];
    int n = 0, gap = -1;
    bool just_gap = false; /* a `::` was just read: the address may end here */
    if (p[0] == ':') {
        if (p[1] != ':')
            return MG_EINVAL;
        gap = 0;
        p += 2;
        just_gap = true;
    }
    for (;;) {
        if (hexval(*p) < 0) {
            if (just_gap)
                break;
            return MG_EINVAL;
        }
        just_gap = false;
        if (n == 8)
            return MG_EINVAL;
        int d = 0, v = 0;
        while (d < 5 && hexval(p[d]) >= 0)
            v = v * 16 + hexval(p[d++]);
        if (p[d] == '.') {
            uint8_t q[4];
            if (n > 6 || v4_at(&p, q))
                return MG_EINVAL;
            g[n++] = (uint16_t)(q[0] << 8 | q[1]);
            g[n++] = (uint16_t)(q[2] << 8 | q[3]);
            break;
        }
        if (d > 4)
            return MG_EINVAL;
        g[n++] = (uint16_t)v;
        p += d;
        if (p[0] != ':')
            break;
        if (p[1] == ':') {
            if (gap >= 0)
                return MG_EINVAL;
            gap = n;
            p += 2;
            just_gap = true;
        } else {
            p++;
        }
    }
    if (gap < 0 ? n != 8 : n > 7)
        return MG_EINVAL;
    memset(out, 0, 16);
    int tail = gap < 0 ? 0 : n - gap;
    int head = n - tail;
    for (int i = 0; i < n; i++) {
        int at = i < head ? i : 8 - tail + (i - head);
        out[2 * at] = (uint8_t)(g[i] >> 8);
        out[2 * at + 1] = (uint8_t)g[i];
    }
    *s = p;
    return 0;
}

int mg_ipv6_parse(const char *s, struct mg_ipv6 *out)
{
    struct mg_ipv6 a;
    if (v6_at(&s, a.b) || *s)
        return MG_EINVAL;
    *out = a;
    return 0;
}

int mg_ipv6_prefix_parse(const char *s, struct mg_ipv6_prefix *out)
{
    struct mg_ipv6_prefix p;
    if (v6_at(&s, p.addr.b) || prefix_len(s, 128, &p.len))
        return MG_EINVAL;
    *out = p;
    return 0;
}

int mg_ip_parse(const char *s, struct mg_ip *out)
{
    struct mg_ip a;
    memset(&a, 0, sizeof a);
    int rc;
    if (strchr(s, ':')) {
        a.version = 6;
        rc = mg_ipv6_parse(s, &a.u.v6);
    } else {
        a.version = 4;
        rc = mg_ipv4_parse(s, &a.u.v4);
    }
    if (rc)
        return rc;
    *out = a;
    return 0;
}

/* Run-time keys of the IP kinds (<mirage/args.h>). */
int mg_arg_parse_ipv4(const struct mg_arg *a, const char *text, const char **why)
{
    *why = "expected an IPv4 address such as 10.0.0.2";
    return mg_ipv4_parse(text, a->var);
}

int mg_arg_parse_ipv4_prefix(const struct mg_arg *a, const char *text, const char **why)
{
    *why = "expected an IPv4 address and prefix length such as 10.0.0.2/24";
    return mg_ipv4_prefix_parse(text, a->var);
}

int mg_arg_parse_ipv6(const struct mg_arg *a, const char *text, const char **why)
{
    *why = "expected an IPv6 address such as fd00::2";
    return mg_ipv6_parse(text, a->var);
}

int mg_arg_parse_ipv6_prefix(const struct mg_arg *a, const char *text, const char **why)
{
    *why = "expected an IPv6 address and prefix length such as fd00::2/64";
    return mg_ipv6_prefix_parse(text, a->var);
}

int mg_arg_parse_ip(const struct mg_arg *a, const char *text, const char **why)
{
    *why = "expected an IPv4 or IPv6 address";
    return mg_ip_parse(text, a->var);
}

int mg_ipv4_format(const struct mg_ipv4 *a, char *buf, unsigned long size)
{
    return snprintf(buf, size, "%u.%u.%u.%u", a->b[0], a->b[1], a->b[2], a->b[3]);
}

int mg_ipv4_prefix_format(const struct mg_ipv4_prefix *p, char *buf, unsigned long size)
{
    const uint8_t *b = p->addr.b;
    return snprintf(buf, size, "%u.%u.%u.%u/%u", b[0], b[1], b[2], b[3], p->len);
}

/* RFC 5952: lower case, no leading zeros, the longest run (the first of
 * equals) of two or more zero groups as `::`, and IPv4-mapped addresses
 * (::ffff:0:0/96) with their dotted quad. */
int mg_ipv6_format(const struct mg_ipv6 *a, char *buf, unsigned long size)
{
    char t[48];
    size_t n = 0;
    uint16_t g[8];
    for (int i = 0; i < 8; i++)
        g[i] = (uint16_t)(a->b[2 * i] << 8 | a->b[2 * i + 1]);
    bool mapped = !g[0] && !g[1] && !g[2] && !g[3] && !g[4] && g[5] == 0xffff;
    int groups = mapped ? 6 : 8;
    int best = -1, best_len = 1;
    for (int i = 0; i < groups;) {
        int j = i;
        while (j < groups && g[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    for (int i = 0; i < groups; i++) {
        if (i == best) {
            t[n++] = ':';
            t[n++] = ':';
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best + best_len)
            t[n++] = ':';
        n += (size_t)snprintf(t + n, sizeof t - n, "%x", g[i]);
    }
    t[n] = '\0';
    if (mapped)
        snprintf(t + n, sizeof t - n, ":%u.%u.%u.%u", a->b[12], a->b[13], a->b[14], a->b[15]);
    return snprintf(buf, size, "%s", t);
}

int mg_ipv6_prefix_format(const struct mg_ipv6_prefix *p, char *buf, unsigned long size)
{
    char t[48];
    mg_ipv6_format(&p->addr, t, sizeof t);
    return snprintf(buf, size, "%s/%u", t, p->len);
}

int mg_ip_format(const struct mg_ip *a, char *buf, unsigned long size)
{
    if (a->version == 6)
        return mg_ipv6_format(&a->u.v6, buf, size);
    return mg_ipv4_format(&a->u.v4, buf, size);
}
