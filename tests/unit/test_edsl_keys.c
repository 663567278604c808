/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_edsl_keys.c: keys: command-line forms, defaults, environment, groups, stages, bad values. */
#include "test_edsl.h"

static struct impl *user(struct key *const *keys)
{
    return impl("user", CONSOLE, .connect = test_connect, .keys = keys);
}

/* Register a unikernel whose one device reads keys, and resolve. */
static int reg(struct key *const *keys)
{
    register_unikernel("k", JOBS(apply(foreign("start", fn(CONSOLE, JOB)), user(keys))));
    return edsl_finish();
}

static void long_and_short_forms(void)
{
    const char *const forms[][3] = {
        {"--port=81", NULL, "81"},
        {"--port", "82", "82"},
        {"-p", "83", "83"},
        {"-p84", NULL, "84"},
    };
    for (size_t i = 0; i < 4; i++) {
        if (forms[i][1])
            SETUP(forms[i][0], forms[i][1]);
        else
            SETUP(forms[i][0]);
        struct key *port = key_int("port", 80, .short_name = 'p');
        CHECK(reg(KEYS(port)) == 0);
        CHECK_EQ_STR(ed_key_value(port), forms[i][2]);
        CHECK_EQ_STR(ed_key_source(port), "command line");
    }
    SETUP("--port=1", "-p", "2", "--port", "3");
    struct key *port = key_int("port", 80, .short_name = 'p');
    CHECK(reg(KEYS(port)) == 0);
    CHECK_EQ_STR(ed_key_value(port), "3"); /* the last wins */
}

static void bools(void)
{
    SETUP("--fast");
    struct key *fast = key_bool("fast", false), *slow = key_bool("slow", true);
    CHECK(reg(KEYS(fast, slow)) == 0);
    CHECK_EQ_STR(ed_key_value(fast), "true");
    CHECK_EQ_STR(ed_key_value(slow), "true");
    SETUP("--slow=false");
    slow = key_bool("slow", true);
    CHECK(reg(KEYS(slow)) == 0);
    CHECK_EQ_STR(ed_key_value(slow), "false");
    SETUP("--slow=yes");
    slow = key_bool("slow", true);
    CHECK(reg(KEYS(slow)) < 0);
    CHECK_EQ_STR(ed_error_text(0), "mirage: --slow: invalid value \"yes\": expected true or false");
}

static void defaults_and_environment(void)
{
    setenv("TEST_EDSL_PORT", "9000", 1);
    SETUP("-t", "unix");
    struct key *port = key_int("port", 80, .env = "TEST_EDSL_PORT");
    struct key *other = key_int("other", 7);
    CHECK(reg(KEYS(port, other)) == 0);
    CHECK_EQ_STR(ed_key_value(port), "9000");
    CHECK_EQ_STR(ed_key_source(port), "environment");
    CHECK_EQ_STR(ed_key_value(other), "7");
    CHECK_EQ_STR(ed_key_source(other), "default");
    /* the command line beats the environment */
    SETUP("--port=81");
    port = key_int("port", 80, .env = "TEST_EDSL_PORT");
    CHECK(reg(KEYS(port)) == 0);
    CHECK_EQ_STR(ed_key_value(port), "81");
    /* a bad value in the environment names the key and the variable */
    setenv("TEST_EDSL_PORT", "eighty", 1);
    SETUP("-t", "unix");
    port = key_int("port", 80, .env = "TEST_EDSL_PORT");
    CHECK(reg(KEYS(port)) == 0);
    struct key **ks;
    size_t n;
    ed_reachable_keys(&ks, &n);
    ed_keys_check_env(ks, n);
    CHECK_EQ_STR(ed_error_text(0), "mirage: --port: invalid value \"eighty\" in the environment "
                                   "variable TEST_EDSL_PORT: not an integer");
    unsetenv("TEST_EDSL_PORT");
}

