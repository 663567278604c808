/* arp_engine.c: the ARP cache, queries, answers, probes and announcements (no I/O, no clock). */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "arp_engine.h"

#define NEVER UINT64_MAX
#define SEC 1000000000ull

static const struct mg_mac mac_bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
static const struct mg_mac mac_zero = {{0}};
static const struct mg_ipv4 ip_zero = {{0}};

void arp_cfg_default(struct arp_cfg *c)
{
    *c = (struct arp_cfg){
        .cache_max = 256,
        .ttl_ns = 60 * SEC,
        .refresh_ns = 5 * SEC,
        .retry_ns = 1 * SEC,
        .requests = 3,
        .fail_hold_ns = 1 * SEC,
        .probe_num = 3,
        .probe_wait_ns = 1 * SEC,
        .probe_min_ns = 1 * SEC,
        .probe_max_ns = 2 * SEC,
        .announce_num = 2,
        .announce_wait_ns = 2 * SEC,
        .announce_interval_ns = 2 * SEC,
        .defend_interval_ns = 10 * SEC,
    };
}

int arp_parse(const uint8_t *p, size_t len, struct arp_pkt *out)
{
    /* Ethernet (1) hardware, IPv4 (0x0800) protocol, 6- and 4-byte addresses. */
    if (!p || len < ARP_PKT_LEN || p[0] != 0 || p[1] != 1 || p[2] != 0x08 || p[3] != 0 ||
        p[4] != 6 || p[5] != 4)
        return MG_EINVAL;
    out->op = (uint16_t)(p[6] << 8 | p[7]);
    memcpy(out->sha.b, p + 8, 6);
    memcpy(out->spa.b, p + 14, 4);
    memcpy(out->tha.b, p + 18, 6);
    memcpy(out->tpa.b, p + 24, 4);
    return 0;
}

void arp_emit(const struct arp_pkt *a, uint8_t out[ARP_PKT_LEN])
{
    static const uint8_t head[6] = {0, 1, 0x08, 0, 6, 4};
    memcpy(out, head, 6);
    out[6] = (uint8_t)(a->op >> 8);
    out[7] = (uint8_t)a->op;
    memcpy(out + 8, a->sha.b, 6);
    memcpy(out + 14, a->spa.b, 4);
    memcpy(out + 18, a->tha.b, 6);
    memcpy(out + 24, a->tpa.b, 4);
}

static bool ip_eq(const struct mg_ipv4 *a, const struct mg_ipv4 *b)
{
    return memcmp(a->b, b->b, 4) == 0;
}

static bool mac_eq(const struct mg_mac *a, const struct mg_mac *b)
{
    return memcmp(a->b, b->b, 6) == 0;
}

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* xorshift64*: spreads the probes, nothing more. */
static uint64_t rnd(struct arp_engine *e)
{
    e->rng ^= e->rng >> 12;
    e->rng ^= e->rng << 25;
    e->rng ^= e->rng >> 27;
    return e->rng * 0x2545F4914F6CDD1Dull;
}

static uint64_t rnd_between(struct arp_engine *e, uint64_t lo, uint64_t hi)
{
    return hi <= lo ? lo : lo + rnd(e) % (hi - lo + 1);
}

static void event(struct arp_engine *e)
{
    if (e->event)
        e->event(e->ctx);
}

static void resolved(struct arp_engine *e, const struct mg_ipv4 *ip, const struct mg_mac *mac)
{
    if (e->resolved)
        e->resolved(e->ctx, ip, mac);
}

static void tx(struct arp_engine *e, const struct mg_mac *dst, uint16_t op,
                 const struct mg_ipv4 *spa, const struct mg_mac *tha, const struct mg_ipv4 *tpa)
{
    struct arp_pkt p = {op, e->mac, *tha, *spa, *tpa};
    uint8_t b[ARP_PKT_LEN];
    arp_emit(&p, b);
    e->out(e->ctx, dst, b);
}

static struct arp_ip *our_ip(struct arp_engine *e, const struct mg_ipv4 *ip)
{
    for (size_t i = 0; i < e->nips; i++)
        if (ip_eq(&e->ips[i].ip, ip))
            return &e->ips[i];
    return NULL;
}

/* The address our requests come from: the first one we may use, or 0.0.0.0. */
static const struct mg_ipv4 *source_ip(struct arp_engine *e)
{
    for (size_t i = 0; i < e->nips; i++)
        if (e->ips[i].state != ARP_IP_PROBING)
            return &e->ips[i].ip;
    return &ip_zero;
}

