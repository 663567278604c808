/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/socket/addr_unix.c lib/socket/flow_unix.c lib/socket/stack_unix.c lib/socket/tcp_unix.c lib/socket/udp_unix.c */
/* test_socket_tcp.c: the socket stack's TCP over loopback, flows and listeners. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/socket.h>

#include "../../lib/socket/sock_unix.h"
#include "check.h"
#include "fiber_check.h"
#include "free_port.h"
#include "platform.h"

#define MS 1000000ull

static struct mg_ip v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct mg_ip ip = {.version = 4};
    ip.u.v4.b[0] = a, ip.u.v4.b[1] = b, ip.u.v4.b[2] = c, ip.u.v4.b[3] = d;
    return ip;
}

static struct mg_ip v6_loopback(void)
{
    struct mg_ip ip = {.version = 6};
    ip.u.v6.b[15] = 1;
    return ip;
}

static uint64_t in_ms(uint64_t ms)
{
    return mg_plat_monotonic_ns() + ms * MS;
}

/* Devices live as long as the program (kept here, so no leak is reported). */
static void *devices[64];
static size_t ndevices;

static struct mg_tcp *device(const struct mg_socket_config *c)
{
    static const struct mg_socket_config any;
    struct mg_tcp *t = NULL;
    if (ndevices == 64 || mg_socket_tcpv4v6_connect(&t, c ? c : &any) != 0)
        abort();
    devices[ndevices++] = t;
    return t;
}

/* Let detached fibers (acceptors, connections) finish before the scheduler stops. */
static void settle(void)
{
    for (int i = 0; i < 20; i++)
        mg_yield();
}

static long write_all(struct mg_flow *f, const void *buf, size_t len)
{
    struct mg_iovec v = {buf, len};
    return f->ops->writev(f, &v, 1);
}

/* Read exactly len bytes: len, or what read returned short of it. */
static long read_full(struct mg_flow *f, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        long n = mg_flow_read(f, (char *)buf + got, len - got);
        if (n <= 0)
            return n;
        got += (size_t)n;
    }
    return (long)got;
}

/* ---- an echo handler that records what it saw ---- */

static int handled;
static struct mg_ip seen_remote, seen_local;
static uint16_t seen_local_port;

static int echo_handler(void *arg, struct mg_flow *f)
{
    (void)arg;
    uint16_t rport;
    f->ops->endpoints(f, &seen_local, &seen_local_port, &seen_remote, &rport);
    char buf[4096];
    long n;
    while ((n = mg_flow_read(f, buf, sizeof buf)) > 0)
        if (write_all(f, buf, (size_t)n) != n)
            break;
    handled++;
    mg_flow_close(f);
    return 0;
}

static int echo_once(struct mg_tcp *t, const struct mg_ip *dst, uint16_t port)
{
    struct mg_flow *f;
    int rc = mg_tcp_connect(t, dst, port, in_ms(2000), &f);
    if (rc < 0)
        return rc;
    char got[5] = {0};
    rc = write_all(f, "hello", 5) == 5 && read_full(f, got, 5) == 5 && memcmp(got, "hello", 5) == 0
             ? 0
             : -1;
    mg_flow_close(f);
    return rc;
}

struct port_arg {
    uint16_t port;
};

