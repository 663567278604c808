/* tcp_wire.h: a fake clock and a fake wire for TCP engine tests: two stacks, loss, reordering,
 * duplication, corruption, and a capture mode to inspect segments and inject crafted ones. */
#ifndef TESTS_TCP_WIRE_H
#define TESTS_TCP_WIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "../../lib/tcp/tcp_int.h"
#include "check.h"

/* Helpers a test may not use. */
#define WIRE_FN static __attribute__((unused))

#define MSEC 1000000ull
#define SEC 1000000000ull

struct pkt {
    struct pkt *next;
    uint64_t at;
    struct mg_ip src, dst;
    size_t len;
    uint8_t data[];
};

struct host {
    struct tcp_stack *st;
    struct mg_ip addr;
    size_t mtu;       /* IP payload bytes per datagram */
    int route_err;    /* route() fails with this when not 0 */
    bool capture;     /* segments go to the capture list, not the wire */
    int accepts;      /* accept_ready calls */
    int events;
};

static struct host H[2];
static uint64_t now_ns;
static struct pkt *wire;       /* by delivery time */
static struct pkt *cap, **cap_tail = &cap;
static size_t wire_count;

/* Impairments, per thousand segments, and the path's delay. */
static struct {
    unsigned loss, dup, reorder, corrupt;
    uint64_t delay, reorder_delay;
    uint64_t max_bytes_in_flight; /* drop beyond (a bottleneck queue); 0: none */
} imp;
static uint64_t wire_sent, wire_lost, wire_duped, wire_corrupted, wire_bytes_queued;
static size_t wire_max_payload; /* the largest segment payload seen */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
WIRE_FN bool chance(unsigned per_mille) { return per_mille && rnd() % 1000 < per_mille; }

static uint64_t w_now(void *arg)
{
    (void)arg;
    return now_ns;
}

WIRE_FN void wire_put(struct pkt *p)
{
    struct pkt **pp = &wire;
    while (*pp && (*pp)->at <= p->at)
        pp = &(*pp)->next;
    p->next = *pp;
    *pp = p;
    wire_count++;
    wire_bytes_queued += p->len;
}

WIRE_FN struct pkt *pkt_copy(const struct pkt *p)
{
    struct pkt *q = malloc(sizeof *q + p->len);
    memcpy(q, p, sizeof *q + p->len);
    q->next = NULL;
    return q;
}

