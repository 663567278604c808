/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/socket/addr_unix.c lib/socket/flow_unix.c lib/socket/stack_unix.c lib/socket/tcp_unix.c lib/socket/udp_unix.c lib/udp/udp_socket.c */
/* test_socket_udp.c: the socket stack's UDP over loopback: addresses, ports, limits. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/socket.h>

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

static bool same(const struct mg_ip *a, const struct mg_ip *b)
{
    if (a->version != b->version)
        return false;
    return a->version == 4 ? memcmp(&a->u.v4, &b->u.v4, 4) == 0
                           : memcmp(&a->u.v6, &b->u.v6, 16) == 0;
}

static void *devices[16];
static size_t ndevices;

static struct mg_udp *device(const struct mg_socket_config *c)
{
    static const struct mg_socket_config any;
    struct mg_udp *u = NULL;
    if (ndevices == 16 || mg_socket_udpv4v6_connect(&u, c ? c : &any) != 0)
        abort();
    devices[ndevices++] = u;
    return u;
}

static void settle(void)
{
    for (int i = 0; i < 20; i++)
        mg_yield();
}

/* ---- a recording handler ---- */

#define KEEP 600
static struct got {
    struct mg_udp_meta meta;
    size_t len;
    uint8_t first;
} got[KEEP];
static int ngot;
static struct mg_udp *stop_dev; /* the handler stops its port when set */

static void record(void *arg, const struct mg_udp_meta *m, const uint8_t *p, size_t len)
{
    (void)arg;
    if (ngot < KEEP)
        got[ngot] = (struct got){*m, len, len ? p[0] : 0};
    ngot++;
    if (stop_dev)
        mg_udp_listen(stop_dev, m->dst_port, NULL, NULL);
}

static void other(void *arg, const struct mg_udp_meta *m, const uint8_t *p, size_t len)
{
    (void)m, (void)p, (void)len;
    (*(int *)arg)++;
}

/* Wait until n datagrams arrived (or 1 s passed). */
static bool await(int n)
{
    for (int i = 0; i < 1000 && ngot < n; i++)
        mg_sleep_ns(MS);
    return ngot >= n;
}

static int send_str(struct mg_udp *u, const struct mg_ip *src, uint16_t sport,
                    const struct mg_ip *dst, uint16_t dport, const char *s)
{
    struct mg_iovec v[2] = {{s, 1}, {s + 1, strlen(s) - 1}};
    return mg_udp_writev(u, src, sport, dst, dport, v, 2);
}

static int addresses_fiber(void *arg)
{
    (void)arg;
    struct mg_udp *u = device(NULL);
    uint16_t port = free_port_of(SOCK_DGRAM);
    ngot = 0;
    stop_dev = NULL;
    FCHECK(mg_udp_listen(u, port, record, NULL) == 0);
    struct mg_ip lo4 = v4(127, 0, 0, 1), lo6 = v6_loopback(), lo2 = v4(127, 0, 0, 2);
    FCHECK(send_str(u, NULL, 0, &lo4, port, "four") == 0);
    FCHECK(await(1));
    FCHECK(same(&got[0].meta.src, &lo4) && same(&got[0].meta.dst, &lo4));
    FCHECK(got[0].meta.dst_port == port && got[0].meta.src_port != 0 && got[0].len == 4);
    FCHECK(send_str(u, NULL, 0, &lo6, port, "six") == 0);
    FCHECK(await(2));
    FCHECK(same(&got[1].meta.src, &lo6) && same(&got[1].meta.dst, &lo6) && got[1].len == 3);
    /* To another loopback address: the destination is the one the datagram had. */
    FCHECK(send_str(u, NULL, 0, &lo2, port, "two") == 0);
    FCHECK(await(3));
    FCHECK(same(&got[2].meta.dst, &lo2));
    /* From a chosen source address, through the ephemeral socket. */
    FCHECK(send_str(u, &lo2, 0, &lo4, port, "src") == 0);
    FCHECK(await(4));
    FCHECK(same(&got[3].meta.src, &lo2));
    /* From the listened port itself (a reply), with and without a source. */
    FCHECK(send_str(u, NULL, port, &lo4, port, "self") == 0);
    FCHECK(await(5));
    FCHECK(got[4].meta.src_port == port);
    FCHECK(send_str(u, &lo2, port, &lo4, port, "self2") == 0);
    FCHECK(await(6));
    FCHECK(got[5].meta.src_port == port && same(&got[5].meta.src, &lo2));
    FCHECK(send_str(u, &lo6, port, &lo6, port, "self6") == 0);
    FCHECK(await(7));
    FCHECK(got[6].meta.src_port == port && same(&got[6].meta.src, &lo6));
    /* From a port nobody listens on. */
    uint16_t other_port = free_port_of(SOCK_DGRAM);
    FCHECK(send_str(u, NULL, other_port, &lo4, port, "temp") == 0);
    FCHECK(await(8));
    FCHECK(got[7].meta.src_port == other_port && got[7].first == 't');
    FCHECK(mg_udp_listen(u, port, NULL, NULL) == 0);
    settle();
    return 0;
}