static int echo_v4_fiber(void *arg)
{
    (void)arg;
    struct mg_tcp *t = device(NULL);
    uint16_t port = free_port_of(SOCK_STREAM);
    handled = 0;
    FCHECK(mg_tcp_listen(t, NULL, port, NULL, echo_handler, NULL) == 0);
    struct mg_ip lo = v4(127, 0, 0, 1);
    struct mg_flow *f;
    FCHECK(mg_tcp_connect(t, &lo, port, in_ms(2000), &f) == 0);
    FCHECK(write_all(f, "hello", 5) == 5);
    char got[6] = {0};
    FCHECK(read_full(f, got, 5) == 5 && strcmp(got, "hello") == 0);
    struct mg_ip l, r;
    uint16_t lp, rp;
    f->ops->endpoints(f, &l, &lp, &r, &rp);
    FCHECK(r.version == 4 && memcmp(&r, &lo, sizeof r) == 0 && rp == port);
    FCHECK(l.version == 4 && memcmp(&l, &lo, sizeof l) == 0 && lp != 0);
    FCHECK(mg_flow_shutdown(f, MG_SHUT_WR) == 0);
    FCHECK(mg_flow_read(f, got, 5) == 0); /* the handler saw the end and closed */
    mg_flow_close(f);
    settle();
    FCHECK(handled == 1);
    /* The server's view of a v4 client on its (dual-stack) socket: IPv4, not v4-mapped. */
    FCHECK(seen_remote.version == 4 && memcmp(&seen_remote, &lo, sizeof lo) == 0);
    FCHECK(seen_local.version == 4 && seen_local_port == port);
    FCHECK(t->ops->unlisten(t, port) == 0);
    FCHECK(t->ops->unlisten(t, port) == MG_EINVAL);
    settle();
    /* Nobody listens any more. */
    FCHECK(mg_tcp_connect(t, &lo, port, in_ms(2000), &f) == MG_ECONNREFUSED);
    return 0;
}

static void echo_over_ipv4(void)
{
    RUN(echo_v4_fiber, NULL);
}

static int dual_fiber(void *arg)
{
    (void)arg;
    struct mg_tcp *t = device(NULL);
    uint16_t port = free_port_of(SOCK_STREAM);
    handled = 0;
    FCHECK(mg_tcp_listen(t, NULL, port, NULL, echo_handler, NULL) == 0);
    struct mg_ip lo4 = v4(127, 0, 0, 1), lo6 = v6_loopback();
    FCHECK(echo_once(t, &lo6, port) == 0);
    settle();
    FCHECK(seen_remote.version == 6 && memcmp(&seen_remote, &lo6, sizeof lo6) == 0);
    FCHECK(echo_once(t, &lo4, port) == 0);
    settle();
    FCHECK(seen_remote.version == 4);
    FCHECK(handled == 2);
    FCHECK(t->ops->unlisten(t, port) == 0);
    settle();
    return 0;
}

static void dual_stack_one_port(void)
{
    RUN(dual_fiber, NULL);
}

/* ---- accept ---- */

static int connect_later(void *arg)
{
    const struct port_arg *p = arg;
    mg_sleep_ns(30 * MS);
    struct mg_ip lo = v4(127, 0, 0, 1);
    struct mg_flow *f;
    if (mg_tcp_connect(device(NULL), &lo, p->port, in_ms(2000), &f) != 0)
        return -1;
    write_all(f, "x", 1);
    char c;
    long n = mg_flow_read(f, &c, 1); /* until the server closes */
    mg_flow_close(f);
    return n == 0 ? 0 : -2;
}

static int accept_fiber(void *arg)
{
    (void)arg;
    struct mg_tcp *t = device(NULL);
    uint16_t port = free_port_of(SOCK_STREAM), other = free_port_of(SOCK_STREAM);
    struct mg_flow *f = NULL;
    FCHECK(mg_tcp_accept(t, port, &f, in_ms(10)) == MG_EINVAL); /* not listened on */
    FCHECK(mg_tcp_listen(t, NULL, port, NULL, NULL, NULL) == 0);
    FCHECK(mg_tcp_listen(t, NULL, port, NULL, NULL, NULL) == MG_EBUSY);
    FCHECK(mg_tcp_listen(t, NULL, 0, NULL, NULL, NULL) == MG_EINVAL);
    uint64_t t0 = mg_plat_monotonic_ns();
    FCHECK(mg_tcp_accept(t, port, &f, in_ms(50)) == MG_ETIMEDOUT);
    FCHECK(mg_plat_monotonic_ns() - t0 >= 50 * MS);
    struct port_arg pa = {port};
    struct mg_fiber *c = mg_spawn(connect_later, &pa);
    FCHECK(mg_tcp_accept(t, port, &f, in_ms(2000)) == 0);
    char x = 0;
    FCHECK(mg_flow_read(f, &x, 1) == 1 && x == 'x');
    mg_flow_close(f);
    int res = -9;
    FCHECK(mg_join(c, &res) == 0 && res == 0);
    /* A handler's port is not for accept. */
    FCHECK(mg_tcp_listen(t, NULL, other, NULL, echo_handler, NULL) == 0);
    FCHECK(mg_tcp_accept(t, other, &f, in_ms(10)) == MG_EINVAL);
    FCHECK(t->ops->unlisten(t, other) == 0);
    FCHECK(t->ops->unlisten(t, port) == 0);
    settle();
    return 0;
}

