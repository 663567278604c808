/* ipv4_input.c: receiving: checks, the destination filter, reassembly, dispatch by protocol. */
#include <mirage/clock.h>

#include "ipv4_layer.h"

#define ALL_HOSTS 0xe0000001u /* 224.0.0.1 (RFC 1112): the only group a host is always in */

static void count_bad(struct ipv4 *ip, enum ipv4_verdict v)
{
    struct mg_ipv4_stats *s = &ip->st;
    switch (v) {
    case IPV4_BAD_SHORT:
        s->rx_truncated++;
        break;
    case IPV4_BAD_VERSION:
        s->rx_bad_version++;
        break;
    case IPV4_BAD_HLEN:
        s->rx_bad_hlen++;
        break;
    case IPV4_BAD_LEN:
        s->rx_bad_len++;
        break;
    case IPV4_BAD_CSUM:
        s->rx_bad_csum++;
        break;
    case IPV4_BAD_OPTIONS:
        s->rx_bad_options++;
        break;
    case IPV4_BAD_SRCROUTE:
        s->rx_source_routed++;
        break;
    case IPV4_BAD_FRAG:
        s->rx_bad_fragment++;
        break;
    case IPV4_OK:
    case IPV4_VERDICTS:
        break;
    }
    mg_log_debug(&ipv4_log, "dropped: %s", ipv4_verdict_name[v]);
}

bool ipv4_in_input(const struct ipv4 *ip)
{
    return ip->in_input > 0 && mg_self() == ip->input_fiber;
}

static void enter(struct ipv4 *ip)
{
    if (ip->in_input++ == 0)
        ip->input_fiber = mg_self();
}

static void leave(struct ipv4 *ip)
{
    if (--ip->in_input == 0)
        ip->input_fiber = NULL;
}

static void dispatch(struct ipv4 *ip, const struct ipv4_hdr *h, const uint8_t *raw,
                     const uint8_t *data, size_t len, bool link_bcast, bool to_bcast,
                     uint32_t rx_flags)
{
    struct ipv4_current saved = ip->cur;
    ip->cur = (struct ipv4_current){h, raw, data, len, link_bcast, to_bcast, rx_flags};
    enter(ip);
    if (h->proto == MG_IPPROTO_ICMP) {
        ip->st.rx_delivered++;
        icmp4_input(ip, h, data, len, to_bcast || link_bcast);
    } else if (ip->input[h->proto].fn) {
        ip->st.rx_delivered++;
        struct mg_ip src = {.version = 4, .u.v4 = h->src}, dst = {.version = 4, .u.v4 = h->dst};
        ip->input[h->proto].fn(ip->input[h->proto].arg, &src, &dst, data, len);
    } else {
        ip->st.rx_no_protocol++;
        icmp4_send_error(ip, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL, 0, h, raw, h->hlen, data, len,
                         to_bcast || link_bcast);
    }
    leave(ip);
    ip->cur = saved;
}

/* A datagram whose fragments stopped coming: RFC 792's time exceeded,
 * code 1, if its first fragment came. */
static void reasm_timed_out(void *arg, const struct ipv4_hdr *first, const uint8_t *raw,
                            size_t hlen, size_t len)
{
    struct ipv4 *ip = arg;
    icmp4_send_error(ip, ICMP_TIME_EXCEEDED, ICMP_EXC_REASSEMBLY, 0, first, raw, hlen, raw + hlen,
                     len - hlen, ipv4_is_broadcast(ip, ipv4_u32(&first->dst)));
}

void ipv4_input(void *arg, const struct mg_mac *src_mac, const struct mg_mac *dst_mac,
                const uint8_t *payload, size_t len)
{
    struct ipv4 *ip = arg;
    (void)src_mac;
    ip->st.rx_packets++;
    struct ipv4_hdr h;
    enum ipv4_verdict v = ipv4_parse(payload, len, &h);
    if (v != IPV4_OK) {
        count_bad(ip, v);
        return;
    }
    uint32_t s = ipv4_u32(&h.src), d = ipv4_u32(&h.dst);
    if (ipv4_is_martian(s) || ipv4_is_broadcast(ip, s) ||
        (ip->have_addr && s == ipv4_u32(&ip->addr))) {
        ip->st.rx_bad_source++;
        return;
    }
    bool to_bcast = ipv4_is_broadcast(ip, d) || ipv4_is_multicast(d);
    if (ip->have_addr && d != ipv4_u32(&ip->addr) && !ipv4_is_broadcast(ip, d) && d != ALL_HOSTS) {
        ip->st.rx_not_for_us++;
        return;
    }
    bool link_bcast = (dst_mac->b[0] & 1) != 0;
    const uint8_t *data = payload + h.hlen;
    size_t dlen = (size_t)h.total_len - h.hlen;
    if (ipv4_reasm_pending(&ip->reasm)) {
        enter(ip);
        ipv4_reasm_expire(&ip->reasm, mg_clock_monotonic_ns(), reasm_timed_out, ip);
        leave(ip);
    }
    if (h.mf || h.frag_off) {
        struct reasm_out out;
        if (ipv4_reasm_input(&ip->reasm, &h, payload, data, mg_clock_monotonic_ns(), &out) !=
            REASM_DONE)
            return;
        dispatch(ip, &out.hdr, out.raw_hdr, out.data, out.len, link_bcast, to_bcast, 0);
        return;
    }
    dispatch(ip, &h, payload, data, dlen, link_bcast, to_bcast,
             ip->eth->ops->rx_flags ? ip->eth->ops->rx_flags(ip->eth) : 0);
}
