/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_http_client_edsl.c: resolver and HTTP client constructors: graph, connect code, refusals. */
#include "test_edsl.h"

/* A conduit of the test's own: these tests are about the client. */
static struct impl *conduit(void)
{
    return impl("test_conduit", CONDUIT, .connect = test_connect);
}

/* The error at index i starts with "FILE:line: ". */
static bool error_at(int i, int line)
{
    const char *want = ed_fmt("%s:%d: ", __FILE__, line);
    return i < ed_nerrors() && strncmp(ed_error_text(i), want, strlen(want)) == 0;
}

static void client_on_unix(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("fetch_start", fn(HTTP_CLIENT, JOB));
    register_unikernel("fetch", JOBS(apply(f, cohttp_client(resolver_unix_system(), conduit()))));
    CHECK(edsl_finish() == 0);
    struct dnode *c = ed_selected("cohttp_client"), *r = ed_selected("resolver_unix_system");
    struct dnode *k = ed_selected("test_conduit");
    CHECK(c && r && k);
    CHECK(c->nargs == 2 && c->args[0] == r && c->args[1] == k);
    /* The seed's ?pclock: the default posix clock, connected before the client. */
    CHECK(c->ndeps == 1 && c->deps[0]->type == PCLOCK);
    CHECK(c->deps[0]->order < c->order && r->order < c->order && k->order < c->order);
    CHECK(ed_has_lib("http") && ed_has_lib("resolver"));
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "#include <mirage/http_client.h>"));
    CHECK(strstr(m, "#include <mirage/resolver.h>"));
    CHECK(strstr(m, ed_fmt("mg_resolver_unix_system_connect(&%s)", r->var)));
    CHECK(strstr(m, ed_fmt("mg_http_client_connect(&%s, %s, %s)", c->var, r->var, k->var)));
    CHECK(strstr(gen(ed_gen_header), "int fetch_start(struct mg_http_client *);"));
}

/* A pclock given replaces the default; two clients alike are one. */
static void client_options_and_sharing(void)
{
    SETUP("-t", "unix");
    struct impl *clock = impl("my_pclock", PCLOCK, .connect = test_connect);
    struct impl *f = foreign("start", fn(HTTP_CLIENT, HTTP_CLIENT, JOB));
    register_unikernel(
        "n", JOBS(apply(f, cohttp_client(resolver_unix_system(), conduit(), .pclock = clock),
                        cohttp_client(resolver_unix_system(), conduit(), .pclock = clock))));
    CHECK(edsl_finish() == 0);
    size_t clients = 0;
    for (size_t i = 0; i < ed.nselected; i++)
        clients += ed.selected[i]->type == HTTP_CLIENT;
    CHECK(clients == 1);
    struct dnode *c = ed_selected("cohttp_client");
    CHECK(c && c->ndeps == 1 && strcmp(c->deps[0]->head->name, "my_pclock") == 0);
}

static void types(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("start", fn(HTTP_CLIENT, JOB));
    register_unikernel("n", JOBS(apply(f, cohttp_client(conduit(), resolver_unix_system()))));
    CHECK(edsl_finish() < 0 || ed_nerrors() > 0);
    CHECK(has_error("RESOLVER") && has_error("CONDUIT"));
}

static void unix_system_only_on_unix(void)
{
    const char *targets[] = {"hvt", "spt"};
    for (int t = 0; t < 2; t++) {
        SETUP("-t", targets[t]);
        struct impl *f = foreign("start", fn(RESOLVER, JOB));
        int line = __LINE__ + 1;
        register_unikernel("n", JOBS(apply(f, resolver_unix_system())));
        CHECK(edsl_finish() != 0);
        CHECK(has_error(ed_fmt("resolver_unix_system cannot be used on target %s: "
                               "resolver_unix_system asks the host's resolver (getaddrinfo), "
                               "which only the unix target has",
                               targets[t])));
        CHECK(error_at(0, line));
    }
}

static void dns_is_a_later_issue(void)
{
    const char *targets[] = {"unix", "hvt"};
    for (int t = 0; t < 2; t++) {
        SETUP("-t", targets[t]);
        struct impl *stack = impl("test_stack", STACKV4V6, .connect = test_connect);
        struct impl *f = foreign("start", fn(HTTP_CLIENT, JOB));
        int line = __LINE__ + 1;
        struct impl *dns = resolver_dns(stack, .ns = "9.9.9.9");
        register_unikernel("n", JOBS(apply(f, cohttp_client(dns, conduit()))));
        CHECK(edsl_finish() != 0);
        CHECK(has_error(ed_fmt("resolver_dns_9.9.9.9_53 cannot be used on target %s: the DNS "
                               "client is a later issue",
                               targets[t])));
        CHECK(error_at(0, line));
    }
    /* Its arguments are still checked. */
    SETUP("-t", "unix");
    struct impl *stack = impl("test_stack", STACKV4V6, .connect = test_connect);
    int line = __LINE__ + 1;
    resolver_dns(stack, .ns = "9.9.9", .ns_port = 70000);
    CHECK(has_error("resolver_dns: .ns = \"9.9.9\" is not an IP address"));
    CHECK(has_error("resolver_dns: .ns_port = 70000 is not a port"));
    CHECK(error_at(0, line));
}

/* MirageOS's pattern: the host's resolver on unix, DNS elsewhere. Only the
 * branch taken is checked. */
static void chosen_by_target(void)
{
    SETUP("-t", "unix");
    struct impl *stack = impl("test_stack", STACKV4V6, .connect = test_connect);
    struct impl *res = if_impl(value_eq(value_of(key_target()), "unix"), resolver_unix_system(),
                               resolver_dns(stack));
    register_unikernel(
        "n", JOBS(apply(foreign("start", fn(HTTP_CLIENT, JOB)), cohttp_client(res, conduit()))));
    CHECK(edsl_finish() == 0);
    CHECK(ed_selected("resolver_unix_system") && !ed_selected("resolver_dns"));

    SETUP("-t", "spt");
    stack = impl("test_stack", STACKV4V6, .connect = test_connect);
    res = if_impl(value_eq(value_of(key_target()), "unix"), resolver_unix_system(),
                  resolver_dns(stack));
    register_unikernel(
        "n", JOBS(apply(foreign("start", fn(HTTP_CLIENT, JOB)), cohttp_client(res, conduit()))));
    CHECK(edsl_finish() != 0);
    CHECK(ed_nerrors() == 1 && has_error("resolver_dns cannot be used on target spt: the DNS "
                                         "client is a later issue"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(client_on_unix),
    CASE_ENTRY(client_options_and_sharing),
    CASE_ENTRY(types),
    CASE_ENTRY(unix_system_only_on_unix),
    CASE_ENTRY(dns_is_a_later_issue),
    CASE_ENTRY(chosen_by_target),
};

CHECK_MAIN(cases)