static void accept_with_deadline(void)
{
    RUN(accept_fiber, NULL);
}

struct accept_arg {
    struct mg_tcp *t;
    uint16_t port;
    int rc;
};

static int accept_waiter(void *arg)
{
    struct accept_arg *a = arg;
    struct mg_flow *f;
    a->rc = mg_tcp_accept(a->t, a->port, &f, UINT64_MAX);
    return 0;
}

static int unlisten_fiber(void *arg)
{
    (void)arg;
    struct mg_tcp *t = device(NULL);
    struct accept_arg a = {t, free_port_of(SOCK_STREAM), 1};
    FCHECK(mg_tcp_listen(t, NULL, a.port, NULL, NULL, NULL) == 0);
    struct mg_fiber *w = mg_spawn(accept_waiter, &a);
    mg_sleep_ns(10 * MS);
    FCHECK(a.rc == 1); /* still waiting */
    FCHECK(t->ops->unlisten(t, a.port) == 0);
    FCHECK(mg_join(w, NULL) == 0);
    FCHECK(a.rc == MG_EINVAL);
    return 0;
}

static void unlisten_wakes_accept(void)
{
    RUN(unlisten_fiber, NULL);
}

/* ---- connect ---- */

static int refused_fiber(void *arg)
{
    (void)arg;
    struct mg_tcp *t = device(NULL);
    struct mg_ip lo = v4(127, 0, 0, 1), lo6 = v6_loopback();
    struct mg_flow *f;
    FCHECK(mg_tcp_connect(t, &lo, free_port_of(SOCK_STREAM), in_ms(2000), &f) == MG_ECONNREFUSED);
    FCHECK(mg_tcp_connect(t, &lo6, free_port_of(SOCK_STREAM), in_ms(2000), &f) == MG_ECONNREFUSED);
    FCHECK(mg_tcp_connect(t, &lo, 0, in_ms(2000), &f) == MG_EINVAL);
    struct mg_ip bad = {.version = 5};
    FCHECK(mg_tcp_connect(t, &bad, 80, in_ms(2000), &f) == MG_EINVAL);
    return 0;
}

static void connect_refused(void)
{
    RUN(refused_fiber, NULL);
}

/* A kernel listener that never accepts, with the smallest queue: once the
 * queue is full the kernel drops SYNs and connects hang until the deadline. */
static int timeout_fiber(void *arg)
{
    (void)arg;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    FCHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 0) == 0 &&
           getsockname(s, (struct sockaddr *)&a, &len) == 0);
    struct mg_tcp *t = device(NULL);
    struct mg_ip lo = v4(127, 0, 0, 1);
    struct mg_flow *fs[8];
    int n = 0, rc = 0;
    uint64_t t0 = 0;
    while (n < 8) {
        t0 = mg_plat_monotonic_ns();
        rc = mg_tcp_connect(t, &lo, ntohs(a.sin_port), in_ms(200), &fs[n]);
        if (rc != 0)
            break;
        n++;
    }
    FCHECK(rc == MG_ETIMEDOUT);
    FCHECK(mg_plat_monotonic_ns() - t0 >= 200 * MS);
    FCHECK(n >= 1 && n < 8);
    for (int i = 0; i < n; i++)
        mg_flow_close(fs[i]);
    close(s);
    return 0;
}

