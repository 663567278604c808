/* ipv4_layer.h: the direct IPv4 layer's state, shared by its files (connect, input, output, ICMP).
 */
#ifndef MG_IPV4_LAYER_H
#define MG_IPV4_LAYER_H

#include <mirage/fiber.h>
#include <mirage/ipv4.h>
#include <mirage/log.h>

#include "ipv4_reasm.h"
#include "ipv4_wire.h"

extern struct mg_log_src ipv4_log, icmp_log;

/* ICMP errors sent: a token bucket (Linux: 1000/s, burst 50; a unikernel
 * has less to spare). */
#define ICMP_RATE_PER_S 100
#define ICMP_RATE_BURST 50
struct icmp_rate {
    uint64_t last_ns;
    uint64_t tokens_ns; /* credit, in ns of refill: one token = 1e9 / ICMP_RATE_PER_S */
};
/* May one error be sent at now? Takes a token if so. */
bool icmp_rate_take(struct icmp_rate *r, uint64_t now);

/* Gathered sends: the header plus at most this many pieces of payload in
 * one frame; more are copied into the layer's bounce buffer first. */
#define IPV4_IOV_MAX 16

struct ipv4_handler {
    mg_ip_input_fn fn;
    void *arg;
};
struct ipv4_err_handler {
    mg_ip_error_fn fn;
    void *arg;
};

/* The datagram being dispatched to an input handler (for icmp_error). */
struct ipv4_current {
    const struct ipv4_hdr *hdr;
    const uint8_t *raw_hdr; /* hdr->hlen bytes */
    const uint8_t *payload;
    size_t len;
    bool link_broadcast; /* came to a broadcast or multicast MAC */
    bool to_broadcast;   /* to a broadcast or multicast IP */
    uint32_t rx_flags;   /* the link's MG_NET_RX_* for it (0 if reassembled) */
};

struct ipv4 {
    struct mg_ip_layer pub;
    struct mg_ethernet *eth;
    struct mg_arpv4 *arp;
    bool have_addr, have_gateway, no_init, echo;
    bool init_pending; /* connected with defer_init: ARP not told yet */
    struct mg_ipv4 addr, gateway;
    uint8_t prefix_len;
    uint16_t next_id;
    int in_input;                 /* > 0 while a received datagram is dispatched ... */
    struct mg_fiber *input_fiber; /* ... by this fiber (ARP may yield even so) */
    struct ipv4_current cur;
    struct ipv4_handler input[256];
    struct ipv4_err_handler err[256];
    struct ipv4_reasm reasm;
    struct icmp_rate rate;
    uint8_t *bounce; /* IPV4_TOTAL_MAX bytes, allocated on first need */
    struct mg_ipv4_stats st;
};

/* ipv4_input.c: the ethernet layer's handler for EtherType 0x0800. */
void ipv4_input(void *arg, const struct mg_mac *src, const struct mg_mac *dst,
                const uint8_t *payload, size_t len);
/* ipv4_output.c: send proto's payload from src to dst (both set), routing,
 * resolving and fragmenting (off: offload requests, or NULL). 0 or MG_E*. */
int ipv4_send(struct ipv4 *ip, const struct mg_ipv4 *src, const struct mg_ipv4 *dst, uint8_t proto,
              const struct mg_net_offload *off, const struct mg_iovec *iov, size_t niov);
/* icmp4.c: a received ICMP message; and errors about a received datagram. */
void icmp4_input(struct ipv4 *ip, const struct ipv4_hdr *h, const uint8_t *p, size_t len,
                 bool to_broadcast);
int icmp4_send_error(struct ipv4 *ip, uint8_t type, uint8_t code, uint16_t mtu,
                     const struct ipv4_hdr *orig, const uint8_t *orig_raw, size_t orig_hlen,
                     const uint8_t *orig_payload, size_t orig_len, bool orig_broadcast);

/* Is the caller the receiving fiber, dispatching a datagram? It must not wait. */
bool ipv4_in_input(const struct ipv4 *ip);

/* Is a an address of this host's subnet broadcast, or the limited broadcast? */
bool ipv4_is_broadcast(const struct ipv4 *ip, uint32_t a);

#endif
