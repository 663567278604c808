/* sources: lib/arp/arp_engine.c */
/* test_arp.c: the ARP engine with a fake link and a fake clock: cache, queries, retries, expiry,
 * answers, probes, announcements, conflicts, eviction and malformed input. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "../../lib/arp/arp_engine.h"
#include "check.h"

#define SEC 1000000000ull
#define MS 1000000ull

/* The fake link: every packet the engine sent, in order. */
struct sent {
    struct mg_mac dst;
    struct arp_pkt p;
};
static struct sent out[256];
static int nout, nevents, nconflicts;
static bool last_conflict_probing;

static void on_out(void *ctx, const struct mg_mac *dst, const uint8_t pkt[ARP_PKT_LEN])
{
    (void)ctx;
    if (nout < 256) {
        out[nout].dst = *dst;
        if (arp_parse(pkt, ARP_PKT_LEN, &out[nout].p) != 0)
            abort();
    }
    nout++;
}
static void on_event(void *ctx) { (void)ctx, nevents++; }
static void on_conflict(void *ctx, const struct mg_ipv4 *ip, const struct mg_mac *mac, bool probing)
{
    (void)ctx, (void)ip, (void)mac;
    nconflicts++;
    last_conflict_probing = probing;
}

static const struct mg_mac me = {{0x02, 0, 0, 0, 0, 0x02}};
static const struct mg_mac peer = {{0x02, 0, 0, 0, 0, 0x01}};
static const struct mg_mac other = {{0x02, 0, 0, 0, 0, 0x99}};
static const struct mg_mac bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
static const struct mg_ipv4 my_ip = {{10, 0, 0, 2}};
static const struct mg_ipv4 peer_ip = {{10, 0, 0, 1}};
static const struct mg_ipv4 zero_ip = {{0, 0, 0, 0}};

static struct arp_engine E;
static uint64_t now;

static void setup(int probes, size_t cache_max)
{
    nout = nevents = nconflicts = 0;
    now = 1000 * SEC;
    struct arp_cfg c;
    arp_cfg_default(&c);
    c.probe_num = probes;
    if (cache_max)
        c.cache_max = cache_max;
    arp_free(&E);
    CHECK(arp_init(&E, &c, &me, 42, on_out, on_event, on_conflict, NULL) == 0);
}

static bool mac_is(const struct mg_mac *a, const struct mg_mac *b) { return memcmp(a, b, 6) == 0; }
static bool ip_is(const struct mg_ipv4 *a, const struct mg_ipv4 *b) { return memcmp(a, b, 4) == 0; }

/* Feed a packet from the link. */
static void feed(uint16_t op, const struct mg_mac *sha, const struct mg_ipv4 *spa,
                 const struct mg_mac *tha, const struct mg_ipv4 *tpa)
{
    struct arp_pkt p = {op, *sha, *tha, *spa, *tpa};
    uint8_t b[60] = {0}; /* padded, as on the wire */
    arp_emit(&p, b);
    arp_input(&E, now, b, sizeof b);
}

/* Run the timers until t, the way the timer fiber does. */
static void run_until(uint64_t t)
{
    for (;;) {
        uint64_t next = arp_tick(&E, now);
        if (next > t) {
            now = t;
            arp_tick(&E, now);
            return;
        }
        now = next > now ? next : now;
    }
}

static void held(void)
{
    setup(0, 0);
    CHECK(arp_set_ips(&E, now, &my_ip, 1) == 0);
    arp_tick(&E, now);
}

