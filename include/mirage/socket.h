/* socket.h: the socket stack (unix only): TCP, UDP and STACKV4V6 over the host's sockets.
 *
 * The handles are the ordinary ones of <mirage/tcp.h>, <mirage/udp.h> and
 * <mirage/stack.h>; only connecting differs. The generated main.c calls
 * these (socket_stackv4v6, socket_tcpv4v6, socket_udpv4v6 in config.c).
 *
 * Sockets are non-blocking and watched by the unix platform: a call that
 * waits suspends only its fiber. Dual-stack: without an address of its own,
 * a port is listened on by one IPv6 socket that also takes IPv4 (IPV6_V6ONLY
 * off) where the host allows it, else by an IPv6 and an IPv4 socket.
 */
#ifndef MIRAGE_SOCKET_H
#define MIRAGE_SOCKET_H

#include <stdbool.h>
#include <mirage/ipaddr.h>
#include <mirage/stack.h>
#include <mirage/tcp.h>
#include <mirage/udp.h>

/* Where the devices listen and which addresses they bind outgoing
 * connections and datagrams to: 0.0.0.0 and :: mean every address of the
 * host (and no binding). ipv4_only / ipv6_only refuse the other version
 * (MG_EINVAL); both at once is MG_EINVAL at connect. */
struct mg_socket_config {
    struct mg_ipv4 ipv4;
    struct mg_ipv6 ipv6;
    bool ipv4_only, ipv6_only;
};

/* Connect a device: 0 with *out set, MG_EINVAL (bad config), MG_ENOMEM.
 * Nothing is opened until the first listen, connect or send. */
int mg_socket_tcpv4v6_connect(struct mg_tcp **out, const struct mg_socket_config *c);
int mg_socket_udpv4v6_connect(struct mg_udp **out, const struct mg_socket_config *c);
/* A stack over a socket TCP and a socket UDP device (MG_EINVAL for any
 * other kind); its ip is NULL. disconnect closes every listener, binding
 * and connection of both (connections are reset: their calls then return
 * MG_ECONNRESET, and their owners still close them). */
int mg_socket_stackv4v6_connect(struct mg_stackv4v6 **out, struct mg_udp *udp, struct mg_tcp *tcp);

#endif
