/* unikernel.c: udp_echo: receives datagrams with the fiber-blocking UDP socket and echoes them. */
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/stack.h>

MG_LOG_SRC(echo_log, "udp_echo", "the UDP echo example");

/* Datagrams waiting to be echoed; more are dropped (and counted by the socket). */
#define QUEUE 256

struct echo {
    struct mg_udp *udp;
    struct mg_udp_socket *s;
};

/* Echo every datagram until cancelled. */
static int echo_loop(void *arg)
{
    struct echo *e = arg;
    static uint8_t buf[65536];
    for (;;) {
        struct mg_udp_meta m;
        long n = mg_udp_recv(e->s, buf, sizeof buf, &m, UINT64_MAX);
        if (n < 0)
            return n == MG_ECANCELED ? 0 : (int)n;
        if (mg_log_enabled(&echo_log, MG_LOG_DEBUG)) {
            char a[48];
            mg_ip_format(&m.src, a, sizeof a);
            mg_log_debug(&echo_log, "%ld bytes from %s:%u", n, a, m.src_port);
        }
        struct mg_iovec iov = {buf, (size_t)n};
        int rc = mg_udp_writev(e->udp, &m.dst, m.dst_port, &m.src, m.src_port, &iov, 1);
        if (rc < 0)
            mg_log_warn(&echo_log, "echo: %s", mg_strerror(rc));
    }
}

static int serve(void *stack)
{
    return mg_stack_listen(stack);
}

int udp_echo_start(struct mg_stackv4v6 *stack, long port)
{
    if (port <= 0 || port > 65535) {
        mg_log_err(&echo_log, "--port=%ld: not a UDP port", port);
        return MG_EINVAL;
    }
    struct echo e = {mg_stack_udp(stack), NULL};
    int rc = mg_udp_bind(e.udp, (uint16_t)port, QUEUE, &e.s);
    if (rc < 0) {
        mg_log_err(&echo_log, "bind port %ld: %s", port, mg_strerror(rc));
        return rc;
    }
    mg_log_info(&echo_log, "echoing on udp port %ld", port);
    /* Echo until the stack stops (S.listen), or the loop fails. */
    struct mg_fiber *fs[2] = {mg_spawn(echo_loop, &e), mg_spawn(serve, stack)};
    if (!fs[0] || !fs[1]) {
        for (int i = 0; i < 2; i++)
            if (fs[i]) {
                mg_cancel(fs[i]);
                mg_join_all(&fs[i], 1, NULL);
            }
        rc = MG_ENOMEM;
    } else {
        int first = mg_pick(fs, 2, &rc);
        if (first < 0)
            rc = first;
    }
    mg_udp_unbind(e.s);
    return rc == MG_ECANCELED ? 0 : rc;
}
