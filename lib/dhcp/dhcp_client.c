/* dhcp_client.c: the DHCP client state machine (RFC 2131 4.4): selecting, requesting, bound,
 * renewing, rebinding. */
#include <string.h>

#include "dhcp_wire.h"

#define NS 1000000000ull
#define INFINITE_LEASE 0xffffffffu

static uint32_t ip_u32(const struct mg_ipv4 *a)
{
    return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 | (uint32_t)a->b[2] << 8 | a->b[3];
}

int dhcp_mask_len(const struct mg_ipv4 *mask)
{
    uint32_t m = ip_u32(mask);
    int n = 0;
    while (n < 32 && (m & (0x80000000u >> n)))
        n++;
    /* contiguous: nothing set after the first zero */
    if (n < 32 && (m << n) != 0)
        return -1;
    return n;
}

void dhcp_init(struct dhcp_client *c, const uint8_t mac[6], const struct dhcp_io *io)
{
    memset(c, 0, sizeof *c);
    memcpy(c->mac, mac, 6);
    c->io = *io;
    c->state = DHCP_IDLE;
    c->deadline = UINT64_MAX;
}

static uint64_t secs_from(uint64_t now, uint32_t s)
{
    return s == INFINITE_LEASE ? UINT64_MAX : now + (uint64_t)s * NS;
}

/* RFC 2131 4.1: 4 s doubling up to 64 s, randomised by a second either way. */
static uint64_t backoff(struct dhcp_client *c)
{
    unsigned shift = c->tries < 4 ? c->tries : 4;
    uint64_t base = (uint64_t)DHCP_RETRY_MIN_S << shift;
    if (base > DHCP_RETRY_MAX_S)
        base = DHCP_RETRY_MAX_S;
    uint64_t jitter = c->io.random(c->io.arg) % (2 * NS + 1); /* 0 .. 2 s */
    return base * NS - NS + jitter;
}

static void send_msg(struct dhcp_client *c, uint8_t type, uint64_t now)
{
    bool have_addr = c->state == DHCP_RENEWING || c->state == DHCP_REBINDING;
    bool selecting = c->state == DHCP_SELECTING || c->state == DHCP_REQUESTING;
    uint64_t secs = (now - c->started_ns) / NS;
    const struct mg_ipv4 *req = NULL, *server = NULL;
    if (c->state == DHCP_REQUESTING) {
        req = &c->offer.addr.addr;
        server = &c->offer.server;
    }
    size_t len = dhcp_build(c->buf, type, c->xid, secs > 0xffff ? 0xffff : (uint16_t)secs,
                            selecting, c->mac, have_addr ? &c->lease.addr.addr : NULL, req, server);
    struct mg_ipv4 any = {{0, 0, 0, 0}}, all = {{255, 255, 255, 255}};
    const struct mg_ipv4 *src = have_addr ? &c->lease.addr.addr : &any;
    const struct mg_ipv4 *dst = c->state == DHCP_RENEWING ? &c->lease.server : &all;
    c->sent_ns = now;
    c->st.sent++;
    c->io.send(c->io.arg, c->buf, len, src, dst);
}

/* RFC 2131 table 5: no ciaddr, secs or flags; the address and the server
 * that gave it; broadcast, since the client has no address (4.4.4). */
static void send_decline(struct dhcp_client *c)
{
    size_t len = dhcp_build(c->buf, DHCPDECLINE, c->xid, 0, false, c->mac, NULL,
                            &c->lease.addr.addr, &c->lease.server);
    struct mg_ipv4 any = {{0, 0, 0, 0}}, all = {{255, 255, 255, 255}};
    c->st.sent++;
    c->io.send(c->io.arg, c->buf, len, &any, &all);
}

static void lose_lease(struct dhcp_client *c)
{
    if (!c->bound)
        return;
    c->bound = false;
    c->io.lease(c->io.arg, NULL);
}