static void packet_round_trip(void)
{
    struct arp_pkt p = {ARP_OP_REPLY, me, peer, my_ip, peer_ip}, q;
    uint8_t b[ARP_PKT_LEN];
    arp_emit(&p, b);
    static const uint8_t head[8] = {0, 1, 8, 0, 6, 4, 0, 2};
    CHECK(memcmp(b, head, 8) == 0);
    CHECK(arp_parse(b, sizeof b, &q) == 0);
    CHECK(q.op == 2 && mac_is(&q.sha, &me) && mac_is(&q.tha, &peer) && ip_is(&q.spa, &my_ip) &&
          ip_is(&q.tpa, &peer_ip));
    CHECK(arp_parse(b, 27, &q) == MG_EINVAL);
    b[1] = 6; /* IEEE 802 hardware, not Ethernet */
    CHECK(arp_parse(b, sizeof b, &q) == MG_EINVAL);
}

static void query_sends_request_and_reply_resolves(void)
{
    held();
    int before = nout;
    struct mg_mac m;
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 1);
    CHECK(nout == before + 1);
    struct sent *s = &out[nout - 1];
    CHECK(mac_is(&s->dst, &bcast) && s->p.op == ARP_OP_REQUEST && ip_is(&s->p.tpa, &peer_ip) &&
          ip_is(&s->p.spa, &my_ip) && mac_is(&s->p.sha, &me));
    /* A second question while one is under way sends nothing. */
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 1 && nout == before + 1);
    int ev = nevents;
    now += 10 * MS;
    feed(ARP_OP_REPLY, &peer, &peer_ip, &me, &my_ip);
    CHECK(nevents == ev + 1); /* waiters are told */
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 0 && mac_is(&m, &peer));
    CHECK(E.st.rx_replies == 1 && E.st.tx_requests == 1);
}

static void retries_then_failure(void)
{
    held();
    struct mg_mac m;
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 1);
    uint64_t t0 = now;
    run_until(t0 + 2500 * MS);
    CHECK(E.st.tx_requests == 3); /* at 0, 1 s and 2 s */
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 1);
    int ev = nevents;
    run_until(t0 + 3100 * MS);
    CHECK(nevents == ev + 1 && E.st.failed_queries == 1);
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == MG_ETIMEDOUT);
    CHECK(E.st.tx_requests == 3);
    /* After the hold, a new question starts a new query. */
    run_until(t0 + 4200 * MS);
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 1 && E.st.tx_requests == 4);
}

static void entries_expire_and_refresh_on_use(void)
{
    held();
    struct mg_mac m;
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 1);
    feed(ARP_OP_REPLY, &peer, &peer_ip, &me, &my_ip);
    uint64_t t0 = now;
    /* Used well before its end: no packet. */
    now = t0 + 30 * SEC;
    int before = nout;
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 0 && nout == before);
    /* Used near its end: a unicast request to the host itself, once a second. */
    now = t0 + 57 * SEC;
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 0 && nout == before + 1);
    CHECK(mac_is(&out[nout - 1].dst, &peer) && out[nout - 1].p.op == ARP_OP_REQUEST);
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 0 && nout == before + 1);
    /* Its answer extends the entry. */
    feed(ARP_OP_REPLY, &peer, &peer_ip, &me, &my_ip);
    now = t0 + 100 * SEC;
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 0);
    /* Not used: it lapses, and the next use asks again. */
    run_until(t0 + 200 * SEC);
    before = nout;
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 1 && nout == before + 1 &&
          mac_is(&out[nout - 1].dst, &bcast));
}

