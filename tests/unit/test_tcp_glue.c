/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/tcp/tcp_bq.c lib/tcp/tcp_cc.c lib/tcp/tcp_hash.c lib/tcp/tcp_icmp.c lib/tcp/tcp_input.c lib/tcp/tcp_listen.c lib/tcp/tcp_ooo.c lib/tcp/tcp_output.c lib/tcp/tcp_rack.c lib/tcp/tcp_sack.c lib/tcp/tcp_stack.c lib/tcp/tcp_table.c lib/tcp/tcp_timer.c lib/tcp/tcp_user.c lib/tcp/tcp_wire.c lib/tcp/tcp_dev.c lib/tcp/tcp_flow.c lib/flow/flow.c lib/inet/inet_csum.c */
/* test_tcp_glue.c: the direct TCP device with fibers: two devices over a fake IP layer; listen with a handler or accept, connect with deadlines, read/peek/writev/flush/shutdown/close, cancellation. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/ip.h>
#include <mirage/tcp.h>

#include "../../lib/tcp/tcp_glue.h"
#include "fiber_check.h"

/* ---- a fake IP layer: two hosts, datagrams handed over by a fiber ---- */

struct dgram {
    struct dgram *next;
    struct mg_ip src, dst;
    size_t len;
    uint8_t data[];
};

struct fake_ip {
    struct mg_ip_layer pub;
    struct mg_ip addr;
    mg_ip_input_fn input;
    void *input_arg;
    struct fake_ip *peer;
    struct dgram *q, **qt; /* datagrams for this host */
    unsigned drop_every;   /* drop every n-th datagram sent (0: none) */
    bool black_hole;
    unsigned sent;
    unsigned gso_pieces; /* segments cut from large ones */
};

static struct fake_ip hosts[2];
static struct mg_waitq wire_q;

static struct fake_ip *fip(struct mg_ip_layer *ip) { return (struct fake_ip *)ip; }

static int f_writev(struct mg_ip_layer *ip, const struct mg_ip *src, const struct mg_ip *dst,
                    uint8_t proto, const struct mg_iovec *iov, size_t niov)
{
    struct fake_ip *h = fip(ip);
    if (proto != MG_IPPROTO_TCP || dst->version != 4)
        return MG_EINVAL;
    h->sent++;
    if (h->black_hole || (h->drop_every && h->sent % h->drop_every == 0))
        return 0;
    size_t len = 0;
    for (size_t i = 0; i < niov; i++)
        len += iov[i].len;
    struct dgram *d = malloc(sizeof *d + len);
    d->next = NULL;
    d->src = src ? *src : h->addr;
    d->dst = *dst;
    d->len = 0;
    for (size_t i = 0; i < niov; i++) {
        memcpy(d->data + d->len, iov[i].base, iov[i].len);
        d->len += iov[i].len;
    }
    struct fake_ip *to = h->peer;
    *to->qt = d;
    to->qt = &d->next;
    mg_wake_all(&wire_q);
    return 0;
}

/* What a device does with offload requests: a large segment is cut at
 * gso_size (headers copied, sequence numbers moved on, FIN and PSH on the
 * last piece only), and each checksum completed from the pseudo-header sum
 * left in its field. */