static void groups(void)
{
    SETUP("--service-ipv4=10.1.2.3/16");
    struct key *a = key_ipv4_prefix("ipv4", "10.0.0.2/24", .group = "service");
    CHECK_EQ_STR(a->name, "service-ipv4");
    CHECK_EQ_STR(ed_key_var(a), "mg_key_service_ipv4");
    CHECK(reg(KEYS(a)) == 0);
    CHECK_EQ_STR(ed_key_value(a), "10.1.2.3/16");
    /* the bare name is not the key */
    SETUP("--ipv4=10.1.2.3/16");
    a = key_ipv4_prefix("ipv4", "10.0.0.2/24", .group = "service");
    CHECK(reg(KEYS(a)) < 0);
    CHECK(has_error("unknown option --ipv4"));
}

static void bad_values(void)
{
    struct {
        const char *arg;
        const char *error;
    } t[] = {
        {"--i=abc", "mirage: --i: invalid value \"abc\": not an integer"},
        {"--i=99999999999999999999",
         "mirage: --i: invalid value \"99999999999999999999\": out of range"},
        {"--e=c", "mirage: --e: invalid value \"c\": expected one of a, b"},
        {"--v4=1.2.3", "mirage: --v4: invalid value \"1.2.3\": not an IPv4 address"},
        {"--v4=1.2.3.256", "mirage: --v4: invalid value \"1.2.3.256\": not an IPv4 address"},
        {"--p4=10.0.0.1/33",
         "mirage: --p4: invalid value \"10.0.0.1/33\": not an IPv4 prefix (ADDR/LEN)"},
        {"--v6=1:::2", "mirage: --v6: invalid value \"1:::2\": not an IPv6 address"},
        {"--ip=fe80::1::2",
         "mirage: --ip: invalid value \"fe80::1::2\": not an IPv4 or IPv6 address"},
        {"--l=*:loud",
         "mirage: --l: invalid value \"*:loud\": not a log spec (SRC:LEVEL or *:LEVEL, "
         "comma-separated; levels quiet, app, error, warning, info, debug)"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        SETUP(t[i].arg);
        struct key *ks[] = {
            key_int("i", 0),      key_enum("e", "a", .choices = CHOICES("a", "b")),
            key_ipv4("v4", NULL), key_ipv4_prefix("p4", NULL),
            key_ipv6("v6", NULL), key_ip("ip", NULL),
            key_logs("l", NULL),  NULL,
        };
        CHECK(reg(ks) < 0);
        CHECK(ed_nerrors() == 1);
        CHECK_EQ_STR(ed_error_text(0), t[i].error);
    }
}

static void bad_defaults(void)
{
    SETUP("-t", "unix");
    int l = __LINE__ + 1;
    key_ipv4("a", "300.1.1.1");
    int l2 = __LINE__ + 1;
    key_enum("e", "c", .choices = CHOICES("a", "b"));
    int l3 = __LINE__ + 1;
    key_enum("f", "a");
    int l4 = __LINE__ + 1;
    key_int("help", 1);
    CHECK_ERROR(0, l, "key \"a\": default \"300.1.1.1\": not an IPv4 address");
    CHECK_ERROR(1, l2, "key \"e\": default \"c\": expected one of a, b");
    CHECK_ERROR(2, l3, "key \"f\": key_enum needs .choices = CHOICES(...)");
    CHECK_ERROR(4, l4, "key \"help\": the name is reserved for the tool");
    SETUP("-t", "unix");
    key_int("target", 1);
    key_int("x", 1, .short_name = 't');
    CHECK(has_error("key \"target\": the name is reserved for the tool"));
    CHECK(has_error("key \"x\": -t is reserved for the tool"));
}

static void unknown_options(void)
{
    SETUP("--nope=1", "-z", "stray", "--port");
    struct key *port = key_int("port", 80);
    CHECK(reg(KEYS(port)) < 0);
    CHECK(ed_nerrors() == 4);
    CHECK_EQ_STR(ed_error_text(0),
                 "mirage: unknown option --nope; `mirage configure --help` lists the keys");
    CHECK_EQ_STR(ed_error_text(1),
                 "mirage: unknown option -z; `mirage configure --help` lists the keys");
    CHECK_EQ_STR(ed_error_text(2),
                 "mirage: unexpected argument \"stray\"; keys are given as --NAME=VALUE");
    CHECK_EQ_STR(ed_error_text(3), "mirage: option --port needs a value");
}

static void stages(void)
{
    SETUP("-t", "unix");
    struct key *rt = key_int("rt", 1, .stage = RUNTIME);
    int l = __LINE__ + 1;
    value_of(rt);
    CHECK_ERROR(0, l, "value_of: key --rt is RUNTIME only; a value needs a CONFIGURE or BOTH key");
    SETUP("-t", "unix");
    struct key *cf = key_int("cf", 1, .stage = CONFIGURE);
    l = __LINE__ + 1;
    foreign("f", fn(CONSOLE, JOB), .runtime_keys = KEYS(cf));
    CHECK_ERROR(0, l,
                "f: runtime key --cf is CONFIGURE only; a start-function parameter needs a "
                "RUNTIME or BOTH key");
    /* value_of marks a BOTH key as read at configure time */
    SETUP("-t", "unix");
    struct key *both = key_bool("both", false);
    CHECK(both->stage == BOTH && !both->configure_read);
    value_of(both);
    CHECK(both->configure_read);
}

static void baked_defaults(void)
{
    SETUP("--rt=81", "--both=82", "--cf=83");
    struct key *rt = key_int("rt", 1, .stage = RUNTIME), *both = key_int("both", 2);
    struct key *cf = key_int("cf", 3, .stage = CONFIGURE);
    CHECK(reg(KEYS(rt, both, cf)) == 0);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "static long mg_key_rt = 81L;\n"));
    CHECK(strstr(m, "static long mg_key_both = 82L;\n"));
    CHECK(strstr(m, "{.name = \"rt\", .kind = MG_ARG_INT, .parse = mg_arg_parse_int, "
                    ".var = &mg_key_rt,"));
    CHECK(strstr(m, ".docv = \"INT\", .dflt = \"81\"}"));
    /* configure-only: a constant, not an argument */
    CHECK(strstr(m, "static long const mg_key_cf __attribute__((unused)) = 83L;\n"));
    CHECK(!strstr(m, "{.name = \"cf\""));
}

