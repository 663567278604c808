/* fat_name.c: names (VFAT long names as UTF-8, 8.3 names with case flags and CP437) and times. */
#include <string.h>

#include "fat.h"

/* Code page 437 (what DOS and Linux's vfat default to) from 0x80 up. */
static const uint16_t cp437[128] = {
    0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7, 0x00ea, 0x00eb, 0x00e8, 0x00ef,
    0x00ee, 0x00ec, 0x00c4, 0x00c5, 0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
    0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192, 0x00e1, 0x00ed, 0x00f3, 0x00fa,
    0x00f1, 0x00d1, 0x00aa, 0x00ba, 0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557,
    0x255d, 0x255c, 0x255b, 0x2510, 0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
    0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559,
    0x2558, 0x2552, 0x2553, 0x256b, 0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
    0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4, 0x03a6, 0x0398, 0x03a9, 0x03b4,
    0x221e, 0x03c6, 0x03b5, 0x2229, 0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
    0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

unsigned char fat_lfn_checksum(const unsigned char name[11])
{
    unsigned char sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (unsigned char)(((sum & 1) << 7) + (sum >> 1) + name[i]);
    return sum;
}

/* Code point u as UTF-8 at out; its length. */
static size_t utf8(uint32_t u, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (u < 0x80) {
        o[0] = (unsigned char)u;
        return 1;
    }
    if (u < 0x800) {
        o[0] = (unsigned char)(0xc0 | u >> 6);
        o[1] = (unsigned char)(0x80 | (u & 0x3f));
        return 2;
    }
    if (u < 0x10000) {
        o[0] = (unsigned char)(0xe0 | u >> 12);
        o[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
        o[2] = (unsigned char)(0x80 | (u & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | u >> 18);
    o[1] = (unsigned char)(0x80 | ((u >> 12) & 0x3f));
    o[2] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
    o[3] = (unsigned char)(0x80 | (u & 0x3f));
    return 4;
}

static bool dot_name(const char *s, size_t n)
{
    return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

int fat_ucs2_to_utf8(const uint16_t *units, size_t n, char *out)
{
    size_t len = 0, count = 0;
    for (size_t i = 0; i < n && units[i]; i++, count++) {
        uint32_t u = units[i];
        if (u >= 0xd800 && u < 0xdc00) { /* a high surrogate: its low one must follow */
            if (i + 1 >= n || units[i + 1] < 0xdc00 || units[i + 1] >= 0xe000)
                return -1;
            u = 0x10000 + ((u - 0xd800) << 10) + (units[i + 1] - 0xdc00u);
            i++;
            count++;
        } else if (u >= 0xdc00 && u < 0xe000) {
            return -1;
        }
        if (u < 0x20 || u == 0x7f || u == '/')
            return -1;
        len += utf8(u, out + len);
    }
    if (count == 0 || count > FAT_NAME_MAX || dot_name(out, len))
        return -1;
    out[len] = '\0';
    return (int)len;
}

/* The lower case of a capital of code page 437 (Latin-1 and Greek), as the
 * case flags ask; other characters as they are. */
static uint32_t cp437_lower(uint32_t u)
{
    if ((u >= 0xc0 && u <= 0xde && u != 0xd7) || (u >= 0x391 && u <= 0x3a9 && u != 0x3a2))
        return u + 0x20;
    return u;
}

/* Bytes [from, to) of the 8.3 name, trailing spaces dropped, as UTF-8. */
static int part(const unsigned char *e, size_t from, size_t to, bool lower, char *out, size_t len)
{
    while (to > from && e[to - 1] == ' ')
        to--;
    for (size_t i = from; i < to; i++) {
        unsigned c = e[i];
        if (i == 0 && c == 0x05) /* a name starting with 0xe5, escaped */
            c = 0xe5;
        if (c < 0x20 || c == '/' || c == 0x7f)
            return -1;
        if (c >= 0x80) {
            len += utf8(lower ? cp437_lower(cp437[c - 0x80]) : cp437[c - 0x80], out + len);
            continue;
        }
        if (lower && c >= 'A' && c <= 'Z')
            c += 32;
        out[len++] = (char)c;
    }
    return (int)len;
}

int fat_short_name(const unsigned char e[32], char *out)
{
    int n = part(e, 0, 8, e[12] & 0x08, out, 0);
    if (n <= 0)
        return -1;
    size_t base = (size_t)n;
    out[base] = '.';
    n = part(e, 8, 11, e[12] & 0x10, out, base + 1);
    if (n < 0)
        return -1;
    if ((size_t)n == base + 1)
        n = (int)base; /* no extension: no dot */
    out[n] = '\0';
    return dot_name(out, (size_t)n) ? -1 : n;
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int64_t fat_time_ns(uint16_t date, uint16_t time)
{
    unsigned day = date & 0x1f, month = (date >> 5) & 0x0f, year = 1980u + (date >> 9);
    unsigned sec = (time & 0x1f) * 2u, min = (time >> 5) & 0x3f, hour = time >> 11;
    static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1] || hour > 23 || min > 59 ||
        sec > 59)
        return 0;
    int64_t s = days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
    return s * 1000000000;
}