static void connect_deadline(void)
{
    RUN(timeout_fiber, NULL);
}

/* ---- flows ---- */

struct pair {
    struct mg_tcp *t;
    struct mg_flow *client, *server;
};

/* A connected pair over loopback, through listen without a handler. */
static int make_pair(struct pair *p, const struct mg_ip *dst)
{
    p->t = device(NULL);
    uint16_t port = free_port_of(SOCK_STREAM);
    if (mg_tcp_listen(p->t, NULL, port, NULL, NULL, NULL) != 0)
        return -1;
    if (mg_tcp_connect(p->t, dst, port, in_ms(2000), &p->client) != 0)
        return -2;
    if (mg_tcp_accept(p->t, port, &p->server, in_ms(2000)) != 0)
        return -3;
    return p->t->ops->unlisten(p->t, port);
}

static void close_pair(struct pair *p)
{
    mg_flow_close(p->client);
    mg_flow_close(p->server);
}

static int peek_fiber(void *arg)
{
    (void)arg;
    struct mg_ip lo = v4(127, 0, 0, 1);
    struct pair p;
    FCHECK(make_pair(&p, &lo) == 0);
    FCHECK(write_all(p.client, "abcdef", 6) == 6);
    const uint8_t *d;
    long n = p.server->ops->peek(p.server, &d);
    FCHECK(n == 6 && memcmp(d, "abcdef", 6) == 0);
    p.server->ops->consume(p.server, 2);
    n = p.server->ops->peek(p.server, &d); /* the rest, without a system call */
    FCHECK(n == 4 && memcmp(d, "cdef", 4) == 0);
    char buf[8] = {0};
    FCHECK(mg_flow_read(p.server, buf, 3) == 3 && memcmp(buf, "cde", 3) == 0);
    FCHECK(mg_flow_read(p.server, buf, 8) == 1 && buf[0] == 'f');
    p.server->ops->consume(p.server, 100); /* more than there is: all of it */
    FCHECK(mg_flow_read(p.server, buf, 0) == MG_EINVAL);
    FCHECK(write_all(p.client, "gh", 2) == 2);
    n = p.server->ops->peek(p.server, &d);
    FCHECK(n == 2 && memcmp(d, "gh", 2) == 0);
    p.server->ops->consume(p.server, 2);
    FCHECK(mg_flow_shutdown(p.client, MG_SHUT_WR) == 0);
    FCHECK(p.server->ops->peek(p.server, &d) == 0); /* the end */
    close_pair(&p);
    return 0;
}

static void peek_and_consume(void)
{
    RUN(peek_fiber, NULL);
}

/* A pattern byte at offset i of a stream. */
static uint8_t pat(size_t i)
{
    return (uint8_t)((i * 7919u) >> 3 ^ i);
}

#define BIG (16u << 20)

struct reader {
    struct mg_flow *f;
    size_t got;
    int bad;
};

static int slow_reader(void *arg)
{
    struct reader *r = arg;
    static uint8_t buf[100000];
    for (;;) {
        long n = mg_flow_read(r->f, buf, sizeof buf);
        if (n <= 0)
            return (int)n;
        for (long i = 0; i < n; i++)
            if (buf[i] != pat(r->got + (size_t)i))
                r->bad++;
        r->got += (size_t)n;
        if ((r->got / sizeof buf) % 16 == 0)
            mg_sleep_ns(MS); /* the writer fills the socket and waits */
    }
}

