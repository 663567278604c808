/* sources: lib/dhcp/dhcp_client.c lib/dhcp/dhcp_wire.c */
/* test_dhcp.c: the DHCP client engine with a fake clock and a scripted server: discover, offer,
 * request, ack, renew at T1, rebind at T2, expiry, NAKs, declining an address in use,
 * retransmission backoff, option parsing. */
#include <stdlib.h>

#include "../../lib/dhcp/dhcp_client.h"
#include "../../lib/dhcp/dhcp_wire.h"
#include "check.h"

#define S 1000000000ull
static const uint8_t MAC[6] = {2, 0, 0, 0, 0, 9};

/* What the engine did. */
struct sent {
    uint8_t msg[DHCP_MSG_MAX];
    size_t len;
    struct mg_ipv4 src, dst;
};
static struct sent sent[64];
static size_t nsent;
static int leases, losses;
static struct mg_dhcp_lease last_lease;
static uint32_t rnd = 7;

static void io_send(void *arg, const uint8_t *msg, size_t len, const struct mg_ipv4 *src,
                    const struct mg_ipv4 *dst)
{
    (void)arg;
    if (nsent < 64) {
        memcpy(sent[nsent].msg, msg, len);
        sent[nsent].len = len;
        sent[nsent].src = *src;
        sent[nsent].dst = *dst;
        nsent++;
    }
}
static void io_lease(void *arg, const struct mg_dhcp_lease *l)
{
    (void)arg;
    if (l) {
        leases++;
        last_lease = *l;
    } else {
        losses++;
    }
}
static uint32_t io_random(void *arg)
{
    (void)arg;
    rnd = rnd * 1103515245u + 12345u;
    return rnd;
}

static struct dhcp_client c;
static uint64_t now;

static void start(void)
{
    nsent = 0;
    leases = losses = 0;
    now = 1000 * S;
    struct dhcp_io io = {io_send, io_lease, io_random, NULL};
    dhcp_init(&c, MAC, &io);
    dhcp_start(&c, now);
}

/* The last message sent, parsed (a BOOTREQUEST parses with op 1). */
static struct dhcp_msg last(void)
{
    struct dhcp_msg m;
    CHECK(nsent > 0);
    CHECK(dhcp_parse(sent[nsent - 1].msg, sent[nsent - 1].len, &m) == 0);
    CHECK(m.op == 1 && memcmp(m.chaddr, MAC, 6) == 0);
    return m;
}

/* Does the last message carry option code with value v (len bytes)? */
static bool has_opt(uint8_t code, const void *v, uint8_t len)
{
    const uint8_t *o = sent[nsent - 1].msg + 240, *end = sent[nsent - 1].msg + sent[nsent - 1].len;
    while (o < end && *o != 255) {
        if (*o == 0) {
            o++;
            continue;
        }
        if (o[0] == code && o[1] == len && (!v || memcmp(o + 2, v, len) == 0))
            return true;
        o += 2 + o[1];
    }
    return false;
}

/* A server's reply. */
struct reply {
    uint8_t type;
    uint32_t xid;
    uint8_t yi[4];
    const uint8_t *opts; /* extra options, raw */
    size_t nopts;
    bool no_defaults; /* leave out mask, router, server id, lease */
};
static size_t build_reply(uint8_t *b, const struct reply *r)
{
    memset(b, 0, 548);
    b[0] = 2, b[1] = 1, b[2] = 6;
    b[4] = (uint8_t)(r->xid >> 24), b[5] = (uint8_t)(r->xid >> 16), b[6] = (uint8_t)(r->xid >> 8);
    b[7] = (uint8_t)r->xid;
    memcpy(b + 16, r->yi, 4);
    memcpy(b + 28, MAC, 6);
    b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99;
    uint8_t *o = b + 240;
    *o++ = 53, *o++ = 1, *o++ = r->type;
    if (!r->no_defaults) {
        const uint8_t d[] = {1,  4, 255, 255, 255, 0, 3,  4, 10, 0, 0,    1,
                             54, 4, 10,  0,   0,   1, 51, 4, 0,  0, 0x0e, 0x10 /* 3600 s */};
        memcpy(o, d, sizeof d);
        o += sizeof d;
    }
    if (r->nopts)
        memcpy(o, r->opts, r->nopts);
    o += r->nopts;
    *o++ = 255;
    return 548;
}
static void reply(uint8_t type, const uint8_t *opts, size_t nopts)
{
    uint8_t b[600];
    struct reply r = {type, c.xid, {10, 0, 0, 50}, opts, nopts, false};
    dhcp_input(&c, b, build_reply(b, &r), now);
}

