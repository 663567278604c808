/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_edsl_select.c: branch selection, sharing, connect order, reachable keys, packages. */
#include "test_edsl.h"

static struct impl *dev(const char *name, struct typ *t)
{
    return impl(name, t, .connect = test_connect);
}

/* Is a device of this name in the selected graph? */
static bool selected(const char *name)
{
    for (size_t i = 0; i < ed.nselected; i++)
        if (strcmp(ed.selected[i]->head->name, name) == 0)
            return true;
    return false;
}

static int position(const char *name)
{
    for (size_t i = 0; i < ed.norder; i++)
        if (strcmp(ed.order[i]->head->name, name) == 0)
            return (int)i;
    return -1;
}

static void run_with_console(struct impl *c)
{
    register_unikernel("s", JOBS(apply(foreign("start", fn(CONSOLE, JOB)), c)));
}

static void if_selection(void)
{
    for (int fast = 0; fast < 2; fast++) {
        if (fast)
            SETUP("--fast");
        else
            SETUP("-t", "unix");
        struct key *k = key_bool("fast", false);
        run_with_console(if_impl(value_of(k), dev("quick", CONSOLE), dev("slow", CONSOLE)));
        CHECK(edsl_finish() == 0);
        CHECK(selected("quick") == (fast == 1));
        CHECK(selected("slow") == (fast == 0));
    }
}

static void match_selection(void)
{
    const char *const t[][2] = {{"a", "dev_a"}, {"b", "dev_b"}, {"c", "dev_default"}};
    for (size_t i = 0; i < 3; i++) {
        char arg[16];
        snprintf(arg, sizeof arg, "--mode=%s", t[i][0]); /* the arena is reset by SETUP */
        SETUP(arg);
        struct key *mode = key_enum("mode", "a", .choices = CHOICES("a", "b", "c"));
        run_with_console(match_impl(value_of(mode), dev("dev_default", CONSOLE),
                                    CASE("a", dev("dev_a", CONSOLE)),
                                    CASE("b", dev("dev_b", CONSOLE))));
        CHECK(edsl_finish() == 0);
        CHECK(selected(t[i][1]));
        CHECK(ed.nselected == 5); /* pclock, reporter, argv, the console, the job */
    }
    /* on the target */
    SETUP("-t", "unix");
    run_with_console(match_impl(value_of(key_target()), dev("other", CONSOLE),
                                CASE("unix", dev("on_unix", CONSOLE))));
    CHECK(edsl_finish() == 0);
    CHECK(selected("on_unix") && !selected("other"));
}

static bool reg_dummy_keys_ok(struct key *a, struct key *b, struct key *c)
{
    register_unikernel("v", JOBS(noop()), .keys = KEYS(a, b, c));
    return edsl_finish() == 0;
}

static void values(void)
{
    SETUP("--a", "--name=x");
    struct key *a = key_bool("a", false), *b = key_bool("b", false);
    struct key *name = key_string("name", "y");
    CHECK(reg_dummy_keys_ok(a, b, name));
    CHECK(ed_value_true(value_of(a)));
    CHECK(!ed_value_true(value_of(b)));
    CHECK(ed_value_true(value_or(value_of(a), value_of(b))));
    CHECK(!ed_value_true(value_and(value_of(a), value_of(b))));
    CHECK(ed_value_true(value_not(value_of(b))));
    CHECK(ed_value_true(value_eq(value_of(name), "x")));
    CHECK(!ed_value_true(value_eq(value_of(name), "y")));
    CHECK(ed_value_true(value_bool(true)));
    CHECK(ed_value_true(value_eq(value_of(a), "true")));
}

