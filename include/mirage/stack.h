/* stack.h: the STACKV4V6 device (Tcpip.Stack.V4V6): TCP, UDP and IP together.
 *
 * Connecting a direct stack starts its receiving fiber: frames are read and
 * dispatched from then on, until disconnect, whether or not anyone calls
 * listen. listen is the seed's S.listen: the unikernel's "serve until the
 * stack stops" (a job that set up its listeners then calls it). A socket
 * stack (the host's sockets, on unix) has no IP layer of ours: ip is NULL
 * there.
 */
#ifndef MIRAGE_STACK_H
#define MIRAGE_STACK_H

#include <mirage/error.h>
#include <mirage/ip.h>
#include <mirage/tcp.h>
#include <mirage/udp.h>

struct mg_stackv4v6;
struct mg_stackv4v6_ops {
    /* Stop receiving and close every connection (reset). */
    int (*disconnect)(struct mg_stackv4v6 *s);
    /* Block the calling fiber until the stack stops: 0 once it is
     * disconnected (at once if it already is), the MG_E* that stopped its
     * receiving otherwise (the network device failed), or MG_ECANCELED when
     * the caller is cancelled (the stack runs on). Listeners, connections
     * and UDP handlers are served by the stack's own fibers meanwhile; any
     * number of fibers may wait. */
    int (*listen)(struct mg_stackv4v6 *s);
};
struct mg_stackv4v6 {
    const struct mg_stackv4v6_ops *ops;
    struct mg_tcp *tcp;
    struct mg_udp *udp;
    struct mg_ip_layer *ip; /* NULL for a socket stack */
};

static inline struct mg_tcp *mg_stack_tcp(struct mg_stackv4v6 *s) { return s->tcp; }
static inline struct mg_udp *mg_stack_udp(struct mg_stackv4v6 *s) { return s->udp; }
static inline struct mg_ip_layer *mg_stack_ip(struct mg_stackv4v6 *s) { return s->ip; }
/* ops->listen; MG_ENOTSUP for a stack without one. */
static inline int mg_stack_listen(struct mg_stackv4v6 *s)
{
    return s->ops->listen ? s->ops->listen(s) : MG_ENOTSUP;
}
static inline int mg_stack_disconnect(struct mg_stackv4v6 *s) { return s->ops->disconnect(s); }

/* ---- the direct stack (ours, over a NETWORK device) ---- */

struct mg_network;
struct mg_ethernet;
struct mg_arpv4;
struct mg_dhcp_lease;
/* Assemble the stack and start its receiving fiber (the ethernet layer's
 * listen), then give ARP the address of ip if its IPv4 layer was connected
 * with defer_init (mg_ipv4_init: with probing on, this waits for the
 * probes). ip is the layer udp and tcp were connected on. 0, MG_ENOMEM, or
 * MG_EEXIST (another host answered for the address) and the other errors of
 * ARP's set_ips, the receiving fiber then stopped and no stack made. */
int mg_stack_direct_connect(struct mg_stackv4v6 **out, struct mg_network *net,
                            struct mg_ethernet *eth, struct mg_arpv4 *arp, struct mg_ip_layer *ip,
                            struct mg_udp *udp, struct mg_tcp *tcp);
/* The same, then configure ipv4 (the direct IPv4 layer under ip, connected
 * without an address) by DHCP, waiting for the first lease up to timeout_ns
 * (0: 30 s). 0, or MG_ETIMEDOUT (no lease in time: logged), MG_E*. */
int mg_stack_dhcp_connect(struct mg_stackv4v6 **out, struct mg_network *net,
                          struct mg_ethernet *eth, struct mg_arpv4 *arp, struct mg_ip_layer *ipv4,
                          struct mg_ip_layer *ip, struct mg_udp *udp, struct mg_tcp *tcp,
                          uint64_t timeout_ns);
/* The DHCP lease of a stack of mg_stack_dhcp_connect: 0, or MG_ENOENT (no
 * lease now, or not such a stack). */
int mg_stack_dhcp_lease(struct mg_stackv4v6 *s, struct mg_dhcp_lease *out);

#endif
