/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c */
/* test_log.c: log specs, thresholds, message truncation, the default reporter's lines and its ring. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/log.h>

#include "check.h"
#include "platform.h"

static MG_LOG_SRC(net, "net", "network");
static MG_LOG_SRC(tcp, "tcp", "tcp");
static MG_LOG_SRC(other, "other", "anything else");

/* Console output of a piece of code, through a temporary file on fd 1. */
#include "capture.h"

static int level_of(struct mg_log_src *s)
{
    int l = MG_LOG_QUIET;
    for (int i = MG_LOG_APP; i <= MG_LOG_DEBUG; i++)
        if (mg_log_enabled(s, i))
            l = i;
    return l;
}

static void spec_good(void)
{
    const char *err = NULL;
    CHECK(mg_log_set_spec("*:info,net:debug", &err) == 0);
    CHECK(level_of(&net) == MG_LOG_DEBUG);
    CHECK(level_of(&tcp) == MG_LOG_INFO);
    CHECK(level_of(NULL) == MG_LOG_INFO);
    CHECK(mg_log_set_spec("debug", &err) == 0);
    CHECK(level_of(&tcp) == MG_LOG_DEBUG && level_of(&net) == MG_LOG_DEBUG);
    CHECK(mg_log_set_spec("quiet", &err) == 0);
    CHECK(level_of(&tcp) == MG_LOG_QUIET && !mg_log_enabled(&tcp, MG_LOG_APP));
    CHECK(mg_log_set_spec(" net : warning , *:ERROR ", &err) == 0);
    CHECK(level_of(&net) == MG_LOG_WARNING && level_of(&tcp) == MG_LOG_ERROR);
    CHECK(mg_log_set_spec("app", &err) == 0);
    CHECK(level_of(&other) == MG_LOG_APP);
}

static void spec_last_match_wins(void)
{
    CHECK(mg_log_set_spec("net:debug,net:warning", NULL) == 0);
    CHECK(level_of(&net) == MG_LOG_WARNING);
    CHECK(mg_log_set_spec("*:debug,*:error", NULL) == 0);
    CHECK(level_of(&other) == MG_LOG_ERROR);
    /* A source's own entry beats `*`, wherever `*` stands. */
    CHECK(mg_log_set_spec("net:debug,*:error", NULL) == 0);
    CHECK(level_of(&net) == MG_LOG_DEBUG);
    /* A source the spec does not name falls back to `*`. */
    CHECK(level_of(&tcp) == MG_LOG_ERROR);
}

static void spec_default_level(void)
{
    CHECK(mg_log_set_spec("", NULL) == 0);
    CHECK(level_of(&other) == MG_LOG_INFO);
    mg_log_set_default_level(MG_LOG_DEBUG);
    CHECK(level_of(&other) == MG_LOG_DEBUG);
    CHECK(mg_log_set_spec("net:error", NULL) == 0);
    CHECK(level_of(&other) == MG_LOG_DEBUG && level_of(&net) == MG_LOG_ERROR);
    mg_log_set_default_level(MG_LOG_INFO);
    CHECK(level_of(&other) == MG_LOG_INFO);
}

static void spec_bad_changes_nothing(void)
{
    static const char *const bad[] = {"net:loud", "net:", ":info", "a:info,,b:debug", "*:info,",
                                      "loud", "*", ",", "net:debug:"};
    CHECK(mg_log_set_spec("net:debug,*:warning", NULL) == 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *err = NULL;
        CHECK(mg_log_set_spec(bad[i], &err) == MG_EINVAL);
        CHECK(err != NULL && *err);
        CHECK(level_of(&net) == MG_LOG_DEBUG && level_of(&tcp) == MG_LOG_WARNING);
    }
    CHECK(mg_log_set_spec(NULL, NULL) == MG_EINVAL);
}

static void level_names(void)
{
    CHECK_EQ_STR(mg_log_level_name(MG_LOG_INFO), "INFO");
    CHECK_EQ_STR(mg_log_level_name(MG_LOG_WARNING), "WARNING");
    CHECK_EQ_STR(mg_log_level_name(MG_LOG_APP), "APP");
}

/* A reporter that keeps the last message. */
static char got[2 * MG_LOG_MSG_MAX];
static size_t got_len;
static int got_n;
static void keep(struct mg_reporter *r, struct mg_log_src *src, enum mg_log_level level, const char *msg,
                 size_t len)
{
    (void)r, (void)src, (void)level;
    memcpy(got, msg, len);
    got[len] = 0;
    got_len = len;
    got_n++;
}
static const struct mg_reporter_ops keep_ops = {keep};
static struct mg_reporter keeper = {&keep_ops};

