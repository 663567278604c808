/* sources: edsl/[!m]*.c edsl/devices/[a-z]*.c */
/* test_tcp_edsl.c: the direct_tcp constructor: its type over each IP layer, connect code, libraries, clocks and randomness, sharing. */
#include "test_edsl.h"

static struct impl *v4(void)
{
    struct impl *net = default_network();
    struct impl *eth = etif(net);
    return create_ipv4(eth, arp(eth));
}

static void direct_tcp_over_ipv4(void)
{
    SETUP("-t", "unix");
    struct impl *t = direct_tcp(v4());
    register_unikernel("u", JOBS(apply(foreign("start", fn(TCP, JOB)), t)));
    CHECK(edsl_finish() == 0);
    struct dnode *d = ed_selected("tcp_direct");
    CHECK(d && d->type == TCP);
    CHECK(ed_has_lib("tcp") && ed_has_lib("flow") && ed_has_lib("inet"));
    /* Its clock and randomness are the defaults, connected before it. */
    struct dnode *ip = ed_selected("ipv4"), *mc = ed_selected("mclock"), *rnd = ed_selected("random");
    CHECK(ip && mc && rnd && ed_selected("time"));
    CHECK(mc->order < d->order && rnd->order < d->order && ip->order < d->order);
    const char *m = gen(ed_gen_main);
    /* mg_tcp_direct_connect(&tcp, ip (cast to the layer handle), mclock, random) */
    const char *call = strstr(m, ed_fmt("mg_tcp_direct_connect(&%s, ", d->var));
    CHECK(call);
    const char *end = strchr(call, '\n');
    const char *pi = strstr(call, ip->var), *pm = strstr(call, mc->var), *pr = strstr(call, rnd->var);
    CHECK(pi && pm && pr && pi < pm && pm < pr && pr < end);
    CHECK(strstr(m, "#include <mirage/tcp.h>"));
}

static void direct_tcp_over_dual_layer(void)
{
    SETUP("-t", "unix");
    struct impl *net = default_network();
    struct impl *eth = etif(net);
    struct impl *ip = create_ipv4v6(create_ipv4(eth, arp(eth)), create_ipv6(net, eth));
    register_unikernel("u", JOBS(apply(foreign("start", fn(TCPV4V6, JOB)), direct_tcp(ip))));
    CHECK(edsl_finish() == 0);
    CHECK(ed_selected("tcpv4v6_direct") && ed_selected("tcpv4v6_direct")->type == TCPV4V6);
    /* A TCPV4V6 parameter does not take TCP over IPv4 alone. */
    SETUP("-t", "unix");
    register_unikernel("u", JOBS(apply(foreign("start", fn(TCPV4V6, JOB)), direct_tcp(v4()))));
    CHECK(ed_nerrors() > 0 || edsl_finish() < 0);
}

static void direct_tcp_is_one_device_per_layer(void)
{
    SETUP("-t", "unix");
    struct impl *ip = v4();
    struct impl *a = direct_tcp(ip), *b = direct_tcp(ip, .random = default_random());
    register_unikernel("u", JOBS(apply(foreign("s1", fn(TCP, JOB)), a),
                                 apply(foreign("s2", fn(TCP, JOB)), b)));
    CHECK(edsl_finish() == 0);
    size_t n = 0;
    for (size_t i = 0; i < ed.nselected; i++)
        n += strcmp(ed.selected[i]->head->name, "tcp_direct") == 0;
    CHECK(n == 1);
    /* With a generator of its own: another device. */
    SETUP("-t", "unix");
    ip = v4();
    a = direct_tcp(ip);
    b = direct_tcp(ip, .random = rng());
    register_unikernel("u", JOBS(apply(foreign("s1", fn(TCP, JOB)), a),
                                 apply(foreign("s2", fn(TCP, JOB)), b)));
    CHECK(edsl_finish() == 0);
    n = 0;
    for (size_t i = 0; i < ed.nselected; i++)
        n += strcmp(ed.selected[i]->head->name, "tcp_direct") == 0;
    CHECK(n == 2);
}

static const struct check_case cases[] = {
    CASE_ENTRY(direct_tcp_over_ipv4),
    CASE_ENTRY(direct_tcp_over_dual_layer),
    CASE_ENTRY(direct_tcp_is_one_device_per_layer),
};
CHECK_MAIN(cases)
