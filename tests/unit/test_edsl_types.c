/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_edsl_types.c: the engine's type checks: each mistake, its message and its line. */
#include "test_edsl.h"

static struct impl *dev(const char *name, struct typ *t)
{
    return impl(name, t, .connect = test_connect);
}

static void apply_wrong_argument(void)
{
    SETUP("-t", "unix");
    struct impl *www = foreign("www_start", fn(CONSOLE, KV_RO, JOB));
    int l = __LINE__ + 1;
    struct impl *j = apply(www, dev("c", CONSOLE), dev("net", NETWORK));
    (void)j;
    CHECK(ed_nerrors() == 1);
    CHECK_ERROR(0, l, "apply: argument 2 of www_start: expected KV_RO, got NETWORK");
}

static void apply_in_steps_counts_arguments(void)
{
    SETUP("-t", "unix");
    struct impl *www = foreign("www_start", fn(CONSOLE, KV_RO, JOB));
    struct impl *half = apply(www, dev("c", CONSOLE));
    CHECK(ed_nerrors() == 0);
    CHECK_EQ_STR(ed_typ_show(half->type), "fn(KV_RO, JOB)");
    int l = __LINE__ + 1;
    apply(half, dev("net", NETWORK));
    CHECK_ERROR(0, l, "apply: argument 2 of www_start: expected KV_RO, got NETWORK");
}

static void apply_too_many(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("start", fn(CONSOLE, JOB));
    int l = __LINE__ + 1;
    apply(f, dev("c", CONSOLE), dev("d", CONSOLE));
    CHECK(ed_nerrors() == 1);
    CHECK_ERROR(0, l, "apply: start takes 1 argument, given 2");
}

static void apply_not_a_functor(void)
{
    SETUP("-t", "unix");
    struct impl *c = dev("console", CONSOLE);
    int l = __LINE__ + 1;
    apply(c, dev("d", CONSOLE));
    CHECK_ERROR(0, l, "apply: console is not a functor (its type is CONSOLE)");
}

static void apply_result_is_a_placeholder(void)
{
    /* one mistake is reported once, not again by every use of its result */
    SETUP("-t", "unix");
    struct impl *f = foreign("start", fn(CONSOLE, JOB));
    struct impl *bad = apply(f, dev("c", CONSOLE), dev("d", CONSOLE));
    struct impl *g = foreign("g", fn(KV_RO, JOB));
    apply(g, bad);
    register_unikernel("x", JOBS(bad));
    CHECK(ed_nerrors() == 1);
}

static void register_not_fully_applied(void)
{
    SETUP("-t", "unix");
    struct impl *www = foreign("www_start", fn(CONSOLE, KV_RO, JOB));
    struct impl *half = apply(www, dev("c", CONSOLE));
    int l = __LINE__ + 1;
    register_unikernel("www", JOBS(half));
    CHECK(ed_nerrors() == 1);
    CHECK_ERROR(0, l, "register_unikernel: www_start is not fully applied: next argument KV_RO");
    CHECK(edsl_finish() < 0);
}

static void register_job_of_wrong_type(void)
{
    SETUP("-t", "unix");
    int l = __LINE__ + 1;
    register_unikernel("x", JOBS(noop(), dev("console", CONSOLE)));
    CHECK_ERROR(0, l, "register_unikernel: job 2 (console) has type CONSOLE, expected JOB");
}

static void register_argv_and_reporter_types(void)
{
    SETUP("-t", "unix");
    int l = __LINE__ + 1;
    register_unikernel("x", JOBS(noop()), .argv = dev("a", CONSOLE), .reporter = dev("r", ARGV));
    CHECK(ed_nerrors() == 2);
    CHECK_ERROR(0, l, "register_unikernel: .argv: expected ARGV, got CONSOLE");
    CHECK_ERROR(1, l, "register_unikernel: .reporter: expected REPORTER, got ARGV");
}

static void register_twice(void)
{
    SETUP("-t", "unix");
    int l1 = __LINE__ + 1;
    register_unikernel("a", JOBS(noop()));
    int l2 = __LINE__ + 1;
    register_unikernel("b", JOBS(noop()));
    CHECK_ERROR(0, l2,
                ed_fmt("register_unikernel: called a second time (first at %s:%d)", __FILE__, l1));
}

