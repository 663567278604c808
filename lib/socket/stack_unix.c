/* stack_unix.c: the socket stack: a socket TCP and a socket UDP device together, no IP layer. */
#include <stdlib.h>

#include <mirage/error.h>

#include "sock_unix.h"

static int stack_disconnect(struct mg_stackv4v6 *s)
{
    int a = sock_tcp_disconnect(s->tcp);
    int b = sock_udp_disconnect(s->udp);
    return a < 0 ? a : b;
}

static const struct mg_stackv4v6_ops sock_stack_ops = {
    .disconnect = stack_disconnect,
};

int mg_socket_stackv4v6_connect(struct mg_stackv4v6 **out, struct mg_udp *udp, struct mg_tcp *tcp)
{
    if (!sock_is_udp(udp) || !sock_is_tcp(tcp))
        return MG_EINVAL;
    struct mg_stackv4v6 *s = calloc(1, sizeof *s);
    if (!s)
        return MG_ENOMEM;
    s->ops = &sock_stack_ops;
    s->tcp = tcp;
    s->udp = udp;
    s->ip = NULL; /* the host's IP layer is not ours to hand out */
    *out = s;
    return 0;
}