static void sharing(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("start", fn(CONSOLE, CONSOLE, JOB));
    register_unikernel("s", JOBS(apply(f, default_console(), default_console()),
                                 apply(f, default_console(), default_console())));
    CHECK(edsl_finish() == 0);
    CHECK(ed.njobs == 1); /* two equal jobs are one */
    int consoles = 0;
    for (size_t i = 0; i < ed.norder; i++)
        consoles += strcmp(ed.order[i]->head->name, "console") == 0;
    CHECK(consoles == 1);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "return start(mg_dev_console_4, mg_dev_console_4);"));
    /* a differing argument makes a different device */
    SETUP("-t", "unix");
    f = foreign("start", fn(CONSOLE, CONSOLE, JOB));
    struct impl *wrap = impl("wrap", fn(CONSOLE, CONSOLE), .connect = test_connect);
    register_unikernel(
        "s", JOBS(apply(f, apply(wrap, custom_console("a")), apply(wrap, custom_console("b")))));
    CHECK(edsl_finish() == 0);
    int wraps = 0;
    for (size_t i = 0; i < ed.norder; i++)
        wraps += strcmp(ed.order[i]->head->name, "wrap") == 0;
    CHECK(wraps == 2);
}

static void connect_order(void)
{
    SETUP("-t", "unix");
    struct impl *early = dev("early", TIME);
    struct impl *inner = impl("inner", KV_RO, .connect = test_connect, .extra_deps = DEPS(early));
    struct impl *outer = impl("outer", fn(KV_RO, CONSOLE), .connect = test_connect);
    register_unikernel("s", JOBS(apply(foreign("start", fn(CONSOLE, JOB)), apply(outer, inner))));
    CHECK(edsl_finish() == 0);
    /* the reporter (after its clock) first, then dependencies, then arguments */
    CHECK(position("pclock") == 0);
    CHECK(position("default_reporter") == 1);
    CHECK(position("early") < position("inner"));
    CHECK(position("inner") < position("outer"));
    CHECK(position("outer") == (int)ed.norder - 1);
    CHECK_EQ_STR(ed.order[position("outer")]->var, ed_fmt("mg_dev_outer_%d", (int)ed.norder));
}

static void reachable_keys(void)
{
    SETUP("-t", "unix");
    struct key *sel = key_bool("use-a", true);
    struct key *ka = key_int("only-a", 1), *kb = key_int("only-b", 2);
    struct impl *a = impl("a", CONSOLE, .connect = test_connect, .keys = KEYS(ka));
    struct impl *b = impl("b", CONSOLE, .connect = test_connect, .keys = KEYS(kb));
    run_with_console(if_impl(value_of(sel), a, b));
    CHECK(edsl_finish() == 0);
    struct key **ks;
    size_t n;
    ed_reachable_keys(&ks, &n);
    const char *names = "";
    for (size_t i = 0; i < n; i++)
        names = ed_fmt("%s%s ", names, ks[i]->name);
    CHECK_EQ_STR(names, "logs only-a target use-a ");
    const char *help = gen(ed_help_configure);
    CHECK(strstr(help, "--only-a=INT"));
    CHECK(!strstr(help, "only-b"));
    CHECK(strstr(help, "--use-a[=BOOL]"));
    /* the other branch once chosen */
    SETUP("--use-a=false");
    sel = key_bool("use-a", true);
    ka = key_int("only-a", 1);
    kb = key_int("only-b", 2);
    a = impl("a", CONSOLE, .connect = test_connect, .keys = KEYS(ka));
    b = impl("b", CONSOLE, .connect = test_connect, .keys = KEYS(kb));
    run_with_console(if_impl(value_of(sel), a, b));
    CHECK(edsl_finish() == 0);
    help = gen(ed_help_configure);
    CHECK(strstr(help, "--only-b=INT") && !strstr(help, "only-a"));
    CHECK(strstr(help, "Now: false (from the command line)."));
}