static int f_writev_off(struct mg_ip_layer *ip, const struct mg_ip *src, const struct mg_ip *dst,
                        uint8_t proto, const struct mg_net_offload *off, const struct mg_iovec *iov,
                        size_t niov)
{
    if (!off)
        return f_writev(ip, src, dst, proto, iov, niov);
    static uint8_t seg[70000];
    size_t len = 0;
    for (size_t i = 0; i < niov; i++) {
        memcpy(seg + len, iov[i].base, iov[i].len);
        len += iov[i].len;
    }
    if (!(off->flags & MG_NET_OFF_NEEDS_CSUM) || off->csum_start != 0 || off->csum_offset != 16)
        return MG_EINVAL;
    /* The field must hold the folded pseudo-header sum of the whole. */
    uint32_t ps = mg_inet_pseudo_sum(src, dst, MG_IPPROTO_TCP, (uint32_t)len);
    while (ps >> 16)
        ps = (ps & 0xffff) + (ps >> 16);
    if (seg[16] != (uint8_t)(ps >> 8) || seg[17] != (uint8_t)ps)
        return MG_EINVAL;
    size_t hl = (size_t)(seg[12] >> 4) * 4;
    size_t step = off->gso_type == MG_NET_GSO_TCPV4 ? off->gso_size : len - hl;
    if (off->gso_type == MG_NET_GSO_TCPV4 && (off->hdr_len != hl || step == 0))
        return MG_EINVAL;
    uint32_t seq0 = (uint32_t)seg[4] << 24 | (uint32_t)seg[5] << 16 | (uint32_t)seg[6] << 8 | seg[7];
    uint8_t flags = seg[13];
    size_t at = hl;
    do {
        static uint8_t piece[70000];
        size_t n = len - at < step ? len - at : step;
        bool last = at + n >= len;
        memcpy(piece, seg, hl);
        memcpy(piece + hl, seg + at, n);
        uint32_t seq = seq0 + (uint32_t)(at - hl);
        piece[4] = (uint8_t)(seq >> 24);
        piece[5] = (uint8_t)(seq >> 16);
        piece[6] = (uint8_t)(seq >> 8);
        piece[7] = (uint8_t)seq;
        piece[13] = last ? flags : (uint8_t)(flags & ~0x09); /* FIN, PSH */
        piece[16] = piece[17] = 0;
        uint16_t c = mg_inet_csum(piece, hl + n, mg_inet_pseudo_sum(src, dst, MG_IPPROTO_TCP,
                                                                     (uint32_t)(hl + n)));
        piece[16] = (uint8_t)(c >> 8);
        piece[17] = (uint8_t)c;
        struct mg_iovec v = {piece, hl + n};
        int rc = f_writev(ip, src, dst, proto, &v, 1);
        if (rc)
            return rc;
        at += n;
        if (off->gso_type == MG_NET_GSO_TCPV4)
            fip(ip)->gso_pieces++;
    } while (at < len);
    return 0;
}

static int f_flush(struct mg_ip_layer *ip)
{
    (void)ip;
    return 0;
}

static int f_set_input(struct mg_ip_layer *ip, uint8_t proto, mg_ip_input_fn fn, void *arg)
{
    if (proto != MG_IPPROTO_TCP)
        return MG_EINVAL;
    fip(ip)->input = fn;
    fip(ip)->input_arg = arg;
    return 0;
}

static int f_src(struct mg_ip_layer *ip, const struct mg_ip *dst, struct mg_ip *out)
{
    if (dst->version != 4)
        return MG_EINVAL;
    *out = fip(ip)->addr;
    return 0;
}

static size_t f_mtu(struct mg_ip_layer *ip, const struct mg_ip *dst)
{
    (void)ip;
    (void)dst;
    return 1480;
}

static const struct mg_ip_layer_ops fake_ops = {
    .writev = f_writev,
    .flush = f_flush,
    .set_input = f_set_input,
    .src = f_src,
    .mtu = f_mtu,
};
/* The same with offloads. */
static const struct mg_ip_layer_ops fake_ops_off = {
    .writev = f_writev,
    .flush = f_flush,
    .set_input = f_set_input,
    .src = f_src,
    .mtu = f_mtu,
    .writev_off = f_writev_off,
};
static bool use_offloads;

/* The receiving fibers of both hosts in one: deliver until cancelled. */
static int wire_main(void *arg)
{
    (void)arg;
    for (;;) {
        bool any = false;
        for (int i = 0; i < 2; i++) {
            struct fake_ip *h = &hosts[i];
            while (h->q) {
                struct dgram *d = h->q;
                h->q = d->next;
                if (!h->q)
                    h->qt = &h->q;
                if (h->input)
                    h->input(h->input_arg, &d->src, &d->dst, d->data, d->len);
                free(d);
                any = true;
            }
        }
        if (!any && mg_wait(&wire_q, UINT64_MAX) == MG_ECANCELED)
            return 0;
        if (any && mg_yield() == MG_ECANCELED)
            return 0;
    }
}

static struct mg_tcp *tcp[2];
static struct mg_fiber *wire_fiber;

