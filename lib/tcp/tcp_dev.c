/* tcp_dev.c: the direct TCP device: the engine's environment (IP layer, clock, timers fiber), listen, accept, connect. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/ipaddr.h>
#include <mirage/random.h>

#include "tcp_glue.h"
#include "tcp_int.h"

MG_LOG_SRC(tcp_log, "tcp", "our TCP (direct stack)");

/* Segments (and their bytes) waiting for the IP layer at most: beyond, new
 * ones are dropped (TCP sends them again); bounds memory when the link
 * stalls. */
#define TXQ_MAX 4096
#define TXQ_BYTES_MAX (8u << 20)
/* Copy buffers kept for reuse; most segments fit one. */
#define TX_SPARE_MAX 256
#define TX_SMALL 2048
/* The largest segment handed down for the device to cut: an IPv4 datagram
 * of at most 65535 bytes with the longest TCP header. */
#define TSO_MAX (65535u - 20u - 60u)
/* Send and receive buffers of a connection on a real link: a window that
 * fills 10 Gbit/s with 1.6 ms of round trip (the engine's default, 256 KiB,
 * caps a tap at a few Gbit/s once a loaded host's scheduling stretches the
 * round trip). Out-of-order data may fill the window too: held to 256 KiB,
 * a loss in a full window threw the rest away (a lossy wire fell to a
 * sixth of its throughput). The stack's memory bound still holds them all. */
#define DEV_BUF (2u << 20)
/* Connections an acceptor takes in a row before letting their fibers run. */
#define ACCEPT_BURST 64

struct tcp_glue_listener {
    struct tcp_glue_listener *next;
    struct tcp_dev *d;
    struct tcp_listener *l;
    uint16_t port;
    struct mg_tcp_listen_opts opts;
    mg_tcp_handler handler;
    void *arg;
    struct mg_waitq wq;
    bool closing;
    int refs; /* the device's list, the acceptor, fibers inside accept() */
};

static struct tcp_dev *of(struct mg_tcp *t) { return (struct tcp_dev *)t; }

/* ---- the engine's environment ---- */

static uint64_t env_now(void *arg)
{
    struct tcp_dev *d = arg;
    return d->clock ? mg_mclock_elapsed_ns(d->clock) : mg_clock_monotonic_ns();
}

static void env_output(void *arg, const struct tcp_seg_out *o)
{
    struct tcp_dev *d = arg;
    size_t len = o->hdr_len + o->pay_len;
    if (d->txq_len >= TXQ_MAX || d->txq_bytes + len > TXQ_BYTES_MAX) {
        d->tx_dropped++;
        return;
    }
    struct tcp_txseg *s = NULL;
    if (len <= TX_SMALL && d->spare) {
        s = d->spare;
        d->spare = s->next;
        d->spare_len--;
    } else {
        size_t cap = len <= TX_SMALL ? TX_SMALL : len;
        s = malloc(sizeof *s + cap);
        if (!s) {
            d->tx_dropped++;
            return;
        }
        s->cap = cap;
    }
    memcpy(s->data, o->hdr, o->hdr_len);
    size_t at = o->hdr_len;
    for (size_t i = 0; i < o->npay; i++) {
        memcpy(s->data + at, o->pay[i].base, o->pay[i].len);
        at += o->pay[i].len;
    }
    s->len = len;
    s->src = *o->src;
    s->dst = *o->dst;
    s->offload = d->offload && o->dst->version == 4;
    if (s->offload) {
        /* The device completes the checksum from the pseudo-header sum
         * (folded, not inverted) and cuts a large segment at the MSS. */
        uint32_t sum = mg_inet_pseudo_sum(o->src, o->dst, MG_IPPROTO_TCP, (uint32_t)len);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        s->data[16] = (uint8_t)(sum >> 8);
        s->data[17] = (uint8_t)sum;
        bool gso = o->pay_len > o->mss;
        s->off = (struct mg_net_offload){
            .flags = MG_NET_OFF_NEEDS_CSUM,
            .gso_type = gso ? MG_NET_GSO_TCPV4 : MG_NET_GSO_NONE,
            .hdr_len = gso ? (uint16_t)o->hdr_len : 0,
            .gso_size = gso ? o->mss : 0,
            .csum_start = 0,
            .csum_offset = 16,
        };
    } else {
        tcp_csum_fill(o->src, o->dst, s->data, len);
    }
    s->next = NULL;
    if (d->txq_tail)
        d->txq_tail->next = s;
    else
        d->txq_head = s;
    d->txq_tail = s;
    d->txq_len++;
    d->txq_bytes += len;
}

