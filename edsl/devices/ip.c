/* ip.c: the eDSL's IP constructors: create_ipv4, create_ipv6, create_ipv4v6, and the
 * DHCP-configured IPv4. */
#include <stdlib.h>
#include <string.h>

#include <mirage.h>

#include "../engine.h"
#include "ip_edsl.h"

#define IPV6_NOT_YET "the IPv6 protocol is not implemented yet"

struct ipv4_data {
    struct key *net, *gw, *no_init;
    bool defer; /* a stack's: ARP is told when the stack runs (mg_ipv4_init) */
};
struct ipv6_data {
    struct key *net, *gw;
};
struct v4v6_data {
    struct key *v4only, *v6only;
};

/* `&var`, or `(var_present ? &var : NULL)` for an optional key without a value. */
static char *opt_ref(struct info *info, struct key *k)
{
    const char *var = info_key_var(info, k);
    if (info_get(info, k))
        return strf("&%s", var);
    return strf("(%s_present ? &%s : NULL)", var, var);
}

static struct dnode *node_of(struct impl *self)
{
    for (size_t i = 0; i < ed.nselected; i++)
        if (ed.selected[i]->head == self)
            return ed.selected[i];
    return NULL;
}

static char *v4v6_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args);

/* ---- create_ipv4 ------------------------------------------------------ */

/* Is this layer the IPv4 part of a direct stack (through its dual layer)?
 * Then the stack tells ARP of the address once it receives (mg_ipv4_init),
 * so that ARP's probes hear a conflict, as with static_ipv4v6_stack. */
static bool under_direct_stack(struct impl *self)
{
    struct dnode *me = node_of(self);
    for (size_t i = 0; me && i < ed.nselected; i++) {
        struct dnode *u = ed.selected[i];
        if (!mg_edsl_is_direct_stack(u->head))
            continue;
        for (size_t k = 0; k < u->nargs; k++) {
            struct dnode *a = u->args[k];
            if (a == me || (a->head->connect == v4v6_connect && a->nargs > 0 && a->args[0] == me))
                return true;
        }
    }
    return false;
}

static char *ipv4_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    const struct ipv4_data *d = impl_data(self);
    char *gw = opt_ref(info, d->gw);
    char *code =
        strf("mg_ipv4_connect(&%s, %s, %s, &%s, %s, &(struct mg_ipv4_opts){.no_init = %s%s})", var,
             args[0], args[1], info_key_var(info, d->net), gw,
             d->no_init ? info_key_var(info, d->no_init) : "false",
             d->defer || under_direct_stack(self) ? ", .defer_init = true" : "");
    free(gw);
    return code;
}

static struct impl *ip_deps_apply(const char *file, int line, struct impl *f, struct impl *a,
                                  struct impl *b)
{
    return mg_edsl_apply(file, line, f, (struct impl *const[]){a, b, NULL});
}

static struct impl *make_ipv4(const char *file, int line, struct impl *eth, struct impl *arp,
                              struct create_ipv4_opts o, bool defer)
{
    const char *net = o.config.network ? o.config.network : MG_IPV4_DEFAULT;
    unsigned char a[4];
    int len;
    if (ed_ipv4_prefix_parse(net, a, &len) < 0) {
        ed_error(file, line,
                 "create_ipv4: .config.network \"%s\" is not an IPv4 prefix (10.0.0.2/24)", net);
        net = MG_IPV4_DEFAULT;
    }
    const char *gw = o.config.gateway;
    if (gw && ed_ipv4_parse(gw, a) < 0) {
        ed_error(file, line, "create_ipv4: .config.gateway \"%s\" is not an IPv4 address", gw);
        gw = NULL;
    }
    if (o.no_init && o.no_init->kind != MG_KEY_BOOL)
        ed_error(file, line, "create_ipv4: .no_init must be a bool key, not --%s", o.no_init->name);
    struct ipv4_data *d = ed_alloc(sizeof *d);
    d->net = mg_edsl_key_text(
        file, line, MG_KEY_IPV4_PREFIX, "ipv4", net,
        MG_KEY_OPTS(.group = o.group, .stage = RUNTIME, .docv = "PREFIX",
                    .doc = "The address and network of the unikernel, as an IPv4 address and "
                           "prefix length, e.g. 10.0.0.2/24."));
    d->gw = mg_edsl_key_text(file, line, MG_KEY_IPV4, "ipv4-gateway", gw,
                             MG_KEY_OPTS(.group = o.group, .stage = RUNTIME, .docv = "IPV4",
                                         .doc = "The IPv4 gateway of the unikernel (none: "
                                                "only its own network is reachable)."));
    d->no_init = o.no_init;
    d->defer = defer;
    struct impl *random = o.random ? o.random : default_random();
    struct impl *clock = o.clock ? o.clock : default_monotonic_clock();
    const char *name = ed_fmt("ipv4%s%s%s%s%s", o.group ? "_" : "", o.group ? o.group : "",
                              o.no_init ? "_noinit_" : "", o.no_init ? o.no_init->name : "",
                              defer ? "_stack" : "");
    struct impl *f =
        mg_edsl_impl(file, line, name, fn(ETHERNET, ARPV4, IPV4),
                     (struct impl_opts){
                         .keys = o.no_init ? KEYS(d->net, d->gw, o.no_init) : KEYS(d->net, d->gw),
                         .extra_deps = DEPS(random, clock),
                         .connect = ipv4_connect,
                         .libs = LIBS("ipv4", "inet"),
                         .headers = HEADERS("mirage/ipv4.h"),
                         .data = d,
                     });
    return ip_deps_apply(file, line, f, eth, arp);
}

