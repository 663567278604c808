/* net.h: the NETWORK device (Mirage_net.S): Ethernet frames to and from one link.
 *
 * A frame is the whole Ethernet frame: destination MAC, source MAC,
 * EtherType, payload (no FCS). Frames go out through writev, gathered from
 * the caller's buffers and copied before writev returns; they may be held
 * back to be sent in a batch until flush() or until the batch is full, so a
 * burst costs one exit/system call, not one per frame: a caller that has
 * finished a burst (or is about to wait) calls flush.
 *
 * Frames come in through recv, which calls the caller's function for each
 * frame ready, in order; the frame's bytes belong to the device and are valid
 * only during that call (copy what you keep). recv waits (suspends the fiber)
 * only when no frame is ready.
 */
#ifndef MIRAGE_NET_H
#define MIRAGE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_ETH_HLEN 14
/* The largest frame any device of ours carries (jumbo-capable links included). */
#define MG_NET_FRAME_MAX (MG_ETH_HLEN + 9000)

struct mg_iovec {
    const void *base;
    size_t len;
};

struct mg_mac {
    uint8_t b[6];
};

struct mg_network_info {
    struct mg_mac mac; /* the link's own address */
    uint16_t mtu;      /* largest payload after the 14-byte header: 1500 by default */
    uint32_t offloads; /* MG_NET_OFFLOAD_*: what the host does for writev_off */
};

/* Offloads. writev_off asks for checksum completion and TCP segmentation
 * whatever the device: when info.offloads lacks the feature, the device
 * does the work in software before sending, so a stack can always build
 * large segments with partial checksums and let the bits below finish them
 * (the host's work when offloaded, one copy in software otherwise). */
#define MG_NET_OFFLOAD_CSUM 1u /* the host completes TCP/UDP checksums */
#define MG_NET_OFFLOAD_TSO4 2u /* the host cuts TCP/IPv4 segments (up to 64 KiB of IP) */

/* What one frame asks of the device (virtio_net_hdr's meaning). */
struct mg_net_offload {
    uint8_t flags;        /* MG_NET_OFF_NEEDS_CSUM */
    uint8_t gso_type;     /* MG_NET_GSO_NONE or MG_NET_GSO_TCPV4 */
    uint16_t hdr_len;     /* GSO: bytes of headers (Ethernet + IPv4 + TCP with options) */
    uint16_t gso_size;    /* GSO: TCP payload bytes per segment (the MSS) */
    uint16_t csum_start;  /* NEEDS_CSUM: where summing starts (the TCP/UDP header) */
    uint16_t csum_offset; /* NEEDS_CSUM: where the sum goes, from csum_start (16 TCP, 6 UDP) */
};
/* The checksum field holds the pseudo-header sum (mg_inet_pseudo_sum folded,
 * not inverted; for a GSO frame with the TCP length of the whole frame);
 * the device sums from csum_start to the end of the frame onto it and
 * stores the complement. */
#define MG_NET_OFF_NEEDS_CSUM 1u
#define MG_NET_GSO_NONE 0u
/* A TCP/IPv4 frame with more than gso_size payload bytes: the device sends
 * it as segments of gso_size (the last shorter), each with the headers
 * copied, IPv4 total length, id (+1 per segment) and checksum and the TCP
 * sequence number fixed, FIN and PSH only on the last segment, CWR only on
 * the first, checksums complete. Needs NEEDS_CSUM. The IPv4 total length
 * of the whole may exceed the MTU (at most 65535). */
#define MG_NET_GSO_TCPV4 1u

/* Flags of a received frame (rx_flags, during a recv callback). */
#define MG_NET_RX_CSUM_OK 1u /* its TCP/UDP checksum is known good: skip verification */
#define MG_NET_RX_GSO 2u     /* a TCP/IPv4 segment the host coalesced: may exceed the MTU */

struct mg_network_stats {
    uint64_t rx_bytes, rx_frames, rx_dropped; /* dropped: too long, malformed, no buffer */
    uint64_t tx_bytes, tx_frames, tx_errors;
};

/* One received frame (see recv). Return nothing: a layer that cannot use
 * a frame drops and counts it. */
typedef void (*mg_network_rx_fn)(void *arg, const uint8_t *frame, size_t len);

struct mg_network;
struct mg_network_ops {
    void (*info)(struct mg_network *n, struct mg_network_info *out);
    /* Queue one frame (total length 14..14+mtu). 0, MG_EINVAL (too short or
     * long), MG_ENOTCONN, MG_EIO. Waits while the link cannot take more. */
    int (*writev)(struct mg_network *n, const struct mg_iovec *iov, size_t niov);
    /* writev with offload requests (off NULL: as writev). A GSO frame may be
     * up to 14 + 65535 bytes; MG_EINVAL for requests that do not fit the
     * frame (checksum outside it, GSO without NEEDS_CSUM or not TCP/IPv4). */
    int (*writev_off)(struct mg_network *n, const struct mg_net_offload *off,
                      const struct mg_iovec *iov, size_t niov);
    /* Send what writev queued. 0 or MG_E*. */
    int (*flush)(struct mg_network *n);
    /* Call fn for each frame ready (at most max); if none is ready, flush
     * queued output and wait until one is, or until the monotonic deadline
     * (UINT64_MAX: none). The number delivered (> 0), MG_ETIMEDOUT,
     * MG_ECANCELED or MG_ENOTCONN. */
    int (*recv)(struct mg_network *n, mg_network_rx_fn fn, void *arg, int max,
                uint64_t deadline_ns);
    /* During a recv callback: MG_NET_RX_* flags of the frame delivered. */
    uint32_t (*rx_flags)(struct mg_network *n);
    void (*stats)(struct mg_network *n, struct mg_network_stats *out);
    /* Stop: pending recv calls return MG_ENOTCONN. */
    int (*disconnect)(struct mg_network *n);
};
struct mg_network {
    const struct mg_network_ops *ops;
    const char *name; /* "service", "eth1", ... */
};

static inline void mg_network_info(struct mg_network *n, struct mg_network_info *out)
{
    n->ops->info(n, out);
}
static inline int mg_network_writev(struct mg_network *n, const struct mg_iovec *iov, size_t niov)
{
    return n->ops->writev(n, iov, niov);
}
static inline int mg_network_writev_off(struct mg_network *n, const struct mg_net_offload *off,
                                        const struct mg_iovec *iov, size_t niov)
{
    return n->ops->writev_off(n, off, iov, niov);
}
static inline int mg_network_flush(struct mg_network *n) { return n->ops->flush(n); }
static inline int mg_network_recv(struct mg_network *n, mg_network_rx_fn fn, void *arg, int max,
                                  uint64_t deadline_ns)
{
    return n->ops->recv(n, fn, arg, max, deadline_ns);
}

/* NETWORK over the platform's network device plat_name (unix: the tap
 * interface; spt/hvt: the tender's --net:NAME=TAP), seen by the unikernel
 * as name. mac (text, may be NULL) replaces the platform's address (unix
 * picks a random locally administered one). 0, MG_ENOENT (no such
 * device), MG_EPERM, MG_EINVAL (bad mac), MG_ENOMEM. (lib/netif) */
int mg_netif_connect(struct mg_network **out, const char *name, const char *plat_name,
                     const char *mac);

/* MAC text "02:00:00:00:00:01" <-> value. Parse: 0 or MG_EINVAL; format needs 18 bytes. */
int mg_mac_parse(const char *s, struct mg_mac *out);
int mg_mac_format(const struct mg_mac *m, char *buf, unsigned long size);

#endif