static void truncates_long_messages(void)
{
    mg_log_set_reporter(&keeper);
    CHECK(mg_log_set_spec("*:debug", NULL) == 0);
    static char big[5000];
    memset(big, 'x', sizeof big - 1);
    mg_log_info(&net, "%s and more", big);
    CHECK(got_len == MG_LOG_MSG_MAX - 1);
    CHECK(strlen(got) == MG_LOG_MSG_MAX - 1);
    CHECK(memcmp(got + got_len - 3, "...", 3) == 0 && got[got_len - 4] == 'x');
    mg_log_info(&net, "short %d\n", 7);
    CHECK(strcmp(got, "short 7") == 0); /* one trailing newline is the reporter's job */
    int before = got_n;
    CHECK(mg_log_set_spec("*:info", NULL) == 0);
    mg_log_debug(&net, "hidden");
    CHECK(got_n == before);
    mg_log_set_reporter(NULL);
}

/* A PCLOCK at a fixed instant. */
static int64_t fixed_ns;
static int fixed_tz, fixed_tz_rc;
static int64_t fx_now(struct mg_pclock *c) { (void)c; return fixed_ns; }
static uint64_t fx_period(struct mg_pclock *c) { (void)c; return 0; }
static int fx_tz(struct mg_pclock *c, int *off) { (void)c; *off = fixed_tz; return fixed_tz_rc; }
static const struct mg_pclock_ops fx_ops = {fx_now, fx_period, fx_tz};
static struct mg_pclock fixed_clock = {&fx_ops};

static void default_reporter_lines(void)
{
    struct mg_reporter *r;
    CHECK(mg_reporter_default_connect(&r, &fixed_clock, 0) == 0);
    CHECK(mg_log_set_spec("*:info", NULL) == 0);
    fixed_ns = 1795747252ll * 1000000000 + 999;
    fixed_tz_rc = MG_ENOENT;
    capture_begin();
    mg_log_info(NULL, "hello");
    mg_log_warn(&net, "link %s", "down");
    mg_log_debug(&net, "not shown");
    fixed_tz = -3 * 3600 - 30 * 60;
    fixed_tz_rc = 0;
    mg_log_err(&tcp, "bad");
    const char *out = capture_end();
    CHECK_EQ_STR(out, "2026-11-27T02:40:52-00:00: [INFO] [application] hello\n"
                      "2026-11-27T02:40:52-00:00: [WARNING] [net] link down\n"
                      "2026-11-26T23:10:52-03:30: [ERROR] [tcp] bad\n");

    CHECK(mg_reporter_default_connect(&r, NULL, 0) == 0);
    capture_begin();
    mg_log_app(&tcp, "no clock");
    out = capture_end();
    CHECK_EQ_STR(out, "[APP] [tcp] no clock\n");
}

static void ring_keeps_every_level(void)
{
    struct mg_reporter *r;
    CHECK(mg_reporter_default_connect(&r, NULL, 3) == 0);
    CHECK(mg_log_set_spec("*:error", NULL) == 0);
    capture_begin();
    mg_log_debug(&net, "one");
    mg_log_info(&net, "two");
    mg_log_err(&net, "three");
    mg_log_debug(&tcp, "four");
    const char *out = capture_end();
    CHECK_EQ_STR(out, "[ERROR] [net] three\n");
    capture_begin();
    mg_log_dump_ring();
    out = capture_end();
    CHECK(strstr(out, "[DEBUG] [net] one") == NULL);
    const char *a = strstr(out, "[INFO] [net] two\n");
    const char *b = strstr(out, "[ERROR] [net] three\n");
    const char *c = strstr(out, "[DEBUG] [tcp] four\n");
    CHECK(a && b && c && a < b && b < c);
    CHECK(strstr(out, "last 3 log messages") != NULL);

    /* The none reporter drops everything and keeps no ring. */
    CHECK(mg_reporter_none_connect(&r) == 0);
    capture_begin();
    mg_log_err(&net, "dropped");
    mg_log_dump_ring();
    out = capture_end();
    CHECK_EQ_STR(out, "");
}

static const struct check_case cases[] = {
    CASE_ENTRY(spec_good),
    CASE_ENTRY(spec_last_match_wins),
    CASE_ENTRY(spec_default_level),
    CASE_ENTRY(spec_bad_changes_nothing),
    CASE_ENTRY(level_names),
    CASE_ENTRY(truncates_long_messages),
    CASE_ENTRY(default_reporter_lines),
    CASE_ENTRY(ring_keeps_every_level),
};
CHECK_MAIN(cases)
