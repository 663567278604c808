/* ipv4.c: the direct IPv4 layer: connect, configuration, and the struct mg_ip_layer operations. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/random.h>

#include "ipv4_layer.h"

MG_LOG_SRC(ipv4_log, "ipv4", "IPv4 layer");

static const struct mg_ip_layer_ops ipv4_ops;

static struct ipv4 *ipv4_of(struct mg_ip_layer *l)
{
    return l && l->ops == &ipv4_ops ? (struct ipv4 *)l : NULL;
}

bool ipv4_is_broadcast(const struct ipv4 *ip, uint32_t a)
{
    if (a == 0xffffffffu)
        return true;
    /* /31 and /32 have no broadcast address (RFC 3021). */
    if (!ip->have_addr || ip->prefix_len > 30)
        return false;
    return a == (ipv4_u32(&ip->addr) | ~ipv4_mask(ip->prefix_len));
}

static int check_config(const struct mg_ipv4_prefix *cidr, const struct mg_ipv4 *gw)
{
    char a[20], g[16];
    if (cidr->len > 32)
        return MG_EINVAL;
    uint32_t addr = ipv4_u32(&cidr->addr), mask = ipv4_mask(cidr->len);
    mg_ipv4_prefix_format(cidr, a, sizeof a);
    if (ipv4_is_martian(addr)) {
        mg_log_err(&ipv4_log, "%s is not a host address", a);
        return MG_EINVAL;
    }
    if (cidr->len <= 30 && ((addr & ~mask) == 0 || (addr & ~mask) == ~mask)) {
        mg_log_err(&ipv4_log, "%s is the network or broadcast address of its prefix", a);
        return MG_EINVAL;
    }
    if (gw) {
        mg_ipv4_format(gw, g, sizeof g);
        if ((ipv4_u32(gw) & mask) != (addr & mask) || ipv4_u32(gw) == addr) {
            mg_log_err(&ipv4_log, "gateway %s is not another host of %s", g, a);
            return MG_EINVAL;
        }
    }
    return 0;
}

static void apply_config(struct ipv4 *ip, const struct mg_ipv4_prefix *cidr,
                         const struct mg_ipv4 *gw)
{
    ip->have_addr = cidr != NULL;
    if (cidr) {
        ip->addr = cidr->addr;
        ip->prefix_len = cidr->len;
    } else {
        memset(&ip->addr, 0, sizeof ip->addr);
        ip->prefix_len = 0;
    }
    ip->have_gateway = gw != NULL;
    if (gw)
        ip->gateway = *gw;
    else
        memset(&ip->gateway, 0, sizeof ip->gateway);
}

static bool is_unset(const struct mg_ipv4_prefix *cidr)
{
    return !cidr || ipv4_u32(&cidr->addr) == 0;
}

int mg_ipv4_connect(struct mg_ip_layer **out, struct mg_ethernet *eth, struct mg_arpv4 *arp,
                    const struct mg_ipv4_prefix *cidr, const struct mg_ipv4 *gateway,
                    const struct mg_ipv4_opts *opts)
{
    struct mg_ipv4_opts none = {0};
    if (!opts)
        opts = &none;
    if (is_unset(cidr))
        cidr = NULL;
    if (!cidr && gateway) {
        mg_log_err(&ipv4_log, "a gateway needs an address and prefix");
        return MG_EINVAL;
    }
    int rc = cidr ? check_config(cidr, gateway) : 0;
    if (rc < 0)
        return rc;
    struct ipv4 *ip = calloc(1, sizeof *ip);
    if (!ip)
        return MG_ENOMEM;
    ip->pub.ops = &ipv4_ops;
    ip->eth = eth;
    ip->arp = arp;
    ip->no_init = opts->no_init;
    ip->echo = !opts->no_icmp_echo;
    apply_config(ip, cidr, gateway);
    ipv4_reasm_init(&ip->reasm, opts->reasm_max_bytes);
    uint16_t id;
    mg_random_fill(&id, sizeof id);
    ip->next_id = id;
    ip->rate.tokens_ns = (uint64_t)ICMP_RATE_BURST * (1000000000ull / ICMP_RATE_PER_S);
    ip->rate.last_ns = mg_clock_monotonic_ns();
    if ((rc = eth->ops->set_input(eth, MG_ETHERTYPE_IPV4, ipv4_input, ip)) < 0) {
        free(ip);
        return rc;
    }
    ipv4_hold_start(ip);
    ip->init_pending = cidr && !ip->no_init && opts->defer_init;
    if (cidr && !ip->no_init && !opts->defer_init &&
        (rc = arp->ops->set_ips(arp, &cidr->addr, 1)) < 0) {
        eth->ops->set_input(eth, MG_ETHERTYPE_IPV4, NULL, NULL);
        ipv4_hold_stop(ip);
        free(ip);
        return rc;
    }
    char a[20] = "none", g[16] = "none";
    if (cidr)
        mg_ipv4_prefix_format(cidr, a, sizeof a);
    if (gateway)
        mg_ipv4_format(gateway, g, sizeof g);
    mg_log_info(&ipv4_log, "address %s, gateway %s", a, g);
    *out = &ip->pub;
    return 0;
}