static void addresses_and_ports(void)
{
    RUN(addresses_fiber, NULL);
}

static int limits_fiber(void *arg)
{
    (void)arg;
    struct mg_udp *u = device(NULL);
    uint16_t port = free_port_of(SOCK_DGRAM);
    ngot = 0;
    stop_dev = NULL;
    FCHECK(mg_udp_listen(u, 0, record, NULL) == MG_EINVAL);
    FCHECK(mg_udp_listen(u, port, record, NULL) == 0);
    struct mg_ip lo4 = v4(127, 0, 0, 1), lo6 = v6_loopback();
    static uint8_t big[65508];
    memset(big, 'b', sizeof big);
    struct mg_iovec v = {big, 65507};
    FCHECK(mg_udp_writev(u, NULL, 0, &lo4, port, &v, 1) == 0);
    FCHECK(await(1));
    FCHECK(got[0].len == 65507);
    v.len = 65508;
    FCHECK(mg_udp_writev(u, NULL, 0, &lo4, port, &v, 1) == MG_EINVAL);
    struct mg_iovec two[2] = {{big, 40000}, {big, 30000}};
    FCHECK(mg_udp_writev(u, NULL, 0, &lo4, port, two, 2) == MG_EINVAL);
    v.len = 1;
    FCHECK(mg_udp_writev(u, NULL, 0, &lo4, 0, &v, 1) == MG_EINVAL);
    FCHECK(mg_udp_writev(u, &lo6, 0, &lo4, port, &v, 1) == MG_EINVAL);
    FCHECK(mg_udp_writev(u, NULL, 0, NULL, port, &v, 1) == MG_EINVAL);
    /* An empty datagram is a datagram. */
    FCHECK(mg_udp_writev(u, NULL, 0, &lo4, port, NULL, 0) == 0);
    FCHECK(await(2));
    FCHECK(got[1].len == 0);
    FCHECK(mg_udp_listen(u, port, NULL, NULL) == 0);
    settle();
    return 0;
}

static void limits(void)
{
    RUN(limits_fiber, NULL);
}

static int stop_fiber(void *arg)
{
    (void)arg;
    struct mg_udp *u = device(NULL);
    uint16_t port = free_port_of(SOCK_DGRAM);
    struct mg_ip lo4 = v4(127, 0, 0, 1);
    ngot = 0;
    stop_dev = NULL;
    int others = 0;
    FCHECK(mg_udp_listen(u, port, record, NULL) == 0);
    FCHECK(mg_udp_listen(u, port, other, &others) == 0); /* replaces the handler */
    FCHECK(send_str(u, NULL, 0, &lo4, port, "x") == 0);
    for (int i = 0; i < 1000 && others == 0; i++)
        mg_sleep_ns(MS);
    FCHECK(others == 1 && ngot == 0);
    FCHECK(mg_udp_listen(u, port, NULL, NULL) == 0);
    settle();
    FCHECK(send_str(u, NULL, 0, &lo4, port, "y") == 0); /* nobody hears it */
    mg_sleep_ns(20 * MS);
    FCHECK(others == 1);
    /* The port is free again: listened anew; the handler stops it itself. */
    stop_dev = u;
    FCHECK(mg_udp_listen(u, port, record, NULL) == 0);
    FCHECK(send_str(u, NULL, 0, &lo4, port, "a") == 0);
    FCHECK(send_str(u, NULL, 0, &lo4, port, "b") == 0);
    mg_sleep_ns(30 * MS);
    FCHECK(ngot == 1);
    stop_dev = NULL;
    /* Taken by someone else: MG_EBUSY. */
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    FCHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
           getsockname(s, (struct sockaddr *)&a, &len) == 0);
    struct mg_socket_config c4 = {.ipv4_only = true};
    FCHECK(mg_udp_listen(device(&c4), ntohs(a.sin_port), record, NULL) == MG_EBUSY);
    close(s);
    return 0;
}

