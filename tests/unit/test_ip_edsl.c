/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_ip_edsl.c: the IP, UDP and stack constructors: keys, connect code, types, the choice of
 * stack, DHCP, and the refusals of IPv6. */
#include "test_edsl.h"

static struct key *rkey(const char *name)
{
    for (size_t i = 0; i < ed.nrkeys; i++)
        if (strcmp(ed.rkeys[i]->name, name) == 0)
            return ed.rkeys[i];
    return NULL;
}

/* What `mirage configure` runs once the graph is resolved: the devices' configure hooks. */
static int run_configure_hooks(void)
{
    for (size_t i = 0; i < ed.nselected; i++) {
        struct impl *h = ed.selected[i]->head;
        if (h->configure)
            h->configure(&ed.info, h);
    }
    return ed_nerrors() ? -1 : 0;
}

static struct impl *v4(const char *group)
{
    struct impl *net = default_network();
    struct impl *eth = etif(net);
    return create_ipv4(eth, arp(eth), .group = group);
}

static void create_ipv4_keys_and_connect(void)
{
    SETUP("-t", "unix");
    register_unikernel("u", JOBS(apply(foreign("start", fn(IPV4, JOB)), v4(NULL))));
    CHECK(edsl_finish() == 0 && run_configure_hooks() == 0);
    struct dnode *d = ed_selected("ipv4");
    CHECK(d && d->type == IPV4);
    struct key *k = rkey("ipv4"), *g = rkey("ipv4-gateway");
    CHECK(k && g && k->kind == MG_KEY_IPV4_PREFIX && g->kind == MG_KEY_IPV4);
    CHECK_EQ_STR(k->dflt, "10.0.0.2/24"); /* MirageOS's default */
    CHECK(g->dflt == NULL);               /* no gateway unless given */
    CHECK(ed_has_lib("ipv4") && ed_has_lib("inet") && ed_has_lib("arp") && ed_has_lib("ethernet"));
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "#include <mirage/ipv4.h>"));
    CHECK(strstr(m, ed_fmt("mg_ipv4_connect(&%s, ", d->var)));
    CHECK(strstr(m, ", &mg_key_ipv4, (mg_key_ipv4_gateway_present ? &mg_key_ipv4_gateway : NULL), "
                    "&(struct mg_ipv4_opts){.no_init = false})"));
    /* A gateway given at configure time becomes the default: no presence test. */
    SETUP("-t", "unix", "--ipv4-gateway=10.0.0.1");
    register_unikernel("u", JOBS(apply(foreign("start", fn(IPV4, JOB)), v4(NULL))));
    CHECK(edsl_finish() == 0);
    m = gen(ed_gen_main);
    CHECK(strstr(m, ", &mg_key_ipv4, &mg_key_ipv4_gateway, "));
}

static void create_ipv4_group_config_no_init(void)
{
    SETUP("-t", "unix");
    struct impl *net = netif("eth1");
    struct impl *eth = etif(net);
    struct key *ni = key_bool("no-init", false, .stage = RUNTIME);
    struct impl *ip = create_ipv4(eth, arp(eth), .group = "eth1", .no_init = ni,
                                  .config = {"192.168.1.5/16", "192.168.0.1"});
    register_unikernel("u", JOBS(apply(foreign("start", fn(IPV4, JOB)), ip)));
    CHECK(edsl_finish() == 0);
    struct key *k = rkey("eth1-ipv4"), *g = rkey("eth1-ipv4-gateway");
    CHECK(k && g);
    CHECK_EQ_STR(k->dflt, "192.168.1.5/16");
    CHECK_EQ_STR(g->dflt, "192.168.0.1");
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, "&mg_key_eth1_ipv4, &mg_key_eth1_ipv4_gateway, "
                    "&(struct mg_ipv4_opts){.no_init = mg_key_no_init})"));
    /* Bad configuration records are configure errors at their line. */
    SETUP("-t", "unix");
    struct impl *eth2 = etif(default_network());
    int line = __LINE__ + 1;
    create_ipv4(eth2, arp(eth2), .config = {"10.0.0.2", "nope"});
    CHECK(has_error("create_ipv4: .config.network \"10.0.0.2\" is not an IPv4 prefix"));
    CHECK(has_error("create_ipv4: .config.gateway \"nope\" is not an IPv4 address"));
    CHECK(has_error(ed_fmt(":%d: create_ipv4", line)));
}