static void no_register(void)
{
    SETUP("-t", "unix");
    CHECK(edsl_finish() < 0);
    CHECK(has_error("configure() did not call register_unikernel"));
}

static void if_branches_differ(void)
{
    SETUP("-t", "unix");
    struct key *k = key_bool("fast", false, .stage = CONFIGURE);
    int l = __LINE__ + 1;
    if_impl(value_of(k), dev("c", CONSOLE), dev("kv", KV_RO));
    CHECK(ed_nerrors() == 1);
    CHECK_ERROR(0, l, "if_impl: the branches have different types: CONSOLE and KV_RO");
}

static void if_value_not_bool(void)
{
    SETUP("-t", "unix");
    struct key *port = key_int("port", 80);
    int l = __LINE__ + 1;
    if_impl(value_of(port), dev("c", CONSOLE), dev("d", CONSOLE));
    CHECK_ERROR(0, l, "if_impl: expected a bool value, got the int key --port");
    SETUP("-t", "unix");
    l = __LINE__ + 1;
    value_not(value_of(key_target()));
    CHECK_ERROR(0, l, "value_not: expected a bool value, got the enum key --target");
}

static void match_case_types(void)
{
    SETUP("-t", "unix");
    int l = __LINE__ + 1;
    match_impl(value_of(key_target()), dev("c", CONSOLE), CASE("unix", dev("d", CONSOLE)),
               CASE("hvt", dev("kv", KV_RO)));
    CHECK(ed_nerrors() == 1);
    CHECK_ERROR(0, l, "match_impl: case \"hvt\" has type KV_RO, the default has type CONSOLE");
}

static void match_case_outside_choices(void)
{
    SETUP("-t", "unix");
    int l = __LINE__ + 1;
    match_impl(value_of(key_target()), dev("c", CONSOLE), CASE("unixx", dev("d", CONSOLE)));
    CHECK_ERROR(0, l, "match_impl: case \"unixx\" is not a value of --target");
}

static void polymorphic_types(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(IP, UDP, TCP, JOB));
    apply(f, dev("ip4", IPV4), dev("u", UDPV4V6), dev("t", TCPV4V6));
    apply(f, dev("ip6", IPV6), dev("u", UDP), dev("t", TCP));
    CHECK(ed_nerrors() == 0);
    struct impl *g = foreign("g", fn(IPV4, JOB));
    int l = __LINE__ + 1;
    apply(g, dev("ip", IP));
    int l2 = __LINE__ + 1;
    apply(g, dev("ip6", IPV6));
    CHECK(ed_nerrors() == 2);
    CHECK_ERROR(0, l, "apply: argument 1 of g: expected IPV4, got IP");
    CHECK_ERROR(1, l2, "apply: argument 1 of g: expected IPV4, got IPV6");
}

static void functor_types(void)
{
    SETUP("-t", "unix");
    /* fn(A, fn(B, R)) is fn(A, B, R) */
    CHECK(ed_typ_eq(fn(CONSOLE, fn(KV_RO, JOB)), fn(CONSOLE, KV_RO, JOB)));
    CHECK(!ed_typ_eq(fn(CONSOLE, JOB), fn(KV_RO, JOB)));
    int l = __LINE__ + 1;
    fn(JOB, JOB);
    CHECK_ERROR(0, l, "fn: JOB can only be the result of a functor, not argument 1");
    /* a functor where a device is expected */
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RO, JOB));
    l = __LINE__ + 1;
    apply(f, foreign("g", fn(CONSOLE, KV_RO)));
    CHECK_ERROR(0, l, "apply: argument 1 of f: expected KV_RO, got fn(CONSOLE, KV_RO)");
}

static void user_types(void)
{
    SETUP("-t", "unix");
    struct typ *a = typ("store"), *b = typ("store", .ctype = "struct mg_store");
    CHECK(ed_typ_eq(a, b));
    CHECK(!ed_typ_eq(a, typ("other")));
    struct impl *f = foreign("f", fn(a, JOB));
    apply(f, dev("s", b));
    CHECK(ed_nerrors() == 0);
    int l = __LINE__ + 1;
    typ("console");
    CHECK_ERROR(0, l, "typ: \"console\" is the built-in type CONSOLE; use CONSOLE");
    l = __LINE__ + 1;
    typ("no way");
    CHECK_ERROR(1, l, "typ: \"no way\" is not a valid type name (letters, digits and _)");
}