static int writev_fiber(void *arg)
{
    (void)arg;
    struct mg_ip lo = v6_loopback();
    struct pair p;
    FCHECK(make_pair(&p, &lo) == 0);
    uint8_t *data = malloc(BIG);
    for (size_t i = 0; i < BIG; i++)
        data[i] = pat(i);
    struct reader r = {p.server, 0, 0};
    struct mg_fiber *rf = mg_spawn(slow_reader, &r);
    /* Many iovecs, empty ones among them, more than one sendmsg takes. */
    static struct mg_iovec v[512];
    size_t niov = 0, off = 0;
    while (off < BIG && niov < 512) {
        size_t len = niov % 3 == 1 ? 0 : (BIG / 250) + niov;
        if (len > BIG - off)
            len = BIG - off;
        v[niov].base = data + off;
        v[niov].len = len;
        off += len;
        niov++;
    }
    FCHECK(off == BIG && niov > 300);
    FCHECK(p.client->ops->writev(p.client, v, niov) == (long)BIG);
    FCHECK(p.client->ops->flush(p.client) == 0);
    FCHECK(mg_flow_shutdown(p.client, MG_SHUT_WR) == 0);
    int res = -1;
    FCHECK(mg_join(rf, &res) == 0 && res == 0);
    FCHECK(r.got == BIG && r.bad == 0);
    free(data);
    close_pair(&p);
    return 0;
}

static void writev_large_waits_for_room(void)
{
    RUN(writev_fiber, NULL);
}

static int shutdown_fiber(void *arg)
{
    (void)arg;
    struct mg_ip lo = v4(127, 0, 0, 1);
    struct pair p;
    FCHECK(make_pair(&p, &lo) == 0);
    char buf[8];
    FCHECK(mg_flow_shutdown(p.client, 0) == MG_EINVAL);
    FCHECK(mg_flow_shutdown(p.client, MG_SHUT_WR) == 0);
    FCHECK(write_all(p.client, "x", 1) == MG_EPIPE);
    FCHECK(mg_flow_read(p.server, buf, sizeof buf) == 0);
    FCHECK(write_all(p.server, "bye", 3) == 3); /* the other direction still works */
    FCHECK(read_full(p.client, buf, 3) == 3 && memcmp(buf, "bye", 3) == 0);
    FCHECK(mg_flow_shutdown(p.client, MG_SHUT_RD) == 0);
    FCHECK(mg_flow_read(p.client, buf, sizeof buf) == MG_ENOTCONN);
    close_pair(&p);
    return 0;
}

static void shutdown_each_way(void)
{
    RUN(shutdown_fiber, NULL);
}

/* Received bytes nobody read make close a reset (RFC 9293): the peer sees it. */
static int reset_fiber(void *arg)
{
    (void)arg;
    struct mg_ip lo = v4(127, 0, 0, 1);
    struct pair p;
    FCHECK(make_pair(&p, &lo) == 0);
    FCHECK(write_all(p.client, "unread", 6) == 6);
    const uint8_t *d;
    FCHECK(p.server->ops->peek(p.server, &d) == 6);
    mg_flow_close(p.server);
    char buf[8];
    FCHECK(mg_flow_read(p.client, buf, sizeof buf) == MG_ECONNRESET);
    mg_flow_close(p.client);
    /* Everything read: a graceful close, the peer sees the end. */
    FCHECK(make_pair(&p, &lo) == 0);
    FCHECK(write_all(p.client, "read", 4) == 4);
    FCHECK(read_full(p.server, buf, 4) == 4);
    mg_flow_close(p.server);
    FCHECK(mg_flow_read(p.client, buf, sizeof buf) == 0);
    mg_flow_close(p.client);
    return 0;
}

static void close_with_unread_data_resets(void)
{
    RUN(reset_fiber, NULL);
}

static int get_int(struct mg_flow *f, int level, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    getsockopt(((struct sock_flow *)f)->fd, level, name, &v, &len);
    return v;
}

