/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/arp/arp.c lib/arp/arp_engine.c lib/netif/mac.c lib/inet/inet_csum.c lib/ipv4/ipv4.c lib/ipv4/ipv4_input.c lib/ipv4/ipv4_output.c lib/ipv4/ipv4_hold.c lib/ipv4/icmp4.c lib/ipv4/icmp4_wire.c lib/ipv4/ipv4_wire.c lib/ipv4/ipv4_reasm.c */
/* libs: -lm */
/* test_ipv4_hold.c: replies sent from the receiving fiber to a host whose MAC ARP does not know
 * are held until ARP answers (the real ARP device and IPv4 layer over a fake link), within
 * their bounds, and dropped and counted when ARP fails. */
#include <stdlib.h>
#include <string.h>

#include <mirage/arp.h>
#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/ethernet.h>
#include <mirage/fiber.h>
#include <mirage/ipv4.h>

#include "../../lib/arp/arp_engine.h"
#include "../../lib/ipv4/ipv4_wire.h"
#include "fiber_check.h"

#define MS 1000000ull

/* ---- a fake link: records frames, keeps the ARP and IPv4 handlers ---- */
#define NFRAMES 512
struct frame {
    struct mg_mac dst;
    uint16_t type;
    size_t len;
    uint8_t data[1600];
};
static struct frame frames[NFRAMES];
static int nframes;
static mg_ethernet_input_fn arp_in, ip_in;
static void *arp_arg, *ip_arg;
static const struct mg_mac ME = {{0x02, 0, 0, 0, 0, 0x02}};
static const struct mg_ipv4 MY_IP = {{10, 0, 0, 2}};

static void e_mac(struct mg_ethernet *e, struct mg_mac *o) { (void)e, *o = ME; }
static uint16_t e_mtu(struct mg_ethernet *e) { return (void)e, 1500; }
static int e_writev(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t type,
                    const struct mg_iovec *iov, size_t niov)
{
    (void)e;
    if (nframes == NFRAMES)
        abort();
    struct frame *f = &frames[nframes++];
    f->dst = *dst;
    f->type = type;
    f->len = 0;
    for (size_t i = 0; i < niov; i++) {
        if (f->len + iov[i].len > sizeof f->data)
            abort();
        memcpy(f->data + f->len, iov[i].base, iov[i].len);
        f->len += iov[i].len;
    }
    return 0;
}
static int e_writev_off(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t type,
                        const struct mg_net_offload *off, const struct mg_iovec *iov, size_t niov)
{
    (void)off;
    return e_writev(e, dst, type, iov, niov);
}
static int e_flush(struct mg_ethernet *e) { return (void)e, 0; }
static int e_set_input(struct mg_ethernet *e, uint16_t type, mg_ethernet_input_fn fn, void *arg)
{
    (void)e;
    if (type == MG_ETHERTYPE_ARP)
        arp_in = fn, arp_arg = arg;
    else if (type == MG_ETHERTYPE_IPV4)
        ip_in = fn, ip_arg = arg;
    else
        abort();
    return 0;
}
static const struct mg_ethernet_ops e_ops = {.mac = e_mac,
                                             .mtu = e_mtu,
                                             .writev = e_writev,
                                             .writev_off = e_writev_off,
                                             .flush = e_flush,
                                             .set_input = e_set_input};
static struct mg_ethernet eth = {&e_ops};

static struct mg_ipv4 host(int n) { return (struct mg_ipv4){{10, 0, 0, (uint8_t)n}}; }
static struct mg_mac mac_of(int n) { return (struct mg_mac){{0x02, 0, 0, 0, 1, (uint8_t)n}}; }

/* Host n answers ARP (a reply to us). */
static void arp_reply_from(int n)
{
    struct mg_ipv4 ip = host(n);
    struct mg_mac m = mac_of(n);
    struct arp_pkt p = {ARP_OP_REPLY, m, ME, ip, MY_IP};
    uint8_t b[ARP_PKT_LEN];
    arp_emit(&p, b);
    arp_in(arp_arg, &m, &ME, b, sizeof b);
}

/* Host n sends us a datagram (proto, payload) as the receiving fiber would deliver it. */
static void ip_from(int n, uint8_t proto, const uint8_t *p, size_t len)
{
    static uint8_t b[1500];
    struct ipv4_hdr h = {.hlen = 20, .ttl = 64, .proto = proto, .total_len = (uint16_t)(20 + len),
                         .id = 1, .src = host(n), .dst = MY_IP};
    ipv4_emit(b, &h);
    memcpy(b + 20, p, len);
    struct mg_mac m = mac_of(n);
    ip_in(ip_arg, &m, &ME, b, 20 + len);
}

static void ping_from(int n, uint16_t seq)
{
    uint8_t icmp[8 + 32] = {ICMP_ECHO, 0, 0, 0, 0x12, 0x34, (uint8_t)(seq >> 8), (uint8_t)seq};
    for (size_t i = 8; i < sizeof icmp; i++)
        icmp[i] = (uint8_t)i;
    uint16_t c = mg_inet_csum(icmp, sizeof icmp, 0);
    icmp[2] = (uint8_t)(c >> 8), icmp[3] = (uint8_t)c;
    ip_from(n, MG_IPPROTO_ICMP, icmp, sizeof icmp);
}