static void stop_and_replace(void)
{
    RUN(stop_fiber, NULL);
}

/* Against the kernel's own sockets, both ways, and a burst. */
static int kernel_fiber(void *arg)
{
    (void)arg;
    struct mg_udp *u = device(NULL);
    uint16_t port = free_port_of(SOCK_DGRAM);
    struct mg_ip lo4 = v4(127, 0, 0, 1);
    ngot = 0;
    stop_dev = NULL;
    FCHECK(mg_udp_listen(u, port, record, NULL) == 0);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    FCHECK(bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
           getsockname(s, (struct sockaddr *)&a, &len) == 0);
    struct sockaddr_in to = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    /* Bursts of 100 (more than the receiver takes in a row), within what
     * the socket's buffer holds. */
    enum { N = 500 };
    for (int i = 0; i < N; i++) {
        uint8_t b = (uint8_t)i;
        FCHECK(sendto(s, &b, 1, 0, (struct sockaddr *)&to, sizeof to) == 1);
        if (i % 100 == 99)
            FCHECK(await(i + 1));
    }
    FCHECK(await(N));
    int order = 0;
    for (int i = 0; i < N; i++)
        order += got[i].first == (uint8_t)i && got[i].meta.src_port == ntohs(a.sin_port);
    FCHECK(order == N);
    FCHECK(send_str(u, NULL, port, &lo4, ntohs(a.sin_port), "to the kernel") == 0);
    char buf[64];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    ssize_t n = -1;
    for (int i = 0; i < 1000 && n < 0; i++) {
        n = recvfrom(s, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &flen);
        if (n < 0)
            mg_sleep_ns(MS);
    }
    FCHECK(n == 13 && memcmp(buf, "to the kernel", 13) == 0 && ntohs(from.sin_port) == port);
    close(s);
    FCHECK(mg_udp_listen(u, port, NULL, NULL) == 0);
    settle();
    return 0;
}

static void against_kernel_sockets(void)
{
    RUN(kernel_fiber, NULL);
}

static int version_fiber(void *arg)
{
    (void)arg;
    struct mg_socket_config c4 = {.ipv4_only = true}, c6 = {.ipv6_only = true};
    struct mg_udp *u4 = device(&c4), *u6 = device(&c6), *any = device(NULL);
    struct mg_ip lo4 = v4(127, 0, 0, 1), lo6 = v6_loopback();
    uint16_t port = free_port_of(SOCK_DGRAM);
    ngot = 0;
    stop_dev = NULL;
    FCHECK(send_str(u4, NULL, 0, &lo6, port, "no") == MG_EINVAL);
    FCHECK(send_str(u6, NULL, 0, &lo4, port, "no") == MG_EINVAL);
    FCHECK(mg_udp_listen(u6, port, record, NULL) == 0);
    FCHECK(send_str(any, NULL, 0, &lo4, port, "four") == 0); /* not heard */
    FCHECK(send_str(any, NULL, 0, &lo6, port, "six") == 0);
    FCHECK(await(1));
    mg_sleep_ns(10 * MS);
    FCHECK(ngot == 1 && got[0].first == 's');
    FCHECK(send_str(u6, NULL, port, &lo4, port, "no") == MG_EINVAL);
    FCHECK(mg_udp_listen(u6, port, NULL, NULL) == 0);
    /* A configured address: bound there, and datagrams come from it. */
    struct mg_socket_config c2 = {.ipv4 = {{127, 0, 0, 2}}};
    struct mg_udp *u2 = device(&c2);
    FCHECK(mg_udp_listen(any, port, record, NULL) == 0);
    FCHECK(send_str(u2, NULL, 0, &lo4, port, "from two") == 0);
    FCHECK(await(2));
    struct mg_ip lo2 = v4(127, 0, 0, 2);
    FCHECK(same(&got[1].meta.src, &lo2));
    FCHECK(mg_udp_listen(any, port, NULL, NULL) == 0);
    settle();
    return 0;
}