static void optional_keys(void)
{
    SETUP("-t", "unix");
    struct key *s = key_string("name", NULL), *a = key_ipv6("addr", NULL);
    CHECK(reg(KEYS(s, a)) == 0);
    CHECK(ed_key_value(s) == NULL);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "static const char *mg_key_name = NULL;\nstatic bool mg_key_name_present;\n"));
    CHECK(
        strstr(m, "static struct mg_ipv6 mg_key_addr = {0};\nstatic bool mg_key_addr_present;\n"));
    CHECK(strstr(m, ".present = &mg_key_addr_present"));
    CHECK(!strstr(m, ".dflt = NULL"));
}

static void key_initialisers(void)
{
    SETUP("-t", "unix");
    CHECK_EQ_STR(ed_key_cinit(MG_KEY_IPV4, "10.0.0.2"), "{{10, 0, 0, 2}}");
    CHECK_EQ_STR(ed_key_cinit(MG_KEY_IPV4_PREFIX, "10.0.0.2/24"), "{{{10, 0, 0, 2}}, 24}");
    CHECK_EQ_STR(ed_key_cinit(MG_KEY_IPV6, "2001:db8::1"),
                 "{{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, "
                 "0x00, 0x00, 0x01}}");
    CHECK_EQ_STR(ed_key_cinit(MG_KEY_IP, "1.2.3.4"), "{4, {.v4 = {{1, 2, 3, 4}}}}");
    CHECK(strncmp(ed_key_cinit(MG_KEY_IP, "::1"), "{6, {.v6 = {{0x00, ", 19) == 0);
    CHECK_EQ_STR(ed_key_cinit(MG_KEY_INT, "-9223372036854775808"), "(-9223372036854775807L - 1)");
    CHECK_EQ_STR(ed_key_cinit(MG_KEY_INT64, "5"), "INT64_C(5)");
    CHECK_EQ_STR(ed_key_cinit(MG_KEY_STRING, "a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
    CHECK_EQ_STR(ed_key_cinit(MG_KEY_BOOL, "true"), "true");
}

static void addresses(void)
{
    unsigned char a[16];
    int len;
    const char *good6[] = {"::",
                           "::1",
                           "1::",
                           "2001:db8::1",
                           "1:2:3:4:5:6:7:8",
                           "::ffff:1.2.3.4",
                           "1:2:3:4:5:6:7::",
                           "fe80::1:2",
                           NULL};
    const char *bad6[] = {
        "",        ":",  ":::", "1:::2", "1::2::3",           "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        "12345::", "1:", ":1",  "g::",   "1:2:3:4:5:6:7:8::", "::1.2.3",           NULL};
    for (size_t i = 0; good6[i]; i++)
        CHECK(ed_ipv6_parse(good6[i], a) == 0);
    for (size_t i = 0; bad6[i]; i++)
        CHECK(ed_ipv6_parse(bad6[i], a) < 0);
    CHECK(ed_ipv6_parse("::ffff:1.2.3.4", a) == 0 && a[10] == 0xff && a[11] == 0xff && a[12] == 1 &&
          a[15] == 4);
    CHECK(ed_ipv6_parse("1::", a) == 0 && a[1] == 1 && a[15] == 0);
    const char *bad4[] = {"",         "1.2.3",     "1.2.3.4.5", "01.2.3.4",
                          "1.2.3.4 ", "256.1.1.1", "a.b.c.d",   NULL};
    for (size_t i = 0; bad4[i]; i++)
        CHECK(ed_ipv4_parse(bad4[i], a) < 0);
    CHECK(ed_ipv4_parse("0.0.0.0", a) == 0);
    CHECK(ed_ipv4_prefix_parse("10.0.0.2/24", a, &len) == 0 && len == 24 && a[3] == 2);
    CHECK(ed_ipv4_prefix_parse("10.0.0.2", a, &len) < 0);
    CHECK(ed_ipv4_prefix_parse("10.0.0.2/", a, &len) < 0);
    CHECK(ed_ipv6_prefix_parse("fd00::/8", a, &len) == 0 && len == 8);
    CHECK(ed_ipv6_prefix_parse("fd00::/129", a, &len) < 0);
}

static void log_specs(void)
{
    const char *why;
    const char *good[] = {"info", "*:info", "*:info,tcp:debug", "tcp:quiet,app", NULL};
    const char *bad[] = {"", "loud", "*:", ":info", "tcp:info,", "INFO", NULL};
    for (size_t i = 0; good[i]; i++)
        CHECK(ed_log_spec_check(good[i], &why) == 0);
    for (size_t i = 0; bad[i]; i++)
        CHECK(ed_log_spec_check(bad[i], &why) < 0);
}

static void duplicate_keys(void)
{
    /* the same key declared twice is one key */
    SETUP("--port=81");
    struct key *a = key_int("port", 80), *b = key_int("port", 80);
    CHECK(reg(KEYS(a, b)) == 0);
    CHECK(ed.nrkeys == 2); /* port and logs */
    /* declared differently: an error naming both lines */
    SETUP("-t", "unix");
    int l1 = __LINE__ + 1;
    a = key_int("port", 80);
    int l2 = __LINE__ + 1;
    b = key_string("port", "80");
    CHECK(reg(KEYS(a, b)) < 0);
    CHECK_ERROR(0, l2,
                ed_fmt("key --port is declared differently here and at %s:%d (kind, "
                       "stage, short name or default)",
                       __FILE__, l1));
    /* two names, one C variable */
    SETUP("-t", "unix");
    a = key_int("a-b", 1);
    b = key_int("a_b", 1);
    CHECK(reg(KEYS(a, b)) < 0);
    CHECK(has_error("keys --a-b and --a_b have the same C variable mg_key_a_b"));
    /* a short name taken twice */
    SETUP("-t", "unix");
    a = key_int("x", 1, .short_name = 'l');
    CHECK(reg(KEYS(a)) < 0);
    CHECK(has_error("have the same short name -l"));
}

static void targets(void)
{
    ed_reset();
    ed_init(NULL, __FILE__, "/src");
    const char *args[] = {"-t", "solaris", NULL};
    ed_cmdline_parse(2, (char *const *)args);
    CHECK(ed_cmdline_target() == NULL);
    CHECK_EQ_STR(
        ed_error_text(0),
        "mirage: unknown target \"solaris\"; known targets: unix, spt, hvt, virtio, xen, qubes");
    ed_reset();
    ed_init(NULL, __FILE__, "/src");
    setenv("MIRAGE_DEFAULT_TARGET", "virtio", 1);
    ed_cmdline_parse(0, (char *const *)args);
    CHECK(ed_cmdline_target() == NULL);
    CHECK_EQ_STR(
        ed_error_text(0),
        "mirage: target virtio is not available in this installation (available: unix, spt, hvt)");
    /* a target the engine knows but the installation did not build */
    char dir[] = "/tmp/test_edsl_keys.XXXXXX";
    CHECK(mkdtemp(dir));
    CHECK(ed_mkdirs(ed_fmt("%s/lib/mirage/unix", dir)) == 0);
    ed_reset();
    ed_init(dir, __FILE__, "/src");
    setenv("MIRAGE_DEFAULT_TARGET", "hvt", 1);
    ed_cmdline_parse(0, (char *const *)args);
    CHECK(ed_cmdline_target() == NULL);
    CHECK_EQ_STR(ed_error_text(0),
                 "mirage: target hvt is not available in this installation (available: unix)");
    CHECK(system(ed_fmt("rm -rf '%s'", dir)) == 0);
    /* the command line beats the environment, in every form */
    const char *forms[][2] = {{"--target=unix", NULL}, {"--target", "unix"}, {"-tunix", NULL}};
    for (size_t i = 0; i < 3; i++) {
        ed_reset();
        ed_init(NULL, __FILE__, "/src");
        ed_cmdline_parse(forms[i][1] ? 2 : 1, (char *const *)forms[i]);
        CHECK(ed_cmdline_target() != NULL);
        CHECK_EQ_STR(ed.target_name, "unix");
        key_target();
        CHECK(reg(KEYS(key_target())) == 0);
        CHECK_EQ_STR(ed_key_value(key_target()), "unix");
    }
    unsetenv("MIRAGE_DEFAULT_TARGET");
}

static void output_name(void)
{
    SETUP("-o", "hello2");
    CHECK(reg(KEYS(key_int("a", 1))) == 0);
    CHECK_EQ_STR(ed_artefact(), "dist/hello2");
    SETUP("--output=a/b");
    CHECK(reg(KEYS(key_int("a", 1))) < 0);
    CHECK(has_error("-o a/b: the output name is a file name in dist/"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(long_and_short_forms),
    CASE_ENTRY(bools),
    CASE_ENTRY(defaults_and_environment),
    CASE_ENTRY(groups),
    CASE_ENTRY(bad_values),
    CASE_ENTRY(bad_defaults),
    CASE_ENTRY(unknown_options),
    CASE_ENTRY(stages),
    CASE_ENTRY(baked_defaults),
    CASE_ENTRY(optional_keys),
    CASE_ENTRY(key_initialisers),
    CASE_ENTRY(addresses),
    CASE_ENTRY(log_specs),
    CASE_ENTRY(duplicate_keys),
    CASE_ENTRY(targets),
    CASE_ENTRY(output_name),
};
CHECK_MAIN(cases)