/* Run the timers until time t. */
static void advance_to(uint64_t t)
{
    while (c.deadline <= t) {
        now = c.deadline;
        dhcp_timer(&c, now);
    }
    now = t;
}

static void discover_message(void)
{
    start();
    CHECK(nsent == 1 && c.state == DHCP_SELECTING);
    struct dhcp_msg m = last();
    CHECK(m.type == DHCPDISCOVER && m.xid == c.xid);
    CHECK(sent[0].dst.b[0] == 255 && sent[0].dst.b[3] == 255 && sent[0].src.b[0] == 0);
    CHECK(sent[0].len >= DHCP_MSG_MIN);
    CHECK(sent[0].msg[10] == 0x80); /* broadcast replies, please */
    const uint8_t cid[7] = {1, 2, 0, 0, 0, 0, 9};
    CHECK(has_opt(61, cid, 7) && has_opt(55, NULL, 7) && !has_opt(50, NULL, 4));
}

static void retransmission_backoff(void)
{
    start();
    uint64_t prev = now;
    const unsigned want[] = {4, 8, 16, 32, 64, 64, 64};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        uint64_t d = c.deadline - prev;
        CHECK(d >= (want[i] - 1) * S && d <= (want[i] + 1) * S); /* a second of jitter */
        advance_to(c.deadline);
        CHECK(nsent == i + 2 && last().type == DHCPDISCOVER);
        prev = now;
    }
    CHECK(c.st.timeouts == 7);
}

static void offer_request_ack(void)
{
    start();
    uint32_t xid = c.xid;
    uint8_t b[600];
    struct reply wrong = {DHCPOFFER, xid + 1, {10, 0, 0, 50}, NULL, 0, false};
    dhcp_input(&c, b, build_reply(b, &wrong), now);
    CHECK(c.state == DHCP_SELECTING && c.st.ignored == 1);
    dhcp_input(&c, b, 100, now);
    CHECK(c.st.malformed == 1);
    reply(DHCPACK, NULL, 0); /* an ACK while selecting */
    CHECK(c.state == DHCP_SELECTING);
    const uint8_t dns[] = {6, 8, 10, 0, 0, 53, 10, 0, 0, 54};
    reply(DHCPOFFER, dns, sizeof dns);
    CHECK(c.state == DHCP_REQUESTING && nsent == 2);
    struct dhcp_msg m = last();
    const uint8_t yi[4] = {10, 0, 0, 50}, srv[4] = {10, 0, 0, 1};
    CHECK(m.type == DHCPREQUEST && m.xid == xid && has_opt(50, yi, 4) && has_opt(54, srv, 4));
    CHECK(sent[1].dst.b[0] == 255 && sent[1].src.b[0] == 0);
    uint64_t asked = now;
    now += S / 2;
    reply(DHCPACK, dns, sizeof dns);
    CHECK(c.state == DHCP_BOUND && leases == 1 && c.bound);
    CHECK(last_lease.addr.len == 24 && memcmp(last_lease.addr.addr.b, yi, 4) == 0);
    CHECK(last_lease.have_router && last_lease.router.b[3] == 1 && last_lease.server.b[3] == 1);
    CHECK(last_lease.lease_s == 3600 && last_lease.t1_s == 1800 && last_lease.t2_s == 3150);
    CHECK(last_lease.ndns == 2 && last_lease.dns[1].b[3] == 54);
    CHECK(last_lease.acquired_ns == asked); /* times count from the request */
    CHECK(c.deadline == asked + 1800 * S);
}

static void bind_lease(void)
{
    start();
    reply(DHCPOFFER, NULL, 0);
    reply(DHCPACK, NULL, 0);
    CHECK(c.state == DHCP_BOUND && leases == 1);
}