static void ipv6_refused_alone_accepted_in_dual(void)
{
    SETUP("-t", "unix");
    struct impl *net = default_network();
    struct impl *eth = etif(net);
    int line = __LINE__ + 1;
    struct impl *v6 = create_ipv6(net, eth);
    register_unikernel("u", JOBS(apply(foreign("start", fn(IPV6, JOB)), v6)));
    CHECK(edsl_finish() == 0);
    CHECK(run_configure_hooks() < 0);
    CHECK(has_error("the IPv6 protocol is not implemented yet"));
    CHECK(has_error(ed_fmt(":%d: ipv6: the IPv6 protocol is not implemented yet; an IPv6 "
                           "layer can only be the (disabled) IPv6 part of a dual stack",
                           line)));
    /* As the IPv6 part of a dual layer it is fine (and disabled). */
    SETUP("-t", "unix");
    net = default_network();
    eth = etif(net);
    struct impl *ip = create_ipv4v6(create_ipv4(eth, arp(eth)), create_ipv6(net, eth));
    register_unikernel("u", JOBS(apply(foreign("start", fn(IPV4V6, JOB)), ip)));
    CHECK(edsl_finish() == 0 && run_configure_hooks() == 0);
    struct dnode *d = ed_selected("ipv4v6_ipv4-only_ipv6-only");
    CHECK(d && d->type == IPV4V6);
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, ed_fmt("mg_ipv4v6_connect(&%s, ", d->var)));
    CHECK(strstr(m, ", mg_key_ipv4_only, mg_key_ipv6_only)"));
    CHECK(strstr(m, "mg_ipv6_connect(&"));
    CHECK(rkey("ipv6") && rkey("ipv6-gateway") && rkey("ipv6")->dflt == NULL);
    /* ... unless it is asked for. */
    SETUP("-t", "unix", "--ipv6-only=true");
    net = default_network();
    eth = etif(net);
    ip = create_ipv4v6(create_ipv4(eth, arp(eth)), create_ipv6(net, eth));
    register_unikernel("u", JOBS(apply(foreign("start", fn(IPV4V6, JOB)), ip)));
    CHECK(edsl_finish() == 0 && run_configure_hooks() < 0);
    CHECK(has_error("--ipv6-only: the IPv6 protocol is not implemented yet"));
    SETUP("-t", "unix", "--ipv6=fd00::2/64");
    net = default_network();
    eth = etif(net);
    ip = create_ipv4v6(create_ipv4(eth, arp(eth)), create_ipv6(net, eth));
    register_unikernel("u", JOBS(apply(foreign("start", fn(IPV4V6, JOB)), ip)));
    CHECK(edsl_finish() == 0 && run_configure_hooks() < 0);
    CHECK(has_error("ipv6: --ipv6: the IPv6 protocol is not implemented yet"));
    SETUP("-t", "unix");
    create_ipv6(default_network(), etif(default_network()), .config = {"fd00::2/64", NULL});
    CHECK(has_error("create_ipv6: .config: the IPv6 protocol is not implemented yet"));
}

static void direct_udp_types(void)
{
    SETUP("-t", "unix");
    struct impl *u4 = direct_udp(v4(NULL));
    register_unikernel("u", JOBS(apply(foreign("start", fn(UDP, JOB)), u4)));
    CHECK(edsl_finish() == 0);
    struct dnode *d = ed_selected("udp_direct");
    CHECK(d && d->type == UDP && ed_has_lib("udp"));
    CHECK(strstr(gen(ed_gen_main), ed_fmt("mg_udp_direct_connect(&%s, ", d->var)));
    /* Over a dual layer: UDPV4V6, which a UDPV4V6 parameter takes. */
    SETUP("-t", "unix");
    struct impl *net = default_network();
    struct impl *eth = etif(net);
    struct impl *ip = create_ipv4v6(create_ipv4(eth, arp(eth)), create_ipv6(net, eth));
    register_unikernel("u", JOBS(apply(foreign("start", fn(UDPV4V6, JOB)), direct_udp(ip))));
    CHECK(edsl_finish() == 0);
    CHECK(ed_selected("udpv4v6_direct") && ed_selected("udpv4v6_direct")->type == UDPV4V6);
    /* A UDPV4V6 parameter does not take the v4 one. */
    SETUP("-t", "unix");
    register_unikernel("u", JOBS(apply(foreign("start", fn(UDPV4V6, JOB)), direct_udp(v4(NULL)))));
    CHECK(ed_nerrors() > 0 || edsl_finish() < 0);
}

