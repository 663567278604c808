/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/socket/addr_unix.c lib/socket/flow_unix.c lib/socket/stack_unix.c lib/socket/tcp_unix.c lib/socket/udp_unix.c lib/udp/udp_socket.c */
/* libs: -lm */
/* test_udp_socket.c: the fiber-blocking UDP receiver (mg_udp_bind / recv / unbind) and mg_udp_send,
 * over a scripted UDP device and over the socket stack's UDP on loopback. */
#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/socket.h>
#include <mirage/udp.h>

#include "fiber_check.h"

#define MS 1000000ull

/* ---- a scripted UDP device: records listeners and sends ---- */

static mg_udp_input_fn fake_fn;
static void *fake_arg;
static uint16_t fake_port;
static char fake_sent[64];
static size_t fake_sent_len;
static uint16_t fake_sent_sport, fake_sent_dport;

static int f_listen(struct mg_udp *u, uint16_t port, mg_udp_input_fn fn, void *arg)
{
    (void)u;
    fake_port = port;
    fake_fn = fn;
    fake_arg = arg;
    return 0;
}
static int f_writev(struct mg_udp *u, const struct mg_ip *src, uint16_t sport,
                    const struct mg_ip *dst, uint16_t dport, const struct mg_iovec *iov,
                    size_t niov)
{
    (void)u, (void)src, (void)dst;
    fake_sent_len = 0;
    for (size_t i = 0; i < niov; i++) {
        memcpy(fake_sent + fake_sent_len, iov[i].base, iov[i].len);
        fake_sent_len += iov[i].len;
    }
    fake_sent_sport = sport;
    fake_sent_dport = dport;
    return 0;
}
static const struct mg_udp_ops fake_ops = {f_listen, f_writev};
static struct mg_udp fake_udp = {&fake_ops};

static void arrive(const char *s, uint16_t sport)
{
    struct mg_udp_meta m = {.src = {.version = 4, .u.v4 = {{10, 0, 0, 1}}},
                            .dst = {.version = 4, .u.v4 = {{10, 0, 0, 2}}},
                            .src_port = sport,
                            .dst_port = fake_port};
    fake_fn(fake_arg, &m, (const uint8_t *)s, strlen(s));
}

static int producer(void *arg)
{
    (void)arg;
    mg_sleep_ns(20 * MS);
    arrive("late", 9);
    return 0;
}

static int queue_boot(void *arg)
{
    (void)arg;
    struct mg_udp_socket *s;
    FCHECK(mg_udp_bind(&fake_udp, 0, 4, &s) == MG_EINVAL);
    FCHECK(mg_udp_bind(&fake_udp, 53, 0, &s) == MG_EINVAL);
    FCHECK(mg_udp_bind(&fake_udp, 53, 3, &s) == 0 && fake_port == 53 && fake_fn);
    /* Queued in order, up to 3; the fourth is dropped. */
    arrive("one", 1);
    arrive("two", 2);
    arrive("three", 3);
    arrive("four", 4);
    char buf[16];
    struct mg_udp_meta m;
    long n = mg_udp_recv(s, buf, sizeof buf, &m, UINT64_MAX);
    FCHECK(n == 3 && memcmp(buf, "one", 3) == 0 && m.src_port == 1 && m.dst_port == 53);
    FCHECK(m.src.u.v4.b[3] == 1 && m.dst.u.v4.b[3] == 2);
    /* Truncation: the full length comes back. */
    n = mg_udp_recv(s, buf, 2, NULL, UINT64_MAX);
    FCHECK(n == 3 && memcmp(buf, "tw", 2) == 0);
    n = mg_udp_recv(s, buf, sizeof buf, &m, UINT64_MAX);
    FCHECK(n == 5 && m.src_port == 3);
    /* Empty: a deadline passes; then a datagram wakes the waiting fiber. */
    uint64_t t0 = mg_clock_monotonic_ns();
    FCHECK(mg_udp_recv(s, buf, sizeof buf, NULL, t0 + 30 * MS) == MG_ETIMEDOUT);
    FCHECK(mg_clock_monotonic_ns() - t0 >= 30 * MS);
    struct mg_fiber *p = mg_spawn(producer, NULL);
    n = mg_udp_recv(s, buf, sizeof buf, &m, mg_clock_monotonic_ns() + 2000 * MS);
    FCHECK(n == 4 && memcmp(buf, "late", 4) == 0 && m.src_port == 9);
    mg_join(p, NULL);
    /* Unbinding stops the listener and frees what is queued. */
    arrive("left", 5);
    mg_udp_unbind(s);
    FCHECK(fake_fn == NULL);
    /* mg_udp_send: one buffer, the IP layer's choice of source. */
    struct mg_ip d = {.version = 4, .u.v4 = {{10, 0, 0, 1}}};
    FCHECK(mg_udp_send(&fake_udp, 1234, &d, 53, "query", 5) == 0);
    FCHECK(fake_sent_len == 5 && fake_sent_sport == 1234 && fake_sent_dport == 53);
    return 0;
}

static void queue_order_truncation_timeout(void)
{
    RUN(queue_boot, NULL);
}

/* ---- over the socket stack's UDP on loopback ---- */

static int loopback_boot(void *arg)
{
    (void)arg;
    struct mg_udp *u;
    struct mg_socket_config c = {0};
    FCHECK(mg_socket_udpv4v6_connect(&u, &c) == 0);
    uint16_t port = (uint16_t)(20000 + mg_clock_monotonic_ns() % 20000);
    struct mg_udp_socket *s = NULL;
    int rc = -1;
    for (int i = 0; i < 20 && rc < 0; i++, port++) /* a port free on the host */
        rc = mg_udp_bind(u, port, 8, &s);
    port--;
    FCHECK(rc == 0);
    if (rc < 0)
        return 0;
    struct mg_ip lo = {.version = 4, .u.v4 = {{127, 0, 0, 1}}};
    FCHECK(mg_udp_send(u, 0, &lo, port, "over sockets", 12) == 0);
    char buf[64];
    struct mg_udp_meta m;
    long n = mg_udp_recv(s, buf, sizeof buf, &m, mg_clock_monotonic_ns() + 2000 * MS);
    FCHECK(n == 12 && memcmp(buf, "over sockets", 12) == 0 && m.dst_port == port);
    FCHECK(m.src.version == 4 && m.src.u.v4.b[0] == 127 && m.src_port != 0);
    mg_udp_unbind(s);
    mg_sleep_ns(10 * MS); /* the socket stack's receiver fiber ends and frees its binding */
    return 0;
}

static void over_socket_udp(void)
{
    RUN(loopback_boot, NULL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(queue_order_truncation_timeout),
    CASE_ENTRY(over_socket_udp),
};
CHECK_MAIN(cases)
