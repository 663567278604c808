/* conduit.h: the CONDUIT device (Conduit_mirage): a way to listen and to
 * connect by port and address, over a stack.
 *
 * conduit_direct gives plain TCP over a STACKV4V6; TLS (conduit_direct
 * ~tls:true) arrives with the TLS issue and is refused at configure time
 * until then. Flows are <mirage/tcp.h>'s: read, write, close as usual.
 */
#ifndef MIRAGE_CONDUIT_H
#define MIRAGE_CONDUIT_H

#include <stdint.h>
#include <mirage/tcp.h>

struct mg_stackv4v6;
struct mg_conduit;
struct mg_conduit_ops {
    /* Serve port: each connection runs handler(arg, flow) in a fiber of
     * its own, which owns the flow. 0, MG_EBUSY, MG_EINVAL (as
     * mg_tcp_listen). Does not wait. */
    int (*listen)(struct mg_conduit *c, uint16_t port, const struct mg_tcp_listen_opts *opts,
                  mg_tcp_handler handler, void *arg);
    int (*unlisten)(struct mg_conduit *c, uint16_t port);
    /* Connect to dst:port until the monotonic deadline (UINT64_MAX: none).
     * 0, MG_ECONNREFUSED, MG_ETIMEDOUT, MG_ECANCELED. */
    int (*connect)(struct mg_conduit *c, const struct mg_ip *dst, uint16_t port,
                   uint64_t deadline_ns, struct mg_flow **out);
};
struct mg_conduit {
    const struct mg_conduit_ops *ops;
    struct mg_stackv4v6 *stack;
};

/* conduit_direct: plain TCP over stack. 0 or MG_ENOMEM. */
int mg_conduit_direct_connect(struct mg_conduit **out, struct mg_stackv4v6 *stack);

#endif
