/* unikernel.c: tcpkit: TCP echo, sink, source and relay, and UDP echo, for tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/stack.h>

MG_LOG_SRC(kit_log, "tcpkit", "the tcpkit test unikernel");

/* What the source sends, over and over. */
#define BLOCK (64u * 1024u)
static uint8_t block[BLOCK];

static long write_all(struct mg_flow *f, const void *buf, size_t len)
{
    struct mg_iovec v = {buf, len};
    return f->ops->writev(f, &v, 1);
}

static void log_conn(const char *what, struct mg_flow *f)
{
    if (!mg_log_enabled(&kit_log, MG_LOG_DEBUG))
        return;
    struct mg_ip ip;
    uint16_t port;
    char a[48];
    f->ops->endpoints(f, NULL, NULL, &ip, &port);
    mg_ip_format(&ip, a, sizeof a);
    mg_log_debug(&kit_log, "%s: connection from %s port %u", what, a, port);
}

/* Echo with the flow's own buffer (peek/consume): no copy on our side. */
static int echo(void *arg, struct mg_flow *f)
{
    (void)arg;
    log_conn("echo", f);
    const uint8_t *d;
    long n, rc = 0;
    while ((n = f->ops->peek(f, &d)) > 0) {
        if ((rc = write_all(f, d, (size_t)n)) < 0)
            break;
        f->ops->consume(f, (size_t)n);
    }
    if (n < 0 || rc < 0)
        mg_log_debug(&kit_log, "echo: %s", mg_strerror(n < 0 ? (int)n : (int)rc));
    mg_flow_close(f);
    return 0;
}

static int sink(void *arg, struct mg_flow *f)
{
    (void)arg;
    log_conn("sink", f);
    const uint8_t *d;
    long n;
    unsigned long long total = 0;
    while ((n = f->ops->peek(f, &d)) > 0) {
        total += (unsigned long long)n;
        f->ops->consume(f, (size_t)n);
    }
    if (n == 0) {
        char line[32];
        int len = snprintf(line, sizeof line, "%llu\n", total);
        write_all(f, line, (size_t)len);
    }
    mg_flow_close(f);
    return 0;
}

static int source(void *arg, struct mg_flow *f)
{
    (void)arg;
    log_conn("source", f);
    char line[32];
    size_t len = 0;
    while (len < sizeof line - 1 && (len == 0 || line[len - 1] != '\n')) {
        long n = mg_flow_read(f, line + len, sizeof line - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    line[len] = '\0';
    unsigned long long want = strtoull(line, NULL, 10), sent = 0;
    while (sent < want) {
        size_t chunk = want - sent < BLOCK ? (size_t)(want - sent) : BLOCK;
        if (write_all(f, block, chunk) < 0)
            break;
        sent += chunk;
    }
    mg_flow_close(f);
    return 0;
}

/* ---- relay: a connection joined to a new one ---- */

static struct mg_tcp *relay_tcp;
static struct mg_ip relay_dst;
static uint16_t relay_dst_port;

struct pipe {
    struct mg_flow *from, *to;
};

/* Copy until the end, then pass the end on. */
static int pump(void *arg)
{
    struct pipe *p = arg;
    const uint8_t *d;
    long n;
    while ((n = p->from->ops->peek(p->from, &d)) > 0) {
        if (write_all(p->to, d, (size_t)n) < 0)
            return -1;
        p->from->ops->consume(p->from, (size_t)n);
    }
    mg_flow_shutdown(p->to, MG_SHUT_WR);
    return n < 0 ? (int)n : 0;
}

static int relay(void *arg, struct mg_flow *in)
{
    (void)arg;
    log_conn("relay", in);
    struct mg_flow *out;
    int rc = mg_tcp_connect(relay_tcp, &relay_dst, relay_dst_port, UINT64_MAX, &out);
    if (rc < 0) {
        mg_log_warn(&kit_log, "relay: connect: %s", mg_strerror(rc));
        mg_flow_close(in);
        return 0;
    }
    struct pipe back = {out, in}, forth = {in, out};
    struct mg_fiber *b = mg_spawn(pump, &back);
    if (b) {
        pump(&forth);
        mg_join(b, NULL);
    }
    mg_flow_close(out);
    mg_flow_close(in);
    return 0;
}

/* ---- UDP echo ---- */

static struct mg_udp *echo_udp;

static void udp_echo(void *arg, const struct mg_udp_meta *m, const uint8_t *payload, size_t len)
{
    (void)arg;
    struct mg_iovec v = {payload, len};
    int rc = mg_udp_writev(echo_udp, &m->dst, m->dst_port, &m->src, m->src_port, &v, 1);
    if (rc < 0)
        mg_log_warn(&kit_log, "udp echo: %s", mg_strerror(rc));
}

static int serve(struct mg_tcp *t, long port, mg_tcp_handler h, const char *what)
{
    if (port <= 0)
        return 0;
    if (port > 65535)
        return MG_EINVAL;
    struct mg_tcp_listen_opts o = {.backlog = 1024, .nodelay = true};
    int rc = mg_tcp_listen(t, NULL, (uint16_t)port, &o, h, NULL);
    if (rc < 0)
        mg_log_err(&kit_log, "%s: listen on port %ld: %s", what, port, mg_strerror(rc));
    else
        mg_log_info(&kit_log, "%s on port %ld", what, port);
    return rc;
}

int tcpkit_start(struct mg_stackv4v6 *s, long echo_port, long sink_port, long source_port,
                 long relay_port, struct mg_ip relay_to, long relay_to_port, long udp_port)
{
    for (size_t i = 0; i < BLOCK; i++)
        block[i] = (uint8_t)(i * 131u + (i >> 9));
    struct mg_tcp *t = mg_stack_tcp(s);
    relay_tcp = t;
    relay_dst = relay_to;
    relay_dst_port = (uint16_t)relay_to_port;
    int rc;
    if ((rc = serve(t, echo_port, echo, "echo")) < 0 ||
        (rc = serve(t, sink_port, sink, "sink")) < 0 ||
        (rc = serve(t, source_port, source, "source")) < 0 ||
        (rc = serve(t, relay_port, relay, "relay")) < 0)
        return rc;
    if (udp_port > 0 && udp_port <= 65535) {
        echo_udp = mg_stack_udp(s);
        rc = mg_udp_listen(echo_udp, (uint16_t)udp_port, udp_echo, NULL);
        if (rc < 0) {
            mg_log_err(&kit_log, "udp echo: listen on port %ld: %s", udp_port, mg_strerror(rc));
            return rc;
        }
        mg_log_info(&kit_log, "udp echo on port %ld", udp_port);
    }
    mg_log_info(&kit_log, "ready");
    /* Serve until the stack stops: the services run in fibers of their own. */
    return mg_stack_listen(s);
}