static void txseg_put(struct tcp_dev *d, struct tcp_txseg *s)
{
    if (s->cap == TX_SMALL && d->spare_len < TX_SPARE_MAX) {
        s->next = d->spare;
        d->spare = s;
        d->spare_len++;
    } else {
        free(s);
    }
}

void tcp_dev_drain(struct tcp_dev *d)
{
    if (d->draining || !d->txq_head)
        return;
    d->draining = true;
    while (d->txq_head) {
        struct tcp_txseg *s = d->txq_head;
        d->txq_head = s->next;
        if (!d->txq_head)
            d->txq_tail = NULL;
        d->txq_len--;
        d->txq_bytes -= s->len;
        struct mg_iovec iov = {s->data, s->len};
        int rc = s->offload ? d->ip->ops->writev_off(d->ip, &s->src, &s->dst, MG_IPPROTO_TCP,
                                                     &s->off, &iov, 1)
                            : d->ip->ops->writev(d->ip, &s->src, &s->dst, MG_IPPROTO_TCP, &iov, 1);
        txseg_put(d, s);
        if (rc < 0) {
            d->tx_errors++;
            if (rc == MG_ECANCELED)
                break; /* this fiber must stop; the timers fiber finishes */
        }
    }
    /* The receiving fiber flushes when it runs out of frames: a flush per
     * received segment would undo the batching. A user's fiber leaves it
     * to the timers fiber, which runs once this one blocks or yields: what
     * every fiber of the round queued then goes out together (one system
     * call, or one VM exit, for many writes). */
    if (mg_self() == d->timer)
        d->ip->ops->flush(d->ip);
    else if (!d->in_input)
        tcp_dev_flush_soon(d);
    d->draining = false;
    if (d->txq_head)
        mg_wake_one(&d->timer_wq);
}

static int env_route(void *arg, const struct mg_ip *dst, struct mg_ip *src, size_t *mtu)
{
    struct tcp_dev *d = arg;
    int rc = d->ip->ops->src(d->ip, dst, src);
    if (rc < 0)
        return rc;
    *mtu = d->ip->ops->mtu(d->ip, dst);
    return 0;
}

static void env_event(void *arg, struct tcp_conn *c, unsigned ev)
{
    (void)arg;
    struct tcp_flow *f = tcp_conn_user(c);
    if (!f)
        return;
    if (ev & TCP_EV_READ)
        mg_wake_all(&f->rd);
    if (ev & TCP_EV_WRITE)
        mg_wake_all(&f->wr);
    if (ev & TCP_EV_CONNECT)
        mg_wake_all(&f->cn);
}

static void env_accept_ready(void *arg, struct tcp_listener *l)
{
    (void)arg;
    struct tcp_glue_listener *gl = tcp_listener_user(l);
    mg_wake_all(&gl->wq);
}

static void env_notice(void *arg, int what, uint16_t port)
{
    (void)arg;
    if (what == TCP_NOTICE_COOKIES)
        mg_log_warn(&tcp_log, "port %u: SYN backlog full (a SYN flood?): answering with SYN cookies",
                    port);
}

static void env_timer_event(void *arg, uint64_t deadline)
{
    (void)deadline;
    struct tcp_dev *d = arg;
    mg_wake_one(&d->timer_wq);
}

/* ---- fibers: timers, and the IP layer's input ---- */

void tcp_dev_flush_soon(struct tcp_dev *d)
{
    /* A flag, not only a wake-up: the timers fiber may be busy (in a
     * flush that waits for the link) when it is asked. */
    d->flush_due = true;
    mg_wake_one(&d->timer_wq);
}

static int timer_main(void *arg)
{
    struct tcp_dev *d = arg;
    for (;;) {
        /* Cancelled (tcp_dev_destroy) while waiting in a drain or a flush. */
        if (mg_cancelled())
            return 0;
        if (!d->flush_due) {
            uint64_t next = tcp_next_timer(d->st);
            uint64_t deadline = UINT64_MAX;
            if (next != UINT64_MAX) {
                /* From the engine's clock to the scheduler's. */
                uint64_t now = env_now(d);
                deadline = mg_clock_monotonic_ns() + (next > now ? next - now : 0);
            }
            int rc = mg_wait(&d->timer_wq, deadline);
            if (rc == MG_ECANCELED)
                return 0;
        }
        bool flush = d->flush_due;
        d->flush_due = false;
        tcp_timers(d->st);
        tcp_dev_drain(d);
        /* Nothing was queued here (another fiber drained it): the flush
         * asked for is still ours. A second flush of an empty queue is free. */
        if (flush)
            d->ip->ops->flush(d->ip);
    }
}