void dhcp_start(struct dhcp_client *c, uint64_t now)
{
    lose_lease(c);
    c->xid = c->io.random(c->io.arg);
    c->started_ns = now;
    c->tries = 0;
    c->state = DHCP_SELECTING;
    send_msg(c, DHCPDISCOVER, now);
    c->deadline = now + backoff(c);
    c->tries++;
}

/* Wait half the time left until limit, but at least the minimum (RFC 2131 4.4.5). */
static uint64_t half_way(uint64_t now, uint64_t limit)
{
    if (limit == UINT64_MAX)
        return UINT64_MAX;
    uint64_t half = limit > now ? (limit - now) / 2 : 0;
    if (half < DHCP_RENEW_RETRY_MIN_S * NS)
        half = DHCP_RENEW_RETRY_MIN_S * NS;
    uint64_t t = now + half;
    return t < limit ? t : limit;
}

static void lease_from(const struct dhcp_msg *m, struct mg_dhcp_lease *l)
{
    memset(l, 0, sizeof *l);
    l->addr.addr = m->yiaddr;
    int len = m->have_mask ? dhcp_mask_len(&m->mask) : -1;
    if (len < 0 || len > 32) {
        /* No usable mask: the address's class (RFC 1122 3.3.1.1 fallback). */
        uint8_t a = m->yiaddr.b[0];
        len = a < 128 ? 8 : a < 192 ? 16 : 24;
    }
    l->addr.len = (uint8_t)len;
    uint32_t mask = len ? 0xffffffffu << (32 - len) : 0;
    uint32_t me = ip_u32(&m->yiaddr), r = ip_u32(&m->router);
    if (m->have_router && r != me && (r & mask) == (me & mask) && r != 0 &&
        (r | mask) != 0xffffffffu) {
        l->have_router = true;
        l->router = m->router;
    }
    l->server = m->server;
    l->lease_s = m->have_lease ? m->lease_s : INFINITE_LEASE;
    if (l->lease_s == 0)
        l->lease_s = 1;
    uint32_t lease = l->lease_s;
    uint32_t t1 = lease == INFINITE_LEASE ? INFINITE_LEASE : lease / 2;
    uint32_t t2 = lease == INFINITE_LEASE ? INFINITE_LEASE : (uint32_t)((uint64_t)lease * 7 / 8);
    if (m->have_t2 && m->t2_s < lease)
        t2 = m->t2_s;
    if (m->have_t1 && m->t1_s < t2)
        t1 = m->t1_s;
    if (t1 > t2)
        t1 = t2;
    l->t1_s = t1;
    l->t2_s = t2;
    l->ndns = m->ndns;
    memcpy(l->dns, m->dns, sizeof l->dns);
}

/* A usable address for a host: not 0/8, 127/8, multicast or reserved. */
static bool host_addr(const struct mg_ipv4 *a)
{
    uint8_t f = a->b[0];
    return f != 0 && f != 127 && f < 224;
}

static void bind(struct dhcp_client *c, const struct dhcp_msg *m)
{
    struct mg_dhcp_lease l;
    lease_from(m, &l);
    l.acquired_ns = c->sent_ns; /* RFC 2131 4.4.1: times count from the request */
    if (c->bound && memcmp(&l.addr, &c->lease.addr, sizeof l.addr) != 0)
        lose_lease(c); /* a different address: the old one goes first */
    c->lease = l;
    c->bound = true;
    c->state = DHCP_BOUND;
    c->tries = 0;
    c->t1_at = secs_from(l.acquired_ns, l.t1_s);
    c->t2_at = secs_from(l.acquired_ns, l.t2_s);
    c->expire_at = secs_from(l.acquired_ns, l.lease_s);
    c->deadline = c->t1_at;
    c->st.acks++;
    c->io.lease(c->io.arg, &c->lease);
}