static void package_merging(void)
{
    SETUP("-t", "unix");
    struct package *uses[] = {
        package("libfoo-dev", .min = "1.2", .max = "3", .libs = LIBS("foo")),
        package("libfoo-dev", .min = "1.10", .libs = LIBS("foo", "foo2")),
        package("libfoo-dev", .max = "2.0~rc1"),
        package("tool", .build = true),
    };
    struct ed_pkg *ps;
    size_t n;
    ed_packages_merge(uses, 4, &ps, &n);
    CHECK(ed_nerrors() == 0);
    CHECK(n == 2);
    CHECK_EQ_STR(ps[0].name, "libfoo-dev");
    CHECK_EQ_STR(ed_pkg_constraint(&ps[0]), ">= 1.10, < 2.0~rc1");
    CHECK_EQ_STR(ps[0].libs[0], "foo");
    CHECK_EQ_STR(ps[0].libs[1], "foo2");
    CHECK(ps[0].libs[2] == NULL && !ps[0].build);
    CHECK(ps[1].build);
}

static void package_conflicts(void)
{
    SETUP("-t", "unix");
    int l1 = __LINE__ + 1;
    struct package *a = package("libfoo-dev", .min = "2.0");
    int l2 = __LINE__ + 1;
    struct package *b = package("libfoo-dev", .max = "1.5");
    struct ed_pkg *ps;
    size_t n;
    ed_packages_merge((struct package *[]){a, b}, 2, &ps, &n);
    CHECK_ERROR(0, l2,
                ed_fmt("package libfoo-dev: >= 2.0 (%s:%d) and < 1.5 (%s:%d) cannot both hold",
                       __FILE__, l1, __FILE__, l2));
    SETUP("-t", "unix");
    l1 = __LINE__ + 1;
    a = package("libfoo-dev", .pin_version = "1.0");
    l2 = __LINE__ + 1;
    b = package("libfoo-dev", .pin_version = "1.1");
    ed_packages_merge((struct package *[]){a, b}, 2, &ps, &n);
    CHECK_ERROR(
        0, l2,
        ed_fmt("package libfoo-dev: version 1.0 (%s:%d) and version 1.1 (here) cannot both hold",
               __FILE__, l1));
    SETUP("-t", "unix");
    l1 = __LINE__ + 1;
    package("Bad_Name");
    l2 = __LINE__ + 1;
    package("libok", .min = "x1");
    CHECK_ERROR(0, l1, "package: \"Bad_Name\" is not a Debian package name");
    CHECK_ERROR(1, l2, "package libok: \"x1\" is not a Debian version");
}

static void packages_in_the_graph(void)
{
    SETUP("-t", "unix");
    struct impl *a =
        impl("a", CONSOLE, .connect = test_connect,
             .packages = PACKAGES(package("libbar-dev", .min = "1", .libs = LIBS("bar"))));
    register_unikernel("s", JOBS(apply(foreign("start", fn(CONSOLE, JOB)), a)),
                       .packages = PACKAGES(package("libbar-dev", .max = "9")));
    CHECK(edsl_finish() == 0);
    CHECK(ed.npkgs == 1);
    CHECK_EQ_STR(ed_pkg_constraint(&ed.pkgs[0]), ">= 1, < 9");
    struct buf b = {0};
    CHECK(ed_gen_makefile(&b) == 0);
    CHECK(strstr(buf_str(&b), "-Wl,--end-group -lbar\n"));
    buf_free(&b);
}

static void missing_packages(void)
{
    SETUP("-t", "unix");
    struct ed_pkg ps[2] = {{.name = "mirage-test-no-such-package"}, {.name = "dpkg"}};
    struct package too_new = {.name = "dpkg", .min = "999"};
    ps[1].min = &too_new;
    CHECK(ed_packages_check(ps, 2) < 0);
    const char *e = ed_error_text(0);
    CHECK(strstr(e, "mirage-test-no-such-package: not installed"));
    CHECK(strstr(e, "dpkg (>= 999): version "));
    CHECK(strstr(e, "install them with: apt-get install mirage-test-no-such-package dpkg"));
    SETUP("-t", "unix");
    struct ed_pkg ok = {.name = "dpkg"};
    CHECK(ed_packages_check(&ok, 1) == 0 && ok.installed);
}

