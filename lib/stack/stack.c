/* stack.c: the direct stack: ethernet, ARP, IP, UDP and TCP assembled, and the receiving fiber. */
#include <stdlib.h>

#include <mirage/error.h>
#include <mirage/ethernet.h>
#include <mirage/fiber.h>
#include <mirage/ipv4.h>

#include "stack_direct.h"

MG_LOG_SRC(stack_log, "stack", "the direct TCP/IP stack");

static void stop(struct direct_stack *s, int rc)
{
    if (s->stopped)
        return;
    s->stopped = true;
    s->stop_rc = rc;
    mg_wake_all(&s->listeners);
}

static int rx_fiber(void *arg)
{
    struct direct_stack *s = arg;
    int rc = s->eth->ops->listen(s->eth);
    if (rc == MG_ENOTCONN || rc == MG_ECANCELED)
        rc = 0; /* the device was disconnected */
    else
        mg_log_err(&stack_log, "receiving stopped: %s", mg_strerror(rc));
    stop(s, rc);
    return rc;
}

static int direct_disconnect(struct mg_stackv4v6 *pub)
{
    struct direct_stack *s = (struct direct_stack *)pub;
    if (!s->rx)
        return 0;
    /* Connections are reset first, while their RSTs can still leave. A
     * hand-built stack may carry a TCP device that is not ours (EINVAL). */
    mg_tcp_direct_disconnect(s->pub.tcp);
    /* The receiving fiber's listen returns MG_ENOTCONN. */
    int rc = s->net->ops->disconnect(s->net);
    s->rx = NULL;
    stop(s, 0);
    return rc;
}

static int direct_listen(struct mg_stackv4v6 *pub)
{
    struct direct_stack *s = (struct direct_stack *)pub;
    while (!s->stopped) {
        int rc = mg_wait(&s->listeners, UINT64_MAX);
        if (rc == MG_ECANCELED)
            return rc;
    }
    return s->stop_rc;
}

const struct mg_stackv4v6_ops stack_direct_ops = {
    .disconnect = direct_disconnect,
    .listen = direct_listen,
};

int mg_stack_direct_connect(struct mg_stackv4v6 **out, struct mg_network *net,
                            struct mg_ethernet *eth, struct mg_arpv4 *arp, struct mg_ip_layer *ip,
                            struct mg_udp *udp, struct mg_tcp *tcp)
{
    struct direct_stack *s = calloc(1, sizeof *s);
    if (!s)
        return MG_ENOMEM;
    s->pub.ops = &stack_direct_ops;
    s->pub.tcp = tcp;
    s->pub.udp = udp;
    s->pub.ip = ip;
    s->net = net;
    s->eth = eth;
    s->arp = arp;
    struct mg_spawn_opts so = {0, "stack-rx"};
    if (!(s->rx = mg_spawn_opts(rx_fiber, s, &so))) {
        free(s);
        return MG_ENOMEM;
    }
    /* The address goes to ARP now that frames are received: its probes
     * hear conflicts. A layer not ours (or without defer_init) says no. */
    int rc = mg_ipv4_init(ip);
    if (rc < 0 && rc != MG_EINVAL) {
        mg_log_err(&stack_log, "the IPv4 address: %s", mg_strerror(rc));
        /* No stack: stop receiving (mg_join_all waits even if we are cancelled). */
        mg_cancel(s->rx);
        mg_join_all(&s->rx, 1, NULL);
        free(s);
        return rc;
    }
    mg_detach(s->rx);
    *out = &s->pub;
    return 0;
}