int mg_ipv4_init(struct mg_ip_layer *l)
{
    struct ipv4 *ip = ipv4_of(l);
    if (!ip)
        return MG_EINVAL;
    if (!ip->init_pending)
        return 0;
    ip->init_pending = false;
    return ip->have_addr ? ip->arp->ops->set_ips(ip->arp, &ip->addr, 1) : 0;
}

int mg_ipv4_set_config(struct mg_ip_layer *l, const struct mg_ipv4_prefix *cidr,
                       const struct mg_ipv4 *gateway)
{
    struct ipv4 *ip = ipv4_of(l);
    if (!ip)
        return MG_EINVAL;
    if (is_unset(cidr))
        cidr = NULL;
    if (!cidr && gateway)
        return MG_EINVAL;
    int rc = cidr ? check_config(cidr, gateway) : 0;
    if (rc < 0)
        return rc;
    /* Does ARP know the current address? Not while its telling is deferred. */
    bool told = ip->have_addr && !ip->init_pending;
    bool same = told && cidr && ipv4_eq(&cidr->addr, &ip->addr);
    ip->init_pending = false;
    if (!ip->no_init && told && !same)
        ip->arp->ops->remove_ip(ip->arp, &ip->addr);
    apply_config(ip, cidr, gateway);
    if (!ip->no_init && cidr && !same && (rc = ip->arp->ops->add_ip(ip->arp, &cidr->addr)) < 0)
        return rc;
    char a[20] = "none", g[16] = "none";
    if (cidr)
        mg_ipv4_prefix_format(cidr, a, sizeof a);
    if (gateway)
        mg_ipv4_format(gateway, g, sizeof g);
    mg_log_info(&ipv4_log, "address %s, gateway %s", a, g);
    return 0;
}

void mg_ipv4_disconnect(struct mg_ip_layer *l)
{
    struct ipv4 *ip = ipv4_of(l);
    if (!ip)
        return;
    ip->eth->ops->set_input(ip->eth, MG_ETHERTYPE_IPV4, NULL, NULL);
    ipv4_hold_stop(ip);
    ipv4_reasm_free(&ip->reasm);
    free(ip->bounce);
    free(ip);
}

int mg_ipv4_stats(struct mg_ip_layer *l, struct mg_ipv4_stats *out)
{
    struct ipv4 *ip = ipv4_of(l);
    if (!ip)
        return MG_EINVAL;
    *out = ip->st;
    const struct reasm_stats *r = &ip->reasm.stats;
    out->frag_received = r->fragments;
    out->frag_reassembled = r->reassembled;
    out->frag_timeouts = r->timeouts;
    out->frag_evicted = r->evicted;
    out->frag_overlaps = r->overlaps;
    out->frag_no_memory = r->no_memory;
    out->rx_bad_fragment += r->bad_fragments;
    return 0;
}

/* ---- the mg_ip_layer operations ---- */

static int op_writev_off(struct mg_ip_layer *l, const struct mg_ip *src, const struct mg_ip *dst,
                         uint8_t proto, const struct mg_net_offload *off,
                         const struct mg_iovec *iov, size_t niov)
{
    struct ipv4 *ip = (struct ipv4 *)l;
    if (dst->version != 4 || (src && src->version != 4))
        return MG_EINVAL;
    struct mg_ipv4 from;
    if (src) {
        from = src->u.v4;
        uint32_t s = ipv4_u32(&from);
        /* Our address, or none (0.0.0.0) to a broadcast, as DHCP does. */
        if (s == 0 ? !ipv4_is_broadcast(ip, ipv4_u32(&dst->u.v4))
                   : !(ip->have_addr && s == ipv4_u32(&ip->addr)))
            return MG_EINVAL;
    } else {
        from = ip->addr; /* 0.0.0.0 without an address */
    }
    return ipv4_send(ip, &from, &dst->u.v4, proto, off, iov, niov);
}