static void answers_requests_for_our_address(void)
{
    held();
    int before = nout;
    feed(ARP_OP_REQUEST, &peer, &peer_ip, &(struct mg_mac){{0}}, &my_ip);
    CHECK(nout == before + 1);
    struct sent *s = &out[nout - 1];
    CHECK(mac_is(&s->dst, &peer) && s->p.op == ARP_OP_REPLY && mac_is(&s->p.sha, &me) &&
          ip_is(&s->p.spa, &my_ip) && mac_is(&s->p.tha, &peer) && ip_is(&s->p.tpa, &peer_ip));
    /* The asker is learnt (RFC 826): no question needed. */
    struct mg_mac m;
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 0 && mac_is(&m, &peer));
    /* Requests for other addresses: no answer, nothing learnt. */
    struct mg_ipv4 third = {{10, 0, 0, 3}}, fourth = {{10, 0, 0, 4}};
    before = nout;
    feed(ARP_OP_REQUEST, &other, &third, &(struct mg_mac){{0}}, &fourth);
    CHECK(nout == before);
    CHECK(arp_lookup(&E, now, &third, &m) == 1);
    /* A probe (sender 0.0.0.0) for our address is answered, to 0.0.0.0. */
    before = nout;
    feed(ARP_OP_REQUEST, &other, &zero_ip, &(struct mg_mac){{0}}, &my_ip);
    CHECK(nout == before + 1 && out[nout - 1].p.op == ARP_OP_REPLY &&
          mac_is(&out[nout - 1].dst, &other) && ip_is(&out[nout - 1].p.tpa, &zero_ip));
}

static void gratuitous_arp_on_set_ips(void)
{
    setup(0, 0);
    CHECK(arp_set_ips(&E, now, &my_ip, 1) == 0);
    uint64_t t0 = now;
    run_until(t0 + 10 * SEC);
    CHECK(E.st.tx_announces == 2 && nout == 2);
    for (int i = 0; i < 2; i++)
        CHECK(mac_is(&out[i].dst, &bcast) && out[i].p.op == ARP_OP_REQUEST &&
              ip_is(&out[i].p.spa, &my_ip) && ip_is(&out[i].p.tpa, &my_ip));
    /* Setting the same address again announces nothing new. */
    CHECK(arp_set_ips(&E, now, &my_ip, 1) == 0);
    run_until(now + 10 * SEC);
    CHECK(E.st.tx_announces == 2);
}

static void probes_then_announces(void)
{
    setup(3, 0);
    CHECK(arp_set_ips(&E, now, &my_ip, 1) == 0);
    CHECK(arp_probing(&E, &my_ip, 1));
    uint64_t t0 = now;
    /* While probing, requests for the address get no answer. */
    feed(ARP_OP_REQUEST, &peer, &peer_ip, &(struct mg_mac){{0}}, &my_ip);
    CHECK(nout == 0);
    run_until(t0 + 20 * SEC);
    CHECK(!arp_probing(&E, &my_ip, 1) && !arp_conflicted(&E, &my_ip, 1));
    CHECK(E.st.tx_probes == 3 && E.st.tx_announces == 2 && nout == 5);
    for (int i = 0; i < 3; i++)
        CHECK(ip_is(&out[i].p.spa, &zero_ip) && ip_is(&out[i].p.tpa, &my_ip) &&
              mac_is(&out[i].p.sha, &me) && mac_is(&out[i].dst, &bcast));
    CHECK(ip_is(&out[3].p.spa, &my_ip));
    /* RFC 5227's schedule: 3 probes and the wait fit in 1 + 2 + 2 + 2 s at most. */
    CHECK(arp_tick(&E, now) == UINT64_MAX);
}

static void probe_schedule_bounds(void)
{
    setup(3, 0);
    CHECK(arp_set_ips(&E, now, &my_ip, 1) == 0);
    uint64_t t0 = now, t[3];
    int seen = 0;
    while (seen < 3) {
        uint64_t next = arp_tick(&E, now);
        if (E.st.tx_probes > (uint64_t)seen)
            t[seen++] = now;
        now = next;
    }
    CHECK(t[0] - t0 <= 1 * SEC);
    CHECK(t[1] - t[0] >= 1 * SEC && t[1] - t[0] <= 2 * SEC);
    CHECK(t[2] - t[1] >= 1 * SEC && t[2] - t[1] <= 2 * SEC);
    /* The first announcement is ANNOUNCE_WAIT after the last probe. */
    for (;;) {
        uint64_t next = arp_tick(&E, now);
        if (E.st.tx_announces > 0)
            break;
        now = next;
    }
    CHECK(now - t[2] == 2 * SEC);
}