static void ip_input(void *arg, const struct mg_ip *src, const struct mg_ip *dst,
                     const uint8_t *payload, size_t len)
{
    struct tcp_dev *d = arg;
    unsigned flags = 0;
    if (d->ip->ops->rx_flags && (d->ip->ops->rx_flags(d->ip) & MG_NET_RX_CSUM_OK))
        flags |= TCP_IN_CSUM_OK;
    bool was = d->in_input;
    d->in_input = true;
    tcp_input(d->st, src, dst, payload, len, flags);
    tcp_dev_drain(d);
    d->in_input = was;
}

static void ip_error(void *arg, const struct mg_ip_error *e)
{
    struct tcp_dev *d = arg;
    tcp_icmp_error(d->st, &e->src, &e->dst, e->type, e->code, e->mtu, e->payload, e->len);
    tcp_dev_drain(d);
}

/* A debug line about c's peer (cheap when tcp debug logs are off). */
static void log_conn(const char *what, struct tcp_conn *c)
{
    if (!mg_log_enabled(&tcp_log, MG_LOG_DEBUG))
        return;
    struct mg_ip r;
    uint16_t lport, rport;
    char a[48];
    tcp_conn_endpoints(c, NULL, &lport, &r, &rport);
    mg_ip_format(&r, a, sizeof a);
    mg_log_debug(&tcp_log, "%s: %s port %u, our port %u", what, a, rport, lport);
}

/* ---- listening ---- */

static void listener_unref(struct tcp_glue_listener *gl)
{
    if (--gl->refs == 0)
        free(gl);
}

static struct tcp_glue_listener *find(struct tcp_dev *d, uint16_t port)
{
    for (struct tcp_glue_listener *gl = d->listeners; gl; gl = gl->next)
        if (gl->port == port)
            return gl;
    return NULL;
}

/* The next accepted connection as a flow with the listener's options. */
static struct tcp_flow *take(struct tcp_glue_listener *gl)
{
    for (;;) {
        struct tcp_conn *c = tcp_accept(gl->l);
        if (!c)
            return NULL;
        struct tcp_flow *f = tcp_flow_new(gl->d, c);
        if (!f) {
            mg_log_err(&tcp_log, "port %u: no memory for a connection: reset", gl->port);
            tcp_abort(c);
            continue;
        }
        log_conn("accepted", c);
        if (gl->opts.nodelay)
            tcp_set_nodelay(c, true);
        if (gl->opts.keepalive > 0)
            tcp_set_keepalive(c, (uint32_t)gl->opts.keepalive * 1000u);
        return f;
    }
}

struct conn_start {
    mg_tcp_handler handler;
    void *arg;
    struct tcp_flow *f;
};

static int conn_main(void *arg)
{
    struct conn_start cs = *(struct conn_start *)arg;
    free(arg);
    int rc = cs.handler(cs.arg, &cs.f->pub);
    if (rc != 0)
        mg_log_warn(&tcp_log, "connection handler returned %d (%s)", rc, mg_strerror(rc));
    return rc;
}

static int acceptor_main(void *arg)
{
    struct tcp_glue_listener *gl = arg;
    int burst = 0;
    while (!gl->closing) {
        struct tcp_flow *f = take(gl);
        int rc = 0;
        if (f) {
            struct conn_start *cs = malloc(sizeof *cs);
            struct mg_spawn_opts so = {0, "tcp-connection"};
            struct mg_fiber *fb = NULL;
            if (cs) {
                cs->handler = gl->handler;
                cs->arg = gl->arg;
                cs->f = f;
                fb = mg_spawn_opts(conn_main, cs, &so);
            }
            if (!fb) {
                free(cs);
                mg_log_err(&tcp_log, "port %u: no memory for a connection's fiber: reset",
                           gl->port);
                tcp_abort(f->c);
                f->c = NULL;
                free(f);
            } else {
                mg_detach(fb);
            }
            tcp_dev_drain(gl->d);
            if (++burst < ACCEPT_BURST)
                continue;
            rc = mg_yield();
        } else {
            rc = mg_wait(&gl->wq, UINT64_MAX);
        }
        burst = 0;
        if (rc == MG_ECANCELED)
            break;
    }
    listener_unref(gl);
    return 0;
}