static void net_up(void)
{
    memset(hosts, 0, sizeof hosts);
    for (int i = 0; i < 2; i++) {
        hosts[i].pub.ops = use_offloads ? &fake_ops_off : &fake_ops;
        hosts[i].addr.version = 4;
        hosts[i].addr.u.v4.b[0] = 10;
        hosts[i].addr.u.v4.b[3] = (uint8_t)(i + 1);
        hosts[i].peer = &hosts[1 - i];
        hosts[i].qt = &hosts[i].q;
        FCHECK(mg_tcp_direct_connect(&tcp[i], &hosts[i].pub, NULL, NULL) == 0);
    }
    FCHECK(hosts[0].input && hosts[1].input);
    wire_fiber = mg_spawn(wire_main, NULL);
}

static void net_down(void)
{
    mg_cancel(wire_fiber);
    mg_join(wire_fiber, NULL);
    for (int i = 0; i < 2; i++)
        tcp_dev_destroy((struct tcp_dev *)tcp[i]);
    mg_yield(); /* the devices' fibers end */
    for (int i = 0; i < 2; i++)
        while (hosts[i].q) {
            struct dgram *d = hosts[i].q;
            hosts[i].q = d->next;
            free(d);
        }
}

static uint64_t in_ms(uint64_t ms) { return mg_clock_monotonic_ns() + ms * 1000000ull; }
static uint8_t pat(size_t i) { return (uint8_t)(i * 131 + (i >> 9)); }

/* ---- an echo service, a fiber per connection ---- */

static int echo(void *arg, struct mg_flow *f)
{
    (void)arg;
    static uint8_t buf[8192];
    for (;;) {
        long n = mg_flow_read(f, buf, sizeof buf);
        if (n <= 0)
            break;
        if (mg_flow_write(f, buf, (size_t)n) != n)
            break;
    }
    mg_flow_close(f);
    return 0;
}

struct client {
    size_t total;
    int rc;
    size_t echoed;
    bool bad;
};

static int client_main(void *arg)
{
    struct client *cl = arg;
    struct mg_flow *f;
    cl->rc = mg_tcp_connect(tcp[1], &hosts[0].addr, 7, in_ms(2000), &f);
    if (cl->rc)
        return cl->rc;
    static uint8_t out[100000];
    uint8_t in[5000];
    size_t sent = 0;
    while (cl->echoed < cl->total) {
        if (sent < cl->total) {
            size_t n = cl->total - sent < sizeof out ? cl->total - sent : sizeof out;
            for (size_t i = 0; i < n; i++)
                out[i] = pat(sent + i);
            /* Two pieces, to go through writev's gathering. */
            struct mg_iovec iov[2] = {{out, n / 3}, {out + n / 3, n - n / 3}};
            long w = mg_flow_writev(f, iov, 2);
            if (w != (long)n) {
                cl->rc = w < 0 ? (int)w : MG_EIO;
                break;
            }
            sent += n;
        }
        while (cl->echoed < sent) {
            long r = mg_flow_read(f, in, sizeof in);
            if (r <= 0) {
                cl->rc = r ? (int)r : MG_EIO;
                goto out;
            }
            for (long i = 0; i < r; i++)
                if (in[i] != pat(cl->echoed + (size_t)i))
                    cl->bad = true;
            cl->echoed += (size_t)r;
        }
    }
    f->ops->shutdown(f, MG_SHUT_WR);
    if (mg_flow_read(f, in, sizeof in) != 0) /* the echo side closes after our FIN */
        cl->rc = MG_EIO;
out:
    mg_flow_close(f);
    return cl->rc;
}

static int echo_run(void *arg)
{
    (void)arg;
    net_up();
    FCHECK(mg_tcp_listen(tcp[0], NULL, 7, NULL, echo, NULL) == 0);
    struct client cl[3] = {{.total = 3u << 20}, {.total = 100}, {.total = 1u << 20}};
    struct mg_fiber *fs[3];
    for (int i = 0; i < 3; i++)
        fs[i] = mg_spawn(client_main, &cl[i]);
    mg_join_all(fs, 3, NULL);
    for (int i = 0; i < 3; i++)
        FCHECK(cl[i].rc == 0 && !cl[i].bad && cl[i].echoed == cl[i].total);
    net_down();
    return 0;
}

