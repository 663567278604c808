/* ethernet.c: the ETHERNET layer: framing, filtering by destination, dispatch by EtherType. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/ethernet.h>
#include <mirage/log.h>

MG_LOG_SRC(eth_log, "ethernet", "Ethernet framing and dispatch");

/* Frames taken from the device per recv call; output is flushed after each. */
#define ETH_BATCH 32
/* Payload types with a handler at once: IPv4, ARP, IPv6 and one more. */
#define ETH_HANDLERS 4
/* Gather lists longer than this are refused (the header takes a slot). */
#define ETH_IOV_MAX 16
/* The shortest frame on the wire without its FCS: shorter ones are padded. */
#define ETH_FRAME_MIN 60

struct eth_handler {
    uint16_t type;
    mg_ethernet_input_fn fn;
    void *arg;
};

struct eth {
    struct mg_ethernet base;
    struct mg_network *net;
    struct mg_mac mac;
    uint16_t mtu;
    uint32_t offloads;
    struct eth_handler h[ETH_HANDLERS];
    struct mg_ethernet_stats st;
};

static const uint8_t eth_zeroes[ETH_FRAME_MIN];

static struct eth *eth(struct mg_ethernet *e) { return (struct eth *)e; }

static void eth_mac(struct mg_ethernet *e, struct mg_mac *out) { *out = eth(e)->mac; }
static uint16_t eth_mtu(struct mg_ethernet *e) { return eth(e)->mtu; }
static uint32_t eth_offloads(struct mg_ethernet *e) { return eth(e)->offloads; }
static void eth_stats(struct mg_ethernet *e, struct mg_ethernet_stats *out) { *out = eth(e)->st; }

static uint32_t eth_rx_flags(struct mg_ethernet *e)
{
    struct mg_network *n = eth(e)->net;
    return n->ops->rx_flags ? n->ops->rx_flags(n) : 0;
}

/* The header, the payload, and padding up to the minimum frame: the gather
 * list for the device in v; its length, or 0 if iov is too long. */
static size_t frame_iov(struct eth *x, const struct mg_mac *dst, uint16_t type,
                        const struct mg_iovec *iov, size_t niov, uint8_t hdr[MG_ETH_HLEN],
                        struct mg_iovec v[ETH_IOV_MAX + 2])
{
    if (niov > ETH_IOV_MAX)
        return 0;
    mg_eth_emit(&(struct mg_eth_hdr){*dst, x->mac, type}, hdr);
    v[0] = (struct mg_iovec){hdr, MG_ETH_HLEN};
    size_t total = MG_ETH_HLEN;
    for (size_t i = 0; i < niov; i++) {
        v[i + 1] = iov[i];
        total += iov[i].len;
    }
    size_t nv = niov + 1;
    if (total < ETH_FRAME_MIN)
        v[nv++] = (struct mg_iovec){eth_zeroes, ETH_FRAME_MIN - total};
    return nv;
}

static int eth_writev(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t type,
                      const struct mg_iovec *iov, size_t niov)
{
    struct eth *x = eth(e);
    uint8_t hdr[MG_ETH_HLEN];
    struct mg_iovec v[ETH_IOV_MAX + 2];
    size_t nv = frame_iov(x, dst, type, iov, niov, hdr, v);
    if (nv == 0)
        return MG_EINVAL;
    return mg_network_writev(x->net, v, nv);
}

static int eth_writev_off(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t type,
                          const struct mg_net_offload *off, const struct mg_iovec *iov,
                          size_t niov)
{
    if (!off)
        return eth_writev(e, dst, type, iov, niov);
    struct eth *x = eth(e);
    uint8_t hdr[MG_ETH_HLEN];
    struct mg_iovec v[ETH_IOV_MAX + 2];
    size_t nv = frame_iov(x, dst, type, iov, niov, hdr, v);
    if (nv == 0 || off->csum_start > 0xffff - MG_ETH_HLEN || off->hdr_len > 0xffff - MG_ETH_HLEN)
        return MG_EINVAL;
    /* Offsets count from the frame below this layer. */
    struct mg_net_offload o = *off;
    if (o.flags & MG_NET_OFF_NEEDS_CSUM)
        o.csum_start = (uint16_t)(o.csum_start + MG_ETH_HLEN);
    if (o.gso_type != MG_NET_GSO_NONE)
        o.hdr_len = (uint16_t)(o.hdr_len + MG_ETH_HLEN);
    return mg_network_writev_off(x->net, &o, v, nv);
}