static void versions_and_configured_address(void)
{
    RUN(version_fiber, NULL);
}

static int disconnect_fiber(void *arg)
{
    (void)arg;
    static const struct mg_socket_config any;
    static struct mg_udp *u;
    static struct mg_tcp *t;
    static struct mg_stackv4v6 *s;
    FCHECK(mg_socket_udpv4v6_connect(&u, &any) == 0 && mg_socket_tcpv4v6_connect(&t, &any) == 0);
    FCHECK(mg_socket_stackv4v6_connect(&s, u, t) == 0);
    uint16_t port = free_port_of(SOCK_DGRAM);
    struct mg_ip lo4 = v4(127, 0, 0, 1);
    ngot = 0;
    stop_dev = NULL;
    FCHECK(mg_udp_listen(u, port, record, NULL) == 0);
    FCHECK(send_str(u, NULL, 0, &lo4, port, "x") == 0);
    FCHECK(await(1));
    FCHECK(s->ops->disconnect(s) == 0);
    settle();
    FCHECK(send_str(u, NULL, 0, &lo4, port, "y") == MG_EINVAL);
    FCHECK(mg_udp_listen(u, port, record, NULL) == MG_EINVAL);
    /* The port was given back. */
    struct mg_udp *v = device(NULL);
    FCHECK(mg_udp_listen(v, port, record, NULL) == 0);
    FCHECK(send_str(v, NULL, 0, &lo4, port, "z") == 0);
    FCHECK(await(2));
    FCHECK(mg_udp_listen(v, port, NULL, NULL) == 0);
    settle();
    return 0;
}

static void disconnect_closes_bindings(void)
{
    RUN(disconnect_fiber, NULL);
}

/* The generic blocking receiver and mg_udp_send (lib/udp) over the socket device. */
static int blocking_fiber(void *arg)
{
    (void)arg;
    struct mg_udp *u = device(NULL);
    uint16_t port = free_port_of(SOCK_DGRAM), other_port = free_port_of(SOCK_DGRAM);
    struct mg_ip lo6 = v6_loopback();
    struct mg_udp_socket *a, *b;
    FCHECK(mg_udp_bind(u, port, 4, &a) == 0 && mg_udp_bind(u, other_port, 4, &b) == 0);
    char buf[16];
    struct mg_udp_meta m;
    FCHECK(mg_udp_recv(a, buf, sizeof buf, &m, mg_plat_monotonic_ns() + 20 * MS) == MG_ETIMEDOUT);
    FCHECK(mg_udp_send(u, other_port, &lo6, port, "question", 8) == 0);
    FCHECK(mg_udp_recv(a, buf, sizeof buf, &m, mg_plat_monotonic_ns() + 1000 * MS) == 8);
    FCHECK(memcmp(buf, "question", 8) == 0 && m.src_port == other_port && same(&m.src, &lo6));
    FCHECK(mg_udp_send(u, port, &m.src, m.src_port, "answer", 6) == 0);
    FCHECK(mg_udp_recv(b, buf, sizeof buf, &m, mg_plat_monotonic_ns() + 1000 * MS) == 6);
    FCHECK(memcmp(buf, "answer", 6) == 0 && m.src_port == port);
    mg_udp_unbind(a);
    mg_udp_unbind(b);
    settle();
    return 0;
}

static void blocking_receiver_over_sockets(void)
{
    RUN(blocking_fiber, NULL);
}

static const struct check_case cases[] = {
    CASE_ENTRY(addresses_and_ports),
    CASE_ENTRY(limits),
    CASE_ENTRY(stop_and_replace),
    CASE_ENTRY(against_kernel_sockets),
    CASE_ENTRY(versions_and_configured_address),
    CASE_ENTRY(disconnect_closes_bindings),
    CASE_ENTRY(blocking_receiver_over_sockets),
};

CHECK_MAIN(cases)
