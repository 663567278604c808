/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/stack/stack.c lib/arp/arp.c lib/arp/arp_engine.c lib/netif/mac.c lib/inet/inet_csum.c lib/ipv4/ipv4.c lib/ipv4/ipv4_input.c lib/ipv4/ipv4_output.c lib/ipv4/ipv4_hold.c lib/ipv4/icmp4.c lib/ipv4/icmp4_wire.c lib/ipv4/ipv4_wire.c lib/ipv4/ipv4_reasm.c lib/tcp/tcp_bq.c lib/tcp/tcp_cc.c lib/tcp/tcp_hash.c lib/tcp/tcp_icmp.c lib/tcp/tcp_input.c lib/tcp/tcp_listen.c lib/tcp/tcp_ooo.c lib/tcp/tcp_output.c lib/tcp/tcp_rack.c lib/tcp/tcp_sack.c lib/tcp/tcp_stack.c lib/tcp/tcp_table.c lib/tcp/tcp_timer.c lib/tcp/tcp_user.c lib/tcp/tcp_wire.c lib/tcp/tcp_dev.c lib/tcp/tcp_flow.c lib/flow/flow.c */
/* libs: -lm */
/* test_stack_direct.c: the direct stack over a fake link with the real ARP and IPv4: listen
 * (serve until disconnected, receive failure, cancellation), and the address given to ARP once
 * frames are received, so that a probe's answer stops the connect. */
#include <stdlib.h>
#include <string.h>

#include <mirage/arp.h>
#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/ethernet.h>
#include <mirage/fiber.h>
#include <mirage/ipv4.h>
#include <mirage/stack.h>

#include "../../lib/arp/arp_engine.h"
#include "fiber_check.h"

#define MS 1000000ull

/* ---- a fake link: ARP and IPv4 handlers, a receive queue its listen drains ---- */

static const struct mg_mac ME = {{0x02, 0, 0, 0, 0, 0x02}};
static const struct mg_mac PEER = {{0x02, 0, 0, 0, 0, 0x01}};
static const struct mg_ipv4 ZERO = {{0, 0, 0, 0}};

static struct handler {
    mg_ethernet_input_fn fn;
    void *arg;
} h_arp, h_ip;
static struct mg_waitq rxq;
static uint8_t queued[8][ARP_PKT_LEN];
static int nqueued;
static bool link_down;       /* the network was disconnected */
static int rx_fail;          /* an error the next listen round returns */
static bool listening;       /* the stack's receiving fiber is in listen */
static struct mg_ipv4 taken; /* a peer holds it: it answers probes for it */
static int probes, announces;