static int options_fiber(void *arg)
{
    (void)arg;
    struct mg_ip lo = v4(127, 0, 0, 1);
    struct pair p;
    FCHECK(make_pair(&p, &lo) == 0);
    struct mg_flow *f = p.client;
    FCHECK(get_int(f, IPPROTO_TCP, TCP_NODELAY) == 0);
    FCHECK(f->ops->set_option(f, MG_TCP_NODELAY, 1) == 0);
    FCHECK(get_int(f, IPPROTO_TCP, TCP_NODELAY) == 1);
    FCHECK(f->ops->flush(f) == 0);
    FCHECK(f->ops->set_option(f, MG_TCP_NODELAY, 0) == 0);
    FCHECK(f->ops->flush(f) == 0);
    FCHECK(get_int(f, IPPROTO_TCP, TCP_NODELAY) == 0); /* flush leaves Nagle as it was */
    FCHECK(f->ops->set_option(f, MG_TCP_KEEPALIVE, 30) == 0);
    FCHECK(get_int(f, SOL_SOCKET, SO_KEEPALIVE) == 1);
    FCHECK(get_int(f, IPPROTO_TCP, TCP_KEEPIDLE) == 30);
    FCHECK(f->ops->set_option(f, MG_TCP_KEEPALIVE, 0) == 0);
    FCHECK(get_int(f, SOL_SOCKET, SO_KEEPALIVE) == 0);
    FCHECK(f->ops->set_option(f, MG_TCP_KEEPALIVE, -1) == MG_EINVAL);
    FCHECK(f->ops->set_option(f, 99, 1) == MG_ENOTSUP);
    close_pair(&p);
    /* A listener's options reach the flows it accepts. */
    struct mg_tcp *t = device(NULL);
    uint16_t port = free_port_of(SOCK_STREAM);
    struct mg_tcp_listen_opts o = {.backlog = 4, .nodelay = true, .keepalive = 45};
    FCHECK(mg_tcp_listen(t, NULL, port, &o, NULL, NULL) == 0);
    FCHECK(mg_tcp_connect(t, &lo, port, in_ms(2000), &p.client) == 0);
    FCHECK(mg_tcp_accept(t, port, &p.server, in_ms(2000)) == 0);
    FCHECK(get_int(p.server, IPPROTO_TCP, TCP_NODELAY) == 1);
    FCHECK(get_int(p.server, SOL_SOCKET, SO_KEEPALIVE) == 1);
    FCHECK(get_int(p.server, IPPROTO_TCP, TCP_KEEPIDLE) == 45);
    FCHECK(get_int(p.client, IPPROTO_TCP, TCP_NODELAY) == 0);
    close_pair(&p);
    FCHECK(t->ops->unlisten(t, port) == 0);
    return 0;
}

static void options(void)
{
    RUN(options_fiber, NULL);
}

/* ---- cancellation ---- */

struct cancel_arg {
    struct mg_flow *f;
    long rc;
};

static int blocked_reader(void *arg)
{
    struct cancel_arg *a = arg;
    char c;
    a->rc = mg_flow_read(a->f, &c, 1);
    return 0;
}

static int blocked_writer(void *arg)
{
    struct cancel_arg *a = arg;
    static uint8_t big[8u << 20];
    a->rc = write_all(a->f, big, sizeof big); /* more than the sockets hold */
    return 0;
}

static int cancel_fiber(void *arg)
{
    (void)arg;
    struct mg_ip lo = v4(127, 0, 0, 1);
    struct pair p;
    FCHECK(make_pair(&p, &lo) == 0);
    struct cancel_arg a = {p.server, 1};
    struct mg_fiber *r = mg_spawn(blocked_reader, &a);
    mg_sleep_ns(10 * MS);
    FCHECK(a.rc == 1);
    mg_cancel(r);
    FCHECK(mg_join(r, NULL) == 0);
    FCHECK(a.rc == MG_ECANCELED);
    /* The flow is still usable. */
    FCHECK(write_all(p.client, "z", 1) == 1);
    char c = 0;
    FCHECK(mg_flow_read(p.server, &c, 1) == 1 && c == 'z');
    /* A writer waiting for room, cancelled: the flow still carries data. */
    struct cancel_arg w = {p.client, 1};
    struct mg_fiber *wf = mg_spawn(blocked_writer, &w);
    mg_sleep_ns(20 * MS);
    FCHECK(w.rc == 1);
    mg_cancel(wf);
    FCHECK(mg_join(wf, NULL) == 0);
    FCHECK(w.rc == MG_ECANCELED);
    close_pair(&p);
    return 0;
}