static void bad_names(void)
{
    SETUP("-t", "unix");
    int l = __LINE__ + 1;
    foreign("not-c", fn(CONSOLE, JOB));
    int l2 = __LINE__ + 1;
    register_unikernel("a b", JOBS(noop()));
    CHECK_ERROR(0, l, "foreign: \"not-c\" is not a C function name");
    CHECK(strstr(ed_error_text(1),
                 ed_fmt("%s:%d: register_unikernel: \"a b\" is not a valid", __FILE__, l2)));
}

static void all_errors_collected(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(KV_RO, JOB));
    int l1 = __LINE__ + 1;
    apply(f, dev("c", CONSOLE));
    int l2 = __LINE__ + 1;
    apply(f, dev("n", NETWORK));
    int l3 = __LINE__ + 1;
    key_int("bad name", 1);
    CHECK(ed_nerrors() == 3);
    CHECK_ERROR(0, l1, "apply: argument 1 of f: expected KV_RO, got CONSOLE");
    CHECK_ERROR(1, l2, "apply: argument 1 of f: expected KV_RO, got NETWORK");
    CHECK_ERROR(2, l3,
                "key \"bad name\": a key name is letters, digits, - and _, not starting with -");
}

static const char *never(struct info *i, struct impl *self)
{
    (void)self;
    return strcmp(info_target(i), "unix") == 0 ? "it needs a hypervisor" : NULL;
}

static void unsupported_device(void)
{
    SETUP("-t", "unix");
    /* reported where config.c wrote the device */
    int l = __LINE__ + 1;
    struct impl *x = impl("xen_thing", CONSOLE, .connect = test_connect, .unsupported = never);
    struct impl *f = foreign("f", fn(CONSOLE, JOB));
    register_unikernel("u", JOBS(apply(f, x)));
    CHECK(edsl_finish() < 0);
    CHECK_ERROR(0, l, "xen_thing cannot be used on target unix: it needs a hypervisor");
}

static void unsupported_in_other_branch_is_fine(void)
{
    SETUP("-t", "unix");
    struct impl *x = impl("xen_thing", CONSOLE, .connect = test_connect, .unsupported = never);
    struct impl *c = if_impl(value_eq(value_of(key_target()), "xen"), x, dev("c", CONSOLE));
    register_unikernel("u", JOBS(apply(foreign("f", fn(CONSOLE, JOB)), c)));
    CHECK(edsl_finish() == 0);
}

static void dependency_not_an_argument(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("f", fn(CONSOLE, JOB));
    int l = __LINE__ + 1;
    apply(f, dep(dev("c", CONSOLE)));
    CHECK_ERROR(0, l, "apply: argument 1 of f: dep(c) is a dependency, not a device");
}

static const struct check_case cases[] = {
    CASE_ENTRY(apply_wrong_argument),
    CASE_ENTRY(apply_in_steps_counts_arguments),
    CASE_ENTRY(apply_too_many),
    CASE_ENTRY(apply_not_a_functor),
    CASE_ENTRY(apply_result_is_a_placeholder),
    CASE_ENTRY(register_not_fully_applied),
    CASE_ENTRY(register_job_of_wrong_type),
    CASE_ENTRY(register_argv_and_reporter_types),
    CASE_ENTRY(register_twice),
    CASE_ENTRY(no_register),
    CASE_ENTRY(if_branches_differ),
    CASE_ENTRY(if_value_not_bool),
    CASE_ENTRY(match_case_types),
    CASE_ENTRY(match_case_outside_choices),
    CASE_ENTRY(polymorphic_types),
    CASE_ENTRY(functor_types),
    CASE_ENTRY(user_types),
    CASE_ENTRY(bad_names),
    CASE_ENTRY(all_errors_collected),
    CASE_ENTRY(unsupported_device),
    CASE_ENTRY(unsupported_in_other_branch_is_fine),
    CASE_ENTRY(dependency_not_an_argument),
};
CHECK_MAIN(cases)