/* Is frame i an echo reply to host n with sequence seq? */
static bool is_reply(int i, int n, uint16_t seq)
{
    struct frame *f = &frames[i];
    struct mg_mac m = mac_of(n);
    struct mg_ipv4 to = host(n);
    return i < nframes && f->type == MG_ETHERTYPE_IPV4 && !memcmp(&f->dst, &m, 6) &&
           f->len >= 28 && f->data[9] == MG_IPPROTO_ICMP && !memcmp(f->data + 16, &to, 4) &&
           f->data[20] == ICMP_ECHO_REPLY && f->data[26] == (uint8_t)(seq >> 8) &&
           f->data[27] == (uint8_t)seq;
}

/* Is frame i an ARP request for host n, broadcast? */
static bool is_request(int i, int n)
{
    struct arp_pkt p;
    struct mg_ipv4 ip = host(n);
    return i < nframes && frames[i].type == MG_ETHERTYPE_ARP &&
           arp_parse(frames[i].data, frames[i].len, &p) == 0 && p.op == ARP_OP_REQUEST &&
           !memcmp(&p.tpa, &ip, 4) && frames[i].dst.b[0] == 0xff;
}

static int count_type(int from, uint16_t type)
{
    int k = 0;
    for (int i = from; i < nframes; i++)
        k += frames[i].type == type;
    return k;
}

static struct mg_ip_layer *IP;
static struct mg_arpv4 *A;

static struct mg_ipv4_stats stats(void)
{
    struct mg_ipv4_stats s;
    mg_ipv4_stats(IP, &s);
    return s;
}
static uint64_t held_now(void)
{
    struct mg_ipv4_stats s = stats();
    return s.tx_held - s.tx_held_sent - s.tx_held_dropped - s.tx_held_overflow;
}

/* Protocol 253 (RFC 3692, for experiments): answer with 60,000 bytes. */
static uint8_t big[60000];
static void big_reply(void *arg, const struct mg_ip *src, const struct mg_ip *dst,
                      const uint8_t *p, size_t len)
{
    (void)arg, (void)dst, (void)p, (void)len;
    struct mg_iovec v = {big, sizeof big};
    FCHECK(IP->ops->writev(IP, NULL, src, 253, &v, 1) == 0);
}

static void dummy_listener(void *arg, const struct mg_ipv4 *ip, const struct mg_mac *mac)
{
    (void)arg, (void)ip, (void)mac;
}

