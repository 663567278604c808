/* ipv4_output.c: sending: routing, next-hop resolution with ARP, fragmentation to the link MTU. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>

#include "ipv4_layer.h"

#define IPV4_MIN_MTU 68 /* RFC 791: every link carries 68 bytes unfragmented */

/* The pieces of iov covering [off, off + len): their number, at most max. */
static size_t iov_slice(const struct mg_iovec *iov, size_t niov, size_t off, size_t len,
                        struct mg_iovec *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < niov && len; i++) {
        if (off >= iov[i].len) {
            off -= iov[i].len;
            continue;
        }
        size_t take = iov[i].len - off < len ? iov[i].len - off : len;
        if (n == max)
            return max + 1;
        out[n].base = (const uint8_t *)iov[i].base + off;
        out[n].len = take;
        n++;
        len -= take;
        off = 0;
    }
    return n;
}

/* The destination MAC for dst: broadcast, multicast (RFC 1112 6.4), or the
 * next hop's from ARP. 0, 1 when the receiving fiber must hold the
 * datagram for *hop (ARP is asking it), or MG_E*. */
static int next_hop_mac(struct ipv4 *ip, const struct mg_ipv4 *dst, struct mg_mac *mac,
                        const struct mg_ipv4 **hop_out)
{
    uint32_t d = ipv4_u32(dst);
    if (ipv4_is_broadcast(ip, d)) {
        memset(mac->b, 0xff, 6);
        return 0;
    }
    if (ipv4_is_multicast(d)) {
        uint8_t m[6] = {0x01,      0x00, 0x5e, (uint8_t)((d >> 16) & 0x7f), (uint8_t)(d >> 8),
                        (uint8_t)d};
        memcpy(mac->b, m, 6);
        return 0;
    }
    if (!ip->have_addr || ipv4_is_martian(d) || d == ipv4_u32(&ip->addr)) {
        ip->st.tx_no_route++;
        return MG_ETIMEDOUT;
    }
    const struct mg_ipv4 *hop = dst;
    uint32_t mask = ipv4_mask(ip->prefix_len);
    if ((d & mask) != (ipv4_u32(&ip->addr) & mask)) {
        if (!ip->have_gateway) {
            ip->st.tx_no_route++;
            return MG_ETIMEDOUT;
        }
        hop = &ip->gateway;
    }
    int rc;
    if (!ipv4_in_input(ip)) {
        rc = ip->arp->ops->query(ip->arp, hop, mac, mg_clock_monotonic_ns() + MG_IPV4_ARP_WAIT_NS);
    } else if (ip->hold.on) {
        /* The receiving fiber cannot wait for an answer only it could
         * receive: ARP asks, the datagram is held until it answers. */
        rc = ip->arp->ops->lookup(ip->arp, hop, mac);
        if (rc == MG_EAGAIN) {
            *hop_out = hop;
            return 1;
        }
    } else {
        rc = ip->arp->ops->query(ip->arp, hop, mac, 0); /* only the cache will do */
    }
    if (rc < 0) {
        ip->st.tx_arp_failed++;
        if (mg_log_enabled(&ipv4_log, MG_LOG_DEBUG)) {
            char a[16];
            mg_ipv4_format(hop, a, sizeof a);
            mg_log_debug(&ipv4_log, "no MAC for %s: %s", a, mg_strerror(rc));
        }
    }
    return rc;
}

/* Complete a NEEDS_CSUM request in software over the gathered payload p. */
static int complete_csum(uint8_t *p, size_t plen, const struct mg_net_offload *off)
{
    size_t at = (size_t)off->csum_start + off->csum_offset;
    if (off->csum_start > plen || at + 2 > plen)
        return MG_EINVAL;
    /* The field holds the pseudo-header sum: summing over it adds it in. */
    uint16_t c = mg_inet_csum(p + off->csum_start, plen - off->csum_start, 0);
    p[at] = (uint8_t)(c >> 8);
    p[at + 1] = (uint8_t)c;
    return 0;
}

static size_t iov_len(const struct mg_iovec *iov, size_t niov)
{
    size_t n = 0;
    for (size_t i = 0; i < niov; i++)
        n += iov[i].len;
    return n;
}

