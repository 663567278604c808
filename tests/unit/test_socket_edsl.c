/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_socket_edsl.c: the socket stack constructors: graph, connect code, keys, refusals. */
#include "test_edsl.h"

static struct key *rkey(const char *name)
{
    for (size_t i = 0; i < ed.nrkeys; i++)
        if (strcmp(ed.rkeys[i]->name, name) == 0)
            return ed.rkeys[i];
    return NULL;
}

static void stack_of_tcp_and_udp(void)
{
    SETUP("-t", "unix");
    register_unikernel("n", JOBS(apply(foreign("start", fn(STACKV4V6, JOB)), socket_stackv4v6())));
    CHECK(edsl_finish() == 0);
    struct dnode *s = ed_selected("socket_stackv4v6");
    struct dnode *t = ed_selected("socket_tcpv4v6_any_any");
    struct dnode *u = ed_selected("socket_udpv4v6_any_any");
    CHECK(s && t && u);
    CHECK(ed_has_lib("socket"));
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "#include <mirage/socket.h>"));
    CHECK(strstr(m, ed_fmt("mg_socket_stackv4v6_connect(&%s, %s, %s)", s->var, u->var, t->var)));
    CHECK(strstr(m, ed_fmt("mg_socket_tcpv4v6_connect(&%s, &(const struct mg_socket_config){"
                           "mg_key_ipv4.addr, mg_key_ipv6.addr, mg_key_ipv4_only, "
                           "mg_key_ipv6_only})",
                           t->var)));
    CHECK(strstr(m, ed_fmt("mg_socket_udpv4v6_connect(&%s, ", u->var)));
    /* The keys, with "every address" as the default. */
    struct key *k4 = rkey("ipv4"), *k6 = rkey("ipv6");
    CHECK(k4 && k6 && rkey("ipv4-only") && rkey("ipv6-only"));
    CHECK(k4->kind == MG_KEY_IPV4_PREFIX && k6->kind == MG_KEY_IPV6_PREFIX);
    CHECK_EQ_STR(k4->dflt, "0.0.0.0/0");
    CHECK_EQ_STR(k6->dflt, "::/0");
    CHECK(strstr(m, "{.name = \"ipv4\""));
    const char *h = gen(ed_gen_header);
    CHECK(strstr(h, "int start(struct mg_stackv4v6 *);"));
}

/* A group prefixes the keys and names another device. */
static void groups(void)
{
    SETUP("-t", "unix", "--service-ipv4=10.1.2.3/24");
    register_unikernel("n", JOBS(apply(foreign("start", fn(STACKV4V6, STACKV4V6, JOB)),
                                       socket_stackv4v6(), socket_stackv4v6(.group = "service"))));
    CHECK(edsl_finish() == 0);
    CHECK(ed_selected("socket_stackv4v6") && ed_selected("socket_stackv4v6_service"));
    CHECK(ed_selected("socket_tcpv4v6_service_any_any") && ed_selected("socket_udpv4v6_service_any_any"));
    CHECK(rkey("ipv4") && rkey("service-ipv4") && rkey("service-ipv6-only"));
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "mg_key_service_ipv4.addr, mg_key_service_ipv6.addr, "
                    "mg_key_service_ipv4_only, mg_key_service_ipv6_only"));
    /* The value given at configure time is the unikernel's default. */
    CHECK(strstr(m, "\"10.1.2.3/24\""));
}

/* Two socket_stackv4v6() are one device; socket_tcpv4v6(NULL, NULL) is the stack's. */
static void sharing(void)
{
    SETUP("-t", "unix");
    register_unikernel(
        "n", JOBS(apply(foreign("start", fn(STACKV4V6, STACKV4V6, TCPV4V6, JOB)),
                        socket_stackv4v6(), socket_stackv4v6(), socket_tcpv4v6(NULL, NULL))));
    CHECK(edsl_finish() == 0);
    size_t stacks = 0, tcps = 0;
    for (size_t i = 0; i < ed.nselected; i++) {
        stacks += ed.selected[i]->type == STACKV4V6;
        tcps += ed.selected[i]->type == TCPV4V6;
    }
    CHECK(stacks == 1 && tcps == 1);
}

/* Addresses given to the constructors become the keys' defaults. */
static void addresses(void)
{
    SETUP("-t", "unix");
    register_unikernel(
        "n", JOBS(apply(foreign("start", fn(TCP, UDP, JOB)), socket_tcpv4v6("127.0.0.2", "::1"),
                        socket_udpv4v6("127.0.0.2", "::1"))));
    CHECK(edsl_finish() == 0);
    CHECK(ed_selected("socket_tcpv4v6_127.0.0.2_::1") && ed_selected("socket_udpv4v6_127.0.0.2_::1"));
    CHECK_EQ_STR(rkey("ipv4")->dflt, "127.0.0.2/32");
    CHECK_EQ_STR(rkey("ipv6")->dflt, "::1/128");
}

static void bad_address(void)
{
    SETUP("-t", "unix");
    int line = __LINE__ + 1;
    struct impl *t = socket_tcpv4v6("10.0.0", NULL);
    register_unikernel("n", JOBS(apply(foreign("start", fn(TCPV4V6, JOB)), t)));
    edsl_finish();
    CHECK(ed_nerrors() >= 1);
    CHECK_ERROR(0, line, "socket_tcpv4v6: \"10.0.0\" is not an IPv4 address");
    SETUP("-t", "unix");
    line = __LINE__ + 1;
    struct impl *u = socket_udpv4v6(NULL, "1.2.3.4");
    register_unikernel("n", JOBS(apply(foreign("start", fn(UDPV4V6, JOB)), u)));
    edsl_finish();
    CHECK_ERROR(0, line, "socket_udpv4v6: \"1.2.3.4\" is not an IPv6 address");
}

/* A socket stack is not a TCP device: the type checker says so. */
static void types(void)
{
    SETUP("-t", "unix");
    register_unikernel("n", JOBS(apply(foreign("start", fn(TCPV4V6, JOB)), socket_stackv4v6())));
    CHECK(edsl_finish() < 0 || ed_nerrors() > 0);
    CHECK(has_error("TCPV4V6") && has_error("STACKV4V6"));
}

static void unix_only(void)
{
    SETUP("-t", "hvt");
    register_unikernel("n", JOBS(apply(foreign("start", fn(STACKV4V6, JOB)), socket_stackv4v6())));
    CHECK(edsl_finish() < 0);
    CHECK(has_error("cannot be used on target hvt: the socket stack uses the host's sockets"));
    SETUP("-t", "spt");
    register_unikernel("n",
                       JOBS(apply(foreign("start", fn(UDP, JOB)), socket_udpv4v6(NULL, NULL))));
    CHECK(edsl_finish() < 0);
    CHECK(has_error("socket_udpv4v6_any_any cannot be used on target spt"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(stack_of_tcp_and_udp),
    CASE_ENTRY(groups),
    CASE_ENTRY(sharing),
    CASE_ENTRY(addresses),
    CASE_ENTRY(bad_address),
    CASE_ENTRY(types),
    CASE_ENTRY(unix_only),
};

CHECK_MAIN(cases)