void dhcp_input(struct dhcp_client *c, const uint8_t *p, size_t len, uint64_t now)
{
    struct dhcp_msg m;
    c->st.received++;
    if (dhcp_parse(p, len, &m) < 0) {
        c->st.malformed++;
        return;
    }
    if (m.op != 2 || m.xid != c->xid || memcmp(m.chaddr, c->mac, 6) != 0) {
        c->st.ignored++;
        return;
    }
    switch (c->state) {
    case DHCP_SELECTING:
        if (m.type != DHCPOFFER || !m.have_server || !host_addr(&m.yiaddr)) {
            c->st.ignored++;
            return;
        }
        c->st.offers++;
        lease_from(&m, &c->offer);
        c->state = DHCP_REQUESTING;
        c->tries = 0;
        send_msg(c, DHCPREQUEST, now);
        c->deadline = now + backoff(c);
        c->tries++;
        return;
    case DHCP_REQUESTING:
        /* Only the server whose offer we took speaks now. */
        if (m.have_server && ip_u32(&m.server) != ip_u32(&c->offer.server)) {
            c->st.ignored++;
            return;
        }
        if (m.type == DHCPNAK) {
            c->st.naks++;
            dhcp_start(c, now);
        } else if (m.type == DHCPACK && host_addr(&m.yiaddr)) {
            if (!m.have_server)
                m.server = c->offer.server;
            bind(c, &m);
        } else {
            c->st.ignored++;
        }
        return;
    case DHCP_RENEWING:
    case DHCP_REBINDING:
        if (m.type == DHCPNAK) {
            c->st.naks++;
            dhcp_start(c, now);
        } else if (m.type == DHCPACK && host_addr(&m.yiaddr)) {
            if (!m.have_server)
                m.server = c->lease.server;
            bind(c, &m);
        } else {
            c->st.ignored++;
        }
        return;
    case DHCP_IDLE:
    case DHCP_BOUND:
    case DHCP_DECLINED:
        c->st.ignored++;
        return;
    }
}

void dhcp_decline(struct dhcp_client *c, uint64_t now)
{
    if (!c->bound)
        return;
    c->st.declines++;
    send_decline(c);
    c->bound = false;
    c->state = DHCP_DECLINED;
    c->deadline = now + (uint64_t)DHCP_DECLINE_WAIT_S * NS;
}

void dhcp_timer(struct dhcp_client *c, uint64_t now)
{
    if (c->state == DHCP_IDLE || now < c->deadline)
        return;
    if (c->state == DHCP_DECLINED) {
        dhcp_start(c, now);
        return;
    }
    if (c->bound && now >= c->expire_at) {
        c->st.expiries++;
        dhcp_start(c, now); /* loses the lease first */
        return;
    }
    switch (c->state) {
    case DHCP_SELECTING:
        c->st.timeouts++;
        send_msg(c, DHCPDISCOVER, now);
        c->deadline = now + backoff(c);
        c->tries++;
        return;
    case DHCP_REQUESTING:
        c->st.timeouts++;
        if (c->tries >= DHCP_REQUEST_TRIES) {
            dhcp_start(c, now);
            return;
        }
        send_msg(c, DHCPREQUEST, now);
        c->deadline = now + backoff(c);
        c->tries++;
        return;
    case DHCP_BOUND:
    case DHCP_RENEWING:
        if (now >= c->t2_at) {
            c->st.rebinds++;
            c->state = DHCP_REBINDING;
            c->xid = c->io.random(c->io.arg);
            send_msg(c, DHCPREQUEST, now);
            c->deadline = half_way(now, c->expire_at);
            return;
        }
        if (c->state == DHCP_BOUND) {
            c->st.renewals++;
            c->state = DHCP_RENEWING;
            c->xid = c->io.random(c->io.arg);
            c->started_ns = now;
        } else {
            c->st.timeouts++;
        }
        send_msg(c, DHCPREQUEST, now);
        c->deadline = half_way(now, c->t2_at);
        return;
    case DHCP_REBINDING:
        c->st.timeouts++;
        send_msg(c, DHCPREQUEST, now);
        c->deadline = half_way(now, c->expire_at);
        return;
    case DHCP_IDLE:
    case DHCP_DECLINED:
        return;
    }
}
