/* sources: edsl/addr.c edsl/arena.c edsl/buf.c edsl/cmdline.c edsl/debver.c edsl/describe.c edsl/errors.c edsl/files.c edsl/gen_header.c edsl/gen_main.c edsl/gen_make.c edsl/gen_manifest.c edsl/graph.c edsl/help.c edsl/impl.c edsl/info_api.c edsl/keys.c edsl/keyval.c edsl/packages.c edsl/pipeline.c edsl/register.c edsl/state.c edsl/target_hvt.c edsl/target_spt.c edsl/target_unix.c edsl/targets.c edsl/types.c edsl/values.c edsl/devices/argv.c edsl/devices/clock.c edsl/devices/console.c edsl/devices/info.c edsl/devices/jobs.c edsl/devices/random.c edsl/devices/reporter.c edsl/devices/time.c */
/* test_lib_edsl_devices.c: the console, time, clock and random constructors
 * of edsl/devices, through the engine: sharing, names, connect code, deps. */
#include "test_edsl.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Where needle first is in hay (for connect order); fails if absent. */
static size_t at(const char *hay, const char *needle)
{
    const char *p = strstr(hay, needle);
    CHECK(p != NULL);
    return (size_t)(p - hay);
}

static const char *gen_make(void)
{
    struct buf b = {0};
    CHECK(ed_gen_makefile(&b) == 0);
    const char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

static void equal_consoles_are_one(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(CONSOLE, CONSOLE, CONSOLE, JOB));
    register_unikernel(
        "u", JOBS(apply(f, default_console(), default_console(), custom_console("console"))));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(count(m, "mg_console_connect(&") == 1);
    CHECK(count(m, "mg_console_connect(&mg_dev_console_") == 1);
    CHECK(strstr(m, ", \"console\"))"));
    CHECK(strstr(gen_make(), "-lmirage-console"));
    CHECK(strstr(m, "#include <mirage/console.h>"));
}

static void named_consoles_differ(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(CONSOLE, CONSOLE, CONSOLE, CONSOLE, JOB));
    register_unikernel("u", JOBS(apply(f, default_console(), custom_console("a"),
                                       custom_console("b"), custom_console("a"))));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(count(m, "mg_console_connect(&") == 3);
    CHECK(count(m, ", \"console\"))") == 1);
    CHECK(count(m, ", \"a\"))") == 1);
    CHECK(count(m, ", \"b\"))") == 1);
}

static void console_names_are_escaped(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(CONSOLE, JOB));
    register_unikernel("u", JOBS(apply(f, custom_console("q\"b\\s\n"))));
    CHECK(edsl_finish() == 0);
    CHECK(strstr(gen(ed_gen_main), ", \"q\\\"b\\\\s\\012\"))"));
}

static void console_needs_a_name(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(CONSOLE, CONSOLE, JOB));
    register_unikernel("u", JOBS(apply(f, custom_console(NULL), custom_console(""))));
    CHECK(edsl_finish() != 0);
    CHECK(has_error("a device needs a name"));
}

static void time_and_clocks(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(TIME, PCLOCK, MCLOCK, TIME, JOB));
    register_unikernel("u", JOBS(apply(f, default_time(), default_posix_clock(),
                                       default_monotonic_clock(), default_time())));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(count(m, "mg_time_default_connect(&mg_dev_") == 1);
    CHECK(count(m, "mg_mclock_default_connect(&mg_dev_") == 1);
    /* one pclock, shared with the default reporter */
    CHECK(count(m, "mg_pclock_default_connect(&mg_dev_") == 1);
    CHECK(strstr(m, "#include <mirage/time.h>") && strstr(m, "#include <mirage/clock.h>"));
    const char *mk = gen_make();
    CHECK(strstr(mk, "-lmirage-time") && strstr(mk, "-lmirage-clock"));
    CHECK(!strstr(mk, "-lbearssl"));
}

static void default_random_device(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(RANDOM, RANDOM, JOB));
    register_unikernel("u", JOBS(apply(f, default_random(), default_random())));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(count(m, "mg_random_default_connect(&mg_dev_") == 1);
    CHECK(strstr(m, "#include <mirage/random.h>"));
    const char *mk = gen_make();
    CHECK(strstr(mk, "-lmirage-random") && !strstr(mk, "-lbearssl"));
}

static void rng_after_its_time_and_clock(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(RANDOM, RANDOM, JOB));
    register_unikernel("u", JOBS(apply(f, rng(), rng(.time = default_time()))));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(count(m, "mg_rng_connect(&mg_dev_") == 1);
    CHECK(at(m, "mg_time_default_connect(&") < at(m, "mg_rng_connect(&"));
    CHECK(at(m, "mg_mclock_default_connect(&") < at(m, "mg_rng_connect(&"));
    const char *mk = gen_make();
    CHECK(strstr(mk, "-lmirage-random") && strstr(mk, "-lbearssl"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(equal_consoles_are_one),
    CASE_ENTRY(named_consoles_differ),
    CASE_ENTRY(console_names_are_escaped),
    CASE_ENTRY(console_needs_a_name),
    CASE_ENTRY(time_and_clocks),
    CASE_ENTRY(default_random_device),
    CASE_ENTRY(rng_after_its_time_and_clock),
};
CHECK_MAIN(cases)