WIRE_FN void w_output(void *arg, const struct tcp_seg_out *o)
{
    struct host *h = arg;
    size_t len = o->hdr_len + o->pay_len;
    struct pkt *p = malloc(sizeof *p + len);
    memcpy(p->data, o->hdr, o->hdr_len);
    size_t at = o->hdr_len;
    for (size_t i = 0; i < o->npay; i++) {
        memcpy(p->data + at, o->pay[i].base, o->pay[i].len);
        at += o->pay[i].len;
    }
    p->len = len;
    p->src = *o->src;
    p->dst = *o->dst;
    p->next = NULL;
    tcp_csum_fill(o->src, o->dst, p->data, len);
    if (h->capture) {
        *cap_tail = p;
        cap_tail = &p->next;
        return;
    }
    wire_sent++;
    if (o->pay_len > wire_max_payload)
        wire_max_payload = o->pay_len;
    if (chance(imp.loss) ||
        (imp.max_bytes_in_flight && wire_bytes_queued + len > imp.max_bytes_in_flight)) {
        wire_lost++;
        free(p);
        return;
    }
    if (chance(imp.corrupt)) {
        wire_corrupted++;
        p->data[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
    }
    p->at = now_ns + imp.delay + (chance(imp.reorder) ? imp.reorder_delay : 0);
    if (chance(imp.dup)) {
        wire_duped++;
        struct pkt *q = pkt_copy(p);
        q->at += imp.delay / 2 + 1;
        wire_put(q);
    }
    wire_put(p);
}

WIRE_FN int w_route(void *arg, const struct mg_ip *dst, struct mg_ip *src, size_t *mtu)
{
    (void)dst;
    struct host *h = arg;
    if (h->route_err)
        return h->route_err;
    *src = h->addr;
    *mtu = h->mtu;
    return 0;
}

WIRE_FN void w_event(void *arg, struct tcp_conn *c, unsigned ev)
{
    (void)c;
    (void)ev;
    ((struct host *)arg)->events++;
}

WIRE_FN void w_accept_ready(void *arg, struct tcp_listener *l)
{
    (void)l;
    ((struct host *)arg)->accepts++;
}

WIRE_FN void ip4(struct mg_ip *ip, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    memset(ip, 0, sizeof *ip);
    ip->version = 4;
    ip->u.v4.b[0] = a;
    ip->u.v4.b[1] = b;
    ip->u.v4.b[2] = c;
    ip->u.v4.b[3] = d;
}

static struct tcp_cfg wcfg[2];

/* Two fresh hosts, 10.0.0.1 (H[0]) and 10.0.0.2 (H[1]), Ethernet MTU, delay 1 ms. */
WIRE_FN void wire_setup_cfg(const struct tcp_cfg *c0, const struct tcp_cfg *c1)
{
    while (wire) {
        struct pkt *p = wire;
        wire = p->next;
        free(p);
    }
    while (cap) {
        struct pkt *p = cap;
        cap = p->next;
        free(p);
    }
    cap_tail = &cap;
    wire_count = 0;
    wire_bytes_queued = 0;
    wire_sent = wire_lost = wire_duped = wire_corrupted = 0;
    wire_max_payload = 0;
    memset(&imp, 0, sizeof imp);
    imp.delay = 1 * MSEC;
    imp.reorder_delay = 3 * MSEC;
    now_ns = 1000 * SEC;
    for (int i = 0; i < 2; i++) {
        if (H[i].st)
            tcp_stack_free(H[i].st);
        memset(&H[i], 0, sizeof H[i]);
        ip4(&H[i].addr, 10, 0, 0, (uint8_t)(i + 1));
        H[i].mtu = 1480; /* as an IP layer's mtu(): payload of one datagram on Ethernet */
        struct tcp_env env = {
            .arg = &H[i],
            .now = w_now,
            .output = w_output,
            .route = w_route,
            .event = w_event,
            .accept_ready = w_accept_ready,
        };
        uint8_t secret[16];
        for (int k = 0; k < 16; k++)
            secret[k] = (uint8_t)(k * 31 + i);
        wcfg[i] = i == 0 ? *c0 : *c1;
        H[i].st = tcp_stack_new(&wcfg[i], &env, secret);
        CHECK(H[i].st != NULL);
    }
}

WIRE_FN void wire_setup(void)
{
    struct tcp_cfg c;
    tcp_cfg_default(&c);
    wire_setup_cfg(&c, &c);
}

WIRE_FN void wire_teardown(void)
{
    for (int i = 0; i < 2; i++) {
        if (H[i].st)
            tcp_stack_free(H[i].st);
        H[i].st = NULL;
    }
    while (wire) {
        struct pkt *p = wire;
        wire = p->next;
        free(p);
    }
    while (cap) {
        struct pkt *p = cap;
        cap = p->next;
        free(p);
    }
    cap_tail = &cap;
}

WIRE_FN struct host *host_of(const struct mg_ip *a)
{
    for (int i = 0; i < 2; i++)
        if (tcp_ip_eq(&H[i].addr, a))
            return &H[i];
    return NULL;
}

/* Deliver what is due and run the timers that are. */
WIRE_FN void wire_step(void)
{
    while (wire && wire->at <= now_ns) {
        struct pkt *p = wire;
        wire = p->next;
        wire_count--;
        wire_bytes_queued -= p->len;
        struct host *h = host_of(&p->dst);
        if (h)
            tcp_input(h->st, &p->src, &p->dst, p->data, p->len, 0);
        free(p);
    }
    for (int i = 0; i < 2; i++)
        if (tcp_next_timer(H[i].st) <= now_ns)
            tcp_timers(H[i].st);
}

static uint64_t wire_next(void)
{
    uint64_t t = wire ? wire->at : UINT64_MAX;
    for (int i = 0; i < 2; i++) {
        uint64_t n = tcp_next_timer(H[i].st);
        if (n < t)
            t = n;
    }
    return t;
}

/* Run until cond(arg) (checked after every step, with pump(arg) called
 * first to play the applications) or until max_ns have passed: cond's
 * last value. */
WIRE_FN bool wire_run(bool (*cond)(void *), void (*pump)(void *), void *arg, uint64_t max_ns)
{
    uint64_t end = now_ns + max_ns;
    for (;;) {
        wire_step();
        if (pump)
            pump(arg);
        if (cond && cond(arg))
            return true;
        uint64_t next = wire_next();
        if (next > end) {
            now_ns = end;
            wire_step();
            if (pump)
                pump(arg);
            return cond ? cond(arg) : true;
        }
        if (next > now_ns)
            now_ns = next;
    }
}

/* Run for ns of fake time. */
WIRE_FN void wire_wait(uint64_t ns) { wire_run(NULL, NULL, NULL, ns); }

/* ---- capture mode: the test plays the peer of H[0] with crafted segments ---- */

/* The next captured segment, parsed (its bytes stay valid until cap_drop). */
WIRE_FN bool cap_next(struct tcp_seg *s)
{
    if (!cap)
        return false;
    CHECK(tcp_parse(cap->data, cap->len, s) == 0);
    CHECK(tcp_csum_ok(&cap->src, &cap->dst, cap->data, cap->len));
    return true;
}
WIRE_FN void cap_drop(void)
{
    struct pkt *p = cap;
    if (!p)
        return;
    cap = p->next;
    if (!cap)
        cap_tail = &cap;
    free(p);
}
WIRE_FN void cap_clear(void)
{
    while (cap)
        cap_drop();
}
WIRE_FN size_t cap_count(void)
{
    size_t n = 0;
    for (struct pkt *p = cap; p; p = p->next)
        n++;
    return n;
}
/* Pop the next captured segment into *s (its payload copied into buf if
 * not NULL): false if none. */
WIRE_FN bool cap_pop(struct tcp_seg *s, uint8_t *buf, size_t cap_len)
{
    if (!cap_next(s))
        return false;
    if (buf && s->dlen) {
        CHECK(s->dlen <= cap_len);
        memcpy(buf, s->data, s->dlen);
        s->data = buf;
    }
    cap_drop();
    return true;
}

/* A crafted segment from the peer 10.0.0.2:pport to H[0]'s 10.0.0.1:lport. */
struct craft {
    uint16_t pport, lport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    bool mss, ws, sack_ok, ts;
    uint16_t mss_val;
    uint8_t ws_val;
    uint32_t tsval, tsecr;
    uint8_t nsack;
    uint32_t sack[4][2];
    const void *data;
    size_t len;
    bool bad_csum;
};

WIRE_FN void craft_send(const struct craft *c)
{
    struct tcp_hdr_out h;
    memset(&h, 0, sizeof h);
    h.sport = c->pport;
    h.dport = c->lport;
    h.seq = c->seq;
    h.ack = c->ack;
    h.flags = c->flags;
    h.win = c->win;
    h.opt_mss = c->mss;
    h.mss = c->mss_val;
    h.opt_ws = c->ws;
    h.ws = c->ws_val;
    h.opt_sack_ok = c->sack_ok;
    h.opt_ts = c->ts;
    h.tsval = c->tsval;
    h.tsecr = c->tsecr;
    h.nsack = c->nsack;
    memcpy(h.sack, c->sack, sizeof h.sack);
    uint8_t buf[TCP_HLEN + TCP_OPT_MAX + 2048];
    size_t hl = tcp_build(buf, &h);
    CHECK(hl + c->len <= sizeof buf);
    if (c->len)
        memcpy(buf + hl, c->data, c->len);
    tcp_csum_fill(&H[1].addr, &H[0].addr, buf, hl + c->len);
    if (c->bad_csum)
        buf[hl / 2] ^= 0x40;
    tcp_input(H[0].st, &H[1].addr, &H[0].addr, buf, hl + c->len, 0);
}

/* Deterministic test data: byte i of a stream. */
static inline uint8_t pattern(uint64_t i) { return (uint8_t)((i * 2654435761u) >> 13 ^ (i >> 7)); }

#endif
