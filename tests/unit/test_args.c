/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c */
/* test_args.c: the run-time argument parser: every kind, bad values (64), --help (63), env, `--`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mirage/args.h>
#include <mirage/error.h>
#include <mirage/log.h>

#include "check.h"
#include "platform.h"

#include "capture.h"

static long port;
static int64_t big;
static const char *name, *mode, *list, *logs;
static bool verbose, port_given, verbose_given;
static struct mg_ipv4 v4;
static struct mg_ipv4_prefix v4net;
static struct mg_ipv6 v6;
static struct mg_ipv6_prefix v6net;
static struct mg_ip ip;
static const char *const modes[] = {"fast", "slow", NULL};
static MG_LOG_SRC(net_src, "net", "network");
static MG_LOG_SRC(zzz_src, "zzz", "a source");

static int port_check(const struct mg_arg *a, const char **err)
{
    long p = *(long *)a->var;
    if (p >= 0 && p <= 65535)
        return 0;
    *err = "a port is between 0 and 65535";
    return MG_EINVAL;
}

static const struct mg_arg args[] = {
    {"port", 'p', MG_ARG_INT, &port, &port_given, "TCP port to serve on.", "PORT", "8080", "TEST_PORT",
     NULL, port_check},
    {"big", 0, MG_ARG_INT64, &big, NULL, "A big number.", NULL, "0", NULL, NULL, NULL},
    {"name", 'n', MG_ARG_STRING, &name, NULL, "A name.", NULL, NULL, "TEST_NAME", NULL, NULL},
    {"mode", 0, MG_ARG_ENUM, &mode, NULL, "How.", NULL, "fast", NULL, modes, NULL},
    {"list", 0, MG_ARG_LIST, &list, NULL, "Some things.", NULL, NULL, NULL, NULL, NULL},
    {"verbose", 'v', MG_ARG_BOOL, &verbose, &verbose_given, "Say more.", NULL, "false", "TEST_VERBOSE",
     NULL, NULL},
    {"ipv4", 0, MG_ARG_IPV4, &v4, NULL, "An address.", NULL, NULL, NULL, NULL, NULL},
    {"ipv4-net", 0, MG_ARG_IPV4_PREFIX, &v4net, NULL, "A network.", NULL, NULL, NULL, NULL, NULL},
    {"ipv6", 0, MG_ARG_IPV6, &v6, NULL, "An address.", NULL, NULL, NULL, NULL, NULL},
    {"ipv6-net", 0, MG_ARG_IPV6_PREFIX, &v6net, NULL, "A network.", NULL, NULL, NULL, NULL, NULL},
    {"ip", 0, MG_ARG_IP, &ip, NULL, "Either.", NULL, NULL, NULL, NULL, NULL},
    {"logs", 'l', MG_ARG_LOGS, &logs, NULL, "Log levels.", NULL, "*:info", NULL, NULL, NULL},
};
#define NARGS (sizeof args / sizeof args[0])

static void defaults(void)
{
    port = 8080;
    big = 0;
    name = list = NULL;
    mode = "fast";
    logs = "*:info";
    verbose = false;
    memset(&v4, 0, sizeof v4);
    memset(&v4net, 0, sizeof v4net);
    memset(&v6, 0, sizeof v6);
    memset(&v6net, 0, sizeof v6net);
    memset(&ip, 0, sizeof ip);
    unsetenv("TEST_PORT");
    unsetenv("TEST_NAME");
    unsetenv("TEST_VERBOSE");
}

/* Parse a NULL-terminated list of words; *out gets the console output. */
static int parse(const char **out, ...)
{
    char *argv[32] = {"prog"};
    int argc = 1;
    va_list ap;
    va_start(ap, out);
    char *w;
    while ((w = va_arg(ap, char *)) != NULL && argc < 31)
        argv[argc++] = w;
    va_end(ap);
    capture_begin();
    int rc = mg_args_parse("prog", args, NARGS, argc, argv);
    *out = capture_end();
    return rc;
}