static int eth_flush(struct mg_ethernet *e) { return mg_network_flush(eth(e)->net); }

static int eth_set_input(struct mg_ethernet *e, uint16_t type, mg_ethernet_input_fn fn, void *arg)
{
    struct eth *x = eth(e);
    struct eth_handler *free_slot = NULL;
    for (int i = 0; i < ETH_HANDLERS; i++) {
        if (x->h[i].fn && x->h[i].type == type) {
            x->h[i].fn = fn;
            x->h[i].arg = arg;
            return 0;
        }
        if (!x->h[i].fn && !free_slot)
            free_slot = &x->h[i];
    }
    if (!fn)
        return 0;
    if (!free_slot)
        return MG_ENOSPC;
    *free_slot = (struct eth_handler){type, fn, arg};
    return 0;
}

static bool is_vlan(uint16_t type) { return type == 0x8100 || type == 0x88a8 || type == 0x9100; }

/* One frame from the device: ours (unicast to us, broadcast, multicast), untagged, handled. */
static void eth_input(void *arg, const uint8_t *frame, size_t len)
{
    struct eth *x = arg;
    struct mg_eth_hdr h;
    if (mg_eth_parse(frame, len, &h) < 0) {
        x->st.rx_short++;
        return;
    }
    bool group = (h.dst.b[0] & 1) != 0; /* broadcast is a multicast address too */
    if (!group && memcmp(h.dst.b, x->mac.b, 6) != 0) {
        x->st.rx_not_ours++;
        return;
    }
    if (is_vlan(h.type)) {
        x->st.rx_vlan++;
        return;
    }
    for (int i = 0; i < ETH_HANDLERS; i++) {
        if (x->h[i].fn && x->h[i].type == h.type) {
            x->st.rx_delivered++;
            x->h[i].fn(x->h[i].arg, &h.src, &h.dst, frame + MG_ETH_HLEN, len - MG_ETH_HLEN);
            return;
        }
    }
    x->st.rx_unknown_type++;
    if (mg_log_enabled(&eth_log, MG_LOG_DEBUG))
        mg_log_debug(&eth_log, "%s: dropped a frame of type 0x%04x", x->net->name, h.type);
}

static int eth_listen(struct mg_ethernet *e)
{
    struct eth *x = eth(e);
    for (;;) {
        int rc = mg_network_recv(x->net, eth_input, x, ETH_BATCH, UINT64_MAX);
        if (rc < 0)
            return rc;
        /* What the handlers answered goes out with the batch, not frame by frame. */
        mg_network_flush(x->net);
    }
}

static const struct mg_ethernet_ops eth_ops = {
    .mac = eth_mac,
    .mtu = eth_mtu,
    .writev = eth_writev,
    .writev_off = eth_writev_off,
    .flush = eth_flush,
    .offloads = eth_offloads,
    .rx_flags = eth_rx_flags,
    .set_input = eth_set_input,
    .listen = eth_listen,
    .stats = eth_stats,
};

int mg_ethernet_connect(struct mg_ethernet **out, struct mg_network *n)
{
    struct eth *x = calloc(1, sizeof *x);
    if (!x)
        return MG_ENOMEM;
    x->base.ops = &eth_ops;
    x->net = n;
    struct mg_network_info info;
    mg_network_info(n, &info);
    x->mac = info.mac;
    x->mtu = info.mtu;
    x->offloads = info.offloads;
    *out = &x->base;
    return 0;
}