static void request(struct arp_engine *e, const struct mg_mac *dst, const struct mg_ipv4 *ip)
{
    e->st.tx_requests++;
    tx(e, dst, ARP_OP_REQUEST, source_ip(e), &mac_zero, ip);
}

static void announce(struct arp_engine *e, const struct mg_ipv4 *ip)
{
    e->st.tx_announces++;
    tx(e, &mac_bcast, ARP_OP_REQUEST, ip, &mac_zero, ip);
}

int arp_init(struct arp_engine *e, const struct arp_cfg *cfg, const struct mg_mac *mac,
             uint64_t seed, arp_out_fn out, arp_event_fn ev, arp_conflict_fn conflict, void *ctx)
{
    memset(e, 0, sizeof *e);
    e->cfg = *cfg;
    if (e->cfg.cache_max == 0)
        e->cfg.cache_max = 1;
    e->cache = calloc(e->cfg.cache_max, sizeof *e->cache);
    if (!e->cache)
        return MG_ENOMEM;
    e->mac = *mac;
    e->out = out;
    e->event = ev;
    e->conflict = conflict;
    e->ctx = ctx;
    e->rng = seed | 1;
    for (int i = 0; i < 6; i++)
        e->rng = e->rng * 131 + mac->b[i];
    if (!e->rng)
        e->rng = 1;
    return 0;
}

void arp_free(struct arp_engine *e)
{
    free(e->cache);
    e->cache = NULL;
}

static struct arp_entry *find(struct arp_engine *e, const struct mg_ipv4 *ip)
{
    /* Traffic goes to few hosts at a time (often one gateway): look where
     * the last search ended before scanning. */
    struct arp_entry *h = &e->cache[e->hint];
    if (h->state != ARP_FREE && ip_eq(&h->ip, ip))
        return h;
    for (size_t i = 0; i < e->cfg.cache_max; i++) {
        if (e->cache[i].state != ARP_FREE && ip_eq(&e->cache[i].ip, ip)) {
            e->hint = i;
            return &e->cache[i];
        }
    }
    return NULL;
}

/* A free entry, evicting the least recently used (a query under way only
 * when nothing else is left). */
static struct arp_entry *alloc_entry(struct arp_engine *e)
{
    struct arp_entry *victim = NULL, *pending = NULL;
    for (size_t i = 0; i < e->cfg.cache_max; i++) {
        struct arp_entry *x = &e->cache[i];
        if (x->state == ARP_FREE)
            return x;
        if (x->state == ARP_PENDING) {
            if (!pending || x->last_used < pending->last_used)
                pending = x;
        } else if (!victim || x->last_used < victim->last_used) {
            victim = x;
        }
    }
    if (!victim)
        victim = pending;
    e->st.evictions++;
    bool was_pending = victim->state == ARP_PENDING;
    struct mg_ipv4 gone = victim->ip;
    memset(victim, 0, sizeof *victim);
    if (was_pending) {
        resolved(e, &gone, NULL);
        event(e); /* its waiters look again */
    }
    return victim;
}

static void start_query(struct arp_engine *e, struct arp_entry *x, uint64_t now)
{
    x->state = ARP_PENDING;
    x->sent = 1;
    x->next = now + e->cfg.retry_ns;
    x->last_used = now;
    request(e, &mac_bcast, &x->ip);
}

int arp_lookup(struct arp_engine *e, uint64_t now, const struct mg_ipv4 *ip, struct mg_mac *mac)
{
    /* Addresses with a fixed link address need no question. */
    if (ip->b[0] == 255 && ip->b[1] == 255 && ip->b[2] == 255 && ip->b[3] == 255) {
        *mac = mac_bcast;
        return 0;
    }
    if ((ip->b[0] & 0xf0) == 0xe0) { /* 224.0.0.0/4: RFC 1112's mapping */
        *mac = (struct mg_mac){{0x01, 0x00, 0x5e, (uint8_t)(ip->b[1] & 0x7f), ip->b[2], ip->b[3]}};
        return 0;
    }
    if (ip->b[0] == 0 && ip->b[1] == 0 && ip->b[2] == 0 && ip->b[3] == 0)
        return MG_ETIMEDOUT;
    struct arp_entry *x = find(e, ip);
    if (!x) {
        x = alloc_entry(e);
        x->ip = *ip;
        start_query(e, x, now);
        return 1;
    }
    x->last_used = now;
    switch (x->state) {
    case ARP_RESOLVED:
        if (now >= x->expires) {
            start_query(e, x, now);
            return 1;
        }
        /* In use near its end: ask the host itself, so that it does not lapse. */
        if (x->expires - now <= e->cfg.refresh_ns && now >= x->next) {
            x->next = now + e->cfg.retry_ns;
            request(e, &x->mac, ip);
        }
        *mac = x->mac;
        return 0;
    case ARP_FAILED:
        if (now >= x->expires) {
            start_query(e, x, now);
            return 1;
        }
        return MG_ETIMEDOUT;
    case ARP_PENDING:
    case ARP_FREE:
        break;
    }
    return 1;
}

