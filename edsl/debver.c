/* debver.c: Debian version comparison, as dpkg --compare-versions does it. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* ~ sorts before everything, even the end; letters before non-letters. */
static int order(int c)
{
    if (isdigit(c))
        return 0;
    if (isalpha(c))
        return c;
    if (c == '~')
        return -1;
    if (c)
        return c + 256;
    return 0;
}

static int cmp_part(const char *a, const char *ae, const char *b, const char *be)
{
    while (a < ae || b < be) {
        int first_diff = 0;
        while ((a < ae && !isdigit((unsigned char)*a)) || (b < be && !isdigit((unsigned char)*b))) {
            int ac = a < ae ? order((unsigned char)*a) : 0;
            int bc = b < be ? order((unsigned char)*b) : 0;
            if (ac != bc)
                return ac - bc;
            a += a < ae;
            b += b < be;
        }
        while (a < ae && *a == '0')
            a++;
        while (b < be && *b == '0')
            b++;
        while (a < ae && isdigit((unsigned char)*a) && b < be && isdigit((unsigned char)*b)) {
            if (!first_diff)
                first_diff = *a - *b;
            a++;
            b++;
        }
        if (a < ae && isdigit((unsigned char)*a))
            return 1;
        if (b < be && isdigit((unsigned char)*b))
            return -1;
        if (first_diff)
            return first_diff;
    }
    return 0;
}

/* Split [epoch:]upstream[-revision]. */
static void split(const char *v, long *epoch, const char **up, const char **upe, const char **rev,
                  const char **reve)
{
    const char *colon = strchr(v, ':');
    *epoch = colon ? strtol(v, NULL, 10) : 0;
    *up = colon ? colon + 1 : v;
    const char *end = *up + strlen(*up);
    const char *dash = strrchr(*up, '-');
    if (dash) {
        *upe = dash;
        *rev = dash + 1;
    } else {
        *upe = end;
        *rev = end;
    }
    *reve = end;
}

int ed_debver_cmp(const char *a, const char *b)
{
    long ea, eb;
    const char *ua, *uae, *ra, *rae, *ub, *ube, *rb, *rbe;
    split(a, &ea, &ua, &uae, &ra, &rae);
    split(b, &eb, &ub, &ube, &rb, &rbe);
    if (ea != eb)
        return ea < eb ? -1 : 1;
    int c = cmp_part(ua, uae, ub, ube);
    if (c)
        return c < 0 ? -1 : 1;
    c = cmp_part(ra, rae, rb, rbe);
    return c < 0 ? -1 : c > 0;
}
