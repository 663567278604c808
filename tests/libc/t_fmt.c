/* t_fmt.c: a table of snprintf formats and values, printed one per line; built on glibc and on our
 * libc, and the outputs compared. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static char buf[4096], small[6];
static unsigned long lines;

static void show(const char *fmt, int ret, int ret_small)
{
    char line[4300];
    snprintf(line, sizeof line, "%s|%d|%s|%d|%s", fmt, ret, buf, ret_small, small);
    puts(line);
    lines++;
}

#define ROW(fmt, ...)                                                                              \
    show(fmt, snprintf(buf, sizeof buf, fmt, __VA_ARGS__),                                         \
         snprintf(small, sizeof small, fmt, __VA_ARGS__))
#define N(a) (sizeof(a) / sizeof(a)[0])

static uint64_t rng_state = 0x2545f4914f6cdd1du;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static const char *int_fmts[] = {
    "%d",      "%i",    "%5d",    "%-5d|", "%05d",   "%+d",     "% d",     "%.3d",    "%8.3d",
    "%-8.3d|", "%.0d",  "%+.0d",  "%x",    "%#x",    "%X",      "%#X",     "%o",      "%#o",
    "%u",      "%#.0o", "%#.0x",  "%hhd",  "%hd",    "%hhu",    "%hu",     "%hx",     "%hho",
    "%+05d",   "% 05d", "%-+6d|", "%#10x", "%#010x", "%-#10o|", "%010.5d", "%-010d|", "%12u",
    "%.12x",   "%c%%",  "<%3d>",  "%*d",   "%-*d|"};
static const int ints[] = {0,     1,       -1,      7,       42,      -42,       127,
                           128,   255,     256,     1000,    32767,   -32768,    65535,
                           65536, 1000000, -999999, INT_MAX, INT_MIN, 0x5a5a5a5a};

static const char *long_fmts[] = {"%ld",  "%lx",  "%lX",    "%lu",     "%lo",  "%lld",
                                  "%llx", "%llu", "%zu",    "%zd",     "%zx",  "%jd",
                                  "%ju",  "%td",  "%20ld",  "%-20lx|", "%#lo", "%#lx",
                                  "%+ld", "% ld", "%.25ld", "%025lld", "%i"};
static const long longs[] = {0,
                             1,
                             -1,
                             LONG_MAX,
                             LONG_MIN,
                             (long)1 << 40,
                             0x123456789abcdef,
                             -1000000000000L,
                             4294967295L,
                             4294967296L};

static const char *str_fmts[] = {"%s",    "%10s", "%-10s|", "%.3s", "%10.3s", "%-10.0s|",
                                 "%.10s", "%5s",  "%.6s",   "[%s]", "%.0s"};
static const char *strs[] = {"", "a", "hello", "hello world, long", "tab\there", NULL};

static const char *char_fmts[] = {"%c", "%3c", "%-3c|", "x%cy"};
static const int chars[] = {'a', 'Z', ' ', '%', 0x7e, 0xe9};

static const char *ptr_fmts[] = {"%p", "%20p", "%-20p|", "[%p]", "%5p"};
static const uintptr_t ptrs[] = {0, 1, 0xdeadbeef, 0x7fffffffffff, 0x1000};

static const char *dbl_fmts[] = {
    "%f",     "%.0f",     "%.1f",    "%.2f",     "%.3f",    "%.10f",  "%.20f", "%e",    "%.0e",
    "%.1e",   "%.3e",     "%.16e",   "%E",       "%g",      "%.0g",   "%.1g",  "%.2g",  "%.3g",
    "%.10g",  "%.17g",    "%G",      "%#g",      "%#.3g",   "%#.0f",  "%#.0e", "%+f",   "% e",
    "%10.3f", "%-10.3f|", "%010.3f", "%+010.2e", "%-+12g|", "%012g",  "%lf",   "%.30e", "%.40f",
    "%5.1f",  "%-8.0e|",  "% .4g",   "%#.10g",   "%F",      "%08.2f", "%+.3E"};
static double fixed_dbls(size_t i)
{
    static const double v[] = {0.0,
                               -0.0,
                               1.0,
                               -1.0,
                               0.5,
                               1.5,
                               2.5,
                               3.5,
                               0.125,
                               0.375,
                               1e-5,
                               5e-5,
                               0.05,
                               0.00005,
                               123.456,
                               1234.5678,
                               1e15,
                               1e16,
                               1e17,
                               1e21,
                               1e22,
                               1e23,
                               9.9999996,
                               9.5,
                               99.5,
                               999.9995,
                               0.1,
                               0.2,
                               0.3,
                               1.0 / 3,
                               2.0 / 3,
                               1e-300,
                               1e300,
                               1.7976931348623157e308,
                               2.2250738585072014e-308,
                               4.9406564584124654e-324,
                               2.2250738585072009e-308,
                               123456789.0,
                               0.000123456,
                               1e100,
                               1e-100,
                               0.9999999,
                               0.95,
                               0.045,
                               1e-4,
                               99999.5,
                               999999.5,
                               1e6,
                               1e7,
                               12345678901234567890.0,
                               6.02214076e23,
                               1.602176634e-19,
                               3.141592653589793,
                               2.718281828459045};
    static const size_t n = sizeof v / sizeof v[0];
    if (i < n)
        return v[i];
    switch (i - n) {
    case 0:
        return __builtin_inf();
    case 1:
        return -__builtin_inf();
    case 2:
        return __builtin_nan("");
    default:
        return -__builtin_nan("");
    }
}
#define N_FIXED_DBLS 58

static const char *rand_fmts[] = {"%.17g", "%.6e", "%.3f", "%g", "%.25e", "%.0f", "%.12g"};

int main(void)
{
    for (size_t f = 0; f < N(int_fmts); f++)
        for (size_t v = 0; v < N(ints); v++) {
            if (strchr(int_fmts[f], '*'))
                show(int_fmts[f], snprintf(buf, sizeof buf, int_fmts[f], (int)v * 3 - 7, ints[v]),
                     snprintf(small, sizeof small, int_fmts[f], (int)v * 3 - 7, ints[v]));
            else
                ROW(int_fmts[f], ints[v]);
        }
    for (size_t f = 0; f < N(long_fmts); f++)
        for (size_t v = 0; v < N(longs); v++)
            ROW(long_fmts[f], longs[v]);
    for (size_t f = 0; f < N(str_fmts); f++)
        for (size_t v = 0; v < N(strs); v++)
            ROW(str_fmts[f], strs[v]);
    for (size_t f = 0; f < N(char_fmts); f++)
        for (size_t v = 0; v < N(chars); v++)
            ROW(char_fmts[f], chars[v]);
    for (size_t f = 0; f < N(ptr_fmts); f++)
        for (size_t v = 0; v < N(ptrs); v++)
            ROW(ptr_fmts[f], (void *)ptrs[v]);
    for (size_t f = 0; f < N(dbl_fmts); f++)
        for (size_t v = 0; v < N_FIXED_DBLS; v++)
            ROW(dbl_fmts[f], fixed_dbls(v));
    ROW("%.*f", 3, 2.0 / 3);
    show("%*.*e", snprintf(buf, sizeof buf, "%*.*e", -14, 2, 1234.5), 0);
    ROW("mixed %s=%d (%#x) %5.2f%% %c", "x", 42, 42, 99.5, 'q');
    ROW("%s", "no conversion at all, and it is longer than the small buffer");
    show("%%", snprintf(buf, sizeof buf, "%%"), snprintf(small, sizeof small, "%%"));
    /* Random bit patterns: every exponent, subnormals, NaNs. */
    for (int i = 0; i < 3000; i++) {
        uint64_t bits = rnd();
        double d;
        memcpy(&d, &bits, sizeof d);
        for (size_t f = 0; f < N(rand_fmts); f++)
            ROW(rand_fmts[f], d);
    }
    /* Decimal-looking values near rounding ties. */
    for (int i = 0; i < 3000; i++) {
        long k = (long)(rnd() % 2000000) - 1000000;
        ROW("%.2f", k / 1000.0);
        ROW("%.0f", k + 0.5);
        ROW("%.2f", k * 0.125);
        ROW("%.3g", k / 7.0);
        ROW("%.6f", (double)k * 1e-6);
    }
    return lines > 0 ? 0 : 1;
}