/* Another host claims one of our addresses. */
static void conflict(struct arp_engine *e, struct arp_ip *a, const struct mg_mac *mac, uint64_t now)
{
    e->st.conflicts++;
    bool probing = a->state == ARP_IP_PROBING;
    if (e->conflict)
        e->conflict(e->ctx, &a->ip, mac, probing);
    if (probing) {
        /* RFC 5227 2.1.1: the address is not ours to announce. */
        a->conflict = true;
        a->state = ARP_IP_HELD;
        event(e);
        return;
    }
    /* 2.4 (b): defend once per DEFEND_INTERVAL. */
    if (a->last_defend == NEVER || now - a->last_defend >= e->cfg.defend_interval_ns) {
        a->last_defend = now;
        announce(e, &a->ip);
    }
}

void arp_input(struct arp_engine *e, uint64_t now, const uint8_t *pkt, size_t len)
{
    struct arp_pkt p;
    if (arp_parse(pkt, len, &p) < 0 || (p.op != ARP_OP_REQUEST && p.op != ARP_OP_REPLY) ||
        (p.sha.b[0] & 1) != 0) {
        e->st.rx_malformed++;
        return;
    }
    if (mac_eq(&p.sha, &e->mac))
        return; /* our own, looped back */
    if (p.op == ARP_OP_REQUEST)
        e->st.rx_requests++;
    else
        e->st.rx_replies++;

    bool probe = ip_eq(&p.spa, &ip_zero);
    struct arp_ip *claimed = probe ? NULL : our_ip(e, &p.spa);
    if (claimed) {
        conflict(e, claimed, &p.sha, now);
        return;
    }
    struct arp_ip *target = our_ip(e, &p.tpa);
    if (probe) {
        /* Someone probing for an address we probe too (2.1.1), or one we hold: answer it. */
        if (target && target->state == ARP_IP_PROBING && p.op == ARP_OP_REQUEST)
            conflict(e, target, &p.sha, now);
        else if (target && p.op == ARP_OP_REQUEST) {
            e->st.tx_replies++;
            tx(e, &p.sha, ARP_OP_REPLY, &target->ip, &p.sha, &p.spa);
        }
        return;
    }
    /* RFC 826: update what we know of the sender; learn it if it asked us. */
    bool for_us = target && target->state != ARP_IP_PROBING;
    struct arp_entry *x = find(e, &p.spa);
    if (!x && for_us) {
        x = alloc_entry(e);
        x->ip = p.spa;
        x->last_used = now;
    }
    if (x) {
        bool waited = x->state == ARP_PENDING || x->state == ARP_FAILED;
        x->state = ARP_RESOLVED;
        x->mac = p.sha;
        x->expires = now + e->cfg.ttl_ns;
        x->next = now;
        x->sent = 0;
        if (waited) {
            resolved(e, &x->ip, &x->mac);
            event(e);
        }
    }
    if (for_us && p.op == ARP_OP_REQUEST) {
        e->st.tx_replies++;
        tx(e, &p.sha, ARP_OP_REPLY, &target->ip, &p.sha, &p.spa);
    }
}

static uint64_t tick_cache(struct arp_engine *e, uint64_t now)
{
    uint64_t next = NEVER;
    for (size_t i = 0; i < e->cfg.cache_max; i++) {
        struct arp_entry *x = &e->cache[i];
        switch (x->state) {
        case ARP_PENDING:
            if (now >= x->next) {
                if (x->sent >= e->cfg.requests) {
                    x->state = ARP_FAILED;
                    x->expires = now + e->cfg.fail_hold_ns;
                    e->st.failed_queries++;
                    resolved(e, &x->ip, NULL);
                    event(e);
                    next = min64(next, x->expires);
                    break;
                }
                x->sent++;
                x->next = now + e->cfg.retry_ns;
                request(e, &mac_bcast, &x->ip);
            }
            next = min64(next, x->next);
            break;
        case ARP_RESOLVED:
        case ARP_FAILED:
            if (now >= x->expires)
                memset(x, 0, sizeof *x);
            else
                next = min64(next, x->expires);
            break;
        case ARP_FREE:
            break;
        }
    }
    return next;
}

