/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/arp/arp.c lib/arp/arp_engine.c lib/netif/mac.c */
/* libs: -lm */
/* test_arp_device.c: the ARPV4 device's fibers over a fake Ethernet layer: queries that wait
 * for answers, deadlines, several waiters, cancellation, announcements, disconnect. */
#include <stdlib.h>
#include <string.h>

#include <mirage/arp.h>
#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/ethernet.h>
#include <mirage/fiber.h>

#include "../../lib/arp/arp_engine.h"
#include "fiber_check.h"

#define MS 1000000ull

/* ---- a fake Ethernet layer: records ARP packets sent, keeps the handler ---- */
static struct arp_pkt sent[64];
static struct mg_mac sent_to[64];
static int nsent, flushes;
static mg_ethernet_input_fn handler;
static void *handler_arg;
static const struct mg_mac ME = {{0x02, 0, 0, 0, 0, 0x02}};
static const struct mg_mac PEER = {{0x02, 0, 0, 0, 0, 0x01}};
static const struct mg_mac BCAST = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
static const struct mg_ipv4 MY_IP = {{10, 0, 0, 2}}, PEER_IP = {{10, 0, 0, 1}};

static void e_mac(struct mg_ethernet *e, struct mg_mac *o) { (void)e, *o = ME; }
static int e_writev(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t type,
                    const struct mg_iovec *iov, size_t niov)
{
    (void)e;
    if (type != MG_ETHERTYPE_ARP || niov != 1 || arp_parse(iov[0].base, iov[0].len, &sent[nsent]))
        abort();
    sent_to[nsent++] = *dst;
    return 0;
}
static int e_flush(struct mg_ethernet *e) { (void)e, flushes++; return 0; }
static int e_set_input(struct mg_ethernet *e, uint16_t type, mg_ethernet_input_fn fn, void *arg)
{
    (void)e;
    if (type != MG_ETHERTYPE_ARP)
        abort();
    handler = fn;
    handler_arg = arg;
    return 0;
}
static const struct mg_ethernet_ops e_ops = {.mac = e_mac, .writev = e_writev, .flush = e_flush,
                                             .set_input = e_set_input};
static struct mg_ethernet eth = {&e_ops};

static void from_peer(uint16_t op, const struct mg_ipv4 *spa, const struct mg_ipv4 *tpa)
{
    struct arp_pkt p = {op, PEER, ME, *spa, *tpa};
    uint8_t b[ARP_PKT_LEN];
    arp_emit(&p, b);
    handler(handler_arg, &PEER, &ME, b, sizeof b);
}

static struct mg_arpv4 *A;

struct q {
    struct mg_ipv4 ip;
    uint64_t deadline;
    struct mg_mac mac;
};
static int querier(void *arg)
{
    struct q *q = arg;
    return A->ops->query(A, &q->ip, &q->mac, q->deadline);
}

static int boot(void *arg)
{
    (void)arg;
    nsent = flushes = 0;
    FCHECK(mg_arpv4_connect(&A, &eth, false) == 0 && handler != NULL);
    /* No probing: set at once, announced at once. */
    FCHECK(A->ops->set_ips(A, &MY_IP, 1) == 0);
    mg_sleep_ns(10 * MS);
    FCHECK(nsent == 1 && sent[0].op == ARP_OP_REQUEST && !memcmp(&sent[0].spa, &MY_IP, 4) &&
           !memcmp(&sent[0].tpa, &MY_IP, 4) && !memcmp(&sent_to[0], &BCAST, 6) && flushes >= 1);
    struct mg_ipv4 got[4];
    FCHECK(A->ops->get_ips(A, got, 4) == 1 && !memcmp(&got[0], &MY_IP, 4));

    /* Three fibers ask for one address: one request; one answer wakes them all. */
    uint64_t far = mg_clock_monotonic_ns() + 2000 * MS;
    struct q qs[3] = {{PEER_IP, far, {{0}}}, {PEER_IP, far, {{0}}}, {PEER_IP, far, {{0}}}};
    struct mg_fiber *f[3];
    for (int i = 0; i < 3; i++)
        f[i] = mg_spawn(querier, &qs[i]);
    mg_sleep_ns(5 * MS);
    FCHECK(nsent == 2 && !memcmp(&sent[1].tpa, &PEER_IP, 4) && !memcmp(&sent_to[1], &BCAST, 6));
    from_peer(ARP_OP_REPLY, &PEER_IP, &MY_IP);
    int results[3] = {1, 1, 1};
    FCHECK(mg_join_all(f, 3, results) == 0);
    for (int i = 0; i < 3; i++)
        FCHECK(results[i] == 0 && !memcmp(&qs[i].mac, &PEER, 6));
    FCHECK(nsent == 2);

    /* An address nobody answers: the caller's deadline comes first. */
    struct q lost = {{{10, 0, 0, 77}}, mg_clock_monotonic_ns() + 30 * MS, {{0}}};
    uint64_t t0 = mg_clock_monotonic_ns();
    FCHECK(querier(&lost) == MG_ETIMEDOUT);
    FCHECK(mg_clock_monotonic_ns() - t0 >= 30 * MS);

    /* A cancelled waiter stops waiting. */
    struct q c = {{{10, 0, 0, 78}}, UINT64_MAX, {{0}}};
    struct mg_fiber *cf = mg_spawn(querier, &c);
    mg_yield();
    mg_cancel(cf);
    int r = 0;
    FCHECK(mg_join(cf, &r) == 0 && r == MG_ECANCELED);

    /* We answer a request for our address. */
    int before = nsent;
    from_peer(ARP_OP_REQUEST, &PEER_IP, &MY_IP);
    FCHECK(nsent == before + 1 && sent[before].op == ARP_OP_REPLY &&
           !memcmp(&sent_to[before], &PEER, 6));

    FCHECK(A->ops->add_ip(A, &(struct mg_ipv4){{10, 0, 0, 3}}) == 0);
    FCHECK(A->ops->get_ips(A, got, 4) == 2);
    FCHECK(A->ops->remove_ip(A, &MY_IP) == 0 && A->ops->get_ips(A, got, 4) == 1);
    struct mg_arpv4_stats st;
    mg_arpv4_stats(A, &st);
    FCHECK(st.rx_replies == 1 && st.rx_requests == 1 && st.tx_replies == 1);

    /* Disconnected: a waiter is released, later calls refused. */
    struct q w = {{{10, 0, 0, 79}}, UINT64_MAX, {{0}}};
    struct mg_fiber *wf = mg_spawn(querier, &w);
    mg_yield();
    FCHECK(A->ops->disconnect(A) == 0 && handler == NULL);
    FCHECK(mg_join(wf, &r) == 0 && r == MG_ENOTCONN);
    FCHECK(A->ops->query(A, &PEER_IP, &w.mac, UINT64_MAX) == MG_ENOTCONN);
    FCHECK(A->ops->set_ips(A, &MY_IP, 1) == MG_ENOTCONN);
    mg_yield(); /* the timer fiber ends */
    return 0;
}

static void arp_device(void)
{
    RUN(boot, NULL);
    free(A); /* disconnected, the device is one allocation */
}

static const struct check_case cases[] = {
    CASE_ENTRY(arp_device),
};
CHECK_MAIN(cases)