static int boot(void *arg)
{
    (void)arg;
    FCHECK(mg_arpv4_connect(&A, &eth, false) == 0);
    struct mg_ipv4_prefix p = {MY_IP, 24};
    FCHECK(mg_ipv4_connect(&IP, &eth, A, &p, NULL, NULL) == 0);
    mg_sleep_ns(10 * MS); /* the announcement */
    /* The layer is ARP's one listener, and lets go when disconnected. */
    mg_arpv4_resolved_fn other = dummy_listener;
    FCHECK(A->ops->set_resolved(A, other, A) == MG_EBUSY);
    mg_ipv4_disconnect(IP);
    FCHECK(A->ops->set_resolved(A, other, A) == 0 && A->ops->set_resolved(A, NULL, NULL) == 0);
    FCHECK(mg_ipv4_connect(&IP, &eth, A, &p, NULL, NULL) == 0);
    FCHECK(A->ops->set_resolved(A, other, A) == MG_EBUSY);

    /* A ping from a host ARP does not know: ARP asks at once, the reply waits for it. */
    nframes = 0;
    ping_from(1, 1);
    FCHECK(nframes == 1 && is_request(0, 1));
    FCHECK(stats().tx_held == 1 && held_now() == 1 && stats().tx_arp_failed == 0);
    arp_reply_from(1);
    FCHECK(nframes == 2 && is_reply(1, 1, 1));
    FCHECK(stats().tx_held_sent == 1 && held_now() == 0);
    /* Known now: the next goes at once. */
    ping_from(1, 2);
    FCHECK(nframes == 3 && is_reply(2, 1, 2) && stats().tx_held == 1);

    /* Three per host: the newest win, in order, after one request. */
    nframes = 0;
    for (uint16_t s = 1; s <= 5; s++)
        ping_from(3, s);
    FCHECK(nframes == 1 && is_request(0, 3));
    FCHECK(held_now() == 3 && stats().tx_held_overflow == 2);
    arp_reply_from(3);
    FCHECK(nframes == 4 && is_reply(1, 3, 3) && is_reply(2, 3, 4) && is_reply(3, 3, 5));
    FCHECK(held_now() == 0 && stats().tx_held_sent == 4);

    /* 64 in all: 30 hosts with 3 each push the oldest 26 out. */
    nframes = 0;
    for (int h = 10; h < 40; h++)
        for (uint16_t s = 1; s <= 3; s++)
            ping_from(h, s);
    FCHECK(count_type(0, MG_ETHERTYPE_ARP) == 30 && count_type(0, MG_ETHERTYPE_IPV4) == 0);
    FCHECK(held_now() == 64 && stats().tx_held_overflow == 2 + 26);
    int at = nframes;
    arp_reply_from(10); /* its datagrams were pushed out */
    FCHECK(nframes == at);
    arp_reply_from(39);
    FCHECK(nframes == at + 3 && is_reply(at, 39, 1) && is_reply(at + 2, 39, 3));
    FCHECK(held_now() == 61);

    /* 256 KiB in all: a fifth 60,000-byte reply pushes the oldest held out
     * (which are the 61 pings, then the first big one). */
    IP->ops->set_input(IP, 253, big_reply, NULL);
    uint8_t one = 1;
    uint64_t over = stats().tx_held_overflow;
    for (int h = 50; h < 55; h++)
        ip_from(h, 253, &one, 1);
    FCHECK(held_now() == 4 && stats().tx_held_overflow == over + 61 + 1);
    /* Sent when ARP answers, cut into fragments. */
    at = nframes;
    arp_reply_from(54);
    FCHECK(nframes - at == (60000 + 1479) / 1480 && frames[at].type == MG_ETHERTYPE_IPV4);
    FCHECK(held_now() == 3 && stats().tx_fragments > 0);

    /* Nobody answers for the rest: ARP gives up (3 requests 1 s apart), they are dropped. */
    uint64_t dropped = stats().tx_held_dropped;
    at = nframes;
    for (int i = 0; i < 120 && held_now() > 0; i++)
        mg_sleep_ns(50 * MS);
    FCHECK(held_now() == 0 && stats().tx_held_dropped == dropped + 3);
    FCHECK(count_type(at, MG_ETHERTYPE_IPV4) == 0);
    struct mg_arpv4_stats as;
    mg_arpv4_stats(A, &as);
    FCHECK(as.failed_queries >= 3);
    /* Failed just now (ARP holds a failure 1 s): dropped at once, as before. */
    uint64_t failed = stats().tx_arp_failed;
    ping_from(51, 9);
    FCHECK(stats().tx_arp_failed == failed + 1 && held_now() == 0);

    /* A disconnected layer drops what it holds and hears no more from ARP. */
    ping_from(60, 1);
    FCHECK(held_now() == 1);
    mg_ipv4_disconnect(IP);
    IP = NULL;
    at = nframes;
    arp_reply_from(60);
    FCHECK(nframes == at);
    FCHECK(A->ops->set_resolved(A, other, A) == 0 && A->ops->set_resolved(A, NULL, NULL) == 0);

    /* lookup never waits: MG_EAGAIN while asking, then the answer. */
    struct mg_mac m;
    struct mg_ipv4 h70 = host(70);
    at = nframes;
    FCHECK(A->ops->lookup(A, &h70, &m) == MG_EAGAIN && is_request(at, 70));
    FCHECK(A->ops->lookup(A, &h70, &m) == MG_EAGAIN && nframes == at + 1);
    arp_reply_from(70);
    struct mg_mac want = mac_of(70);
    FCHECK(A->ops->lookup(A, &h70, &m) == 0 && !memcmp(&m, &want, 6));

    FCHECK(A->ops->disconnect(A) == 0);
    FCHECK(A->ops->lookup(A, &h70, &m) == MG_ENOTCONN);
    FCHECK(A->ops->set_resolved(A, other, A) == MG_ENOTCONN);
    mg_yield(); /* the timer fiber ends */
    return 0;
}

static void hold(void)
{
    RUN(boot, NULL);
    free(A);
}

/* The engine tells of a pending query pushed out of a full cache as a failure. */
static struct mg_ipv4 told_ip;
static bool told_mac;
static int told;
static void on_resolved(void *ctx, const struct mg_ipv4 *ip, const struct mg_mac *mac)
{
    (void)ctx;
    told++;
    told_ip = *ip;
    told_mac = mac != NULL;
}
static void out_nothing(void *ctx, const struct mg_mac *dst, const uint8_t pkt[ARP_PKT_LEN])
{
    (void)ctx, (void)dst, (void)pkt;
}

static void engine_eviction(void)
{
    struct arp_engine e;
    struct arp_cfg c;
    arp_cfg_default(&c);
    c.cache_max = 2;
    CHECK(arp_init(&e, &c, &ME, 1, out_nothing, NULL, NULL, NULL) == 0);
    e.resolved = on_resolved;
    struct mg_mac m;
    struct mg_ipv4 a = host(1), b = host(2), d = host(3);
    CHECK(arp_lookup(&e, 1, &a, &m) == 1 && arp_lookup(&e, 2, &b, &m) == 1 && told == 0);
    CHECK(arp_lookup(&e, 3, &d, &m) == 1);
    CHECK(told == 1 && !memcmp(&told_ip, &a, 4) && !told_mac);
    arp_free(&e);
}

static const struct check_case cases[] = {
    CASE_ENTRY(hold),
    CASE_ENTRY(engine_eviction),
};
CHECK_MAIN(cases)
