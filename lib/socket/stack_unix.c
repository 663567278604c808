/* stack_unix.c: the socket stack: a socket TCP and a socket UDP device together, no IP layer. */
#include <stdlib.h>

#include <mirage/error.h>

#include "sock_unix.h"

struct sock_stack {
    struct mg_stackv4v6 pub;
    bool disconnected;
    struct mg_waitq listeners; /* fibers in listen, woken by disconnect */
};

static int stack_disconnect(struct mg_stackv4v6 *pub)
{
    struct sock_stack *s = (struct sock_stack *)pub;
    int a = sock_tcp_disconnect(pub->tcp);
    int b = sock_udp_disconnect(pub->udp);
    s->disconnected = true;
    mg_wake_all(&s->listeners);
    return a < 0 ? a : b;
}

/* No receiving fiber to watch: every listener and flow has its own. */
static int stack_listen(struct mg_stackv4v6 *pub)
{
    struct sock_stack *s = (struct sock_stack *)pub;
    while (!s->disconnected) {
        int rc = mg_wait(&s->listeners, UINT64_MAX);
        if (rc == MG_ECANCELED)
            return rc;
    }
    return 0;
}

static const struct mg_stackv4v6_ops sock_stack_ops = {
    .disconnect = stack_disconnect,
    .listen = stack_listen,
};

int mg_socket_stackv4v6_connect(struct mg_stackv4v6 **out, struct mg_udp *udp, struct mg_tcp *tcp)
{
    if (!sock_is_udp(udp) || !sock_is_tcp(tcp))
        return MG_EINVAL;
    struct sock_stack *s = calloc(1, sizeof *s);
    if (!s)
        return MG_ENOMEM;
    s->pub.ops = &sock_stack_ops;
    s->pub.tcp = tcp;
    s->pub.udp = udp;
    s->pub.ip = NULL; /* the host's IP layer is not ours to hand out */
    *out = &s->pub;
    return 0;
}
