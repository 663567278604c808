/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c */
/* test_args_named.c: keys that name their parser (struct mg_arg.parse), the kinds' parsers, and
 * mg_args_parse_named, which has no parser by kind to fall back on. */
#include <stdlib.h>
#include <string.h>

#include <mirage/args.h>
#include <mirage/error.h>

#include "check.h"
#include "platform.h"

#include "capture.h"

static long port;
static bool verbose;
static const char *name;
static struct mg_ipv4 v4;
static const char *const modes[] = {"fast", "slow", NULL};
static const char *mode = "fast";

/* A parser of its own: a key may name any function of the parse type. */
static int upper(const struct mg_arg *a, const char *text, const char **why)
{
    *why = "expected capitals";
    for (const char *p = text; *p; p++)
        if (*p < 'A' || *p > 'Z')
            return MG_EINVAL;
    *(const char **)a->var = text;
    return 0;
}

static const struct mg_arg named[] = {
    {.name = "port", .kind = MG_ARG_INT, .var = &port, .parse = mg_arg_parse_int},
    {.name = "verbose", .kind = MG_ARG_BOOL, .var = &verbose, .parse = mg_arg_parse_bool},
    {.name = "name", .kind = MG_ARG_STRING, .var = &name, .parse = upper},
    {.name = "ipv4", .kind = MG_ARG_IPV4, .var = &v4, .parse = mg_arg_parse_ipv4},
    {.name = "mode",
     .kind = MG_ARG_ENUM,
     .var = &mode,
     .choices = modes,
     .parse = mg_arg_parse_enum},
};
#define NNAMED (sizeof named / sizeof named[0])

static int run(int (*fn)(const char *, const struct mg_arg *, size_t, int, char **),
               const struct mg_arg *args, size_t n, const char **out, char *a1, char *a2)
{
    char *argv[] = {"prog", a1, a2, NULL};
    capture_begin();
    int rc = fn("prog", args, n, a2 ? 3 : a1 ? 2 : 1, argv);
    *out = capture_end();
    return rc;
}

static void named_parsers(void)
{
    const char *out;
    CHECK(run(mg_args_parse_named, named, NNAMED, &out, "--port=81", "--verbose") == 0);
    CHECK(port == 81 && verbose);
    CHECK(run(mg_args_parse_named, named, NNAMED, &out, "--name=WEB", "--ipv4=10.0.0.2") == 0);
    CHECK_EQ_STR(name, "WEB");
    CHECK(v4.b[0] == 10 && v4.b[3] == 2);
    CHECK(run(mg_args_parse_named, named, NNAMED, &out, "--mode=slow", NULL) == 0);
    CHECK_EQ_STR(mode, "slow");
    /* The key's own parser, not its kind's, and its message. */
    CHECK(run(mg_args_parse_named, named, NNAMED, &out, "--name=web", NULL) == MG_EXIT_BADARGS);
    CHECK(strstr(out, "option '--name': invalid value 'web' (expected capitals)"));
    CHECK(run(mg_args_parse, named, NNAMED, &out, "--name=web", NULL) == MG_EXIT_BADARGS);
    CHECK(run(mg_args_parse_named, named, NNAMED, &out, "--port=x", NULL) == MG_EXIT_BADARGS);
    CHECK(strstr(out, "(expected an integer)"));
}

/* Without a parser: by kind for mg_args_parse, refused by the named one. */
static void without_parser(void)
{
    const struct mg_arg bare[] = {{.name = "port", .kind = MG_ARG_INT, .var = &port}};
    const char *out;
    CHECK(run(mg_args_parse, bare, 1, &out, "--port=82", NULL) == 0 && port == 82);
    CHECK(run(mg_args_parse_named, bare, 1, &out, "--port=83", NULL) == MG_EXIT_BADARGS);
    CHECK(strstr(out, "option '--port': no parser for its kind in this image") && port == 82);
    /* A key that is not given needs no parser. */
    CHECK(run(mg_args_parse_named, bare, 1, &out, NULL, NULL) == 0);
}

/* Each kind's parser on its own: stores on success, leaves var alone on failure. */
static void kind_parsers(void)
{
    const char *why = NULL;
    long l = 7;
    int64_t i64 = 0;
    bool b = false;
    const char *s = NULL;
    struct mg_ipv6_prefix p6;
    struct mg_ip ip;
    struct mg_arg a = {.var = &l};
    CHECK(mg_arg_parse_int(&a, "-12", &why) == 0 && l == -12);
    CHECK(mg_arg_parse_int(&a, "12x", &why) == MG_EINVAL && l == -12);
    CHECK_EQ_STR(why, "expected an integer");
    a.var = &i64;
    CHECK(mg_arg_parse_int64(&a, "99999999999999999999", &why) == MG_ERANGE);
    CHECK_EQ_STR(why, "out of range");
    a.var = &b;
    CHECK(mg_arg_parse_bool(&a, "true", &why) == 0 && b);
    CHECK(mg_arg_parse_bool(&a, "yes", &why) == MG_EINVAL && b);
    a.var = &s;
    CHECK(mg_arg_parse_text(&a, "a,b", &why) == 0);
    CHECK_EQ_STR(s, "a,b");
    a.var = &p6;
    CHECK(mg_arg_parse_ipv6_prefix(&a, "fd00::2/64", &why) == 0 && p6.len == 64);
    CHECK(mg_arg_parse_ipv4_prefix(&(struct mg_arg){.var = &p6}, "10.0.0.1", &why) == MG_EINVAL);
    CHECK(strstr(why, "prefix length"));
    a.var = &ip;
    CHECK(mg_arg_parse_ip(&a, "10.1.2.3", &why) == 0 && ip.version == 4);
    CHECK(mg_arg_parse_ipv6(&a, "10.1.2.3", &why) == MG_EINVAL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(named_parsers),
    CASE_ENTRY(without_parser),
    CASE_ENTRY(kind_parsers),
};
CHECK_MAIN(cases)
