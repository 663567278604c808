/* fat_names.c: FAT names for a folder's entries: 8.3 names (with case flags) and VFAT long names.
 */
#include <string.h>

#include "mkimage.h"

unsigned char mk_lfn_sum(const unsigned char name[11])
{
    unsigned char sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (unsigned char)(((sum & 1) << 7) + (sum >> 1) + name[i]);
    return sum;
}

/* UTF-8 to UTF-16; the count, or -1 if s is not valid UTF-8 or too long. */
static int utf16(const char *s, uint16_t *out, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p) {
        uint32_t u;
        int extra;
        if (*p < 0x80)
            u = *p, extra = 0;
        else if ((*p & 0xe0) == 0xc0)
            u = *p & 0x1f, extra = 1;
        else if ((*p & 0xf0) == 0xe0)
            u = *p & 0x0f, extra = 2;
        else if ((*p & 0xf8) == 0xf0)
            u = *p & 0x07, extra = 3;
        else
            return -1;
        p++;
        for (int i = 0; i < extra; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return -1;
            u = u << 6 | (*p & 0x3f);
        }
        if ((u >= 0xd800 && u < 0xe000) || u > 0x10ffff)
            return -1;
        if (u >= 0x10000) {
            if (n + 2 > max)
                return -1;
            u -= 0x10000;
            out[n++] = (uint16_t)(0xd800 + (u >> 10));
            out[n++] = (uint16_t)(0xdc00 + (u & 0x3ff));
        } else {
            if (n + 1 > max)
                return -1;
            out[n++] = (uint16_t)u;
        }
    }
    return (int)n;
}

/* May c stand in an 8.3 name as it is? (upper case: lower case needs flags) */
static bool short_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("!#$%&'()-@^_`{}~", c);
}

/* Is the part all one case? 1 upper (or no letters), 2 lower, 0 mixed. */
static int part_case(const char *s, size_t n)
{
    bool up = false, low = false;
    for (size_t i = 0; i < n; i++) {
        up |= s[i] >= 'A' && s[i] <= 'Z';
        low |= s[i] >= 'a' && s[i] <= 'z';
    }
    return up && low ? 0 : low ? 2 : 1;
}

static unsigned char upper(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - 32) : c;
}

/* name as an 8.3 name with case flags, if it is one (no long name needed). */
static bool exact_short(const char *name, unsigned char out[11], unsigned char *flags)
{
    const char *dot = strrchr(name, '.');
    size_t blen = dot ? (size_t)(dot - name) : strlen(name);
    size_t elen = dot ? strlen(dot + 1) : 0;
    if (blen == 0 || blen > 8 || elen > 3 || (dot && elen == 0))
        return false;
    for (size_t i = 0; i < blen + (dot ? 1 + elen : 0); i++)
        if (name[i] != '.' && !short_char(upper((unsigned char)name[i])))
            return false;
        else if (name[i] == '.' && name + i != dot)
            return false;
    int bc = part_case(name, blen), ec = dot ? part_case(dot + 1, elen) : 1;
    if (!bc || !ec)
        return false;
    memset(out, ' ', 11);
    for (size_t i = 0; i < blen; i++)
        out[i] = upper((unsigned char)name[i]);
    for (size_t i = 0; i < elen; i++)
        out[8 + i] = upper((unsigned char)dot[1 + i]);
    *flags = (unsigned char)((bc == 2 ? 0x08 : 0) | (ec == 2 ? 0x10 : 0));
    return true;
}

/* The basis of a generated 8.3 name (Microsoft's rule, simplified): the
 * valid characters of the name before its last dot, upper-cased, others as
 * '_', and up to three of the extension. */
static void basis(const char *name, unsigned char out[11], size_t *blen)
{
    memset(out, ' ', 11);
    const char *dot = strrchr(name, '.');
    if (dot == name)
        dot = NULL;
    size_t n = 0;
    for (const char *p = name; *p && p != dot && n < 8; p++) {
        unsigned char c = upper((unsigned char)*p);
        if (c == ' ' || c == '.')
            continue;
        out[n++] = short_char(c) ? c : '_';
    }
    if (n == 0)
        out[n++] = '_';
    *blen = n;
    if (dot)
        for (size_t i = 0, e = 8; dot[1 + i] && e < 11; i++) {
            unsigned char c = upper((unsigned char)dot[1 + i]);
            if (c == ' ' || c == '.')
                continue;
            out[e++] = short_char(c) ? c : '_';
        }
}

static bool taken(const struct mk_fat_name *names, size_t n, const unsigned char s[11])
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(names[i].short_name, s, 11) == 0)
            return true;
    return false;
}

int mk_fat_names(struct mk_node *const *kids, size_t n, struct mk_fat_name *out)
{
    /* Exact 8.3 names first: generated ones must not take them. */
    for (size_t i = 0; i < n; i++) {
        struct mk_fat_name *f = &out[i];
        memset(f, 0, sizeof *f);
        int u = utf16(kids[i]->name, f->units, 255);
        if (u <= 0) {
            mk_error("%s: the name is not valid UTF-8 of at most 255 UTF-16 units", kids[i]->path);
            return -1;
        }
        f->nunits = (size_t)u;
        f->needs_lfn = !exact_short(kids[i]->name, f->short_name, &f->case_flags);
        if (!f->needs_lfn && taken(out, i, f->short_name)) {
            mk_error("%s: two names of the folder differ only by case", kids[i]->path);
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct mk_fat_name *f = &out[i];
        if (!f->needs_lfn)
            continue;
        unsigned char b[11];
        size_t blen;
        basis(kids[i]->name, b, &blen);
        for (unsigned k = 1;; k++) {
            if (k > 999999) {
                mk_error("%s: no free 8.3 name", kids[i]->path);
                return -1;
            }
            char tail[8];
            int tl = snprintf(tail, sizeof tail, "~%u", k);
            size_t keep = blen < 8 - (size_t)tl ? blen : 8 - (size_t)tl;
            memcpy(f->short_name, b, 11);
            memset(f->short_name + keep, ' ', 8 - keep);
            memcpy(f->short_name + keep, tail, (size_t)tl);
            bool clash = false;
            for (size_t j = 0; j < n && !clash; j++)
                clash = j != i && (!out[j].needs_lfn || j < i) &&
                        memcmp(out[j].short_name, f->short_name, 11) == 0;
            if (!clash)
                break;
        }
        if (f->short_name[0] == 0xe5)
            f->short_name[0] = 0x05;
    }
    return 0;
}