static void debian_versions(void)
{
    const char *const t[][2] = {
        {"1.0", "1.0"},   {"1.0", "1.1"},    {"1.2", "1.10"},    {"1.0~rc1", "1.0"},
        {"1.0", "1.0a"},  {"1:0.1", "2.0"},  {"1.0-1", "1.0-2"}, {"1.0-1", "1.0"},
        {"2.0.0", "2.0"}, {"1.0+b1", "1.0"}, {"0.6-2", "0.6"},   {"1.0~", "1.0~~"},
        {"1.001", "1.1"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int c = ed_debver_cmp(t[i][0], t[i][1]);
        CHECK(ed_debver_cmp(t[i][1], t[i][0]) == -c);
        /* dpkg itself agrees */
        char cmd[128];
        snprintf(cmd, sizeof cmd, "dpkg --compare-versions '%s' %s '%s'", t[i][0],
                 c < 0   ? "lt"
                 : c > 0 ? "gt"
                         : "eq",
                 t[i][1]);
        CHECK(system(cmd) == 0);
    }
}

static void argv_and_reporter(void)
{
    SETUP("-t", "unix");
    register_unikernel("s", JOBS(noop()), .argv = no_argv(), .reporter = no_reporter());
    CHECK(edsl_finish() == 0);
    CHECK(!ed.parse_argv);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "mg_reporter_none_connect(&mg_dev_no_reporter_1)"));
    CHECK(strstr(
        m, "static struct mg_argv mg_argv_off = {false}; mg_dev_no_argv_2 = &mg_argv_off; 0;"));
    CHECK(strstr(m, ".parse_argv = false,"));
    CHECK(!strstr(m, "mg_args"));    /* no key at all */
    CHECK(strstr(m, "return 0;\n")); /* noop's body */
    SETUP("-t", "unix");
    register_unikernel("s", JOBS(keys_job(default_argv())),
                       .reporter = default_reporter(.ring_size = 16, .level = LEVEL_DEBUG));
    CHECK(edsl_finish() == 0);
    CHECK(ed.parse_argv);
    m = gen(ed_gen_main);
    CHECK(strstr(m, "mg_reporter_default_connect(&mg_dev_default_reporter_ring16_debug_2, "
                    "mg_dev_pclock_1, 16)"));
    CHECK(strstr(m, "static const char *mg_key_logs = \"*:debug\";"));
    CHECK(strstr(m, "return ((void)mg_dev_argv_3, 0);"));
}

static void app_info_device(void)
{
    SETUP("-t", "unix");
    register_unikernel("s", JOBS(apply(foreign("start", fn(INFO, JOB)), app_info())));
    CHECK(edsl_finish() == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "#include <mirage/info.h>\n"));
    CHECK(strstr(m, "mg_info_connect(&mg_dev_app_info_4, &mg_gen_info)"));
    CHECK(strstr(m, "static const char *const mg_gen_libraries[] = {\"clock\", \"info\"};"));
    CHECK(strstr(m, "    {\"target\", \"unix\"},\n"));
}

static void tracing_after_reporter(void)
{
    SETUP("-t", "unix");
    register_unikernel("t", JOBS(noop()), .tracing = dev("tracer", TRACING));
    CHECK(edsl_finish() == 0);
    CHECK(position("default_reporter") == 1);
    CHECK(position("tracer") == 2);
    CHECK(position("argv") == 3);
    SETUP("-t", "unix");
    register_unikernel("t", JOBS(noop()), .tracing = dev("c", CONSOLE));
    CHECK(has_error("register_unikernel: .tracing: expected TRACING, got CONSOLE"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(if_selection),
    CASE_ENTRY(match_selection),
    CASE_ENTRY(values),
    CASE_ENTRY(sharing),
    CASE_ENTRY(connect_order),
    CASE_ENTRY(reachable_keys),
    CASE_ENTRY(package_merging),
    CASE_ENTRY(package_conflicts),
    CASE_ENTRY(packages_in_the_graph),
    CASE_ENTRY(missing_packages),
    CASE_ENTRY(debian_versions),
    CASE_ENTRY(argv_and_reporter),
    CASE_ENTRY(app_info_device),
    CASE_ENTRY(tracing_after_reporter),
};
CHECK_MAIN(cases)
