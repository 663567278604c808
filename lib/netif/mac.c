/* mac.c: MAC addresses as text, "02:00:00:00:00:01", both ways. */
#include <stddef.h>

#include <mirage/error.h>
#include <mirage/net.h>

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

/* Six pairs of hex digits separated by ':' (or all by '-'), nothing else. */
int mg_mac_parse(const char *s, struct mg_mac *out)
{
    if (!s)
        return MG_EINVAL;
    struct mg_mac m;
    char sep = 0;
    for (int i = 0; i < 6; i++) {
        int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
        if (hi < 0 || lo < 0)
            return MG_EINVAL;
        m.b[i] = (uint8_t)(hi << 4 | lo);
        s += 2;
        if (i == 5)
            break;
        if (*s != ':' && *s != '-')
            return MG_EINVAL;
        if (sep && *s != sep)
            return MG_EINVAL;
        sep = *s++;
    }
    if (*s)
        return MG_EINVAL;
    *out = m;
    return 0;
}

int mg_mac_format(const struct mg_mac *m, char *buf, unsigned long size)
{
    static const char hex[] = "0123456789abcdef";
    char t[18];
    for (int i = 0; i < 6; i++) {
        t[i * 3] = hex[m->b[i] >> 4];
        t[i * 3 + 1] = hex[m->b[i] & 15];
        t[i * 3 + 2] = i == 5 ? '\0' : ':';
    }
    if (size == 0)
        return 17;
    unsigned long n = size - 1 < 17 ? size - 1 : 17;
    for (unsigned long i = 0; i < n; i++)
        buf[i] = t[i];
    buf[n] = '\0';
    return 17;
}