static void echo_with_handler(void) { RUN(echo_run, NULL); }

static void echo_with_offloads(void)
{
    /* Large segments cut by the "device", checksums finished there. */
    use_offloads = true;
    RUN(echo_run, NULL);
    use_offloads = false;
    CHECK(hosts[0].gso_pieces > 1000 && hosts[1].gso_pieces > 1000);
}

static int lossy_run(void *arg)
{
    (void)arg;
    net_up();
    hosts[0].drop_every = 13;
    hosts[1].drop_every = 17;
    FCHECK(mg_tcp_listen(tcp[0], NULL, 7, NULL, echo, NULL) == 0);
    struct client cl = {.total = 512u << 10};
    struct mg_fiber *f = mg_spawn(client_main, &cl);
    mg_join(f, NULL);
    FCHECK(cl.rc == 0 && !cl.bad && cl.echoed == cl.total);
    net_down();
    return 0;
}

static void echo_over_lossy_ip(void) { RUN(lossy_run, NULL); }

/* ---- accept mode, zero-copy reads, shutdown ---- */

static int peer_main(void *arg)
{
    (void)arg;
    struct mg_flow *f;
    if (mg_tcp_connect(tcp[1], &hosts[0].addr, 8, in_ms(2000), &f))
        return 1;
    mg_flow_write(f, "hello, ", 7);
    mg_flow_write(f, "world", 5);
    f->ops->flush(f);
    f->ops->shutdown(f, MG_SHUT_WR);
    char buf[16];
    long n = mg_flow_read(f, buf, sizeof buf);
    int rc = n == 3 && memcmp(buf, "bye", 3) == 0 ? 0 : 2;
    if (mg_flow_read(f, buf, sizeof buf) != 0)
        rc = 3;
    mg_flow_close(f);
    return rc;
}

static int accept_run(void *arg)
{
    (void)arg;
    net_up();
    FCHECK(mg_tcp_listen(tcp[0], NULL, 8, &(struct mg_tcp_listen_opts){.backlog = 4}, NULL,
                         NULL) == 0);
    struct mg_flow *f;
    FCHECK(mg_tcp_accept(tcp[0], 8, &f, in_ms(50)) == MG_ETIMEDOUT);
    struct mg_fiber *p = mg_spawn(peer_main, NULL);
    FCHECK(mg_tcp_accept(tcp[0], 8, &f, in_ms(2000)) == 0);
    struct mg_ip l, r;
    uint16_t lp, rp;
    f->ops->endpoints(f, &l, &lp, &r, &rp);
    FCHECK(lp == 8 && rp >= 49152 && l.u.v4.b[3] == 1 && r.u.v4.b[3] == 2);
    /* Zero-copy: peek, keep, consume part. */
    char got[32];
    size_t n = 0;
    while (n < 12) {
        const uint8_t *d;
        long k = f->ops->peek(f, &d);
        FCHECK(k > 0);
        if (k <= 0)
            break;
        size_t take = (size_t)k > 3 ? 3 : (size_t)k; /* a little at a time */
        memcpy(got + n, d, take);
        f->ops->consume(f, take);
        n += take;
    }
    FCHECK(n == 12 && memcmp(got, "hello, world", 12) == 0);
    const uint8_t *d;
    FCHECK(f->ops->peek(f, &d) == 0); /* the peer's FIN */
    FCHECK(mg_flow_read(f, got, sizeof got) == 0);
    FCHECK(mg_flow_write(f, "bye", 3) == 3); /* half-closed: we still send */
    FCHECK(f->ops->set_option(f, MG_TCP_NODELAY, 1) == 0);
    FCHECK(f->ops->set_option(f, MG_TCP_KEEPALIVE, -1) == MG_EINVAL);
    FCHECK(f->ops->set_option(f, MG_TCP_KEEPALIVE, 30) == 0);
    FCHECK(f->ops->set_option(f, 99, 1) == MG_ENOTSUP);
    FCHECK(f->ops->shutdown(f, (enum mg_shutdown)7) == MG_EINVAL);
    mg_flow_close(f);
    int rc = -1;
    mg_join(p, &rc);
    FCHECK(rc == 0);
    FCHECK(tcp[0]->ops->unlisten(tcp[0], 8) == 0);
    FCHECK(tcp[0]->ops->unlisten(tcp[0], 8) == MG_EINVAL);
    net_down();
    return 0;
}

