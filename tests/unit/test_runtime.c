/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c */
/* test_runtime.c: RFC 3339 times, PCLOCK days, errors, the uniform generator, and mg_unikernel_run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/random.h>
#include <mirage/unikernel.h>

#include "check.h"
#include "platform.h"

#include "capture.h"

#define S 1000000000ll

static const char *rfc(int64_t ns, int tz)
{
    static char b[32];
    int n = mg_rfc3339(ns, tz, b, 26);
    return n == 25 ? b : "(wrong length)";
}

static void rfc3339_known_instants(void)
{
    CHECK_EQ_STR(rfc(0, 0), "1970-01-01T00:00:00-00:00");
    CHECK_EQ_STR(rfc(1795747252 * S, 0), "2026-11-27T02:40:52-00:00");
    CHECK_EQ_STR(rfc(1709210096 * S + 999999999, 0), "2024-02-29T12:34:56-00:00"); /* leap day */
    CHECK_EQ_STR(rfc(951868799 * S, 0), "2000-02-29T23:59:59-00:00");             /* leap century */
    CHECK_EQ_STR(rfc(4107542400 * S - 1, 0), "2100-02-28T23:59:59-00:00");        /* no 2100-02-29 */
    CHECK_EQ_STR(rfc(-1, 0), "1969-12-31T23:59:59-00:00");
    CHECK_EQ_STR(rfc(-2208988800 * S, 0), "1900-01-01T00:00:00-00:00");
    CHECK_EQ_STR(rfc(0, -5 * 3600), "1969-12-31T19:00:00-05:00");
    CHECK_EQ_STR(rfc(0, -(9 * 3600 + 30 * 60)), "1969-12-31T14:30:00-09:30");
    CHECK_EQ_STR(rfc(0, 3600), "1970-01-01T01:00:00+01:00");
    CHECK_EQ_STR(rfc(1709164800 * S, 14 * 3600), "2024-02-29T14:00:00+14:00");
    CHECK_EQ_STR(rfc(INT64_MAX, 0), "2262-04-11T23:47:16-00:00");
    char small[8];
    CHECK(mg_rfc3339(0, 0, small, sizeof small) == 25 && strlen(small) == 7);
}

static int64_t fixed_ns;
static int64_t fx_now(struct mg_pclock *c) { (void)c; return fixed_ns; }
static uint64_t fx_period(struct mg_pclock *c) { (void)c; return 0; }
static int fx_tz(struct mg_pclock *c, int *off) { (void)c, (void)off; return MG_ENOENT; }
static const struct mg_pclock_ops fx_ops = {fx_now, fx_period, fx_tz};
static struct mg_pclock fixed_clock = {&fx_ops};

static void pclock_days_and_picoseconds(void)
{
    int64_t d;
    uint64_t ps;
    fixed_ns = 2 * 86400 * S + 5;
    mg_pclock_now_d_ps(&fixed_clock, &d, &ps);
    CHECK(d == 2 && ps == 5000);
    fixed_ns = -1;
    mg_pclock_now_d_ps(&fixed_clock, &d, &ps);
    CHECK(d == -1 && ps == (uint64_t)(86400 * S - 1) * 1000);
    fixed_ns = 0;
    mg_pclock_now_d_ps(&fixed_clock, &d, &ps);
    CHECK(d == 0 && ps == 0);
}

static void global_clocks(void)
{
    uint64_t a = mg_clock_monotonic_ns(), b = mg_clock_monotonic_ns();
    CHECK(b >= a);
    CHECK(mg_clock_wall_ns() > 1700000000 * S); /* after 2023 */
}

static void strerror_texts(void)
{
    CHECK_EQ_STR(mg_strerror(MG_ECANCELED), "cancelled");
    CHECK_EQ_STR(mg_strerror(MG_ETIMEDOUT), "timed out");
    CHECK_EQ_STR(mg_strerror(MG_ENOENT), "not found");
    CHECK_EQ_STR(mg_strerror(-9999), "unknown error");
    CHECK_EQ_STR(mg_strerror(42), "unknown error");
}

/* A generator that replays a script, to see the rejection at work. */
static uint64_t script[4];
static int script_at;
static int scripted(struct mg_random *r, void *buf, size_t len)
{
    (void)r;
    CHECK(len == 8);
    memcpy(buf, &script[script_at++], 8);
    return 0;
}
static const struct mg_random_ops scripted_ops = {scripted};
static struct mg_random scripted_rng = {&scripted_ops};

static void random_uniform_unbiased(void)
{
    CHECK(mg_random_uniform(1) == 0);
    int counts[10] = {0};
    for (int i = 0; i < 20000; i++) {
        uint64_t v = mg_random_uniform(10);
        CHECK(v < 10);
        counts[v]++;
    }
    for (int i = 0; i < 10; i++)
        CHECK(counts[i] > 1600 && counts[i] < 2400);
    /* bound 2^63+1: 2^64 mod bound = 2^63-1 values must be rejected. */
    uint64_t bound = (1ull << 63) + 1;
    script[0] = 5;                    /* below the threshold: drawn again */
    script[1] = (1ull << 63) - 2;     /* still below */
    script[2] = (1ull << 63) + 7;     /* accepted: (2^63+7) mod bound = 6 */
    script_at = 0;
    mg_random_set_default(&scripted_rng);
    uint64_t v = mg_random_uniform(bound);
    mg_random_set_default(NULL);
    CHECK(script_at == 3 && v == 6);
    uint8_t a[16] = {0}, b[16] = {0};
    mg_random_fill(a, sizeof a);
    mg_random_fill(b, sizeof b);
    CHECK(memcmp(a, b, sizeof a) != 0);
}

