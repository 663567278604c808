/* udp.h: the UDP devices (UDP, UDPV4V6; Tcpip.Udp.S), direct or over host sockets (RFC 768). */
#ifndef MIRAGE_UDP_H
#define MIRAGE_UDP_H

#include <stddef.h>
#include <stdint.h>
#include <mirage/ipaddr.h>
#include <mirage/net.h>

struct mg_udp_meta {
    struct mg_ip src, dst;
    uint16_t src_port, dst_port;
};

/* One datagram for a listened port; payload valid during the call only.
 * Called from the stack's receiving fiber: it must not wait (hand the
 * datagram to another fiber, e.g. through mg_udp_socket, to do slow work). */
typedef void (*mg_udp_input_fn)(void *arg, const struct mg_udp_meta *m, const uint8_t *payload,
                                size_t len);

struct mg_udp;
struct mg_udp_ops {
    /* Deliver datagrams to port to fn (NULL: stop). One handler per port;
     * datagrams to a port nobody listens on get ICMP port unreachable.
     * 0, MG_EINVAL, MG_ENOTSUP (a socket stack that may not bind it),
     * MG_EBUSY (a socket stack: the host has the port in use). */
    int (*listen)(struct mg_udp *u, uint16_t port, mg_udp_input_fn fn, void *arg);
    /* Send one datagram (payload gathered from iov) to dst:dst_port from
     * src (NULL: chosen by the IP layer) and src_port (0: an ephemeral one).
     * 0, MG_EINVAL (too large: 65507 bytes of payload at most), MG_ETIMEDOUT
     * (no route or neighbour), MG_E*. */
    int (*writev)(struct mg_udp *u, const struct mg_ip *src, uint16_t src_port,
                  const struct mg_ip *dst, uint16_t dst_port, const struct mg_iovec *iov,
                  size_t niov);
};
struct mg_udp {
    const struct mg_udp_ops *ops;
};

static inline int mg_udp_listen(struct mg_udp *u, uint16_t port, mg_udp_input_fn fn, void *arg)
{
    return u->ops->listen(u, port, fn, arg);
}
static inline int mg_udp_writev(struct mg_udp *u, const struct mg_ip *src, uint16_t src_port,
                                const struct mg_ip *dst, uint16_t dst_port,
                                const struct mg_iovec *iov, size_t niov)
{
    return u->ops->writev(u, src, src_port, dst, dst_port, iov, niov);
}
int mg_udp_send(struct mg_udp *u, uint16_t src_port, const struct mg_ip *dst, uint16_t dst_port,
                const void *buf, size_t len);

/* A fiber-blocking receiver over listen(): datagrams to port are queued
 * (at most queue_max; more are dropped and counted) until mg_udp_recv takes
 * them. Owned by the caller; mg_udp_unbind frees it. */
struct mg_udp_socket;
int mg_udp_bind(struct mg_udp *u, uint16_t port, size_t queue_max, struct mg_udp_socket **out);
/* Wait (until the monotonic deadline) for one datagram; copy up to len bytes
 * into buf: the datagram's full length (more than len: truncated), with
 * *meta filled if not NULL; MG_ETIMEDOUT, MG_ECANCELED. */
long mg_udp_recv(struct mg_udp_socket *s, void *buf, size_t len, struct mg_udp_meta *meta,
                 uint64_t deadline_ns);
void mg_udp_unbind(struct mg_udp_socket *s);

/* ---- direct_udp: UDP over one of our IP layers ---- */

/* Checksums are verified (zero means none over IPv4) and always sent; a
 * datagram to a port nobody listens on gets ICMP port unreachable (from
 * the IP layer's rules and rate limit); ICMP errors about datagrams we
 * sent are counted and logged at debug level. writev flushes the link
 * (unless called from an input handler, whose replies go out with the
 * receiving fiber's burst). An ephemeral port is drawn at random from
 * 49152..65535 for each send with src_port 0. */
struct mg_ip_layer;
struct mg_udp_stats {
    uint64_t rx_datagrams, rx_delivered, rx_truncated, rx_bad_len, rx_bad_csum, rx_no_port;
    uint64_t tx_datagrams, tx_errors, icmp_errors;
};
int mg_udp_direct_connect(struct mg_udp **out, struct mg_ip_layer *ip);
/* Unregister from the IP layer and free u (listeners are dropped). */
void mg_udp_direct_disconnect(struct mg_udp *u);
/* The counters of a direct UDP device; MG_EINVAL for any other. */
int mg_udp_direct_stats(struct mg_udp *u, struct mg_udp_stats *out);

#endif
