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

/* Datagrams sent from the receiving fiber to a next hop ARP is still
 * asking for: held until it answers (Linux's unres_qlen: 3 per neighbour,
 * the oldest goes first), within a global bound, and for at most
 * IPV4_HOLD_NS should ARP never say (its own failure comes at about 3 s). */
#define IPV4_HOLD_PER_HOP 3
#define IPV4_HOLD_MAX 64
#define IPV4_HOLD_BYTES (256u * 1024u)
#define IPV4_HOLD_NS (MG_IPV4_ARP_WAIT_NS + 2000000000ull)
struct ipv4_held {
    struct ipv4_held *next;
    struct mg_ipv4 hop, src, dst;
    uint64_t expires;
    struct mg_net_offload off;
    bool has_off;
    uint8_t proto;
    size_t len;
    uint8_t data[]; /* the payload, len bytes */
};
struct ipv4_hold {
    struct ipv4_held *head; /* oldest first */
    size_t n, bytes;
    bool on; /* ARP tells us when queries end (else such sends are dropped) */
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
    struct ipv4_hold hold;
    struct mg_ipv4_stats st;
};

/* ipv4_input.c: the ethernet layer's handler for EtherType 0x0800. */
void ipv4_input(void *arg, const struct mg_mac *src, const struct mg_mac *dst,
                const uint8_t *payload, size_t len);
/* ipv4_output.c: send proto's payload from src to dst (both set), routing,
 * resolving and fragmenting (off: offload requests, or NULL). 0 or MG_E*. */
int ipv4_send(struct ipv4 *ip, const struct mg_ipv4 *src, const struct mg_ipv4 *dst, uint8_t proto,
              const struct mg_net_offload *off, const struct mg_iovec *iov, size_t niov);
/* ipv4_output.c: send to the link address mac (resolved already); plen is
 * the payload's length (at most IPV4_TOTAL_MAX - IPV4_HLEN). 0 or MG_E*. */
int ipv4_send_mac(struct ipv4 *ip, const struct mg_mac *mac, const struct mg_ipv4 *src,
                  const struct mg_ipv4 *dst, uint8_t proto, const struct mg_net_offload *off,
                  const struct mg_iovec *iov, size_t niov, size_t plen);
/* ipv4_hold.c: start holding (register with ARP; false if it cannot tell
 * us), keep a copy of a datagram for hop (0, or MG_ENOMEM: dropped and
 * counted), ARP's listener, and stop (unregister, drop what is held). */
void ipv4_hold_start(struct ipv4 *ip);
int ipv4_hold_add(struct ipv4 *ip, const struct mg_ipv4 *hop, const struct mg_ipv4 *src,
                  const struct mg_ipv4 *dst, uint8_t proto, const struct mg_net_offload *off,
                  const struct mg_iovec *iov, size_t niov, size_t len);
void ipv4_hold_stop(struct ipv4 *ip);

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
