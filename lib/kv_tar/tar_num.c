/* tar_num.c: the numbers of a tar header (octal or base-256) and its checksum. */
#include <string.h>

#include "tar.h"

static int base256(const unsigned char *f, size_t len, int64_t max, bool neg_ok, int64_t *out)
{
    bool neg = f[0] == 0xff;
    if (f[0] != 0x80 && !neg)
        return -1;
    if (neg && !neg_ok)
        return -1;
    /* The number is the field as big-endian two's complement, minus the
     * marker bit: a negative one is read as its complement, -(m + 1). */
    uint64_t m = 0;
    for (size_t i = 1; i < len; i++) {
        unsigned b = neg ? (unsigned)(~f[i] & 0xff) : f[i];
        if (m > (UINT64_MAX >> 8))
            return -1;
        m = (m << 8) | b;
    }
    if (m > (uint64_t)INT64_MAX)
        return -1;
    int64_t v = neg ? -(int64_t)m - 1 : (int64_t)m;
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

int tar_number(const unsigned char *f, size_t len, int64_t max, bool neg_ok, int64_t *out)
{
    if (len && (f[0] & 0x80))
        return base256(f, len, max, neg_ok, out);
    size_t i = 0;
    while (i < len && f[i] == ' ')
        i++;
    uint64_t v = 0;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v > ((uint64_t)max >> 3))
            return -1;
        v = (v << 3) | (uint64_t)(f[i] - '0');
    }
    for (; i < len; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return -1;
    if (v > (uint64_t)max)
        return -1;
    *out = (int64_t)v;
    return 0;
}

bool tar_checksum_ok(const unsigned char h[TAR_BLOCK], int64_t *stored, int64_t *sum_unsigned,
                     int64_t *sum_signed)
{
    int64_t u = 0, s = 0;
    for (size_t i = 0; i < TAR_BLOCK; i++) {
        bool in_field = i >= TAR_CHKSUM && i < TAR_CHKSUM + TAR_CHKSUM_LEN;
        unsigned char c = in_field ? ' ' : h[i];
        u += c;
        s += (signed char)c;
    }
    *sum_unsigned = u;
    *sum_signed = s;
    if (tar_number(h + TAR_CHKSUM, TAR_CHKSUM_LEN, 07777777, false, stored) < 0) {
        *stored = -1;
        return false;
    }
    return *stored == u || *stored == s;
}