static void renew_at_t1(void)
{
    bind_lease();
    uint64_t t1 = c.deadline;
    advance_to(t1 - 1);
    CHECK(nsent == 2);
    advance_to(t1);
    CHECK(c.state == DHCP_RENEWING && nsent == 3);
    struct dhcp_msg m = last();
    CHECK(m.type == DHCPREQUEST && m.ciaddr.b[3] == 50 && !has_opt(50, NULL, 4) &&
          !has_opt(54, NULL, 4));
    CHECK(sent[2].dst.b[0] == 10 && sent[2].dst.b[3] == 1 && sent[2].src.b[3] == 50); /* unicast */
    CHECK(sent[2].msg[10] == 0); /* no broadcast flag: we have an address */
    /* Retransmitted at half the time left to T2. */
    uint64_t t2 = 1000 * S + 3150 * S;
    CHECK(c.deadline == t1 + (t2 - t1) / 2);
    now += S;
    reply(DHCPACK, NULL, 0);
    CHECK(c.state == DHCP_BOUND && leases == 2 && losses == 0 && c.st.renewals == 1);
    CHECK(c.deadline == sent[2].len * 0 + t1 + 1800 * S); /* from the renewal request */
}

static void rebind_at_t2_then_expire(void)
{
    bind_lease();
    uint64_t t0 = 1000 * S;
    advance_to(t0 + 3150 * S - 1);
    CHECK(c.state == DHCP_RENEWING);
    size_t renews = nsent - 2;
    CHECK(renews >= 3); /* T1, then halving down to the minimum */
    for (size_t i = 2; i < nsent; i++)
        CHECK(sent[i].dst.b[0] == 10);
    advance_to(t0 + 3150 * S);
    CHECK(c.state == DHCP_REBINDING && c.st.rebinds == 1);
    CHECK(last().type == DHCPREQUEST && sent[nsent - 1].dst.b[0] == 255 &&
          sent[nsent - 1].src.b[3] == 50);
    /* Nobody answers: the lease ends at 3600 s, the address goes, discovery starts. */
    advance_to(t0 + 3600 * S - 1);
    CHECK(c.state == DHCP_REBINDING && losses == 0);
    advance_to(t0 + 3600 * S);
    CHECK(losses == 1 && !c.bound && c.state == DHCP_SELECTING && last().type == DHCPDISCOVER);
    CHECK(c.st.expiries == 1);
}

static void rebind_answered(void)
{
    bind_lease();
    advance_to(1000 * S + 3150 * S);
    CHECK(c.state == DHCP_REBINDING);
    reply(DHCPACK, NULL, 0);
    CHECK(c.state == DHCP_BOUND && leases == 2 && losses == 0);
}

static void naks(void)
{
    start();
    reply(DHCPOFFER, NULL, 0);
    uint32_t xid = c.xid;
    reply(DHCPNAK, NULL, 0);
    CHECK(c.state == DHCP_SELECTING && c.xid != xid && last().type == DHCPDISCOVER);
    CHECK(leases == 0 && losses == 0 && c.st.naks == 1);
    /* A NAK while renewing: the address goes at once. */
    bind_lease();
    advance_to(c.deadline);
    CHECK(c.state == DHCP_RENEWING);
    reply(DHCPNAK, NULL, 0);
    CHECK(losses == 1 && c.state == DHCP_SELECTING && !c.bound);
    /* A NAK from another server while requesting is not ours to heed. */
    start();
    reply(DHCPOFFER, NULL, 0);
    const uint8_t other[] = {54, 4, 10, 0, 0, 2};
    uint8_t b[600];
    struct reply r = {DHCPNAK, c.xid, {0}, other, sizeof other, true};
    dhcp_input(&c, b, build_reply(b, &r), now);
    CHECK(c.state == DHCP_REQUESTING);
}

static void request_gives_up(void)
{
    start();
    reply(DHCPOFFER, NULL, 0);
    for (int i = 0; i < DHCP_REQUEST_TRIES - 1; i++) {
        advance_to(c.deadline);
        CHECK(c.state == DHCP_REQUESTING && last().type == DHCPREQUEST);
    }
    advance_to(c.deadline);
    CHECK(c.state == DHCP_SELECTING && last().type == DHCPDISCOVER);
}