static void cancelled_calls_leave_the_flow_usable(void)
{
    RUN(cancel_fiber, NULL);
}

/* ---- configuration ---- */

static int config_fiber(void *arg)
{
    (void)arg;
    struct mg_tcp *t = NULL;
    struct mg_socket_config both = {.ipv4_only = true, .ipv6_only = true};
    FCHECK(mg_socket_tcpv4v6_connect(&t, &both) == MG_EINVAL);
    /* IPv4 only: IPv6 is refused, and the port is not served on IPv6. */
    struct mg_socket_config c4 = {.ipv4_only = true};
    struct mg_tcp *t4 = device(&c4), *any = device(NULL);
    uint16_t port = free_port_of(SOCK_STREAM);
    struct mg_ip lo4 = v4(127, 0, 0, 1), lo6 = v6_loopback();
    struct mg_flow *f;
    FCHECK(mg_tcp_connect(t4, &lo6, port, in_ms(100), &f) == MG_EINVAL);
    FCHECK(mg_tcp_listen(t4, &lo6, port, NULL, NULL, NULL) == MG_EINVAL);
    FCHECK(mg_tcp_listen(t4, NULL, port, NULL, echo_handler, NULL) == 0);
    FCHECK(echo_once(any, &lo4, port) == 0);
    FCHECK(mg_tcp_connect(any, &lo6, port, in_ms(2000), &f) == MG_ECONNREFUSED);
    FCHECK(t4->ops->unlisten(t4, port) == 0);
    /* A configured address: listen there only, and connect from it. */
    struct mg_socket_config c2 = {.ipv4 = {{127, 0, 0, 2}}};
    struct mg_tcp *t2 = device(&c2);
    struct mg_ip lo2 = v4(127, 0, 0, 2);
    port = free_port_of(SOCK_STREAM);
    FCHECK(mg_tcp_listen(t2, NULL, port, NULL, echo_handler, NULL) == 0);
    FCHECK(echo_once(any, &lo2, port) == 0);
    FCHECK(mg_tcp_connect(any, &lo4, port, in_ms(2000), &f) == MG_ECONNREFUSED);
    settle();
    FCHECK(t2->ops->unlisten(t2, port) == 0);
    handled = 0;
    port = free_port_of(SOCK_STREAM);
    FCHECK(mg_tcp_listen(any, NULL, port, NULL, echo_handler, NULL) == 0);
    FCHECK(echo_once(t2, &lo4, port) == 0);
    settle();
    FCHECK(handled == 1 && memcmp(&seen_remote, &lo2, sizeof lo2) == 0);
    /* A listener on one address of its own, given to listen. */
    FCHECK(any->ops->unlisten(any, port) == 0);
    FCHECK(mg_tcp_listen(any, &lo6, port, NULL, echo_handler, NULL) == 0);
    FCHECK(echo_once(any, &lo6, port) == 0);
    FCHECK(mg_tcp_connect(any, &lo4, port, in_ms(2000), &f) == MG_ECONNREFUSED);
    FCHECK(any->ops->unlisten(any, port) == 0);
    settle();
    return 0;
}

static void configured_addresses_and_versions(void)
{
    RUN(config_fiber, NULL);
}

/* ---- disconnect ---- */

