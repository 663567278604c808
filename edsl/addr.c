/* addr.c: IPv4/IPv6 address and prefix parsing, to check key values at configure time. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hexval(char c)
{
    if (digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse a dotted quad at s, up to end; no leading zeros (they read as octal
 * elsewhere), each part 0..255. */
static int ipv4_span(const char *s, const char *end, unsigned char out[4])
{
    for (int i = 0; i < 4; i++) {
        if (s >= end || !digit(*s))
            return -1;
        int v = 0, nd = 0;
        const char *start = s;
        while (s < end && digit(*s)) {
            v = v * 10 + (*s++ - '0');
            if (++nd > 3)
                return -1;
        }
        if (v > 255 || (nd > 1 && *start == '0'))
            return -1;
        out[i] = (unsigned char)v;
        if (i < 3) {
            if (s >= end || *s != '.')
                return -1;
            s++;
        }
    }
    return s == end ? 0 : -1;
}

int ed_ipv4_parse(const char *s, unsigned char out[4])
{
    return ipv4_span(s, s + strlen(s), out);
}

static int prefix_len(const char *s, int max, int *len)
{
    if (!digit(*s) || strlen(s) > 3 || (s[0] == '0' && s[1]))
        return -1;
    int v = atoi(s);
    for (const char *p = s; *p; p++)
        if (!digit(*p))
            return -1;
    if (v > max)
        return -1;
    *len = v;
    return 0;
}

int ed_ipv4_prefix_parse(const char *s, unsigned char out[4], int *len)
{
    const char *slash = strchr(s, '/');
    if (!slash || ipv4_span(s, slash, out) < 0)
        return -1;
    return prefix_len(slash + 1, 32, len);
}

static int ipv6_span(const char *s, const char *end, unsigned char out[16])
{
    unsigned char head[16], tail[16];
    int nh = 0, nt = 0; /* bytes before and after "::" */
    bool gap = false;
    if (end - s >= 2 && s[0] == ':' && s[1] == ':') {
        gap = true;
        s += 2;
    } else if (s < end && *s == ':') {
        return -1;
    }
    while (s < end) {
        unsigned char *dst = gap ? tail : head;
        int *n = gap ? &nt : &nh;
        /* A dotted quad ends the address. */
        const char *p = s;
        while (p < end && *p != ':' && *p != '.')
            p++;
        if (p < end && *p == '.') {
            if (nh + nt + 4 > 16 || ipv4_span(s, end, dst + *n) < 0)
                return -1;
            *n += 4;
            s = end;
            break;
        }
        int v = 0, nd = 0;
        while (s < end && hexval(*s) >= 0) {
            v = v * 16 + hexval(*s++);
            if (++nd > 4)
                return -1;
        }
        if (nd == 0 || nh + nt + 2 > 16)
            return -1;
        dst[(*n)++] = (unsigned char)(v >> 8);
        dst[(*n)++] = (unsigned char)v;
        if (s == end)
            break;
        if (*s != ':')
            return -1;
        s++;
        if (s < end && *s == ':') {
            if (gap)
                return -1;
            gap = true;
            s++;
        } else if (s == end) {
            return -1; /* a trailing single ':' */
        }
    }
    if (gap ? nh + nt > 14 : nh != 16)
        return -1;
    memset(out, 0, 16);
    memcpy(out, head, (size_t)nh);
    memcpy(out + 16 - nt, tail, (size_t)nt);
    return 0;
}

int ed_ipv6_parse(const char *s, unsigned char out[16])
{
    return ipv6_span(s, s + strlen(s), out);
}

int ed_ipv6_prefix_parse(const char *s, unsigned char out[16], int *len)
{
    const char *slash = strchr(s, '/');
    if (!slash || ipv6_span(s, slash, out) < 0)
        return -1;
    return prefix_len(slash + 1, 128, len);
}