struct impl *mg_edsl_create_ipv4(const char *file, int line, struct impl *eth, struct impl *arp,
                                 struct create_ipv4_opts o)
{
    return make_ipv4(file, line, eth, arp, o, false);
}

struct impl *mg_edsl_stack_ipv4(const char *file, int line, struct impl *eth, struct impl *arp,
                                struct create_ipv4_opts o)
{
    return make_ipv4(file, line, eth, arp, o, true);
}

/* ---- the IPv4 layer of a DHCP stack: no address until a lease ---------- */

static char *dhcp_ipv4_connect(struct info *info, struct impl *self, const char *var,
                               const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_ipv4_connect(&%s, %s, %s, NULL, NULL, NULL)", var, args[0], args[1]);
}

struct impl *mg_edsl_dhcp_ipv4(const char *file, int line, const char *group, struct impl *eth,
                               struct impl *arp)
{
    const char *name = ed_fmt("ipv4_dhcp%s%s", group ? "_" : "", group ? group : "");
    struct impl *f =
        mg_edsl_impl(file, line, name, fn(ETHERNET, ARPV4, IPV4),
                     (struct impl_opts){
                         .extra_deps = DEPS(default_random(), default_monotonic_clock()),
                         .connect = dhcp_ipv4_connect,
                         .libs = LIBS("ipv4", "inet"),
                         .headers = HEADERS("mirage/ipv4.h"),
                     });
    return ip_deps_apply(file, line, f, eth, arp);
}

/* ---- create_ipv6 ------------------------------------------------------ */

static char *ipv6_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    const struct ipv6_data *d = impl_data(self);
    char *net = opt_ref(info, d->net), *gw = opt_ref(info, d->gw);
    char *code = strf("mg_ipv6_connect(&%s, %s, %s, %s, %s)", var, args[0], args[1], net, gw);
    free(net);
    free(gw);
    return code;
}

/* The IPv6 layer is disabled: it may only be the IPv6 part of dual layers
 * (whose IPv4 part works), and it may not be given an address. */
static int ipv6_configure(struct info *info, struct impl *self)
{
    const struct ipv6_data *d = impl_data(self);
    const char *what = info_get(info, d->net)  ? ed_fmt("--%s", d->net->name)
                       : info_get(info, d->gw) ? ed_fmt("--%s", d->gw->name)
                                               : NULL;
    if (what)
        return info_error(info, self, "%s: %s", what, IPV6_NOT_YET);
    struct dnode *me = node_of(self);
    for (size_t i = 0; me && i < ed.nselected; i++) {
        struct dnode *u = ed.selected[i];
        for (size_t k = 0; k < u->nargs; k++)
            if (u->args[k] == me && u->head->connect != v4v6_connect)
                return info_error(info, self,
                                  "%s; an IPv6 layer can only be the (disabled) IPv6 part of a "
                                  "dual stack (create_ipv4v6, direct_stackv4v6), not an "
                                  "argument of %s",
                                  IPV6_NOT_YET, u->head->name);
    }
    return 0;
}