static void e_mac(struct mg_ethernet *e, struct mg_mac *o)
{
    (void)e, *o = ME;
}
static uint16_t e_mtu(struct mg_ethernet *e)
{
    (void)e;
    return 1500;
}
static int e_writev(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t type,
                    const struct mg_iovec *iov, size_t niov)
{
    (void)e, (void)dst;
    struct arp_pkt p;
    if (type != MG_ETHERTYPE_ARP || niov != 1 || arp_parse(iov[0].base, iov[0].len, &p) < 0)
        return 0;
    if (p.op == ARP_OP_REQUEST && !memcmp(&p.spa, &ZERO, 4)) {
        probes++;
        if (!memcmp(&p.tpa, &taken, 4) && nqueued < 8) {
            /* The holder answers the prober (RFC 5227 2.1.1), as Linux does. */
            struct arp_pkt r = {ARP_OP_REPLY, PEER, ME, taken, ZERO};
            arp_emit(&r, queued[nqueued++]);
            mg_wake_all(&rxq);
        }
    } else if (p.op == ARP_OP_REQUEST && !memcmp(&p.spa, &p.tpa, 4)) {
        announces++;
    }
    return 0;
}
static int e_writev_off(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t type,
                        const struct mg_net_offload *off, const struct mg_iovec *iov, size_t niov)
{
    (void)off;
    return e_writev(e, dst, type, iov, niov);
}
static int e_flush(struct mg_ethernet *e)
{
    (void)e;
    return 0;
}
static uint32_t e_zero(struct mg_ethernet *e)
{
    (void)e;
    return 0;
}
static int e_set_input(struct mg_ethernet *e, uint16_t type, mg_ethernet_input_fn fn, void *arg)
{
    (void)e;
    struct handler *h = type == MG_ETHERTYPE_ARP    ? &h_arp
                        : type == MG_ETHERTYPE_IPV4 ? &h_ip
                                                    : NULL;
    if (h) {
        h->fn = fn;
        h->arg = arg;
    }
    return 0;
}
static int e_listen(struct mg_ethernet *e)
{
    (void)e;
    listening = true;
    int rc;
    for (;;) {
        for (int i = 0; i < nqueued; i++)
            if (h_arp.fn)
                h_arp.fn(h_arp.arg, &PEER, &ME, queued[i], ARP_PKT_LEN);
        nqueued = 0;
        if (link_down) {
            rc = MG_ENOTCONN;
            break;
        }
        if (rx_fail) {
            rc = rx_fail;
            break;
        }
        if ((rc = mg_wait(&rxq, UINT64_MAX)) == MG_ECANCELED)
            break;
    }
    listening = false;
    return rc;
}
static void e_stats(struct mg_ethernet *e, struct mg_ethernet_stats *o)
{
    (void)e;
    memset(o, 0, sizeof *o);
}
static const struct mg_ethernet_ops e_ops = {
    .mac = e_mac,
    .mtu = e_mtu,
    .writev = e_writev,
    .writev_off = e_writev_off,
    .flush = e_flush,
    .offloads = e_zero,
    .rx_flags = e_zero,
    .set_input = e_set_input,
    .listen = e_listen,
    .stats = e_stats,
};
static struct mg_ethernet eth = {&e_ops};

static int n_disconnect(struct mg_network *n)
{
    (void)n;
    link_down = true;
    mg_wake_all(&rxq);
    return 0;
}
static const struct mg_network_ops n_ops = {.disconnect = n_disconnect};
static struct mg_network net = {&n_ops, "service"};

/* ---- the stack under test ---- */

static struct mg_arpv4 *A;
static struct mg_ip_layer *IP;

static void reset(void)
{
    memset(&h_arp, 0, sizeof h_arp);
    memset(&h_ip, 0, sizeof h_ip);
    nqueued = 0;
    link_down = listening = false;
    rx_fail = 0;
    taken = ZERO;
    probes = announces = 0;
}

/* ARP (probing or not) and an IPv4 layer with addr whose ARP part waits for the stack. */
static int layers(bool probe, const struct mg_ipv4 *addr)
{
    reset();
    int rc = mg_arpv4_connect(&A, &eth, probe);
    if (rc < 0)
        return rc;
    struct mg_ipv4_prefix p = {*addr, 24};
    struct mg_ipv4_opts o = {.defer_init = true};
    return mg_ipv4_connect(&IP, &eth, A, &p, NULL, &o);
}

static void free_layers(void)
{
    A->ops->disconnect(A);
    mg_ipv4_disconnect(IP);
    mg_yield(); /* ARP's timer fiber ends */
    free(A);
}

static int listener(void *arg)
{
    return mg_stack_listen(arg);
}

