/* arp.h: the ARPV4 device (RFC 826, RFC 5227): IPv4 to MAC resolution on one link. */
#ifndef MIRAGE_ARP_H
#define MIRAGE_ARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mirage/ipaddr.h>
#include <mirage/net.h>

struct mg_arpv4;
/* A query under way ended: mac is ip's answer, or NULL when it failed (no
 * answer after the retries, or the query was pushed out of a full cache). */
typedef void (*mg_arpv4_resolved_fn)(void *arg, const struct mg_ipv4 *ip,
                                     const struct mg_mac *mac);
struct mg_arpv4_ops {
    /* The MAC of ip: from the cache, or by asking (requests retried on a
     * schedule) and waiting until an answer or the monotonic deadline.
     * 0, MG_ETIMEDOUT (no answer: the host is unreachable), MG_ECANCELED. */
    int (*query)(struct mg_arpv4 *a, const struct mg_ipv4 *ip, struct mg_mac *out,
                 uint64_t deadline_ns);
    /* The addresses this host answers for (and announces with gratuitous
     * ARP when set, after probing them per RFC 5227 unless told not to:
     * then the call waits for the probes, and returns MG_EEXIST if another
     * host holds one of them; the address is used anyway, with an error
     * logged, since the configuration asked for it). 0, MG_EEXIST,
     * MG_EINVAL (more addresses than ARP keeps: 8), MG_ECANCELED. */
    int (*set_ips)(struct mg_arpv4 *a, const struct mg_ipv4 *ips, size_t n);
    int (*add_ip)(struct mg_arpv4 *a, const struct mg_ipv4 *ip);
    int (*remove_ip)(struct mg_arpv4 *a, const struct mg_ipv4 *ip);
    /* Copy up to max addresses into out; the number this host has. */
    size_t (*get_ips)(struct mg_arpv4 *a, struct mg_ipv4 *out, size_t max);
    /* Stop: no more answers or timers; waiting and later calls return
     * MG_ENOTCONN. The handle stays valid. 0. */
    int (*disconnect)(struct mg_arpv4 *a);
    /* Added later: other implementations may leave these NULL (callers check). */
    /* The MAC of ip without waiting or yielding: 0 with *out; MG_EAGAIN
     * when it is not known yet and a query is under way (started by this
     * call if need be: its first request is sent at once, the retries on
     * query's schedule); MG_ETIMEDOUT (no answer recently), MG_ENOTCONN.
     * For the receiving fiber, which cannot wait for an answer only it
     * could receive. */
    int (*lookup)(struct mg_arpv4 *a, const struct mg_ipv4 *ip, struct mg_mac *out);
    /* Call fn(arg, ...) each time a query under way ends (see
     * mg_arpv4_resolved_fn). One listener: fn NULL removes it; MG_EBUSY if
     * another is set, MG_ENOTCONN after disconnect; else 0. fn is called
     * from the receiving fiber or ARP's timer fiber, from inside ARP's own
     * processing: it must not wait and must not call ARP. None after
     * disconnect. */
    int (*set_resolved)(struct mg_arpv4 *a, mg_arpv4_resolved_fn fn, void *arg);
};
struct mg_arpv4 {
    const struct mg_arpv4_ops *ops;
};

struct mg_ethernet;
/* The ARPV4 device on e (arp). It registers itself for ARP frames on e and
 * runs one fiber for its timers (retries, expiry, probes, announcements).
 * probe: probe each address set per RFC 5227 (about 2 to 7 s, set_ips
 * waits; MG_EEXIST when another host answered for it) before announcing
 * it; false: announce at once. 0, MG_ENOMEM. (lib/arp) */
int mg_arpv4_connect(struct mg_arpv4 **out, struct mg_ethernet *e, bool probe);

/* What ARP saw and did (for tests and the curious). */
struct mg_arpv4_stats {
    uint64_t rx_requests, rx_replies, rx_malformed, tx_requests, tx_replies, tx_probes,
        tx_announces, conflicts, evictions, failed_queries;
};
void mg_arpv4_stats(struct mg_arpv4 *a, struct mg_arpv4_stats *out);

#endif
