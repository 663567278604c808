/* clock.c: the global clocks, RFC 3339 formatting, and PCLOCK's days + picoseconds. */
#include <stdio.h>

#include <mirage/clock.h>

#include "platform.h"

uint64_t mg_clock_monotonic_ns(void) { return mg_plat_monotonic_ns(); }

int64_t mg_clock_wall_ns(void) { return mg_plat_wall_ns(); }

#define NS_PER_S 1000000000
#define S_PER_DAY 86400

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* Proleptic Gregorian date of a day count since 1970-01-01, by 400-year eras
 * of 146097 days, counted from March so the leap day comes last. */
static void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + 719468; /* days from 0000-03-01 */
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                   /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            /* 0..365, from March 1 */
    int64_t mp = (5 * doy + 2) / 153;                                 /* 0..11, March = 0 */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int mg_rfc3339(int64_t ns, int tz_offset_s, char *buf, unsigned long size)
{
    int64_t secs = floor_div(ns, NS_PER_S) + tz_offset_s;
    int64_t days = floor_div(secs, S_PER_DAY);
    int64_t sod = secs - days * S_PER_DAY;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    /* Offset 0 is printed as -00:00, "local offset unknown" (RFC 3339 4.3),
     * as MirageOS does. */
    char sign = tz_offset_s > 0 ? '+' : '-';
    int off = tz_offset_s < 0 ? -tz_offset_s : tz_offset_s;
    return snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", (long long)y, m, d,
                    (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60), sign, off / 3600,
                    off / 60 % 60);
}

void mg_pclock_now_d_ps(struct mg_pclock *c, int64_t *days, uint64_t *ps)
{
    int64_t ns = mg_pclock_now_ns(c);
    int64_t ns_per_day = (int64_t)S_PER_DAY * NS_PER_S;
    int64_t d = floor_div(ns, ns_per_day);
    *days = d;
    *ps = (uint64_t)(ns - d * ns_per_day) * 1000u;
}