static void conflict_while_probing(void)
{
    setup(3, 0);
    CHECK(arp_set_ips(&E, now, &my_ip, 1) == 0);
    run_until(now + 1500 * MS);
    /* The holder answers our probe. */
    feed(ARP_OP_REPLY, &other, &my_ip, &me, &zero_ip);
    CHECK(nconflicts == 1 && last_conflict_probing);
    CHECK(!arp_probing(&E, &my_ip, 1) && arp_conflicted(&E, &my_ip, 1));
    run_until(now + 20 * SEC);
    CHECK(E.st.tx_announces == 0); /* not ours to announce */
    /* Another host probing the same address at the same time is a conflict too. */
    setup(3, 0);
    CHECK(arp_set_ips(&E, now, &my_ip, 1) == 0);
    feed(ARP_OP_REQUEST, &other, &zero_ip, &(struct mg_mac){{0}}, &my_ip);
    CHECK(nconflicts == 1 && arp_conflicted(&E, &my_ip, 1));
}

static void conflict_after_is_defended_once_per_interval(void)
{
    held();
    run_until(now + 10 * SEC);
    uint64_t ann = E.st.tx_announces;
    feed(ARP_OP_REQUEST, &other, &my_ip, &(struct mg_mac){{0}}, &my_ip);
    CHECK(nconflicts == 1 && !last_conflict_probing && E.st.tx_announces == ann + 1);
    now += 5 * SEC;
    feed(ARP_OP_REQUEST, &other, &my_ip, &(struct mg_mac){{0}}, &my_ip);
    CHECK(nconflicts == 2 && E.st.tx_announces == ann + 1);
    now += 6 * SEC;
    feed(ARP_OP_REPLY, &other, &my_ip, &me, &peer_ip);
    CHECK(nconflicts == 3 && E.st.tx_announces == ann + 2);
    /* Nothing learnt about our own address. */
    struct mg_mac m;
    CHECK(arp_lookup(&E, now, &my_ip, &m) == 1);
}

static void bounded_cache_evicts_least_recently_used(void)
{
    setup(0, 4);
    CHECK(arp_set_ips(&E, now, &my_ip, 1) == 0);
    struct mg_mac m;
    for (int i = 0; i < 4; i++) {
        struct mg_ipv4 ip = {{10, 0, 1, (uint8_t)i}};
        struct mg_mac mac = {{2, 0, 0, 1, 0, (uint8_t)i}};
        CHECK(arp_lookup(&E, now, &ip, &m) == 1);
        feed(ARP_OP_REPLY, &mac, &ip, &me, &my_ip);
        now += MS;
    }
    /* Touch .0 so .1 is the least recently used. */
    CHECK(arp_lookup(&E, now, &(struct mg_ipv4){{10, 0, 1, 0}}, &m) == 0);
    now += MS;
    struct mg_ipv4 fifth = {{10, 0, 1, 9}};
    CHECK(arp_lookup(&E, now, &fifth, &m) == 1 && E.st.evictions == 1);
    CHECK(arp_lookup(&E, now, &(struct mg_ipv4){{10, 0, 1, 0}}, &m) == 0);
    CHECK(arp_lookup(&E, now, &(struct mg_ipv4){{10, 0, 1, 2}}, &m) == 0);
    CHECK(arp_lookup(&E, now, &(struct mg_ipv4){{10, 0, 1, 3}}, &m) == 0);
    int before = nout;
    CHECK(arp_lookup(&E, now, &(struct mg_ipv4){{10, 0, 1, 1}}, &m) == 1 && nout == before + 1);
}