static int serve_until_disconnect(void *arg)
{
    (void)arg;
    struct mg_ipv4 me = {{10, 0, 0, 2}}, got[2];
    FCHECK(layers(false, &me) == 0);
    FCHECK(A->ops->get_ips(A, got, 2) == 0); /* not before the stack receives */
    struct mg_stackv4v6 *s;
    FCHECK(mg_stack_direct_connect(&s, &net, &eth, A, IP, NULL, NULL) == 0);
    FCHECK(mg_stack_ip(s) == IP && A->ops->get_ips(A, got, 2) == 1 && !memcmp(&got[0], &me, 4));
    mg_sleep_ns(5 * MS);
    FCHECK(listening && announces >= 1 && probes == 0); /* gratuitous ARP, no probe */

    /* Two fibers serve; a third is cancelled and the stack runs on. */
    struct mg_fiber *f[3] = {mg_spawn(listener, s), mg_spawn(listener, s), mg_spawn(listener, s)};
    mg_sleep_ns(20 * MS);
    FCHECK(!mg_fiber_done(f[0]) && !mg_fiber_done(f[1]) && !mg_fiber_done(f[2]));
    mg_cancel(f[2]);
    int r = 1;
    FCHECK(mg_join(f[2], &r) == 0 && r == MG_ECANCELED);
    mg_sleep_ns(5 * MS);
    FCHECK(!mg_fiber_done(f[0]) && listening);

    /* Disconnected: every listener returns 0, and a later one at once. */
    FCHECK(mg_stack_disconnect(s) == 0 && link_down);
    int rs[2] = {1, 1};
    FCHECK(mg_join_all(f, 2, rs) == 0 && rs[0] == 0 && rs[1] == 0);
    FCHECK(mg_stack_listen(s) == 0);
    mg_sleep_ns(MS);
    FCHECK(!listening); /* the receiving fiber ended */
    FCHECK(mg_stack_disconnect(s) == 0);
    free_layers();
    free(s);
    return 0;
}

static void listen_until_disconnected(void)
{
    RUN(serve_until_disconnect, NULL);
}

static int receive_failure(void *arg)
{
    (void)arg;
    struct mg_ipv4 me = {{10, 0, 0, 2}};
    FCHECK(layers(false, &me) == 0);
    struct mg_stackv4v6 *s;
    FCHECK(mg_stack_direct_connect(&s, &net, &eth, A, IP, NULL, NULL) == 0);
    struct mg_fiber *f = mg_spawn(listener, s);
    mg_sleep_ns(5 * MS);
    FCHECK(!mg_fiber_done(f));
    /* The device fails: listen says why, now and later, even after disconnect. */
    rx_fail = MG_EIO;
    mg_wake_all(&rxq);
    int r = 1;
    FCHECK(mg_join(f, &r) == 0 && r == MG_EIO);
    FCHECK(!listening && mg_stack_listen(s) == MG_EIO);
    FCHECK(mg_stack_disconnect(s) == 0 && mg_stack_listen(s) == MG_EIO);
    free_layers();
    free(s);
    return 0;
}

static void listen_reports_a_receive_failure(void)
{
    RUN(receive_failure, NULL);
}

static int conflict_at_connect(void *arg)
{
    (void)arg;
    struct mg_ipv4 me = {{10, 0, 0, 2}};
    FCHECK(layers(true, &me) == 0);
    taken = me;
    struct mg_stackv4v6 *s = NULL;
    uint64_t t0 = mg_clock_monotonic_ns();
    /* The probe's answer arrives through the stack's own receiving fiber. */
    FCHECK(mg_stack_direct_connect(&s, &net, &eth, A, IP, NULL, NULL) == MG_EEXIST && s == NULL);
    FCHECK(mg_clock_monotonic_ns() - t0 < 2500 * MS); /* at the first probe, not after all */
    struct mg_arpv4_stats st;
    mg_arpv4_stats(A, &st);
    FCHECK(st.conflicts == 1 && probes >= 1 && announces == 0);
    FCHECK(!listening); /* receiving stopped with the failed connect */
    free_layers();
    return 0;
}

static void probe_answer_fails_the_connect(void)
{
    RUN(conflict_at_connect, NULL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(listen_until_disconnected),
    CASE_ENTRY(listen_reports_a_receive_failure),
    CASE_ENTRY(probe_answer_fails_the_connect),
};
CHECK_MAIN(cases)
