/* ipv4.h: the direct IPv4 layer (RFC 791, 1122) with ICMP (RFC 792): connect, configuration,
 * counters.
 *
 * The layer is a struct mg_ip_layer (<mirage/ip.h>) over an ETHERNET and
 * an ARPV4 device. It receives IPv4 frames from the ethernet layer (whose
 * receiving fiber the stack runs) and:
 *  - checks every header (version, lengths, checksum, options; source-
 *    routed datagrams are dropped), keeps datagrams for its own address,
 *    its subnet's broadcast and 255.255.255.255 (any destination while it
 *    has no address, for DHCP), and counts every drop by reason;
 *  - reassembles fragments in bounded memory and time (lib/ipv4/ipv4_reasm.h);
 *  - answers ICMP echo (not sent to a broadcast address), sends protocol
 *    unreachable for protocols nobody handles, delivers ICMP errors to the
 *    protocol's error handler, and rate-limits the errors it sends.
 * Sending routes on-link when the destination is in the configured prefix,
 * else through the gateway, resolving the next hop with ARP; datagrams
 * larger than the link MTU are fragmented.
 *
 * Sends made while the layer dispatches a received datagram (replies from
 * input handlers, which run in the receiving fiber) never wait: if the
 * next hop's MAC is not known at once, ARP's request goes out at once and
 * the datagram is copied and held (returning 0) until ARP answers, then
 * sent; it is dropped and counted if ARP fails (about 3 s) or after
 * MG_IPV4_ARP_WAIT_NS + 2 s. At most 3 are held per next hop (the newest
 * win, as Linux's unres_qlen), 64 and 256 KiB in all. (With an ARPV4
 * device without lookup/set_resolved such sends are dropped and counted.)
 * Elsewhere a send waits for ARP up to MG_IPV4_ARP_WAIT_NS.
 */
#ifndef MIRAGE_IPV4_H
#define MIRAGE_IPV4_H

#include <stdbool.h>
#include <stdint.h>

#include <mirage/arp.h>
#include <mirage/ethernet.h>
#include <mirage/ip.h>

#define MG_IPV4_ARP_WAIT_NS (3ull * 1000000000ull)

struct mg_ipv4_stats {
    uint64_t rx_packets, rx_delivered, tx_packets, tx_fragments;
    /* drops on receipt */
    uint64_t rx_truncated, rx_bad_version, rx_bad_hlen, rx_bad_len, rx_bad_csum, rx_bad_options,
        rx_source_routed, rx_bad_fragment, rx_bad_source, rx_not_for_us, rx_no_protocol;
    /* reassembly */
    uint64_t frag_received, frag_reassembled, frag_timeouts, frag_evicted, frag_overlaps,
        frag_no_memory;
    /* ICMP */
    uint64_t icmp_rx, icmp_bad_csum, icmp_bad_msg, icmp_echo_replied, icmp_echo_ignored,
        icmp_errors_rx, icmp_errors_unhandled, icmp_errors_tx, icmp_errors_rate_limited;
    /* sending */
    uint64_t tx_no_route, tx_arp_failed, tx_errors;
    /* held for ARP (from the receiving fiber): held, sent once ARP
     * answered, dropped (ARP failed, too late, or the layer disconnected),
     * pushed out by the bounds (or no memory for a copy) */
    uint64_t tx_held, tx_held_sent, tx_held_dropped, tx_held_overflow;
};

/* Connect the layer. cidr: the address and prefix (NULL or 0.0.0.0: none
 * yet, as with DHCP until a lease); gateway: NULL for none. Unless
 * no_init, ARP is told the address (set_ips: it answers for it and
 * announces it). icmp_echo: answer pings. 0, MG_EINVAL (a gateway outside
 * the prefix, a prefix longer than 30 bits for a host address, ...),
 * MG_ENOMEM. */
struct mg_ipv4_opts {
    bool no_init;
    /* Tell ARP later, in mg_ipv4_init: a stack does so once its receiving
     * fiber runs, so that ARP's probes (RFC 5227) can hear a conflict. */
    bool defer_init;
    bool no_icmp_echo;
    size_t reasm_max_bytes; /* 0: 256 KiB */
};
int mg_ipv4_connect(struct mg_ip_layer **out, struct mg_ethernet *eth, struct mg_arpv4 *arp,
                    const struct mg_ipv4_prefix *cidr, const struct mg_ipv4 *gateway,
                    const struct mg_ipv4_opts *opts);

/* The ARP part of a connect with defer_init (nothing otherwise, or with
 * no_init, or without an address): 0, MG_EEXIST (ARP found the address in
 * use), MG_E* from ARP; MG_EINVAL if ip is not a direct IPv4 layer. */
int mg_ipv4_init(struct mg_ip_layer *ip);

/* Change the address (cidr NULL: none) and gateway (NULL: none), telling
 * ARP (remove the old address, add the new) unless no_init: DHCP's hook.
 * 0, MG_EINVAL (ip is not a direct IPv4 layer, or a bad configuration). */
int mg_ipv4_set_config(struct mg_ip_layer *ip, const struct mg_ipv4_prefix *cidr,
                       const struct mg_ipv4 *gateway);
/* Unregister from the ethernet layer and free the layer (ARP keeps its
 * addresses). Nothing may use ip afterwards. */
void mg_ipv4_disconnect(struct mg_ip_layer *ip);
/* The counters; MG_EINVAL if ip is not a direct IPv4 layer. */
int mg_ipv4_stats(struct mg_ip_layer *ip, struct mg_ipv4_stats *out);

/* The dual layer of create_ipv4v6: the IPv6 protocol is not implemented
 * yet, so with IPv6 disabled it is the IPv4 layer itself, which refuses
 * IPv6 addresses with MG_EINVAL. v6 is the layer of mg_ipv6_connect.
 * ipv6_only: refused (MG_ENOTSUP, logged). */
int mg_ipv4v6_connect(struct mg_ip_layer **out, struct mg_ip_layer *v4, struct mg_ip_layer *v6,
                      bool ipv4_only, bool ipv6_only);
/* The IPv6 layer of create_ipv6, disabled: the protocol is not implemented
 * yet. Every send returns MG_ENOTSUP; it has no address. Given an address
 * or gateway (cidr, gateway not NULL), connect fails with MG_ENOTSUP and a
 * logged reason rather than pretend. */
int mg_ipv6_connect(struct mg_ip_layer **out, struct mg_network *net, struct mg_ethernet *eth,
                    const struct mg_ipv6_prefix *cidr, const struct mg_ipv6 *gateway);

#endif
