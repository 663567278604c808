/* ethernet.h: the ETHERNET layer (the seed's etif): framing and dispatch by EtherType. */
#ifndef MIRAGE_ETHERNET_H
#define MIRAGE_ETHERNET_H

#include <mirage/net.h>

#define MG_ETHERTYPE_IPV4 0x0800
#define MG_ETHERTYPE_ARP 0x0806
#define MG_ETHERTYPE_IPV6 0x86dd

/* One received payload: the frame's addresses, and its payload (valid
 * during the call only). */
typedef void (*mg_ethernet_input_fn)(void *arg, const struct mg_mac *src, const struct mg_mac *dst,
                                     const uint8_t *payload, size_t len);

/* Frames received and not delivered, by reason. */
struct mg_ethernet_stats {
    uint64_t rx_short;        /* shorter than the header */
    uint64_t rx_not_ours;     /* unicast to another MAC */
    uint64_t rx_vlan;         /* 802.1Q / 802.1ad tagged: no VLANs here */
    uint64_t rx_unknown_type; /* no handler for the EtherType (or a length field) */
    uint64_t rx_delivered;
};

struct mg_ethernet;
struct mg_ethernet_ops {
    void (*mac)(struct mg_ethernet *e, struct mg_mac *out);
    uint16_t (*mtu)(struct mg_ethernet *e); /* payload bytes */
    /* Send payload (gathered from iov) to dst with the EtherType; the header
     * is added here. As mg_network's writev (batched until flush). */
    int (*writev)(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t ethertype,
                  const struct mg_iovec *iov, size_t niov);
    /* writev with offload requests (see <mirage/net.h>); off's csum_start
     * and hdr_len count from the payload's start, not the frame's. */
    int (*writev_off)(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t ethertype,
                      const struct mg_net_offload *off, const struct mg_iovec *iov, size_t niov);
    int (*flush)(struct mg_ethernet *e);
    /* The link's MG_NET_OFFLOAD_* (informational: writev_off works without). */
    uint32_t (*offloads)(struct mg_ethernet *e);
    /* During an input call: the MG_NET_RX_* flags of the frame delivered. */
    uint32_t (*rx_flags)(struct mg_ethernet *e);
    /* Deliver frames of this EtherType to fn (one handler per type;
     * registering again replaces it; fn NULL removes it). Frames for other
     * hosts' unicast addresses and unknown types are dropped and counted. */
    int (*set_input)(struct mg_ethernet *e, uint16_t ethertype, mg_ethernet_input_fn fn, void *arg);
    /* Receive and dispatch frames until the device disconnects or the
     * calling fiber is cancelled (the stack runs this in its own fiber).
     * Returns MG_ENOTCONN or MG_ECANCELED. */
    int (*listen)(struct mg_ethernet *e);
    void (*stats)(struct mg_ethernet *e, struct mg_ethernet_stats *out);
};
struct mg_ethernet {
    const struct mg_ethernet_ops *ops;
};

/* The ETHERNET layer over n (etif). It owns no fiber: listen runs in the
 * caller's. 0 or MG_ENOMEM. (lib/ethernet) */
int mg_ethernet_connect(struct mg_ethernet **out, struct mg_network *n);

/* Header helpers for code that builds or reads frames itself. */
struct mg_eth_hdr {
    struct mg_mac dst, src;
    uint16_t type; /* host order */
};
/* Parse the first 14 bytes of frame: 0, or MG_EINVAL if len < 14. */
int mg_eth_parse(const uint8_t *frame, size_t len, struct mg_eth_hdr *out);
/* Write the 14-byte header to out. */
void mg_eth_emit(const struct mg_eth_hdr *h, uint8_t out[MG_ETH_HLEN]);

#endif
