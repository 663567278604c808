/* stack.c: the eDSL's UDP and stack constructors: direct_udp, direct_stackv4v6,
 * static_ipv4v6_stack, generic_stackv4v6 and tcpv4v6_of_stackv4v6. */
#include <stdlib.h>
#include <string.h>

#include <mirage.h>

#include "../engine.h"
#include "ip_edsl.h"

/* ---- direct_udp -------------------------------------------------------- */

static char *udp_connect(struct info *info, struct impl *self, const char *var,
                         const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_udp_direct_connect(&%s, %s)", var, args[0]);
}

/* A polymorphic result, as the seed's 'a udp: the dual version over a dual
 * layer, else UDP (which any version matches). */
static struct typ *versioned(struct impl *ip, struct typ *dual, struct typ *any)
{
    return ip && ip->type && ed_typ_eq(ip->type, IPV4V6) ? dual : any;
}

struct impl *mg_edsl_direct_udp(const char *file, int line, struct impl *ip,
                                struct direct_udp_opts o)
{
    struct impl *random = o.random ? o.random : default_random();
    struct typ *t = versioned(ip, UDPV4V6, UDP);
    struct impl *f =
        mg_edsl_impl(file, line, ed_typ_eq(t, UDP) ? "udp_direct" : "udpv4v6_direct", fn(IP, t),
                     (struct impl_opts){
                         .extra_deps = DEPS(random),
                         .connect = udp_connect,
                         .libs = LIBS("udp", "inet"),
                         .headers = HEADERS("mirage/udp.h"),
                     });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){ip, NULL});
}

/* ---- direct_stackv4v6 ------------------------------------------------- */

struct stack_data {
    struct key *dhcp_timeout; /* the DHCP stack's; NULL for a static one */
};

static char *stack_connect(struct info *info, struct impl *self, const char *var,
                           const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_stack_direct_connect(&%s, %s, %s, %s, %s, %s, %s)", var, args[0], args[1],
                args[2], args[3], args[4], args[5]);
}

bool mg_edsl_is_direct_stack(const struct impl *head)
{
    return head && head->connect == stack_connect;
}

static char *dhcp_stack_connect(struct info *info, struct impl *self, const char *var,
                                const char *const *args)
{
    const struct stack_data *d = impl_data(self);
    return strf("mg_stack_dhcp_connect(&%s, %s, %s, %s, %s, %s, %s, %s, "
                "(uint64_t)%s * 1000000000ull)",
                var, args[0], args[1], args[2], args[3], args[4], args[5], args[6],
                info_key_var(info, d->dhcp_timeout));
}

struct impl *mg_edsl_direct_stackv4v6(const char *file, int line, struct impl *net,
                                      struct impl *eth, struct impl *arp, struct impl *ipv4,
                                      struct impl *ipv6, struct direct_stackv4v6_opts o)
{
    struct impl *ip = mg_edsl_create_ipv4v6(
        file, line, ipv4, ipv6,
        (struct create_ipv4v6_opts){
            ._ = 0, .group = o.group, .ipv4_only = o.ipv4_only, .ipv6_only = o.ipv6_only});
    struct impl *udp =
        mg_edsl_direct_udp(file, line, ip, (struct direct_udp_opts){._ = 0, .random = o.random});
    struct impl *tcp = mg_edsl_direct_tcp(
        file, line, ip,
        (struct direct_tcp_opts){._ = 0, .mclock = o.mclock, .time = o.time, .random = o.random});
    const char *group = o.group && *o.group ? o.group : NULL;
    struct impl *f = mg_edsl_impl(
        file, line, ed_fmt("stackv4v6_direct%s%s", group ? "_" : "", group ? group : ""),
        fn(NETWORK, ETHERNET, ARPV4, IP, UDP, TCP, STACKV4V6),
        (struct impl_opts){
            .connect = stack_connect,
            .libs = LIBS("stack", "ipv4", "inet"), /* mg_ipv4_init */
            .headers = HEADERS("mirage/stack.h"),
        });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){net, eth, arp, ip, udp, tcp, NULL});
}

/* The direct stack whose IPv4 address comes from DHCP (the seed's dhcp_ipv4
 * under generic_stackv4v6 --dhcp=true). */
static struct impl *dhcp_stack(const char *file, int line, const char *group, struct impl *net)
{
    struct impl *eth = mg_edsl_etif(file, line, net);
    struct impl *arp = mg_edsl_arp(file, line, eth, (struct arp_opts){._ = 0});
    struct impl *ipv4 = mg_edsl_dhcp_ipv4(file, line, group, eth, arp);
    struct impl *ipv6 = mg_edsl_create_ipv6(file, line, net, eth,
                                            (struct create_ipv6_opts){._ = 0, .group = group});
    struct impl *ip = mg_edsl_create_ipv4v6(file, line, ipv4, ipv6,
                                            (struct create_ipv4v6_opts){._ = 0, .group = group});
    struct impl *udp = mg_edsl_direct_udp(file, line, ip, (struct direct_udp_opts){._ = 0});
    struct impl *tcp = mg_edsl_direct_tcp(file, line, ip, (struct direct_tcp_opts){._ = 0});
    struct stack_data *d = ed_alloc(sizeof *d);
    d->dhcp_timeout = mg_edsl_key_int(
        file, line, "dhcp-timeout", 30,
        MG_KEY_OPTS(.group = group, .stage = RUNTIME, .docv = "SECONDS",
                    .doc = "How long the stack waits for a DHCP lease when it starts before the "
                           "unikernel gives up."));
    struct impl *f =
        mg_edsl_impl(file, line, ed_fmt("stackv4v6_dhcp%s%s", group ? "_" : "", group ? group : ""),
                     fn(NETWORK, ETHERNET, ARPV4, IPV4, IP, UDP, TCP, STACKV4V6),
                     (struct impl_opts){
                         .keys = KEYS(d->dhcp_timeout),
                         .connect = dhcp_stack_connect,
                         .libs = LIBS("stack", "dhcp", "ipv4", "inet"),
                         .headers = HEADERS("mirage/stack.h"),
                         .data = d,
                     });
    return mg_edsl_apply(file, line, f,
                         (struct impl *const[]){net, eth, arp, ipv4, ip, udp, tcp, NULL});
}

