/* sources: lib/time/time.c lib/clock/mclock.c lib/clock/pclock.c lib/clock/tz_unix.c runtime/clock.c lib/random/random.c lib/info/info.c tests/unit/plat_double.c */
/* test_lib_devices.c: the TIME, MCLOCK, PCLOCK, default RANDOM and INFO devices
 * over a scripted platform. */
#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/info.h>
#include <mirage/random.h>
#include <mirage/time.h>

#include "check.h"
#include "plat_double.h"

#define NS_PER_DAY (86400LL * 1000000000LL)

static void time_sleeps_on_the_scheduler(void)
{
    dbl_reset();
    struct mg_time *t = NULL;
    CHECK(mg_time_default_connect(&t) == 0 && t != NULL);
    CHECK(mg_time_sleep_ns(t, 1500000000ull) == 0);
    CHECK(dbl_sleeps == 1 && dbl_slept_ns == 1500000000ull);
}

static void mclock_reads_the_platform(void)
{
    dbl_reset();
    struct mg_mclock *c = NULL;
    CHECK(mg_mclock_default_connect(&c) == 0 && c != NULL);
    dbl_monotonic_ns = 123456789;
    dbl_period_ns = 1;
    CHECK(mg_mclock_elapsed_ns(c) == 123456789);
    dbl_monotonic_ns = 223456789;
    CHECK(mg_mclock_elapsed_ns(c) == 223456789);
    CHECK(mg_mclock_period_ns(c) == 1);
}

static void pclock_reads_the_platform(void)
{
    dbl_reset();
    struct mg_pclock *c = NULL;
    CHECK(mg_pclock_default_connect(&c) == 0 && c != NULL);
    dbl_wall_ns = 1700000000123456789ll;
    dbl_period_ns = 1000;
    CHECK(mg_pclock_now_ns(c) == 1700000000123456789ll);
    CHECK(mg_pclock_period_ns(c) == 1000);
    int off = 99;
    CHECK(mg_pclock_tz_offset_s(c, &off) == 0 && off == 0); /* unix: UTC */
}

static void pclock_days_and_picoseconds(void)
{
    dbl_reset();
    struct mg_pclock *c = NULL;
    CHECK(mg_pclock_default_connect(&c) == 0);
    static const struct {
        int64_t ns, days;
        uint64_t ps;
    } v[] = {
        {0, 0, 0},
        {1, 0, 1000},
        {NS_PER_DAY - 1, 0, (uint64_t)(NS_PER_DAY - 1) * 1000},
        {NS_PER_DAY, 1, 0},
        /* 2023-11-14T22:13:20.5Z: day 19675, 80000.5 s into it */
        {1700000000500000000ll, 19675, 80000500000000000ull},
        /* Before the epoch the day is negative and the time of day positive. */
        {-1, -1, (uint64_t)(NS_PER_DAY - 1) * 1000},
        {-NS_PER_DAY, -1, 0},
        {-NS_PER_DAY - 1, -2, (uint64_t)(NS_PER_DAY - 1) * 1000},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        dbl_wall_ns = v[i].ns;
        int64_t d = 7;
        uint64_t ps = 7;
        mg_pclock_now_d_ps(c, &d, &ps);
        CHECK(d == v[i].days);
        CHECK(ps == v[i].ps);
    }
}

static void random_is_platform_entropy(void)
{
    dbl_reset();
    struct mg_random *r = NULL;
    CHECK(mg_random_default_connect(&r) == 0 && r != NULL);
    CHECK(dbl_default_random == r);
    size_t before = dbl_entropy_pos;
    uint8_t buf[40];
    CHECK(mg_random_generate(r, buf, sizeof buf) == 0);
    CHECK(dbl_entropy_pos == before + sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++)
        CHECK(buf[i] == (uint8_t)(((before + i) * 131 + 7) & 0xff));
}

static void random_without_entropy_fails_to_connect(void)
{
    dbl_reset();
    dbl_entropy_rc = MG_ENOSYS;
    struct mg_random *r = NULL;
    CHECK(mg_random_default_connect(&r) == MG_ENOSYS);
    CHECK(r == NULL && dbl_default_random == NULL);
}

static void info_hands_out_the_generated(void)
{
    static const struct mg_info_package pkgs[] = {{"libbearssl-dev", "0.6"}};
    static const char *const libs[] = {"console", "time"};
    static const struct mg_info_key keys[] = {{"hello", "Hi"}, {"port", NULL}};
    static const struct mg_info gen = {
        .name = "app_info",
        .target = "unix",
        .mirage_version = "0.1.0",
        .packages = pkgs,
        .npackages = 1,
        .libraries = libs,
        .nlibraries = 2,
        .keys = keys,
        .nkeys = 2,
    };
    struct mg_info *i = NULL;
    CHECK(mg_info_connect(&i, &gen) == 0 && i != NULL);
    CHECK_EQ_STR(i->name, "app_info");
    CHECK_EQ_STR(i->target, "unix");
    CHECK(i->npackages == 1 && i->packages == pkgs);
    CHECK(i->nlibraries == 2 && i->libraries == libs);
    CHECK(i->nkeys == 2 && i->keys == keys);
    CHECK(mg_info_connect(&i, NULL) == MG_EINVAL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(time_sleeps_on_the_scheduler), CASE_ENTRY(mclock_reads_the_platform),
    CASE_ENTRY(pclock_reads_the_platform),    CASE_ENTRY(pclock_days_and_picoseconds),
    CASE_ENTRY(random_is_platform_entropy),   CASE_ENTRY(random_without_entropy_fails_to_connect),
    CASE_ENTRY(info_hands_out_the_generated),
};
CHECK_MAIN(cases)