struct impl *mg_edsl_create_ipv6(const char *file, int line, struct impl *net, struct impl *eth,
                                 struct create_ipv6_opts o)
{
    unsigned char a[16];
    int len;
    if (o.config.network && ed_ipv6_prefix_parse(o.config.network, a, &len) < 0)
        ed_error(file, line, "create_ipv6: .config.network \"%s\" is not an IPv6 prefix",
                 o.config.network);
    else if (o.config.network || o.config.gateway)
        ed_error(file, line, "create_ipv6: .config: %s", IPV6_NOT_YET);
    struct ipv6_data *d = ed_alloc(sizeof *d);
    d->net = mg_edsl_key_text(file, line, MG_KEY_IPV6_PREFIX, "ipv6", NULL,
                              MG_KEY_OPTS(.group = o.group, .stage = RUNTIME, .docv = "PREFIX",
                                          .doc = "The IPv6 address and network of the unikernel. "
                                                 "Not available yet: IPv6 is not implemented."));
    d->gw = mg_edsl_key_text(file, line, MG_KEY_IPV6, "ipv6-gateway", NULL,
                             MG_KEY_OPTS(.group = o.group, .stage = RUNTIME, .docv = "IPV6",
                                         .doc = "The IPv6 gateway of the unikernel. Not "
                                                "available yet: IPv6 is not implemented."));
    struct impl *deps[4] = {o.random ? o.random : default_random(),
                            o.time ? o.time : default_time(),
                            o.clock ? o.clock : default_monotonic_clock(), NULL};
    const char *name = ed_fmt("ipv6%s%s", o.group ? "_" : "", o.group ? o.group : "");
    struct impl *f =
        mg_edsl_impl(file, line, name, fn(NETWORK, ETHERNET, IPV6),
                     (struct impl_opts){
                         .keys = o.no_init ? KEYS(d->net, d->gw, o.no_init) : KEYS(d->net, d->gw),
                         .extra_deps = deps,
                         .connect = ipv6_connect,
                         .configure = ipv6_configure,
                         .libs = LIBS("ipv4", "inet"),
                         .headers = HEADERS("mirage/ipv4.h"),
                         .data = d,
                     });
    return ip_deps_apply(file, line, f, net, eth);
}

/* ---- create_ipv4v6 ---------------------------------------------------- */

static char *v4v6_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    const struct v4v6_data *d = impl_data(self);
    return strf("mg_ipv4v6_connect(&%s, %s, %s, %s, %s)", var, args[0], args[1],
                info_key_var(info, d->v4only), info_key_var(info, d->v6only));
}

static int v4v6_configure(struct info *info, struct impl *self)
{
    const struct v4v6_data *d = impl_data(self);
    const char *v6 = info_get(info, d->v6only);
    if (v6 && strcmp(v6, "true") == 0)
        return info_error(info, self, "--%s: %s", d->v6only->name, IPV6_NOT_YET);
    return 0;
}

struct key *mg_edsl_ip_only_key(const char *file, int line, const char *group, int version)
{
    return mg_edsl_key_bool(
        file, line, version == 4 ? "ipv4-only" : "ipv6-only", false,
        /* As the socket stack's keys of the same names (one key per name). */
        MG_KEY_OPTS(.group = group, .doc = version == 4 ? "Only use IPv4." : "Only use IPv6."));
}

struct impl *mg_edsl_create_ipv4v6(const char *file, int line, struct impl *ipv4, struct impl *ipv6,
                                   struct create_ipv4v6_opts o)
{
    struct v4v6_data *d = ed_alloc(sizeof *d);
    d->v4only = o.ipv4_only ? o.ipv4_only : mg_edsl_ip_only_key(file, line, o.group, 4);
    d->v6only = o.ipv6_only ? o.ipv6_only : mg_edsl_ip_only_key(file, line, o.group, 6);
    if (d->v4only->kind != MG_KEY_BOOL || d->v6only->kind != MG_KEY_BOOL)
        ed_error(file, line, "create_ipv4v6: .ipv4_only and .ipv6_only must be bool keys");
    const char *name = ed_fmt("ipv4v6%s%s_%s_%s", o.group ? "_" : "", o.group ? o.group : "",
                              d->v4only->name, d->v6only->name);
    struct impl *f = mg_edsl_impl(file, line, name, fn(IPV4, IPV6, IPV4V6),
                                  (struct impl_opts){
                                      .keys = KEYS(d->v4only, d->v6only),
                                      .connect = v4v6_connect,
                                      .configure = v4v6_configure,
                                      .libs = LIBS("ipv4", "inet"),
                                      .headers = HEADERS("mirage/ipv4.h"),
                                      .data = d,
                                  });
    return ip_deps_apply(file, line, f, ipv4, ipv6);
}