static void accept_peek_shutdown(void) { RUN(accept_run, NULL); }

/* ---- errors ---- */

static int errors_run(void *arg)
{
    (void)arg;
    net_up();
    struct mg_flow *f;
    /* Nobody listens: refused. */
    FCHECK(mg_tcp_connect(tcp[1], &hosts[0].addr, 9, in_ms(2000), &f) == MG_ECONNREFUSED);
    /* A black hole: the deadline ends it. */
    hosts[1].black_hole = true;
    uint64_t t0 = mg_clock_monotonic_ns();
    FCHECK(mg_tcp_connect(tcp[1], &hosts[0].addr, 9, in_ms(150), &f) == MG_ETIMEDOUT);
    FCHECK(mg_clock_monotonic_ns() - t0 < 1000000000ull);
    hosts[1].black_hole = false;
    struct mg_ip v6 = {.version = 6};
    FCHECK(mg_tcp_connect(tcp[1], &v6, 9, in_ms(150), &f) == MG_EINVAL);
    FCHECK(mg_tcp_listen(tcp[0], NULL, 0, NULL, echo, NULL) == MG_EINVAL);
    FCHECK(mg_tcp_listen(tcp[0], NULL, 9, NULL, echo, NULL) == 0);
    FCHECK(mg_tcp_listen(tcp[0], NULL, 9, NULL, NULL, NULL) == MG_EBUSY);
    FCHECK(mg_tcp_accept(tcp[0], 9, &f, in_ms(10)) == MG_EINVAL); /* a handler's port */
    FCHECK(mg_tcp_accept(tcp[0], 10, &f, in_ms(10)) == MG_EINVAL);
    net_down();
    return 0;
}

static void connect_errors(void) { RUN(errors_run, NULL); }

struct blocked {
    struct mg_flow *f;
    long rc;
};

static int blocked_reader(void *arg)
{
    struct blocked *b = arg;
    char buf[8];
    b->rc = mg_flow_read(b->f, buf, sizeof buf);
    return 0;
}

static int cancel_run(void *arg)
{
    (void)arg;
    net_up();
    FCHECK(mg_tcp_listen(tcp[0], NULL, 11, NULL, NULL, NULL) == 0);
    struct mg_flow *c, *s;
    FCHECK(mg_tcp_connect(tcp[1], &hosts[0].addr, 11, in_ms(2000), &c) == 0);
    FCHECK(mg_tcp_accept(tcp[0], 11, &s, in_ms(2000)) == 0);
    struct blocked b = {.f = s};
    struct mg_fiber *r = mg_spawn(blocked_reader, &b);
    mg_sleep_ns(20 * 1000000ull);
    FCHECK(!mg_fiber_done(r));
    mg_cancel(r);
    mg_join(r, NULL);
    FCHECK(b.rc == MG_ECANCELED);
    /* The connection is still usable. */
    mg_flow_write(c, "ok", 2);
    char buf[4];
    FCHECK(mg_flow_read(s, buf, sizeof buf) == 2);
    /* Closing with unread data resets the peer. */
    mg_flow_write(c, "unread", 6);
    mg_sleep_ns(20 * 1000000ull);
    mg_flow_close(s);
    FCHECK(mg_flow_read(c, buf, sizeof buf) == MG_ECONNRESET);
    FCHECK(mg_flow_write(c, "x", 1) == MG_ECONNRESET);
    mg_flow_close(c);
    net_down();
    return 0;
}

static void cancel_and_reset(void) { RUN(cancel_run, NULL); }