static int dev_listen(struct mg_tcp *t, const struct mg_ip *addr, uint16_t port,
                      const struct mg_tcp_listen_opts *opts, mg_tcp_handler handler, void *arg)
{
    struct tcp_dev *d = of(t);
    if (d->down)
        return MG_ENOTCONN;
    if (port == 0 || (opts && (opts->backlog < 0 || opts->keepalive < 0)))
        return MG_EINVAL;
    if (find(d, port))
        return MG_EBUSY;
    struct tcp_glue_listener *gl = calloc(1, sizeof *gl);
    if (!gl)
        return MG_ENOMEM;
    gl->d = d;
    gl->port = port;
    if (opts)
        gl->opts = *opts;
    gl->handler = handler;
    gl->arg = arg;
    gl->refs = 1;
    int rc = tcp_listen(d->st, addr, port, gl->opts.backlog, gl, &gl->l);
    if (rc < 0) {
        free(gl);
        return rc;
    }
    if (handler) {
        struct mg_spawn_opts so = {0, "tcp-acceptor"};
        struct mg_fiber *fb = mg_spawn_opts(acceptor_main, gl, &so);
        if (!fb) {
            tcp_unlisten(gl->l);
            free(gl);
            return MG_ENOMEM;
        }
        gl->refs++;
        mg_detach(fb);
    }
    gl->next = d->listeners;
    d->listeners = gl;
    return 0;
}

/* gl stops: its pending connections are reset, its accepts woken. */
static void listener_stop(struct tcp_dev *d, struct tcp_glue_listener *gl)
{
    for (struct tcp_glue_listener **pp = &d->listeners; *pp; pp = &(*pp)->next)
        if (*pp == gl) {
            *pp = gl->next;
            break;
        }
    tcp_unlisten(gl->l);
    gl->l = NULL;
    gl->closing = true;
    mg_wake_all(&gl->wq);
    listener_unref(gl);
}

static int dev_unlisten(struct mg_tcp *t, uint16_t port)
{
    struct tcp_dev *d = of(t);
    struct tcp_glue_listener *gl = find(d, port);
    if (!gl)
        return MG_EINVAL;
    listener_stop(d, gl);
    tcp_dev_drain(d);
    return 0;
}

static int dev_accept(struct mg_tcp *t, uint16_t port, struct mg_flow **out, uint64_t deadline_ns)
{
    struct tcp_dev *d = of(t);
    struct tcp_glue_listener *gl = find(d, port);
    if (!gl || gl->handler)
        return MG_EINVAL;
    gl->refs++;
    int rc;
    for (;;) {
        if (gl->closing) {
            rc = MG_EINVAL;
            break;
        }
        struct tcp_flow *f = take(gl);
        if (f) {
            *out = &f->pub;
            rc = 0;
            break;
        }
        rc = mg_wait(&gl->wq, deadline_ns);
        if (rc == MG_ETIMEDOUT || rc == MG_ECANCELED)
            break;
    }
    listener_unref(gl);
    tcp_dev_drain(d);
    return rc;
}

/* ---- connecting ---- */

static int dev_connect(struct mg_tcp *t, const struct mg_ip *dst, uint16_t port,
                       uint64_t deadline_ns, struct mg_flow **out)
{
    struct tcp_dev *d = of(t);
    if (d->down)
        return MG_ENOTCONN;
    struct tcp_flow *f = tcp_flow_new(d, NULL);
    if (!f)
        return MG_ENOMEM;
    struct tcp_conn *c;
    int rc = tcp_connect(d->st, NULL, dst, port, f, &c);
    if (rc < 0) {
        free(f);
        return rc;
    }
    f->c = c;
    tcp_dev_drain(d);
    for (;;) {
        enum tcp_state s = tcp_conn_state(c);
        if (s == TCP_CLOSED) {
            rc = tcp_conn_error(c);
            if (rc == 0)
                rc = MG_ECONNRESET;
            break;
        }
        if (s != TCP_SYN_SENT && s != TCP_SYN_RCVD) {
            log_conn("connected", c);
            *out = &f->pub;
            return 0;
        }
        rc = mg_wait(&f->cn, deadline_ns);
        if (rc == MG_ETIMEDOUT || rc == MG_ECANCELED)
            break;
    }
    mg_log_debug(&tcp_log, "connect to port %u: %s", port, mg_strerror(rc));
    tcp_abort(c);
    free(f);
    tcp_dev_drain(d);
    return rc;
}

