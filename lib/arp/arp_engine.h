/* arp_engine.h: ARP (RFC 826) with RFC 5227 probing, as a state machine without I/O or clock.
 *
 * The caller feeds it packets (arp_input), the time (every call takes now,
 * monotonic ns) and asks it questions (arp_lookup); it answers through the
 * output function and tells when it next needs arp_tick. It allocates
 * nothing after arp_init. One engine per link.
 */
#ifndef ARP_ENGINE_H
#define ARP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/arp.h>
#include <mirage/ipaddr.h>
#include <mirage/net.h>

#define ARP_PKT_LEN 28
#define ARP_IPS_MAX 8
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

struct arp_cfg {
    size_t cache_max;        /* entries kept; the least recently used goes first */
    uint64_t ttl_ns;         /* how long an answer is believed */
    uint64_t refresh_ns;     /* an entry used this close to its end is asked again */
    uint64_t retry_ns;       /* between requests for one address */
    int requests;            /* requests sent before a query fails */
    uint64_t fail_hold_ns;   /* a failed address fails at once for this long */
    /* RFC 5227 (section 1.1), probe_num 0: no probing. */
    int probe_num;
    uint64_t probe_wait_ns, probe_min_ns, probe_max_ns;
    int announce_num;
    uint64_t announce_wait_ns, announce_interval_ns, defend_interval_ns;
};
/* The RFC's numbers, 256 entries, 60 s lifetime, 3 requests 1 s apart. */
void arp_cfg_default(struct arp_cfg *c);

/* Send one 28-byte ARP packet to dst (the Ethernet header is the caller's). */
typedef void (*arp_out_fn)(void *ctx, const struct mg_mac *dst, const uint8_t pkt[ARP_PKT_LEN]);
/* Something a waiter may care about happened: an address resolved or
 * failed, or a probe finished. */
typedef void (*arp_event_fn)(void *ctx);
/* Log a conflict: ip is claimed by mac. */
typedef void (*arp_conflict_fn)(void *ctx, const struct mg_ipv4 *ip, const struct mg_mac *mac,
                                bool while_probing);

enum arp_entry_state { ARP_FREE, ARP_PENDING, ARP_RESOLVED, ARP_FAILED };
struct arp_entry {
    enum arp_entry_state state;
    struct mg_ipv4 ip;
    struct mg_mac mac;
    uint64_t expires;   /* resolved: end of belief; failed: end of the hold */
    uint64_t next;      /* pending: next request; resolved: next refresh allowed */
    uint64_t last_used; /* for eviction */
    int sent;           /* requests sent */
};

enum arp_ip_state { ARP_IP_PROBING, ARP_IP_ANNOUNCING, ARP_IP_HELD };
struct arp_ip {
    struct mg_ipv4 ip;
    enum arp_ip_state state;
    int sent;            /* probes or announcements sent */
    uint64_t next;       /* the next one */
    uint64_t last_defend;
    bool conflict;       /* another host claimed it while we probed */
};

/* A pending address resolved (mac) or failed (NULL: no answer after the
 * requests, or its entry was evicted). */
typedef void (*arp_resolved_fn)(void *ctx, const struct mg_ipv4 *ip, const struct mg_mac *mac);

struct arp_engine {
    struct arp_cfg cfg;
    struct mg_mac mac;
    arp_out_fn out;
    arp_event_fn event;
    arp_conflict_fn conflict;
    arp_resolved_fn resolved; /* NULL after arp_init: set it to be told */
    void *ctx;
    struct arp_entry *cache; /* cfg.cache_max entries */
    size_t hint;             /* where the last search found its entry */
    struct arp_ip ips[ARP_IPS_MAX];
    size_t nips;
    uint64_t rng;
    struct mg_arpv4_stats st;
};

/* 0, or MG_ENOMEM. seed varies the probe delays. conflict and event may be NULL. */
int arp_init(struct arp_engine *e, const struct arp_cfg *cfg, const struct mg_mac *mac,
             uint64_t seed, arp_out_fn out, arp_event_fn event, arp_conflict_fn conflict,
             void *ctx);
void arp_free(struct arp_engine *e);

/* One received ARP packet (the Ethernet payload, padding included). */
void arp_input(struct arp_engine *e, uint64_t now, const uint8_t *pkt, size_t len);

/* The MAC of ip: 0 with *mac; 1 when a query is under way (started here if
 * it was not: a request goes out); MG_ETIMEDOUT when the address did not
 * answer (recently). A use of a known entry keeps it fresh. */
int arp_lookup(struct arp_engine *e, uint64_t now, const struct mg_ipv4 *ip, struct mg_mac *mac);

/* Retries, expiry, probes and announcements due by now. Returns the time
 * of the next thing to do (UINT64_MAX: nothing). */
uint64_t arp_tick(struct arp_engine *e, uint64_t now);

/* The addresses we answer for. New ones are probed (or announced at once
 * when probe_num is 0); kept ones keep their state. MG_EINVAL for more than
 * ARP_IPS_MAX. */
int arp_set_ips(struct arp_engine *e, uint64_t now, const struct mg_ipv4 *ips, size_t n);
int arp_add_ip(struct arp_engine *e, uint64_t now, const struct mg_ipv4 *ip);
int arp_remove_ip(struct arp_engine *e, const struct mg_ipv4 *ip);
/* Is any address still being probed? Did a probe of one of ips find a conflict? */
bool arp_probing(const struct arp_engine *e, const struct mg_ipv4 *ips, size_t n);
bool arp_conflicted(const struct arp_engine *e, const struct mg_ipv4 *ips, size_t n);

/* Fill a packet / read one: 0, or MG_EINVAL (not Ethernet/IPv4 ARP, too short). */
struct arp_pkt {
    uint16_t op;
    struct mg_mac sha, tha;
    struct mg_ipv4 spa, tpa;
};
int arp_parse(const uint8_t *pkt, size_t len, struct arp_pkt *out);
void arp_emit(const struct arp_pkt *p, uint8_t out[ARP_PKT_LEN]);

#endif
