/* ip.h: the IP layers (IPV4, IPV6, IPV4V6; Tcpip.Ip.S): datagrams to and from hosts.
 *
 * Every version has the same handle: addresses are struct mg_ip values
 * (<mirage/ipaddr.h>); an IPv4-only layer refuses IPv6 addresses with
 * MG_EINVAL (and the other way round), a dual layer takes both.
 * Datagrams larger than the path MTU are fragmented on send (IPv4) and
 * reassembled on receipt within bounded memory and time.
 */
#ifndef MIRAGE_IP_H
#define MIRAGE_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mirage/ipaddr.h>
#include <mirage/net.h>

#define MG_IPPROTO_ICMP 1
#define MG_IPPROTO_TCP 6
#define MG_IPPROTO_UDP 17
#define MG_IPPROTO_ICMPV6 58

/* One received datagram's payload (after reassembly), valid during the call. */
typedef void (*mg_ip_input_fn)(void *arg, const struct mg_ip *src, const struct mg_ip *dst,
                               const uint8_t *payload, size_t len);

/* An ICMP error about a datagram we sent, valid during the call: who
 * reported it, the ICMP (v4) or ICMPv6 type and code, the original
 * datagram's addresses and the start of its payload as quoted (at least
 * the first 8 bytes: the ports of UDP and TCP). */
struct mg_ip_error {
    struct mg_ip reporter;
    uint8_t type, code;
    uint16_t mtu; /* next-hop MTU of "fragmentation needed" (v4 type 3 code 4), else 0 */
    struct mg_ip src, dst;
    uint8_t proto;
    const uint8_t *payload;
    size_t len;
};
typedef void (*mg_ip_error_fn)(void *arg, const struct mg_ip_error *e);

struct mg_ip_layer;
struct mg_ip_layer_ops {
    /* Send payload to dst with protocol proto, from src (NULL: the address
     * the layer picks for dst). 0, MG_EINVAL (bad address or too large),
     * MG_ETIMEDOUT (no route or neighbour), MG_ENOTCONN, MG_EIO. May wait
     * for neighbour resolution. */
    int (*writev)(struct mg_ip_layer *ip, const struct mg_ip *src, const struct mg_ip *dst,
                  uint8_t proto, const struct mg_iovec *iov, size_t niov);
    int (*flush)(struct mg_ip_layer *ip);
    /* Deliver datagrams of protocol proto to fn (one handler per protocol;
     * NULL removes). Unknown protocols get ICMP protocol unreachable. */
    int (*set_input)(struct mg_ip_layer *ip, uint8_t proto, mg_ip_input_fn fn, void *arg);
    /* The source address used towards dst: 0 or MG_EINVAL. */
    int (*src)(struct mg_ip_layer *ip, const struct mg_ip *dst, struct mg_ip *out);
    /* The largest payload one datagram to dst carries without fragments. */
    size_t (*mtu)(struct mg_ip_layer *ip, const struct mg_ip *dst);
    /* The configured addresses with their prefixes: copies up to max, returns how many there are. */
    size_t (*configured)(struct mg_ip_layer *ip, struct mg_ip *addrs, uint8_t *prefix_lens,
                         size_t max);
    /* Report an ICMP error back to src about a datagram we received (for
     * UDP's port unreachable): type/code of ICMP (v4) or ICMPv6 (v6). orig
     * and orig_len are the payload an input handler was given, and the call
     * is made from that handler: the layer quotes the original header it
     * is dispatching. No error is sent about broadcast or multicast
     * datagrams or non-initial fragments, and errors are rate-limited:
     * 0 when sent or suppressed by those rules, MG_EINVAL (not called from
     * an input handler of that datagram), MG_E* from sending. */
    int (*icmp_error)(struct mg_ip_layer *ip, const struct mg_ip *src, const struct mg_ip *dst,
                      uint8_t type, uint8_t code, const uint8_t *orig, size_t orig_len);
    /* Deliver ICMP errors received about datagrams of protocol proto that we
     * sent (port or host unreachable, fragmentation needed, ...) to fn (one
     * handler per protocol; NULL removes). Without a handler they are
     * logged and counted. Called from the receiving fiber: must not wait. */
    int (*set_error_input)(struct mg_ip_layer *ip, uint8_t proto, mg_ip_error_fn fn, void *arg);
    /* writev with offload requests for the transport (see <mirage/net.h>):
     * off's csum_start and hdr_len count from the start of iov (the
     * transport header); the layer adds its own header's length. A GSO
     * datagram (gso_type not MG_NET_GSO_NONE) is never fragmented: the
     * device cuts it. A datagram with NEEDS_CSUM that must be fragmented
     * gets its checksum completed here first. off NULL: as writev. */
    int (*writev_off)(struct mg_ip_layer *ip, const struct mg_ip *src, const struct mg_ip *dst,
                      uint8_t proto, const struct mg_net_offload *off, const struct mg_iovec *iov,
                      size_t niov);
    /* During an input handler's call: the MG_NET_RX_* flags of the frame
     * that carried the datagram (0 for a reassembled one, and elsewhere). */
    uint32_t (*rx_flags)(struct mg_ip_layer *ip);
};
struct mg_ip_layer {
    const struct mg_ip_layer_ops *ops;
};

/* The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of data (read as big-endian 16-bit words, an odd last byte
 * padded with zero) plus initial. The result is in host order: store it
 * big-endian in the checksum field. Over data whose checksum field is
 * right (with the same initial) it returns 0.
 * mg_inet_pseudo_sum: the TCP/UDP pseudo-header sum for either version
 * (RFC 768/793 for v4, RFC 8200 for v6), not complemented, to pass as
 * initial: mg_inet_csum(seg, len, mg_inet_pseudo_sum(&src, &dst, 6, len)). */
uint16_t mg_inet_csum(const void *data, size_t len, uint32_t initial);
/* The same over the concatenation of iov's buffers (any lengths). */
uint16_t mg_inet_csum_iov(const struct mg_iovec *iov, size_t niov, uint32_t initial);
uint32_t mg_inet_pseudo_sum(const struct mg_ip *src, const struct mg_ip *dst, uint8_t proto,
                            uint32_t len);

#endif
