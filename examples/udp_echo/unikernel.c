/* unikernel.c: udp_echo: receives datagrams with the fiber-blocking UDP socket and echoes them. */
#include <mirage/error.h>
#include <mirage/log.h>
#include <mirage/stack.h>

MG_LOG_SRC(echo_log, "udp_echo", "the UDP echo example");

/* Datagrams waiting to be echoed; more are dropped (and counted by the socket). */
#define QUEUE 256

int udp_echo_start(struct mg_stackv4v6 *stack, long port)
{
    if (port <= 0 || port > 65535) {
        mg_log_err(&echo_log, "--port=%ld: not a UDP port", port);
        return MG_EINVAL;
    }
    struct mg_udp *udp = mg_stack_udp(stack);
    struct mg_udp_socket *s;
    int rc = mg_udp_bind(udp, (uint16_t)port, QUEUE, &s);
    if (rc < 0) {
        mg_log_err(&echo_log, "bind port %ld: %s", port, mg_strerror(rc));
        return rc;
    }
    mg_log_info(&echo_log, "echoing on udp port %ld", port);
    static uint8_t buf[65536];
    for (;;) {
        struct mg_udp_meta m;
        long n = mg_udp_recv(s, buf, sizeof buf, &m, UINT64_MAX);
        if (n < 0) {
            mg_udp_unbind(s);
            return n == MG_ECANCELED ? 0 : (int)n;
        }
        if (mg_log_enabled(&echo_log, MG_LOG_DEBUG)) {
            char a[48];
            mg_ip_format(&m.src, a, sizeof a);
            mg_log_debug(&echo_log, "%ld bytes from %s:%u", n, a, m.src_port);
        }
        struct mg_iovec iov = {buf, (size_t)n};
        rc = mg_udp_writev(udp, &m.dst, m.dst_port, &m.src, m.src_port, &iov, 1);
        if (rc < 0)
            mg_log_warn(&echo_log, "echo: %s", mg_strerror(rc));
    }
}