static void decline_in_use(void)
{
    bind_lease();
    uint32_t xid = c.xid;
    /* The owner's ARP probe found 10.0.0.50 taken: a DHCPDECLINE, broadcast from 0.0.0.0. */
    dhcp_decline(&c, now);
    CHECK(nsent == 3 && !c.bound && c.state == DHCP_DECLINED && c.st.declines == 1);
    CHECK(leases == 1 && losses == 0); /* the owner removed the address itself */
    struct dhcp_msg m = last();
    const uint8_t yi[4] = {10, 0, 0, 50}, srv[4] = {10, 0, 0, 1};
    CHECK(m.type == DHCPDECLINE && m.xid == xid && m.ciaddr.b[0] == 0 && m.ciaddr.b[3] == 0);
    CHECK(sent[2].dst.b[0] == 255 && sent[2].dst.b[3] == 255 && sent[2].src.b[0] == 0 &&
          sent[2].src.b[3] == 0);
    CHECK(sent[2].msg[8] == 0 && sent[2].msg[9] == 0 && sent[2].msg[10] == 0); /* secs, flags */
    /* RFC 2131 table 5: the address and the server; no parameter list or size; a reason. */
    CHECK(has_opt(50, yi, 4) && has_opt(54, srv, 4) && !has_opt(55, NULL, 7) &&
          !has_opt(57, NULL, 2) && has_opt(56, "address in use (ARP)", 20));
    /* Replies meanwhile are not heeded; discovery starts again 10 s later, anew. */
    reply(DHCPACK, NULL, 0);
    CHECK(c.state == DHCP_DECLINED && leases == 1 && !c.bound);
    uint64_t declined = now;
    CHECK(c.deadline == declined + DHCP_DECLINE_WAIT_S * S);
    advance_to(declined + DHCP_DECLINE_WAIT_S * S - 1);
    CHECK(nsent == 3);
    advance_to(declined + DHCP_DECLINE_WAIT_S * S);
    CHECK(nsent == 4 && c.state == DHCP_SELECTING && last().type == DHCPDISCOVER && c.xid != xid);
    /* Another address this time. */
    uint8_t b[600];
    struct reply r = {DHCPOFFER, c.xid, {10, 0, 0, 51}, NULL, 0, false};
    dhcp_input(&c, b, build_reply(b, &r), now);
    r.type = DHCPACK;
    dhcp_input(&c, b, build_reply(b, &r), now);
    CHECK(c.bound && leases == 2 && last_lease.addr.addr.b[3] == 51);
    /* Nothing to decline without a lease. */
    start();
    dhcp_decline(&c, now);
    CHECK(nsent == 1 && c.state == DHCP_SELECTING && c.st.declines == 0);
}

static void options(void)
{
    /* T1/T2 given; a DNS list longer than kept; no mask: the class. */
    start();
    uint8_t b[600];
    const uint8_t o1[] = {54, 4,  172, 16, 0, 1, 51, 4,  0, 0,  0, 100, 58, 4, 0, 0,
                          0,  10, 59,  4,  0, 0, 0,  20, 6, 20, 1, 1,   1,  1, 2, 2,
                          2,  2,  3,   3,  3, 3, 4,  4,  4, 4,  5, 5,   5,  5};
    struct reply r = {DHCPOFFER, c.xid, {172, 16, 5, 5}, o1, sizeof o1, true};
    dhcp_input(&c, b, build_reply(b, &r), now);
    r.type = DHCPACK;
    dhcp_input(&c, b, build_reply(b, &r), now);
    CHECK(leases == 1 && last_lease.addr.len == 16 && !last_lease.have_router);
    CHECK(last_lease.lease_s == 100 && last_lease.t1_s == 10 && last_lease.t2_s == 20);
    CHECK(last_lease.ndns == MG_DHCP_DNS_MAX && last_lease.dns[3].b[0] == 4);
    /* T1 after T2 and T2 after the lease: the defaults instead; a router off
     * the subnet is ignored; a lease without lease time is infinite. */
    start();
    const uint8_t o2[] = {54, 4, 10, 0, 0, 1,   1,  4, 255, 255, 255, 0,  3,  4, 192, 0, 2, 1,
                          51, 4, 0,  0, 0, 100, 58, 4, 0,   0,   0,   90, 59, 4, 0,   0, 0, 200};
    struct reply r2 = {DHCPOFFER, c.xid, {10, 0, 0, 50}, o2, sizeof o2, true};
    dhcp_input(&c, b, build_reply(b, &r2), now);
    r2.type = DHCPACK;
    dhcp_input(&c, b, build_reply(b, &r2), now);
    CHECK(last_lease.t2_s == 87 && last_lease.t1_s == 50 && !last_lease.have_router);
    start();
    const uint8_t o3[] = {54, 4, 10, 0, 0, 1};
    struct reply r3 = {DHCPOFFER, c.xid, {10, 0, 0, 50}, o3, sizeof o3, true};
    dhcp_input(&c, b, build_reply(b, &r3), now);
    r3.type = DHCPACK;
    dhcp_input(&c, b, build_reply(b, &r3), now);
    CHECK(last_lease.lease_s == 0xffffffffu && c.deadline == UINT64_MAX);
    /* Option overload: the lease time in the file field. */
    start();
    const uint8_t o4[] = {52, 1, 1};
    struct reply r4 = {DHCPOFFER, c.xid, {10, 0, 0, 50}, o4, sizeof o4, false};
    dhcp_input(&c, b, build_reply(b, &r4), now);
    r4.type = DHCPACK;
    size_t n = build_reply(b, &r4);
    /* Drop the lease option from the main area, put 7200 s in file. */
    uint8_t *lease = memchr(b + 240, 51, 40);
    CHECK(lease && lease[1] == 4);
    lease[0] = 0, lease[1] = 0, lease[2] = 0, lease[3] = 0, lease[4] = 0, lease[5] = 0;
    const uint8_t f[] = {51, 4, 0, 0, 0x1c, 0x20, 255};
    memcpy(b + 108, f, sizeof f);
    dhcp_input(&c, b, n, now);
    CHECK(leases == 1 && last_lease.lease_s == 7200);
}