static void good_values(void)
{
    const char *out;
    defaults();
    CHECK(parse(&out, "--port=8081", "--big", "-9223372036854775808", "--name", "web", "--mode=slow",
                "--list=a,b,c", "--verbose", "--ipv4=10.0.0.2", "--ipv4-net", "10.0.0.2/24",
                "--ipv6=FD00::0002", "--ipv6-net=fd00::2/64", "--ip=::1", "-l", "net:debug", NULL) == 0);
    CHECK_EQ_STR(out, "");
    CHECK(port == 8081 && port_given);
    CHECK(big == INT64_MIN);
    CHECK_EQ_STR(name, "web");
    CHECK_EQ_STR(mode, "slow");
    CHECK_EQ_STR(list, "a,b,c");
    CHECK(verbose && verbose_given);
    CHECK(v4.b[0] == 10 && v4.b[3] == 2);
    CHECK(v4net.addr.b[3] == 2 && v4net.len == 24);
    CHECK(v6.b[0] == 0xfd && v6.b[15] == 2);
    CHECK(v6net.len == 64 && v6net.addr.b[15] == 2);
    CHECK(ip.version == 6 && ip.u.v6.b[15] == 1);
    CHECK(mg_log_enabled(&net_src, MG_LOG_DEBUG));

    defaults();
    CHECK(parse(&out, "-p8082", "-v", "--ip", "192.168.1.1", "--big=0x7fffffffffffffff", NULL) == 0);
    CHECK(port == 8082 && verbose && ip.version == 4 && ip.u.v4.b[0] == 192);
    CHECK(big == INT64_MAX);
    defaults();
    CHECK(parse(&out, "-p", "0", "--verbose=false", "--big=-5", NULL) == 0);
    CHECK(port == 0 && !verbose && verbose_given && big == -5);
    defaults();
    CHECK(parse(&out, "--verbose=true", "--", NULL) == 0);
    CHECK(verbose && !port_given && port == 8080);
}

static void expect_bad(const char *arg, const char *needle)
{
    const char *out;
    defaults();
    int rc = parse(&out, arg, NULL);
    if (rc != MG_EXIT_BADARGS || strncmp(out, "prog: ", 6) != 0 || !strstr(out, needle) ||
        !strstr(out, "Try 'prog --help' for more information.")) {
        snprintf(check_msg, sizeof check_msg, "%s: rc %d, output: %.300s", arg, rc, out);
        longjmp(check_jmp, 1);
    }
}

static void bad_values(void)
{
    expect_bad("--port=abc", "option '--port': invalid value 'abc' (expected an integer)");
    expect_bad("--port=", "invalid value ''");
    expect_bad("--port=99999999999999999999", "out of range");
    expect_bad("--port=70000", "option '--port': a port is between 0 and 65535");
    expect_bad("--big=9223372036854775808", "out of range");
    expect_bad("--big=-9223372036854775809", "out of range");
    expect_bad("--big=12x", "expected an integer");
    expect_bad("--verbose=yes", "expected true or false");
    expect_bad("-vx", "option '-v' takes no value");
    expect_bad("--mode=medium", "expected one of 'fast', 'slow'");
    expect_bad("--ipv4=10.0.0.256", "expected an IPv4 address");
    expect_bad("--ipv4-net=10.0.0.2/33", "invalid value '10.0.0.2/33'");
    expect_bad("--ipv4-net=10.0.0.2", "invalid value");
    expect_bad("--ipv6=fd00:::1", "expected an IPv6 address");
    expect_bad("--ipv6-net=::/129", "invalid value");
    expect_bad("--ip=banana", "expected an IPv4 or IPv6 address");
    expect_bad("--logs=net:loud", "invalid log spec 'net:loud'");
}