/* ---- static_ipv4v6_stack ---------------------------------------------- */

struct impl *mg_edsl_static_ipv4v6_stack(const char *file, int line, struct impl *net,
                                         struct static_ipv4v6_stack_opts o)
{
    const char *group = o.group && *o.group ? o.group : NULL;
    struct impl *eth = mg_edsl_etif(file, line, net);
    /* (o.arp): arp is also the constructor macro arp(eth, ...) */
    struct impl *arp =
        o.arp ? (o.arp)(eth) : mg_edsl_arp(file, line, eth, (struct arp_opts){._ = 0});
    struct impl *ipv4 = mg_edsl_stack_ipv4(
        file, line, eth, arp,
        (struct create_ipv4_opts){._ = 0, .group = group, .config = o.ipv4_config});
    struct impl *ipv6 = mg_edsl_create_ipv6(
        file, line, net, eth,
        (struct create_ipv6_opts){._ = 0, .group = group, .config = o.ipv6_config});
    return mg_edsl_direct_stackv4v6(file, line, net, eth, arp, ipv4, ipv6,
                                    (struct direct_stackv4v6_opts){._ = 0, .group = group});
}

/* ---- generic_stackv4v6 ------------------------------------------------ */

struct impl *mg_edsl_generic_stackv4v6(const char *file, int line, struct impl *net,
                                       struct generic_stackv4v6_opts o)
{
    const char *group = o.group && *o.group ? o.group : NULL;
    struct value *netv = o.net_key;
    if (!netv) {
        struct key *k = mg_edsl_key_text(
            file, line, MG_KEY_ENUM, "net", NULL,
            MG_KEY_OPTS(.group = group, .stage = CONFIGURE, .docv = "NET",
                        .choices = CHOICES("socket", "direct"),
                        .doc = "The network stack: socket (the host's sockets: unix only) or "
                               "direct (our TCP/IP stack over a tap device). Default: socket on "
                               "unix, direct elsewhere."));
        netv = mg_edsl_value_of(file, line, k);
    }
    struct value *dhcpv = o.dhcp_key;
    if (!dhcpv) {
        struct key *k = mg_edsl_key_bool(
            file, line, "dhcp", false,
            MG_KEY_OPTS(.group = group, .stage = CONFIGURE,
                        .doc = "Configure the direct stack's IPv4 address by DHCP (instead of "
                               "--ipv4 and --ipv4-gateway)."));
        dhcpv = mg_edsl_value_of(file, line, k);
    }
    /* As MirageOS: sockets when asked for, or by default on unix. */
    struct value *socket = mg_edsl_value_or(
        file, line, mg_edsl_value_eq(file, line, netv, "socket"),
        mg_edsl_value_and(
            file, line, mg_edsl_value_eq(file, line, netv, ""),
            mg_edsl_value_eq(file, line, mg_edsl_value_of(file, line, key_target()), "unix")));
    struct impl *sock =
        mg_edsl_socket_stackv4v6(file, line, (struct socket_opts){._ = 0, .group = group});
    struct impl *stat = mg_edsl_static_ipv4v6_stack(
        file, line, net,
        (struct static_ipv4v6_stack_opts){
            ._ = 0, .group = group, .ipv4_config = o.ipv4_config, .ipv6_config = o.ipv6_config});
    struct impl *direct = mg_edsl_if(file, line, dhcpv, dhcp_stack(file, line, group, net), stat);
    return mg_edsl_if(file, line, socket, sock, direct);
}

/* ---- tcpv4v6_of_stackv4v6 --------------------------------------------- */

static char *tcp_of_connect(struct info *info, struct impl *self, const char *var,
                            const char *const *args)
{
    (void)info;
    (void)self;
    return strf("(%s = mg_stack_tcp(%s), 0)", var, args[0]);
}

struct impl *mg_edsl_tcpv4v6_of_stackv4v6(const char *file, int line, struct impl *stack)
{
    struct impl *f = mg_edsl_impl(file, line, "tcpv4v6_of_stackv4v6", fn(STACKV4V6, TCPV4V6),
                                  (struct impl_opts){
                                      .connect = tcp_of_connect,
                                      .headers = HEADERS("mirage/stack.h"),
                                  });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){stack, NULL});
}