static void run_generic(const char *const *args, int n)
{
    (void)n;
    edsl_setup(__FILE__, args);
    register_unikernel("u", JOBS(apply(foreign("start", fn(STACKV4V6, JOB)),
                                       generic_stackv4v6(default_network()))));
}

static void generic_stack_choices(void)
{
    /* unix: the host's sockets by default. */
    run_generic((const char *const[]){"-t", "unix", NULL}, 2);
    CHECK(edsl_finish() == 0);
    CHECK(ed_selected("socket_stackv4v6") && !ed_selected("stackv4v6_direct"));
    /* --net=direct on unix, or any other target: ours, static. */
    run_generic((const char *const[]){"-t", "unix", "--net=direct", NULL}, 3);
    CHECK(edsl_finish() == 0 && run_configure_hooks() == 0);
    struct dnode *s = ed_selected("stackv4v6_direct");
    CHECK(s && !ed_selected("socket_stackv4v6") && ed_selected("ipv4_stack") && !ed_selected("ipv4_dhcp"));
    /* The stack tells ARP of the address once it receives (mg_ipv4_init). */
    CHECK(strstr(gen(ed_gen_main), ".no_init = false, .defer_init = true})"));
    CHECK(ed_has_lib("stack") && !ed_has_lib("dhcp") && ed_has_lib("tcp") && ed_has_lib("udp"));
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, ed_fmt("mg_stack_direct_connect(&%s, ", s->var)));
    CHECK(rkey("ipv4") && rkey("ipv4-gateway") && rkey("ipv4-only") && !rkey("dhcp-timeout"));
    run_generic((const char *const[]){"-t", "hvt", NULL}, 2);
    CHECK(edsl_finish() == 0 && ed_selected("stackv4v6_direct"));
    /* The socket stack cannot go to hvt. */
    run_generic((const char *const[]){"-t", "hvt", "--net=socket", NULL}, 3);
    CHECK(edsl_finish() < 0 && has_error("only the unix target has"));
    /* --dhcp=true: the DHCP stack, no --ipv4 key, a --dhcp-timeout key. */
    run_generic((const char *const[]){"-t", "hvt", "--dhcp=true", NULL}, 3);
    CHECK(edsl_finish() == 0 && run_configure_hooks() == 0);
    s = ed_selected("stackv4v6_dhcp");
    CHECK(s && ed_selected("ipv4_dhcp") && !ed_selected("ipv4_stack") && ed_has_lib("dhcp"));
    CHECK(!rkey("ipv4") && rkey("dhcp-timeout") && rkey("dhcp-timeout")->kind == MG_KEY_INT);
    m = gen(ed_gen_main);
    CHECK(strstr(m, ed_fmt("mg_stack_dhcp_connect(&%s, ", s->var)));
    CHECK(strstr(m, "(uint64_t)mg_key_dhcp_timeout * 1000000000ull)"));
    CHECK(strstr(m, "mg_ipv4_connect(&") && strstr(m, ", NULL, NULL, NULL)"));
}

static void static_stack_config_and_group(void)
{
    SETUP("-t", "unix");
    struct impl *s = static_ipv4v6_stack(netif("eth1"), .group = "eth1",
                                         .ipv4_config = {"172.16.0.9/12", "172.16.0.1"});
    register_unikernel("u", JOBS(apply(foreign("start", fn(STACKV4V6, JOB)), s)));
    CHECK(edsl_finish() == 0 && run_configure_hooks() == 0);
    CHECK(ed_selected("stackv4v6_direct_eth1") && ed_selected("ipv4_eth1_stack"));
    CHECK_EQ_STR(rkey("eth1-ipv4")->dflt, "172.16.0.9/12");
    CHECK_EQ_STR(rkey("eth1-ipv4-gateway")->dflt, "172.16.0.1");
    CHECK(rkey("eth1-ipv4-only") && rkey("eth1-ipv6"));
    /* Two stacks on two interfaces through groups. */
    SETUP("-t", "unix");
    struct impl *a = static_ipv4v6_stack(netif("service", .group = "service"), .group = "service");
    struct impl *b = static_ipv4v6_stack(netif("private", .group = "private"), .group = "private");
    register_unikernel("u", JOBS(apply(foreign("start", fn(STACKV4V6, STACKV4V6, JOB)), a, b)));
    CHECK(edsl_finish() == 0);
    CHECK(ed_selected("stackv4v6_direct_service") && ed_selected("stackv4v6_direct_private"));
    CHECK(rkey("service-ipv4") && rkey("private-ipv4"));
}