static void several_waiters_one_query(void)
{
    held();
    struct mg_mac m;
    for (int i = 0; i < 5; i++)
        CHECK(arp_lookup(&E, now, &peer_ip, &m) == 1);
    CHECK(E.st.tx_requests == 1);
    int ev = nevents;
    feed(ARP_OP_REPLY, &peer, &peer_ip, &me, &my_ip);
    CHECK(nevents == ev + 1); /* one event wakes them all; each finds the answer */
    for (int i = 0; i < 5; i++)
        CHECK(arp_lookup(&E, now, &peer_ip, &m) == 0 && mac_is(&m, &peer));
}

static void malformed_packets_are_ignored_and_counted(void)
{
    held();
    int before = nout;
    uint8_t b[60] = {0};
    arp_input(&E, now, b, 27);
    arp_input(&E, now, b, sizeof b); /* hardware type 0 */
    struct arp_pkt p = {7, peer, me, peer_ip, my_ip}; /* unknown op */
    arp_emit(&p, b);
    arp_input(&E, now, b, sizeof b);
    p = (struct arp_pkt){ARP_OP_REQUEST, bcast, me, peer_ip, my_ip}; /* broadcast sender */
    arp_emit(&p, b);
    arp_input(&E, now, b, sizeof b);
    CHECK(E.st.rx_malformed == 4 && nout == before);
    struct mg_mac m;
    CHECK(arp_lookup(&E, now, &peer_ip, &m) == 1);
}

static void fixed_addresses_need_no_question(void)
{
    held();
    struct mg_mac m;
    CHECK(arp_lookup(&E, now, &(struct mg_ipv4){{255, 255, 255, 255}}, &m) == 0 && mac_is(&m, &bcast));
    CHECK(arp_lookup(&E, now, &(struct mg_ipv4){{224, 129, 2, 3}}, &m) == 0);
    CHECK(mac_is(&m, &(struct mg_mac){{1, 0, 0x5e, 1, 2, 3}}));
    CHECK(arp_lookup(&E, now, &zero_ip, &m) == MG_ETIMEDOUT);
    CHECK(nout == 0 || E.st.tx_requests == 0);
}

static void address_set_limits(void)
{
    setup(0, 0);
    struct mg_ipv4 many[ARP_IPS_MAX + 1];
    for (int i = 0; i <= ARP_IPS_MAX; i++)
        many[i] = (struct mg_ipv4){{10, 0, 2, (uint8_t)(i + 1)}};
    CHECK(arp_set_ips(&E, now, many, ARP_IPS_MAX + 1) == MG_EINVAL);
    CHECK(arp_set_ips(&E, now, many, ARP_IPS_MAX) == 0 && E.nips == ARP_IPS_MAX);
    CHECK(arp_add_ip(&E, now, &my_ip) == MG_EINVAL);
    CHECK(arp_remove_ip(&E, &many[0]) == 0 && E.nips == ARP_IPS_MAX - 1);
    CHECK(arp_add_ip(&E, now, &my_ip) == 0 && E.nips == ARP_IPS_MAX);
    CHECK(arp_set_ips(&E, now, &zero_ip, 1) == MG_EINVAL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(packet_round_trip),
    CASE_ENTRY(query_sends_request_and_reply_resolves),
    CASE_ENTRY(retries_then_failure),
    CASE_ENTRY(entries_expire_and_refresh_on_use),
    CASE_ENTRY(answers_requests_for_our_address),
    CASE_ENTRY(gratuitous_arp_on_set_ips),
    CASE_ENTRY(probes_then_announces),
    CASE_ENTRY(probe_schedule_bounds),
    CASE_ENTRY(conflict_while_probing),
    CASE_ENTRY(conflict_after_is_defended_once_per_interval),
    CASE_ENTRY(bounded_cache_evicts_least_recently_used),
    CASE_ENTRY(several_waiters_one_query),
    CASE_ENTRY(malformed_packets_are_ignored_and_counted),
    CASE_ENTRY(fixed_addresses_need_no_question),
    CASE_ENTRY(address_set_limits),
};
CHECK_MAIN(cases)