int ipv4_send(struct ipv4 *ip, const struct mg_ipv4 *src, const struct mg_ipv4 *dst, uint8_t proto,
              const struct mg_net_offload *off, const struct mg_iovec *iov, size_t niov)
{
    size_t plen = iov_len(iov, niov);
    if (plen > IPV4_TOTAL_MAX - IPV4_HLEN)
        return MG_EINVAL;
    struct mg_mac mac;
    const struct mg_ipv4 *hop = NULL;
    int rc = next_hop_mac(ip, dst, &mac, &hop);
    if (rc < 0)
        return rc;
    if (rc > 0)
        return ipv4_hold_add(ip, hop, src, dst, proto, off, iov, niov, plen);
    return ipv4_send_mac(ip, &mac, src, dst, proto, off, iov, niov, plen);
}

int ipv4_send_mac(struct ipv4 *ip, const struct mg_mac *macp, const struct mg_ipv4 *src,
                  const struct mg_ipv4 *dst, uint8_t proto, const struct mg_net_offload *off,
                  const struct mg_iovec *iov, size_t niov, size_t plen)
{
    int rc;
    struct mg_mac mac = *macp;
    bool gso = off && off->gso_type != MG_NET_GSO_NONE;
    bool needs_csum = off && (off->flags & MG_NET_OFF_NEEDS_CSUM);
    size_t mtu = ip->eth->ops->mtu(ip->eth);
    if (mtu < IPV4_MIN_MTU)
        mtu = IPV4_MIN_MTU;
    bool fragment = !gso && IPV4_HLEN + plen > mtu;
    struct mg_iovec one;
    if (niov > IPV4_IOV_MAX - 1 || (fragment && needs_csum)) {
        /* Too many pieces for one frame's gather list, or a checksum to
         * finish before the datagram is cut: copy it once. */
        if (!ip->bounce && !(ip->bounce = malloc(IPV4_TOTAL_MAX)))
            return MG_ENOMEM;
        size_t o = 0;
        for (size_t i = 0; i < niov; i++) {
            memcpy(ip->bounce + o, iov[i].base, iov[i].len);
            o += iov[i].len;
        }
        if (fragment && needs_csum) {
            if ((rc = complete_csum(ip->bounce, plen, off)) < 0)
                return rc;
            off = NULL;
        }
        one.base = ip->bounce;
        one.len = plen;
        iov = &one;
        niov = 1;
    }
    struct ipv4_hdr h = {
        .hlen = IPV4_HLEN,
        .ttl = IPV4_TTL_DEFAULT,
        .proto = proto,
        .id = ip->next_id++,
        .src = *src,
        .dst = *dst,
    };
    uint8_t hdr[IPV4_HLEN];
    struct mg_iovec frame[IPV4_IOV_MAX];
    frame[0].base = hdr;
    frame[0].len = IPV4_HLEN;
    if (!fragment) {
        h.total_len = (uint16_t)(IPV4_HLEN + plen);
        if (gso) /* the segments' ids follow on from this one */
            ip->next_id = (uint16_t)(ip->next_id + plen / (off->gso_size ? off->gso_size : 1));
        ipv4_emit(hdr, &h);
        memcpy(frame + 1, iov, niov * sizeof *iov);
        if (off) {
            struct mg_net_offload o = *off;
            o.csum_start = (uint16_t)(o.csum_start + IPV4_HLEN);
            if (o.hdr_len)
                o.hdr_len = (uint16_t)(o.hdr_len + IPV4_HLEN);
            rc = ip->eth->ops->writev_off(ip->eth, &mac, MG_ETHERTYPE_IPV4, &o, frame, niov + 1);
        } else {
            rc = ip->eth->ops->writev(ip->eth, &mac, MG_ETHERTYPE_IPV4, frame, niov + 1);
        }
        if (rc < 0) {
            ip->st.tx_errors++;
            return rc;
        }
        ip->st.tx_packets++;
        return 0;
    }
    /* Fragments carry whole 8-byte blocks but the last. */
    size_t fsz = (mtu - IPV4_HLEN) & ~(size_t)7;
    for (size_t o = 0; o < plen; o += fsz) {
        size_t n = plen - o < fsz ? plen - o : fsz;
        h.total_len = (uint16_t)(IPV4_HLEN + n);
        h.frag_off = (uint16_t)o;
        h.mf = o + n < plen;
        ipv4_emit(hdr, &h);
        size_t k = iov_slice(iov, niov, o, n, frame + 1, IPV4_IOV_MAX - 1);
        rc = ip->eth->ops->writev(ip->eth, &mac, MG_ETHERTYPE_IPV4, frame, k + 1);
        if (rc < 0) {
            ip->st.tx_errors++;
            return rc;
        }
        ip->st.tx_fragments++;
    }
    ip->st.tx_packets++;
    return 0;
}
