/* conduit_direct.c: the CONDUIT device over a stack's TCP (plain, no TLS). */
#include <stdlib.h>

#include <mirage/conduit.h>
#include <mirage/error.h>
#include <mirage/stack.h>

static int direct_listen(struct mg_conduit *c, uint16_t port, const struct mg_tcp_listen_opts *opts,
                         mg_tcp_handler handler, void *arg)
{
    if (!handler)
        return MG_EINVAL; /* a conduit serves; accepting by hand is the TCP device's */
    return mg_tcp_listen(mg_stack_tcp(c->stack), NULL, port, opts, handler, arg);
}

static int direct_unlisten(struct mg_conduit *c, uint16_t port)
{
    struct mg_tcp *t = mg_stack_tcp(c->stack);
    return t->ops->unlisten(t, port);
}

static int direct_connect(struct mg_conduit *c, const struct mg_ip *dst, uint16_t port,
                          uint64_t deadline_ns, struct mg_flow **out)
{
    return mg_tcp_connect(mg_stack_tcp(c->stack), dst, port, deadline_ns, out);
}

static const struct mg_conduit_ops direct_ops = {
    .listen = direct_listen,
    .unlisten = direct_unlisten,
    .connect = direct_connect,
};

int mg_conduit_direct_connect(struct mg_conduit **out, struct mg_stackv4v6 *stack)
{
    if (!stack || !mg_stack_tcp(stack))
        return MG_EINVAL;
    struct mg_conduit *c = malloc(sizeof *c);
    if (!c)
        return MG_ENOMEM;
    c->ops = &direct_ops;
    c->stack = stack;
    *out = c;
    return 0;
}
