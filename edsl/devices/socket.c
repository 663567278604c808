/* socket.c: the eDSL's socket stack constructors (unix): stack, TCP and UDP. */
#include <string.h>

#include <mirage.h>

#include "../engine.h"

/* The keys one socket device reads (group-prefixed), as MirageOS's. */
struct socket_keys {
    struct key *ipv4, *ipv6, *ipv4_only, *ipv6_only;
};

static struct socket_keys *make_keys(const char *file, int line, const char *group,
                                     const char *ipv4, const char *ipv6)
{
    struct socket_keys *k = ed_alloc(sizeof *k);
    k->ipv4 = mg_edsl_key_text(
        file, line, MG_KEY_IPV4_PREFIX, "ipv4", ipv4 ? ed_fmt("%s/32", ipv4) : "0.0.0.0/0",
        MG_KEY_OPTS(.group = group, .docv = "PREFIX",
                    .doc = "The IPv4 address (ADDRESS/LEN) the socket stack listens on and sends "
                           "from; 0.0.0.0/0 is every IPv4 address of the host."));
    k->ipv6 = mg_edsl_key_text(
        file, line, MG_KEY_IPV6_PREFIX, "ipv6", ipv6 ? ed_fmt("%s/128", ipv6) : "::/0",
        MG_KEY_OPTS(.group = group, .docv = "PREFIX",
                    .doc = "The IPv6 address (ADDRESS/LEN) the socket stack listens on and sends "
                           "from; ::/0 is every IPv6 address of the host."));
    k->ipv4_only = mg_edsl_key_bool(file, line, "ipv4-only", false,
                                    MG_KEY_OPTS(.group = group, .doc = "Only use IPv4."));
    k->ipv6_only = mg_edsl_key_bool(file, line, "ipv6-only", false,
                                    MG_KEY_OPTS(.group = group, .doc = "Only use IPv6."));
    return k;
}

static const char *unix_only(struct info *info, struct impl *self)
{
    (void)self;
    if (strcmp(info_target(info), "unix") == 0)
        return NULL;
    return ed_fmt("the socket stack uses the host's sockets, which only the unix target has; on "
                  "%s use generic_stackv4v6 (--net=direct) or direct_stackv4v6",
                  info_target(info));
}

/* `mg_socket_X_connect(&var, &(const struct mg_socket_config){...})` from the keys' variables. */
static char *config_connect(const char *fn, struct info *info, struct impl *self, const char *var)
{
    const struct socket_keys *k = impl_data(self);
    return strf("%s(&%s, &(const struct mg_socket_config){%s.addr, %s.addr, %s, %s})", fn, var,
                info_key_var(info, k->ipv4), info_key_var(info, k->ipv6),
                info_key_var(info, k->ipv4_only), info_key_var(info, k->ipv6_only));
}

static char *tcp_connect(struct info *info, struct impl *self, const char *var,
                         const char *const *args)
{
    (void)args;
    return config_connect("mg_socket_tcpv4v6_connect", info, self, var);
}

static char *udp_connect(struct info *info, struct impl *self, const char *var,
                         const char *const *args)
{
    (void)args;
    return config_connect("mg_socket_udpv4v6_connect", info, self, var);
}

/* The address argument as text for the device's name ("any" if none), and checked. */
static const char *addr_arg(const char *file, int line, const char *what, int version,
                            const char *a)
{
    unsigned char b[16];
    if (!a)
        return "any";
    if ((version == 4 ? ed_ipv4_parse(a, b) : ed_ipv6_parse(a, b)) < 0) {
        ed_error(file, line, "%s: \"%s\" is not an IPv%d address", what, a, version);
        return "any";
    }
    return a;
}

static struct impl *socket_device(const char *file, int line, const char *kind, struct typ *t,
                                  mg_connect_fn connect, const char *const *libs, const char *ipv4,
                                  const char *ipv6, struct socket_opts o)
{
    const char *a4 = addr_arg(file, line, kind, 4, ipv4);
    const char *a6 = addr_arg(file, line, kind, 6, ipv6);
    const char *group = o.group && *o.group ? o.group : NULL;
    struct socket_keys *k =
        make_keys(file, line, group, strcmp(a4, "any") ? a4 : NULL, strcmp(a6, "any") ? a6 : NULL);
    /* The name says what makes two devices differ: group and addresses. */
    const char *name = ed_fmt("%s%s%s_%s_%s", kind, group ? "_" : "", group ? group : "", a4, a6);
    return mg_edsl_impl(file, line, name, t,
                        (struct impl_opts){
                            .keys = KEYS(k->ipv4, k->ipv6, k->ipv4_only, k->ipv6_only),
                            .connect = connect,
                            .unsupported = unix_only,
                            .libs = libs,
                            .headers = HEADERS("mirage/socket.h"),
                            .data = k,
                        });
}

struct impl *mg_edsl_socket_tcpv4v6(const char *file, int line, const char *ipv4, const char *ipv6,
                                    struct socket_opts o)
{
    /* flow: mg_flow_write and the other helpers over any flow. */
    return socket_device(file, line, "socket_tcpv4v6", TCPV4V6, tcp_connect, LIBS("socket", "flow"),
                         ipv4, ipv6, o);
}

struct impl *mg_edsl_socket_udpv4v6(const char *file, int line, const char *ipv4, const char *ipv6,
                                    struct socket_opts o)
{
    /* udp: mg_udp_send and mg_udp_bind over any UDP device. */
    return socket_device(file, line, "socket_udpv4v6", UDPV4V6, udp_connect, LIBS("socket", "udp"),
                         ipv4, ipv6, o);
}

static char *stack_connect(struct info *info, struct impl *self, const char *var,
                           const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_socket_stackv4v6_connect(&%s, %s, %s)", var, args[0], args[1]);
}

struct impl *mg_edsl_socket_stackv4v6(const char *file, int line, struct socket_opts o)
{
    const char *group = o.group && *o.group ? o.group : NULL;
    struct impl *udp = mg_edsl_socket_udpv4v6(file, line, NULL, NULL, o);
    struct impl *tcp = mg_edsl_socket_tcpv4v6(file, line, NULL, NULL, o);
    struct impl *stack = mg_edsl_impl(
        file, line, ed_fmt("socket_stackv4v6%s%s", group ? "_" : "", group ? group : ""),
        fn(UDPV4V6, TCPV4V6, STACKV4V6),
        (struct impl_opts){
            .connect = stack_connect,
            .unsupported = unix_only,
            .libs = LIBS("socket"),
            .headers = HEADERS("mirage/socket.h"),
        });
    return mg_edsl_apply(file, line, stack, (struct impl *const[]){udp, tcp, NULL});
}