static void malformed(void)
{
    struct dhcp_msg m;
    uint8_t b[600];
    struct reply r = {DHCPOFFER, 1, {10, 0, 0, 50}, NULL, 0, false};
    size_t n = build_reply(b, &r);
    CHECK(dhcp_parse(b, n, &m) == 0 && m.type == DHCPOFFER && m.lease_s == 3600);
    CHECK(dhcp_parse(b, 239, &m) < 0);
    b[236] = 98; /* cookie */
    CHECK(dhcp_parse(b, n, &m) < 0);
    b[236] = 99;
    b[2] = 16; /* hlen */
    CHECK(dhcp_parse(b, n, &m) < 0);
    b[2] = 6;
    b[244] = 5; /* the mask option claims 5 bytes */
    CHECK(dhcp_parse(b, n, &m) < 0);
    b[244] = 4;
    /* An option running off the end. */
    uint8_t s[245];
    memcpy(s, b, 240);
    s[240] = 53, s[241] = 1, s[242] = 2, s[243] = 6, s[244] = 40;
    CHECK(dhcp_parse(s, 245, &m) < 0);
    /* No message type: BOOTP, not DHCP. */
    s[240] = 255;
    CHECK(dhcp_parse(s, 241, &m) < 0);
    /* Overload inside the overloaded field is not allowed. */
    const uint8_t o[] = {52, 1, 1};
    struct reply r2 = {DHCPOFFER, 1, {10, 0, 0, 50}, o, sizeof o, false};
    n = build_reply(b, &r2);
    b[108] = 52, b[109] = 1, b[110] = 2;
    CHECK(dhcp_parse(b, n, &m) < 0);
    /* Odd router/DNS lengths. */
    const uint8_t o2[] = {3, 5, 1, 2, 3, 4, 5};
    struct reply r3 = {DHCPOFFER, 1, {10, 0, 0, 50}, o2, sizeof o2, true};
    n = build_reply(b, &r3);
    CHECK(dhcp_parse(b, n, &m) < 0);
    /* Mask lengths. */
    struct mg_ipv4 mk = {{255, 255, 240, 0}}, bad = {{255, 0, 255, 0}},
                   all = {{255, 255, 255, 255}};
    CHECK(dhcp_mask_len(&mk) == 20 && dhcp_mask_len(&bad) == -1 && dhcp_mask_len(&all) == 32);
}

static const struct check_case cases[] = {
    CASE_ENTRY(discover_message),
    CASE_ENTRY(retransmission_backoff),
    CASE_ENTRY(offer_request_ack),
    CASE_ENTRY(renew_at_t1),
    CASE_ENTRY(rebind_at_t2_then_expire),
    CASE_ENTRY(rebind_answered),
    CASE_ENTRY(naks),
    CASE_ENTRY(request_gives_up),
    CASE_ENTRY(decline_in_use),
    CASE_ENTRY(options),
    CASE_ENTRY(malformed),
};
CHECK_MAIN(cases)