void tcp_dev_destroy(struct tcp_dev *d)
{
    d->ip->ops->set_input(d->ip, MG_IPPROTO_TCP, NULL, NULL);
    if (d->ip->ops->set_error_input)
        d->ip->ops->set_error_input(d->ip, MG_IPPROTO_TCP, NULL, NULL);
    /* The timers fiber may be inside a drain or a flush waiting for the
     * link: cancelled, it returns from there through code that still reads
     * d, so d lives until it has returned. (A cancelled caller's join
     * returns at once, after letting the others run: try again.) */
    mg_cancel(d->timer);
    while (mg_join(d->timer, NULL) == MG_ECANCELED)
        ;
    while (d->listeners) {
        struct tcp_glue_listener *gl = d->listeners;
        d->listeners = gl->next;
        gl->l = NULL;
        gl->closing = true;
        mg_wake_all(&gl->wq);
        listener_unref(gl);
    }
    tcp_stack_free(d->st);
    while (d->txq_head) {
        struct tcp_txseg *s = d->txq_head;
        d->txq_head = s->next;
        free(s);
    }
    while (d->spare) {
        struct tcp_txseg *s = d->spare;
        d->spare = s->next;
        free(s);
    }
    free(d);
}

static const struct mg_tcp_ops dev_ops;

int mg_tcp_direct_disconnect(struct mg_tcp *t)
{
    if (!t || t->ops != &dev_ops)
        return MG_EINVAL;
    struct tcp_dev *d = of(t);
    d->down = true;
    while (d->listeners)
        listener_stop(d, d->listeners);
    /* Each user is told through its flow (tcp_set_closed wakes it). */
    tcp_stack_reset_all(d->st);
    /* The RSTs go to the link now, while it is still there: the caller
     * disconnects the network next. */
    tcp_dev_drain(d);
    d->ip->ops->flush(d->ip);
    return 0;
}

static const struct mg_tcp_ops dev_ops = {
    .listen = dev_listen,
    .unlisten = dev_unlisten,
    .accept = dev_accept,
    .connect = dev_connect,
};

int mg_tcp_direct_connect(struct mg_tcp **out, struct mg_ip_layer *ip, struct mg_mclock *mclock,
                          struct mg_random *random)
{
    struct tcp_dev *d = calloc(1, sizeof *d);
    if (!d)
        return MG_ENOMEM;
    d->pub.ops = &dev_ops;
    d->ip = ip;
    d->clock = mclock;
    uint8_t secret[16];
    if (!random || mg_random_generate(random, secret, sizeof secret) != 0)
        mg_random_fill(secret, sizeof secret);
    struct tcp_cfg cfg;
    tcp_cfg_default(&cfg);
    cfg.rcvbuf = cfg.sndbuf = cfg.ooo_max = DEV_BUF;
    d->offload = ip->ops->writev_off != NULL;
    if (d->offload)
        cfg.tso_max = TSO_MAX;
    struct tcp_env env = {
        .arg = d,
        .now = env_now,
        .output = env_output,
        .route = env_route,
        .event = env_event,
        .accept_ready = env_accept_ready,
        .timer_event = env_timer_event,
        .notice = env_notice,
    };
    d->st = tcp_stack_new(&cfg, &env, secret);
    memset(secret, 0, sizeof secret);
    if (!d->st) {
        free(d);
        return MG_ENOMEM;
    }
    int rc = ip->ops->set_input(ip, MG_IPPROTO_TCP, ip_input, d);
    if (rc == 0 && ip->ops->set_error_input)
        rc = ip->ops->set_error_input(ip, MG_IPPROTO_TCP, ip_error, d);
    if (rc < 0) {
        ip->ops->set_input(ip, MG_IPPROTO_TCP, NULL, NULL);
        tcp_stack_free(d->st);
        free(d);
        return rc;
    }
    struct mg_spawn_opts so = {0, "tcp-timers"};
    d->timer = mg_spawn_opts(timer_main, d, &so);
    if (!d->timer) {
        ip->ops->set_input(ip, MG_IPPROTO_TCP, NULL, NULL);
        if (ip->ops->set_error_input)
            ip->ops->set_error_input(ip, MG_IPPROTO_TCP, NULL, NULL);
        tcp_stack_free(d->st);
        free(d);
        return MG_ENOMEM;
    }
    mg_detach(d->timer);
    *out = &d->pub;
    return 0;
}