static int linger_reader(void *arg)
{
    size_t *total = arg;
    struct mg_flow *s;
    if (mg_tcp_accept(tcp[0], 12, &s, in_ms(2000)))
        return 1;
    static uint8_t buf[65536];
    long n;
    while ((n = mg_flow_read(s, buf, sizeof buf)) > 0) {
        for (long i = 0; i < n; i++)
            if (buf[i] != pat(*total + (size_t)i))
                return 2;
        *total += (size_t)n;
    }
    mg_flow_close(s);
    return n == 0 ? 0 : 3;
}

static int linger_run(void *arg)
{
    (void)arg;
    net_up();
    FCHECK(mg_tcp_listen(tcp[0], NULL, 12, NULL, NULL, NULL) == 0);
    size_t total = 0;
    struct mg_fiber *r = mg_spawn(linger_reader, &total);
    struct mg_flow *c;
    FCHECK(mg_tcp_connect(tcp[1], &hosts[0].addr, 12, in_ms(2000), &c) == 0);
    static uint8_t out[200000];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = pat(i);
    /* More than the send buffer, then close at once: the rest still goes. */
    FCHECK(mg_flow_write(c, out, sizeof out) == (long)sizeof out);
    mg_flow_close(c);
    int rc = -1;
    mg_join(r, &rc);
    FCHECK(rc == 0 && total == sizeof out);
    net_down();
    return 0;
}

static void close_finishes_in_background(void) { RUN(linger_run, NULL); }

/* ---- the device stops: connections reset on both ends ---- */

static int disconnect_run(void *arg)
{
    (void)arg;
    net_up();
    FCHECK(mg_tcp_listen(tcp[0], NULL, 13, NULL, NULL, NULL) == 0);
    FCHECK(mg_tcp_listen(tcp[0], NULL, 14, NULL, NULL, NULL) == 0);
    struct mg_flow *c, *s;
    FCHECK(mg_tcp_connect(tcp[1], &hosts[0].addr, 13, in_ms(2000), &c) == 0);
    FCHECK(mg_tcp_accept(tcp[0], 13, &s, in_ms(2000)) == 0);
    struct blocked b = {.f = s};
    struct mg_fiber *r = mg_spawn(blocked_reader, &b);
    mg_sleep_ns(10 * 1000000ull);
    FCHECK(!mg_fiber_done(r));
    FCHECK(mg_tcp_direct_disconnect(tcp[0]) == 0);
    mg_join(r, NULL);
    FCHECK(b.rc == MG_ECONNRESET); /* our reader, woken */
    FCHECK(mg_flow_write(s, "x", 1) == MG_ECONNRESET);
    char buf[4];
    FCHECK(mg_flow_read(c, buf, sizeof buf) == MG_ECONNRESET); /* the peer got the RST */
    /* Nothing new: no listener, no connection either way. */
    struct mg_flow *f;
    FCHECK(mg_tcp_accept(tcp[0], 14, &f, in_ms(10)) == MG_EINVAL);
    FCHECK(mg_tcp_listen(tcp[0], NULL, 15, NULL, NULL, NULL) == MG_ENOTCONN);
    FCHECK(mg_tcp_connect(tcp[0], &hosts[1].addr, 13, in_ms(100), &f) == MG_ENOTCONN);
    FCHECK(mg_tcp_connect(tcp[1], &hosts[0].addr, 14, in_ms(2000), &f) == MG_ECONNREFUSED);
    FCHECK(mg_tcp_direct_disconnect(tcp[0]) == 0); /* again: nothing left to do */
    struct mg_tcp not_ours = {.ops = NULL};
    FCHECK(mg_tcp_direct_disconnect(&not_ours) == MG_EINVAL);
    mg_flow_close(s);
    mg_flow_close(c);
    net_down();
    return 0;
}

static void disconnect_resets(void) { RUN(disconnect_run, NULL); }

static const struct check_case cases[] = {
    CASE_ENTRY(echo_with_handler),
    CASE_ENTRY(echo_with_offloads),
    CASE_ENTRY(echo_over_lossy_ip),
    CASE_ENTRY(accept_peek_shutdown),
    CASE_ENTRY(connect_errors),
    CASE_ENTRY(cancel_and_reset),
    CASE_ENTRY(close_finishes_in_background),
    CASE_ENTRY(disconnect_resets),
};
CHECK_MAIN(cases)