static void user_built_stack_defers_arp(void)
{
    /* direct_stackv4v6 over a create_ipv4 of the user's: the stack gives
     * ARP the address once it receives (its probes then hear conflicts). */
    SETUP("-t", "unix");
    struct impl *net = default_network();
    struct impl *eth = etif(net);
    struct impl *a = arp(eth);
    struct impl *s = direct_stackv4v6(net, eth, a, create_ipv4(eth, a), create_ipv6(net, eth));
    register_unikernel("u", JOBS(apply(foreign("start", fn(STACKV4V6, JOB)), s)));
    CHECK(edsl_finish() == 0 && run_configure_hooks() == 0);
    struct dnode *d = ed_selected("ipv4");
    CHECK(d && ed_selected("stackv4v6_direct"));
    const char *m = gen(ed_gen_main);
    CHECK(strstr(m, ed_fmt("mg_ipv4_connect(&%s, ", d->var)));
    CHECK(strstr(m, ".no_init = false, .defer_init = true})"));
    /* --arp-probe: off by default, as MirageOS (gratuitous ARP only). */
    CHECK(rkey("arp-probe") && rkey("arp-probe")->kind == MG_KEY_BOOL);
    CHECK_EQ_STR(rkey("arp-probe")->dflt, "false");
    /* The same layer without a stack above it is told at its own connect. */
    SETUP("-t", "unix");
    register_unikernel("u", JOBS(apply(foreign("start", fn(IPV4, JOB)), v4(NULL))));
    CHECK(edsl_finish() == 0);
    CHECK(!strstr(gen(ed_gen_main), "defer_init"));
    /* Also the IPv4 layer of a user's dual layer under the stack. */
    SETUP("-t", "unix");
    net = netif("eth1");
    eth = etif(net);
    a = arp(eth);
    struct impl *v4 = create_ipv4(eth, a, .group = "eth1");
    s = direct_stackv4v6(net, eth, a, v4, create_ipv6(net, eth, .group = "eth1"), .group = "eth1");
    register_unikernel("u", JOBS(apply(foreign("start", fn(STACKV4V6, IPV4, JOB)), s, v4)));
    CHECK(edsl_finish() == 0);
    d = ed_selected("ipv4_eth1");
    CHECK(d && strstr(gen(ed_gen_main), ".defer_init = true"));
}

static void tcp_of_stack(void)
{
    SETUP("-t", "unix");
    struct impl *t = tcpv4v6_of_stackv4v6(generic_stackv4v6(default_network()));
    register_unikernel("u", JOBS(apply(foreign("start", fn(TCPV4V6, JOB)), t)));
    CHECK(edsl_finish() == 0);
    struct dnode *d = ed_selected("tcpv4v6_of_stackv4v6"), *s = ed_selected("socket_stackv4v6");
    CHECK(d && s && d->type == TCPV4V6);
    CHECK(strstr(gen(ed_gen_main), ed_fmt("(%s = mg_stack_tcp(%s), 0)", d->var, s->var)));
    CHECK(strstr(gen(ed_gen_header), "int start(struct mg_tcp *);"));
}

static const struct check_case cases[] = {
    CASE_ENTRY(create_ipv4_keys_and_connect),
    CASE_ENTRY(create_ipv4_group_config_no_init),
    CASE_ENTRY(ipv6_refused_alone_accepted_in_dual),
    CASE_ENTRY(direct_udp_types),
    CASE_ENTRY(generic_stack_choices),
    CASE_ENTRY(static_stack_config_and_group),
    CASE_ENTRY(user_built_stack_defers_arp),
    CASE_ENTRY(tcp_of_stack),
};
CHECK_MAIN(cases)
