/* net.c: the eDSL's link-layer constructors: default_network, netif, etif and arp. */
#include <stdlib.h>
#include <string.h>

#include <mirage.h>

#include "../engine.h"

/* What a network device's connect code needs. */
struct netif_data {
    const char *name;           /* the device: "service", "eth1" */
    struct key *iface, *mac;    /* unix only */
};

/* `"text"` as a C string literal, whatever it holds. */
static char *c_string(const char *s)
{
    struct buf b = {0};
    buf_cstr(&b, s);
    char *r = strf("%s", buf_str(&b));
    buf_free(&b);
    return r;
}

static char *netif_unix_connect(struct info *info, struct impl *self, const char *var,
                                const char *const *args)
{
    (void)args;
    const struct netif_data *d = impl_data(self);
    char *name = c_string(d->name);
    char *code = strf("mg_netif_connect(&%s, %s, %s, %s)", var, name,
                      info_key_var(info, d->iface), info_key_var(info, d->mac));
    free(name);
    return code;
}

static char *netif_plat_connect(struct info *info, struct impl *self, const char *var,
                                const char *const *args)
{
    (void)info;
    (void)args;
    const struct netif_data *d = impl_data(self);
    char *name = c_string(d->name);
    char *code = strf("mg_netif_connect(&%s, %s, NULL, NULL)", var, name);
    free(name);
    return code;
}

/* On unix the device is a tap interface chosen at run time by the
 * (group-prefixed) key interface, defaulting to unix_iface, and the MAC by
 * the key mac; elsewhere it is the tender's --net:NAME=TAP, listed in the
 * image's manifest. */
static struct impl *make_netif(const char *file, int line, const char *name, const char *group,
                               const char *unix_iface)
{
    if (!name || !*name) {
        ed_error(file, line, "netif: a network device needs a name");
        name = "?";
    }
    struct netif_data *d = ed_alloc(sizeof *d);
    d->name = ed_strdup(name);
    d->iface = mg_edsl_key_text(
        file, line, MG_KEY_STRING, "interface", unix_iface,
        MG_KEY_OPTS(.group = group, .stage = RUNTIME, .docv = "TAP",
                    .doc = ed_fmt("The tap interface the network device %s uses on unix (it "
                                  "must exist: ip tuntap add NAME mode tap).",
                                  name)));
    d->mac = mg_edsl_key_text(
        file, line, MG_KEY_STRING, "mac", NULL,
        MG_KEY_OPTS(.group = group, .stage = RUNTIME, .docv = "MAC",
                    .doc = ed_fmt("The MAC address of the network device %s on unix "
                                  "(02:00:00:00:00:01); default: a random locally administered "
                                  "one.",
                                  name)));
    struct impl *host = mg_edsl_impl(file, line, ed_fmt("netif_unix_%s", name), NETWORK,
                                     (struct impl_opts){
                                         .keys = KEYS(d->iface, d->mac),
                                         .connect = netif_unix_connect,
                                         .libs = LIBS("netif"),
                                         .headers = HEADERS("mirage/net.h"),
                                         .data = d,
                                     });
    struct impl *plat = mg_edsl_impl(file, line, ed_fmt("netif_%s", name), NETWORK,
                                     (struct impl_opts){
                                         .connect = netif_plat_connect,
                                         .libs = LIBS("netif"),
                                         .headers = HEADERS("mirage/net.h"),
                                         .data = d,
                                         .plat_device = PLAT_DEVICE_NET,
                                         .plat_name = d->name,
                                     });
    return mg_edsl_match(file, line, mg_edsl_value_of(file, line, key_target()), plat,
                         (const struct mg_case[]){{"unix", host}, {NULL, NULL}});
}

struct impl *mg_edsl_netif(const char *file, int line, const char *name, struct netif_opts o)
{
    return make_netif(file, line, name, o.group, name);
}

struct impl *default_network(void)
{
    /* As in MirageOS: the device "service", on unix the tap "tap0". */
    return make_netif(__FILE__, __LINE__, "service", NULL, "tap0");
}

static char *etif_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_ethernet_connect(&%s, %s)", var, args[0]);
}

struct impl *mg_edsl_etif(const char *file, int line, struct impl *net)
{
    struct impl *f = mg_edsl_impl(file, line, "ethif", fn(NETWORK, ETHERNET),
                                  (struct impl_opts){
                                      .connect = etif_connect,
                                      .libs = LIBS("ethernet", "netif"),
                                      .headers = HEADERS("mirage/ethernet.h"),
                                  });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){net, NULL});
}

static char *arp_connect(struct info *info, struct impl *self, const char *var,
                         const char *const *args)
{
    struct key *probe = (struct key *)impl_data(self);
    return strf("mg_arpv4_connect(&%s, %s, %s)", var, args[0], info_key_var(info, probe));
}

struct impl *mg_edsl_arp(const char *file, int line, struct impl *eth, struct arp_opts o)
{
    /* As MirageOS, no probing unless asked: it delays every start by seconds. */
    struct key *probe = mg_edsl_key_bool(
        file, line, "arp-probe", false,
        MG_KEY_OPTS(.stage = RUNTIME,
                    .doc = "Probe each IPv4 address for conflicts before using it (RFC 5227: "
                           "takes 2 to 7 seconds; a static address in use stops the stack, a "
                           "DHCP one is declined); false: announce it at once with gratuitous "
                           "ARP."));
    /* The timers run on the scheduler; the time device is a dependency, as in MirageOS. */
    struct impl *time = o.time ? o.time : default_time();
    struct impl *f = mg_edsl_impl(file, line, "arp", fn(ETHERNET, ARPV4),
                                  (struct impl_opts){
                                      .keys = KEYS(probe),
                                      .extra_deps = DEPS(time),
                                      .connect = arp_connect,
                                      .libs = LIBS("arp", "ethernet", "netif"),
                                      .headers = HEADERS("mirage/arp.h"),
                                      .data = probe,
                                  });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){eth, NULL});
}