static int op_writev(struct mg_ip_layer *l, const struct mg_ip *src, const struct mg_ip *dst,
                     uint8_t proto, const struct mg_iovec *iov, size_t niov)
{
    return op_writev_off(l, src, dst, proto, NULL, iov, niov);
}

static uint32_t op_rx_flags(struct mg_ip_layer *l)
{
    struct ipv4 *ip = (struct ipv4 *)l;
    return ipv4_in_input(ip) ? ip->cur.rx_flags : 0;
}

static int op_flush(struct mg_ip_layer *l)
{
    struct ipv4 *ip = (struct ipv4 *)l;
    /* The receiving fiber flushes before it waits: replies sent from input
     * handlers go out with the rest of the burst. */
    if (ipv4_in_input(ip))
        return 0;
    return ip->eth->ops->flush(ip->eth);
}

static int op_set_input(struct mg_ip_layer *l, uint8_t proto, mg_ip_input_fn fn, void *arg)
{
    struct ipv4 *ip = (struct ipv4 *)l;
    if (proto == MG_IPPROTO_ICMP)
        return MG_EINVAL; /* the layer's own */
    ip->input[proto].fn = fn;
    ip->input[proto].arg = fn ? arg : NULL;
    return 0;
}

static int op_set_error_input(struct mg_ip_layer *l, uint8_t proto, mg_ip_error_fn fn, void *arg)
{
    struct ipv4 *ip = (struct ipv4 *)l;
    ip->err[proto].fn = fn;
    ip->err[proto].arg = fn ? arg : NULL;
    return 0;
}

static int op_src(struct mg_ip_layer *l, const struct mg_ip *dst, struct mg_ip *out)
{
    struct ipv4 *ip = (struct ipv4 *)l;
    if (dst->version != 4)
        return MG_EINVAL;
    out->version = 4;
    out->u.v4 = ip->addr;
    return 0;
}

static size_t op_mtu(struct mg_ip_layer *l, const struct mg_ip *dst)
{
    struct ipv4 *ip = (struct ipv4 *)l;
    (void)dst;
    uint16_t m = ip->eth->ops->mtu(ip->eth);
    return m > IPV4_HLEN ? m - IPV4_HLEN : 0;
}

static size_t op_configured(struct mg_ip_layer *l, struct mg_ip *addrs, uint8_t *prefix_lens,
                            size_t max)
{
    struct ipv4 *ip = (struct ipv4 *)l;
    if (!ip->have_addr)
        return 0;
    if (max >= 1) {
        addrs[0].version = 4;
        addrs[0].u.v4 = ip->addr;
        if (prefix_lens)
            prefix_lens[0] = ip->prefix_len;
    }
    return 1;
}

static int op_icmp_error(struct mg_ip_layer *l, const struct mg_ip *src, const struct mg_ip *dst,
                         uint8_t type, uint8_t code, const uint8_t *orig, size_t orig_len)
{
    struct ipv4 *ip = (struct ipv4 *)l;
    const struct ipv4_current *c = &ip->cur;
    if (!ipv4_in_input(ip) || !c->hdr || orig != c->payload || orig_len > c->len ||
        src->version != 4 || dst->version != 4 || !ipv4_eq(&src->u.v4, &c->hdr->src) ||
        !ipv4_eq(&dst->u.v4, &c->hdr->dst))
        return MG_EINVAL;
    return icmp4_send_error(ip, type, code, 0, c->hdr, c->raw_hdr, c->hdr->hlen, orig, orig_len,
                            c->link_broadcast || c->to_broadcast);
}

static const struct mg_ip_layer_ops ipv4_ops = {
    .writev = op_writev,
    .flush = op_flush,
    .set_input = op_set_input,
    .src = op_src,
    .mtu = op_mtu,
    .configured = op_configured,
    .icmp_error = op_icmp_error,
    .set_error_input = op_set_error_input,
    .writev_off = op_writev_off,
    .rx_flags = op_rx_flags,
};