static void unknown_missing_and_extra(void)
{
    const char *out;
    expect_bad("--nope=1", "unknown option '--nope'");
    expect_bad("-x", "unknown option '-x'");
    expect_bad("--port", "option '--port' needs a value");
    expect_bad("positional", "unexpected argument 'positional'");
    expect_bad("-", "unexpected argument '-'");
    defaults();
    CHECK(parse(&out, "--port", "--verbose", NULL) == MG_EXIT_BADARGS);
    CHECK(strstr(out, "needs a value") != NULL);
    CHECK(parse(&out, "--port", "-1", NULL) == MG_EXIT_BADARGS); /* a value, then the check refuses it */
    CHECK(strstr(out, "between 0 and 65535") != NULL);
    CHECK(parse(&out, "--", "--port=1", NULL) == MG_EXIT_BADARGS);
    CHECK(strstr(out, "unexpected argument '--port=1'") != NULL);
    CHECK(parse(&out, "--port=1", "-p", "2", NULL) == MG_EXIT_BADARGS);
    CHECK(strstr(out, "given more than once") != NULL);
}

static void help_and_version(void)
{
    const char *out;
    defaults();
    CHECK(parse(&out, "--help", NULL) == MG_EXIT_HELP);
    CHECK(strstr(out, "Usage: prog [OPTION]...") != NULL);
    CHECK(strstr(out, "  -p PORT, --port=PORT\n      TCP port to serve on. Default: 8080. Environment: TEST_PORT.\n"));
    CHECK(strstr(out, "  -v, --verbose\n") != NULL);
    CHECK(strstr(out, "One of: fast slow.") != NULL);
    CHECK(strstr(out, "--ipv4-net=IPV4/LEN") != NULL);
    CHECK(strstr(out, "--help") != NULL && strstr(out, "--version") != NULL);
    CHECK(parse(&out, "--port=1", "--help", "--nope", NULL) == MG_EXIT_HELP);
    CHECK(parse(&out, "--version", NULL) == MG_EXIT_HELP);
    CHECK(strncmp(out, "prog ", 5) == 0);
}

static void env_fallback(void)
{
    const char *out;
    defaults();
    setenv("TEST_PORT", "1234", 1);
    setenv("TEST_NAME", "from-env", 1);
    CHECK(parse(&out, NULL) == 0);
    CHECK(port == 1234 && port_given);
    CHECK_EQ_STR(name, "from-env");
    defaults();
    setenv("TEST_PORT", "1234", 1);
    CHECK(parse(&out, "--port=99", NULL) == 0);
    CHECK(port == 99); /* the command line wins */
    defaults();
    setenv("TEST_PORT", "many", 1);
    CHECK(parse(&out, NULL) == MG_EXIT_BADARGS);
    CHECK(strstr(out, "prog: environment variable TEST_PORT: invalid value 'many'") != NULL);
    defaults();
    setenv("TEST_VERBOSE", "true", 1);
    CHECK(parse(&out, NULL) == 0 && verbose);
    defaults();
}

static void logs_applied_at_default(void)
{
    const char *out;
    defaults();
    CHECK(mg_log_set_spec("*:error", NULL) == 0);
    logs = "zzz:debug";
    CHECK(parse(&out, NULL) == 0);
    CHECK(mg_log_enabled(&zzz_src, MG_LOG_DEBUG));
    defaults();
    logs = "zzz:bogus"; /* a bad default is a bad argument too */
    CHECK(parse(&out, NULL) == MG_EXIT_BADARGS);
    CHECK(mg_log_enabled(&zzz_src, MG_LOG_DEBUG));
    CHECK(mg_log_set_spec("*:info", NULL) == 0);
}

static const struct check_case cases[] = {
    CASE_ENTRY(good_values),
    CASE_ENTRY(bad_values),
    CASE_ENTRY(unknown_missing_and_extra),
    CASE_ENTRY(help_and_version),
    CASE_ENTRY(env_fallback),
    CASE_ENTRY(logs_applied_at_default),
};
CHECK_MAIN(cases)
