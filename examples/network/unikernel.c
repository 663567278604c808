/* unikernel.c: network: a TCP echo server logging each connection and each read. */
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/stack.h>

MG_LOG_SRC(net_log, "network", "the network example");

/* One connection, in a fiber of its own: echo until the peer closes. */
static int echo(void *arg, struct mg_flow *flow)
{
    (void)arg;
    struct mg_ip dst;
    uint16_t dst_port;
    char addr[48];
    flow->ops->endpoints(flow, NULL, NULL, &dst, &dst_port);
    mg_ip_format(&dst, addr, sizeof addr);
    mg_log_info(&net_log, "new tcp connection from IP %s on port %u", addr, dst_port);
    char buf[4096];
    for (;;) {
        long n = mg_flow_read(flow, buf, sizeof buf);
        if (n == 0) {
            mg_log_info(&net_log, "closing connection");
            break;
        }
        if (n < 0) {
            mg_log_warn(&net_log, "error reading data from established connection: %s",
                        mg_strerror((int)n));
            break;
        }
        mg_log_debug(&net_log, "read: %ld bytes:\n%.*s", n, (int)n, buf);
        long w = mg_flow_write(flow, buf, (size_t)n);
        if (w < 0) {
            mg_log_warn(&net_log, "error writing data to established connection: %s",
                        mg_strerror((int)w));
            break;
        }
    }
    mg_flow_close(flow);
    return 0;
}

int network_start(struct mg_stackv4v6 *stack, long port)
{
    if (port <= 0 || port > 65535) {
        mg_log_err(&net_log, "--port=%ld: not a TCP port", port);
        return MG_EINVAL;
    }
    int rc = mg_tcp_listen(mg_stack_tcp(stack), NULL, (uint16_t)port, NULL, echo, NULL);
    if (rc < 0) {
        mg_log_err(&net_log, "listen on port %ld: %s", port, mg_strerror(rc));
        return rc;
    }
    mg_log_info(&net_log, "listening on port %ld", port);
    /* Serve until the stack stops (S.listen): each connection has its own fiber. */
    return mg_stack_listen(stack);
}