static uint64_t tick_ip(struct arp_engine *e, struct arp_ip *a, uint64_t now)
{
    if (a->state == ARP_IP_PROBING && now >= a->next) {
        if (a->sent < e->cfg.probe_num) {
            e->st.tx_probes++;
            tx(e, &mac_bcast, ARP_OP_REQUEST, &ip_zero, &mac_zero, &a->ip);
            a->sent++;
            a->next = now + (a->sent < e->cfg.probe_num
                                 ? rnd_between(e, e->cfg.probe_min_ns, e->cfg.probe_max_ns)
                                 : e->cfg.announce_wait_ns);
        } else {
            /* No answer to the last probe within ANNOUNCE_WAIT: the address is ours. */
            a->state = ARP_IP_ANNOUNCING;
            a->sent = 0;
            a->next = now;
            event(e);
        }
    }
    if (a->state == ARP_IP_ANNOUNCING && now >= a->next) {
        announce(e, &a->ip);
        if (++a->sent >= e->cfg.announce_num)
            a->state = ARP_IP_HELD;
        else
            a->next = now + e->cfg.announce_interval_ns;
    }
    return a->state == ARP_IP_HELD ? NEVER : a->next;
}

uint64_t arp_tick(struct arp_engine *e, uint64_t now)
{
    uint64_t next = tick_cache(e, now);
    for (size_t i = 0; i < e->nips; i++)
        next = min64(next, tick_ip(e, &e->ips[i], now));
    return next;
}

int arp_set_ips(struct arp_engine *e, uint64_t now, const struct mg_ipv4 *ips, size_t n)
{
    struct arp_ip next[ARP_IPS_MAX];
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        if (ip_eq(&ips[i], &ip_zero))
            return MG_EINVAL;
        bool dup = false;
        for (size_t j = 0; j < nn; j++)
            dup = dup || ip_eq(&next[j].ip, &ips[i]);
        if (dup)
            continue;
        if (nn == ARP_IPS_MAX)
            return MG_EINVAL;
        struct arp_ip *old = our_ip(e, &ips[i]);
        if (old) {
            next[nn++] = *old;
            continue;
        }
        struct arp_ip a = {.ip = ips[i], .last_defend = NEVER};
        if (e->cfg.probe_num > 0) {
            a.state = ARP_IP_PROBING;
            a.next = now + rnd_between(e, 0, e->cfg.probe_wait_ns);
        } else {
            a.state = ARP_IP_ANNOUNCING;
            a.next = now;
        }
        next[nn++] = a;
        /* What the cache said of an address that is now ours no longer applies. */
        struct arp_entry *x = find(e, &ips[i]);
        if (x)
            memset(x, 0, sizeof *x);
    }
    memcpy(e->ips, next, nn * sizeof next[0]);
    e->nips = nn;
    return 0;
}

int arp_add_ip(struct arp_engine *e, uint64_t now, const struct mg_ipv4 *ip)
{
    struct mg_ipv4 all[ARP_IPS_MAX + 1];
    for (size_t i = 0; i < e->nips; i++)
        all[i] = e->ips[i].ip;
    all[e->nips] = *ip;
    return arp_set_ips(e, now, all, e->nips + 1);
}

int arp_remove_ip(struct arp_engine *e, const struct mg_ipv4 *ip)
{
    for (size_t i = 0; i < e->nips; i++) {
        if (ip_eq(&e->ips[i].ip, ip)) {
            memmove(&e->ips[i], &e->ips[i + 1], (e->nips - i - 1) * sizeof e->ips[0]);
            e->nips--;
            return 0;
        }
    }
    return 0;
}

bool arp_probing(const struct arp_engine *e, const struct mg_ipv4 *ips, size_t n)
{
    for (size_t i = 0; i < e->nips; i++)
        for (size_t j = 0; j < n; j++)
            if (ip_eq(&e->ips[i].ip, &ips[j]) && e->ips[i].state == ARP_IP_PROBING)
                return true;
    return false;
}

bool arp_conflicted(const struct arp_engine *e, const struct mg_ipv4 *ips, size_t n)
{
    for (size_t i = 0; i < e->nips; i++)
        for (size_t j = 0; j < n; j++)
            if (ip_eq(&e->ips[i].ip, &ips[j]) && e->ips[i].conflict)
                return true;
    return false;
}
