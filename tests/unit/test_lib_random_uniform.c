/* sources: lib/random/random.c lib/random/rng.c runtime/random.c platform/unix/sys_unix.c tests/unit/plat_console_stderr.c */
/* libs: -lbearssl -lm */
/* test_lib_random_uniform.c: mg_random_uniform over the real default devices
 * (getrandom, and the rng seeded from it): a chi-square check of uniformity. */
#include <math.h>

#include <mirage/random.h>

#include "check.h"

/* Chi-square of n draws below bound (bound cells). With bound - 1 degrees
 * of freedom the statistic has mean bound - 1 and standard deviation
 * sqrt(2 (bound - 1)); 8 standard deviations above the mean happens by
 * chance with odds far below one in a million. */
static double chi_square(uint64_t bound, unsigned n)
{
    unsigned counts[64] = {0};
    for (unsigned i = 0; i < n; i++) {
        uint64_t x = mg_random_uniform(bound);
        CHECK(x < bound);
        counts[x]++;
    }
    double expect = (double)n / (double)bound, chi = 0;
    for (uint64_t k = 0; k < bound; k++)
        chi += ((double)counts[k] - expect) * ((double)counts[k] - expect) / expect;
    return chi;
}

static int plausible(uint64_t bound, double chi)
{
    double dof = (double)(bound - 1);
    return chi < dof + 8 * sqrt(2 * dof);
}

static void check_small_bounds(void)
{
    static const uint64_t bounds[] = {2, 3, 7, 10, 37, 64};
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++)
        CHECK(plausible(bounds[i], chi_square(bounds[i], 40000)));
}

/* With a bound of about two thirds of 2^64 a plain x % bound would be most
 * biased: the lower half of the range would come up two times in three. */
static void check_huge_bound(void)
{
    uint64_t bound = 0xaaaaaaaaaaaaaaabull, below = 0;
    enum { N = 20000 };
    for (int i = 0; i < N; i++) {
        uint64_t x = mg_random_uniform(bound);
        CHECK(x < bound);
        below += x < bound / 2;
    }
    /* Half expected: 10000, standard deviation about 71. */
    CHECK(below > 9500 && below < 10500);
}

static void default_device(void)
{
    struct mg_random *r = NULL;
    CHECK(mg_random_default_connect(&r) == 0);
    check_small_bounds();
    check_huge_bound();
    CHECK(mg_random_uniform(1) == 0);
}

static void rng_device(void)
{
    struct mg_random *r = NULL;
    CHECK(mg_rng_connect(&r) == 0);
    check_small_bounds();
    check_huge_bound();
    /* rng became the default: two fills differ and are not all zero. */
    uint8_t a[32] = {0}, b[32] = {0}, zero[32] = {0};
    mg_random_fill(a, sizeof a);
    mg_random_fill(b, sizeof b);
    CHECK(memcmp(a, b, sizeof a) != 0 && memcmp(a, zero, sizeof a) != 0);
}

static const struct check_case cases[] = {
    CASE_ENTRY(default_device),
    CASE_ENTRY(rng_device),
};
CHECK_MAIN(cases)