/* mg_unikernel_run over small unikernels. */
static char order[128];
static int job_ok(void *arg)
{
    (void)arg;
    strcat(order, "job ");
    return mg_sleep_ns(1000000);
}
static int job_timeout(void *arg)
{
    (void)arg;
    mg_log_debug(NULL, "about to fail");
    return MG_ETIMEDOUT;
}
static int job_three(void *arg)
{
    (void)arg;
    return 3;
}
static int connect_ok(void)
{
    strcat(order, "connect ");
    return 0;
}
static int connect_reporter(void)
{
    struct mg_reporter *r;
    return mg_reporter_default_connect(&r, NULL, 8);
}
static int connect_fails_early(void) { return mg_connect_failed("block", -3); }
static int connect_fails(void)
{
    connect_reporter();
    return mg_connect_failed("net", MG_ENOENT);
}

static long port = 1;
static const struct mg_arg port_arg[] = {
    {"port", 0, MG_ARG_INT, &port, NULL, "A port.", NULL, "1", NULL, NULL, NULL, mg_arg_parse_int},
};

static void unikernel_runs_jobs(void)
{
    const struct mg_job jobs[] = {{"a_start", job_ok}, {"b_start", job_ok}};
    struct mg_unikernel u = {"uk", "0.1", port_arg, 1, true, connect_ok, jobs, 2, NULL};
    char *argv[] = {"uk", "--port=7", NULL};
    order[0] = 0;
    capture_begin();
    int rc = mg_unikernel_run(&u, 2, argv);
    const char *out = capture_end();
    CHECK(rc == 0);
    CHECK_EQ_STR(out, "");
    CHECK_EQ_STR(order, "connect job job ");
    CHECK(port == 7);

    /* Without argv, keys keep their defaults and argv is not looked at. */
    port = 1;
    u.parse_argv = false;
    char *junk[] = {"uk", "--nonsense", NULL};
    CHECK(mg_unikernel_run(&u, 2, junk) == 0 && port == 1);

    u.parse_argv = true;
    capture_begin();
    CHECK(mg_unikernel_run(&u, 2, junk) == MG_EXIT_BADARGS);
    out = capture_end();
    CHECK(strstr(out, "uk: unknown option '--nonsense'") != NULL);
    char *help[] = {"uk", "--help", NULL};
    capture_begin();
    CHECK(mg_unikernel_run(&u, 2, help) == MG_EXIT_HELP);
    capture_end();
    char *version[] = {"uk", "--version", NULL};
    capture_begin();
    CHECK(mg_unikernel_run(&u, 2, version) == MG_EXIT_HELP);
    out = capture_end();
    CHECK_EQ_STR(out, "uk 0.1\n");

    /* Before any reporter is set, the failure still reaches the console. */
    u.connect = connect_fails_early;
    capture_begin();
    CHECK(mg_unikernel_run(&u, 1, argv) == 1);
    out = capture_end();
    CHECK_EQ_STR(out, "uk: device block failed to connect: -3\n");
}

static void unikernel_failures(void)
{
    const struct mg_job jobs[] = {{"good_start", job_ok}, {"bad_start", job_timeout}, {"odd_start", job_three}};
    struct mg_unikernel u = {"uk", "0.1", NULL, 0, false, connect_reporter, jobs, 3, NULL};
    char *argv[] = {"uk", NULL};
    mg_log_set_spec("*:info", NULL);
    capture_begin();
    int rc = mg_unikernel_run(&u, 1, argv);
    const char *out = capture_end();
    CHECK(rc == 1);
    CHECK(strstr(out, "[ERROR] [mirage] job bad_start failed: timed out\n") != NULL);
    CHECK(strstr(out, "[ERROR] [mirage] job odd_start failed: 3\n") != NULL);
    CHECK(strstr(out, "good_start failed") == NULL);
    /* The ring shows what led there, debug included. */
    const char *ring = strstr(out, "log messages, every level");
    CHECK(ring && strstr(ring, "[DEBUG] [application] about to fail") != NULL);

    u.connect = connect_fails;
    order[0] = 0;
    capture_begin();
    rc = mg_unikernel_run(&u, 1, argv);
    out = capture_end();
    CHECK(rc == 1);
    CHECK(strstr(out, "[ERROR] [mirage] device net failed to connect: not found\n") != NULL);
    CHECK_EQ_STR(order, ""); /* no job ran */
    struct mg_reporter *r;
    mg_reporter_none_connect(&r);
}

static const struct check_case cases[] = {
    CASE_ENTRY(rfc3339_known_instants), CASE_ENTRY(pclock_days_and_picoseconds),
    CASE_ENTRY(global_clocks),          CASE_ENTRY(strerror_texts),
    CASE_ENTRY(random_uniform_unbiased), CASE_ENTRY(unikernel_runs_jobs),
    CASE_ENTRY(unikernel_failures),
};
CHECK_MAIN(cases)
