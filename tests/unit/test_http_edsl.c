/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_http_edsl.c: conduit_direct, cohttp_server and httpaf_server: graph, connect code,
 * libraries, sharing, and the refusal of .tls = true. */
#include "test_edsl.h"

static struct impl *stack(void)
{
    return impl("test_stack", STACKV4V6, .connect = test_connect);
}

static void server_over_conduit(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("www_start", fn(HTTP, JOB));
    register_unikernel("www", JOBS(apply(f, cohttp_server(conduit_direct(stack())))));
    CHECK(edsl_finish() == 0);
    struct dnode *h = ed_selected("cohttp_server"), *c = ed_selected("conduit_direct");
    struct dnode *s = ed_selected("test_stack");
    CHECK(h && c && s);
    CHECK(h->nargs == 1 && h->args[0] == c && c->nargs == 1 && c->args[0] == s);
    CHECK(s->order < c->order && c->order < h->order);
    CHECK(c->ndeps == 0); /* no random without TLS */
    CHECK(ed_has_lib("http") && ed_has_lib("conduit"));
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "#include <mirage/http.h>") && strstr(m, "#include <mirage/conduit.h>"));
    CHECK(strstr(m, ed_fmt("mg_conduit_direct_connect(&%s, %s)", c->var, s->var)));
    CHECK(strstr(m, ed_fmt("mg_http_server_connect(&%s, %s)", h->var, c->var)));
    CHECK(strstr(gen(ed_gen_header), "int www_start(struct mg_http *);"));
}

/* httpaf_server is the same engine under its own name; devices alike are shared. */
static void httpaf_and_sharing(void)
{
    SETUP("-t", "hvt");
    struct impl *f = foreign("start", fn(HTTP, HTTP, CONDUIT, JOB));
    struct impl *st = stack();
    register_unikernel("n", JOBS(apply(f, httpaf_server(conduit_direct(st)),
                                       cohttp_server(conduit_direct(st)), conduit_direct(st))));
    CHECK(edsl_finish() == 0);
    struct dnode *a = ed_selected("httpaf_server"), *b = ed_selected("cohttp_server");
    CHECK(a && b && a != b && a->args[0] == b->args[0]);
    size_t conduits = 0;
    for (size_t i = 0; i < ed.nselected; i++)
        conduits += ed.selected[i]->type == CONDUIT;
    CHECK(conduits == 1);
    CHECK(strstr(gen(ed_gen_main), ed_fmt("mg_http_server_connect(&%s, ", a->var)));
}

static void random_when_given(void)
{
    SETUP("-t", "unix");
    struct impl *r = impl("my_random", RANDOM, .connect = test_connect);
    register_unikernel(
        "n", JOBS(apply(foreign("start", fn(CONDUIT, JOB)), conduit_direct(stack(), .random = r))));
    CHECK(edsl_finish() == 0);
    struct dnode *c = ed_selected("conduit_direct");
    CHECK(c && c->ndeps == 1 && strcmp(c->deps[0]->head->name, "my_random") == 0);
}

static void tls_refused(void)
{
    const char *targets[] = {"unix", "hvt"};
    for (int t = 0; t < 2; t++) {
        SETUP("-t", targets[t]);
        struct impl *f = foreign("start", fn(HTTP, JOB));
        int line = __LINE__ + 1;
        struct impl *c = conduit_direct(stack(), .tls = true);
        register_unikernel("n", JOBS(apply(f, cohttp_server(c))));
        CHECK(edsl_finish() != 0);
        CHECK(has_error("conduit_direct_tls cannot be used on target"));
        CHECK(has_error("TLS is not available yet"));
        const char *want = ed_fmt("%s:%d: ", __FILE__, line);
        CHECK(ed_nerrors() >= 1 && strncmp(ed_error_text(0), want, strlen(want)) == 0);
    }
    /* Only when selected: a branch not taken is not an error. */
    SETUP("-t", "unix");
    struct impl *c =
        if_impl(value_bool(false), conduit_direct(stack(), .tls = true), conduit_direct(stack()));
    register_unikernel("n", JOBS(apply(foreign("start", fn(CONDUIT, JOB)), c)));
    CHECK(edsl_finish() == 0 && ed_selected("conduit_direct") && !ed_selected("conduit_direct_tls"));
}

static void types(void)
{
    SETUP("-t", "unix");
    struct impl *f = foreign("start", fn(HTTP, JOB));
    register_unikernel("n", JOBS(apply(f, cohttp_server(stack()))));
    CHECK(edsl_finish() != 0 && has_error("CONDUIT"));
    SETUP("-t", "unix");
    struct impl *kv = impl("test_kv", KV_RO, .connect = test_connect);
    register_unikernel("n", JOBS(apply(foreign("start", fn(CONDUIT, JOB)), conduit_direct(kv))));
    CHECK(edsl_finish() != 0 && has_error("STACKV4V6"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(server_over_conduit),
    CASE_ENTRY(httpaf_and_sharing),
    CASE_ENTRY(random_when_given),
    CASE_ENTRY(tls_refused),
    CASE_ENTRY(types),
};

CHECK_MAIN(cases)