static int disconnect_fiber(void *arg)
{
    (void)arg;
    struct mg_ip lo = v4(127, 0, 0, 1);
    struct mg_tcp *t = device(NULL);
    static struct mg_udp *u;
    static const struct mg_socket_config any;
    FCHECK(mg_socket_udpv4v6_connect(&u, &any) == 0);
    static struct mg_stackv4v6 *s;
    FCHECK(mg_socket_stackv4v6_connect(&s, u, t) == 0);
    FCHECK(s->ip == NULL && mg_stack_tcp(s) == t && mg_stack_udp(s) == u);
    struct mg_stackv4v6 *bad;
    FCHECK(mg_socket_stackv4v6_connect(&bad, u, NULL) == MG_EINVAL);
    uint16_t port = free_port_of(SOCK_STREAM);
    FCHECK(mg_tcp_listen(t, NULL, port, NULL, NULL, NULL) == 0);
    struct mg_tcp *peer = device(NULL);
    struct mg_flow *c, *f;
    FCHECK(mg_tcp_connect(peer, &lo, port, in_ms(2000), &c) == 0);
    FCHECK(mg_tcp_accept(t, port, &f, in_ms(2000)) == 0);
    struct cancel_arg a = {f, 1};
    struct mg_fiber *r = mg_spawn(blocked_reader, &a);
    mg_sleep_ns(10 * MS);
    FCHECK(s->ops->disconnect(s) == 0);
    FCHECK(mg_join(r, NULL) == 0);
    FCHECK(a.rc == MG_ECONNRESET); /* the waiting reader is told */
    FCHECK(write_all(f, "x", 1) == MG_ECONNRESET);
    char buf[4];
    FCHECK(mg_flow_read(c, buf, sizeof buf) == MG_ECONNRESET); /* the peer saw a reset */
    FCHECK(mg_tcp_listen(t, NULL, port, NULL, NULL, NULL) == MG_EINVAL);
    FCHECK(mg_tcp_connect(t, &lo, port, in_ms(100), &f) == MG_EINVAL);
    mg_flow_close(f);
    mg_flow_close(c);
    return 0;
}

static void disconnect_resets_everything(void)
{
    RUN(disconnect_fiber, NULL);
}

/* ---- many connections at once ---- */

#define MANY 200

static struct mg_tcp *many_dev;

static int many_client(void *arg)
{
    const struct port_arg *p = arg;
    struct mg_ip lo = v4(127, 0, 0, 1);
    return echo_once(many_dev, &lo, p->port);
}

static int many_fiber(void *arg)
{
    (void)arg;
    struct mg_tcp *t = device(NULL);
    many_dev = device(NULL);
    struct port_arg pa = {free_port_of(SOCK_STREAM)};
    handled = 0;
    FCHECK(mg_tcp_listen(t, NULL, pa.port, NULL, echo_handler, NULL) == 0);
    static struct mg_fiber *fs[MANY];
    static int res[MANY];
    for (int i = 0; i < MANY; i++)
        fs[i] = mg_spawn(many_client, &pa);
    FCHECK(mg_join_all(fs, MANY, res) == 0);
    int bad = 0;
    for (int i = 0; i < MANY; i++)
        bad += res[i] != 0;
    FCHECK(bad == 0);
    settle();
    FCHECK(handled == MANY);
    FCHECK(t->ops->unlisten(t, pa.port) == 0);
    settle();
    return 0;
}

static void many_concurrent_connections(void)
{
    RUN(many_fiber, NULL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(echo_over_ipv4),
    CASE_ENTRY(dual_stack_one_port),
    CASE_ENTRY(accept_with_deadline),
    CASE_ENTRY(unlisten_wakes_accept),
    CASE_ENTRY(connect_refused),
    CASE_ENTRY(connect_deadline),
    CASE_ENTRY(peek_and_consume),
    CASE_ENTRY(writev_large_waits_for_room),
    CASE_ENTRY(shutdown_each_way),
    CASE_ENTRY(close_with_unread_data_resets),
    CASE_ENTRY(options),
    CASE_ENTRY(cancelled_calls_leave_the_flow_usable),
    CASE_ENTRY(configured_addresses_and_versions),
    CASE_ENTRY(disconnect_resets_everything),
    CASE_ENTRY(many_concurrent_connections),
};

CHECK_MAIN(cases)
