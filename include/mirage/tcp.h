/* tcp.h: the TCP devices (TCP, TCPV4V6; Tcpip.Tcp.S) and their connections (flows).
 *
 * The same API whether the stack is ours (direct) or the host's sockets.
 * Every call that waits suspends only the calling fiber, and returns
 * MG_ECANCELED if that fiber is cancelled (the connection stays usable
 * unless the call says otherwise): timeouts are mg_with_timeout's or a
 * deadline argument's business.
 */
#ifndef MIRAGE_TCP_H
#define MIRAGE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mirage/ipaddr.h>
#include <mirage/net.h>

/* ---- a connection ---- */

enum mg_shutdown { MG_SHUT_RD = 1, MG_SHUT_WR = 2, MG_SHUT_RDWR = 3 };

struct mg_flow;
struct mg_flow_ops {
    /* Wait until data is there, copy up to len bytes into buf: the count;
     * 0 once the peer has closed its side and everything was read;
     * MG_ECONNRESET, MG_ETIMEDOUT (the connection died: retransmissions or
     * keep-alive failed), MG_ENOTCONN (shut down for reading), MG_ECANCELED. */
    long (*read)(struct mg_flow *f, void *buf, size_t len);
    /* Zero-copy read: wait as read does, then point *data at the next
     * received bytes (a count as read returns; the bytes stay valid until
     * consume or another read); consume(n) releases the first n of them. */
    long (*peek)(struct mg_flow *f, const uint8_t **data);
    void (*consume)(struct mg_flow *f, size_t n);
    /* Queue all bytes of iov for sending, waiting while the send buffer is
     * full (flow control): the total, or MG_EPIPE (shut down for writing or
     * closed by the peer), MG_ECONNRESET, MG_ETIMEDOUT, MG_ECANCELED (part
     * may have been queued). The bytes are copied. */
    long (*writev)(struct mg_flow *f, const struct mg_iovec *iov, size_t niov);
    /* Send what is queued now (with Nagle on, writev may hold small
     * segments back; flush pushes them). 0 or MG_E*. */
    int (*flush)(struct mg_flow *f);
    int (*shutdown)(struct mg_flow *f, enum mg_shutdown how);
    /* Close and free: queued data is still sent and the FIN follows (the
     * stack finishes the close in the background); a connection with unread
     * received data is reset (RFC 9293). f is invalid afterwards. */
    void (*close)(struct mg_flow *f);
    /* Addresses and ports of both ends. */
    void (*endpoints)(struct mg_flow *f, struct mg_ip *local, uint16_t *local_port,
                      struct mg_ip *remote, uint16_t *remote_port);
    /* Options: MG_TCP_NODELAY (disable Nagle), MG_TCP_KEEPALIVE (value:
     * idle seconds before probing; 0 off). 0 or MG_EINVAL / MG_ENOTSUP. */
    int (*set_option)(struct mg_flow *f, int option, long value);
};
#define MG_TCP_NODELAY 1
#define MG_TCP_KEEPALIVE 2

struct mg_flow {
    const struct mg_flow_ops *ops;
};

static inline long mg_flow_read(struct mg_flow *f, void *buf, size_t len)
{
    return f->ops->read(f, buf, len);
}
static inline long mg_flow_writev(struct mg_flow *f, const struct mg_iovec *iov, size_t niov)
{
    return f->ops->writev(f, iov, niov);
}
static inline int mg_flow_shutdown(struct mg_flow *f, enum mg_shutdown how)
{
    return f->ops->shutdown(f, how);
}
static inline void mg_flow_close(struct mg_flow *f) { f->ops->close(f); }
/* writev of one buffer. */
long mg_flow_write(struct mg_flow *f, const void *buf, size_t len);

/* ---- the TCP device ---- */

/* A new connection on a listened port, run in a fiber of its own, which owns
 * f (and closes it). The handler's return value is logged if not 0. */
typedef int (*mg_tcp_handler)(void *arg, struct mg_flow *f);

struct mg_tcp_listen_opts {
    int backlog;   /* connections completed but not yet accepted: default 128 */
    bool nodelay;  /* MG_TCP_NODELAY on every accepted flow */
    long keepalive; /* MG_TCP_KEEPALIVE on every accepted flow (0: off) */
};

struct mg_tcp;
struct mg_tcp_ops {
    /* Accept connections to port (on addr, NULL: every address). With a
     * handler, each connection runs handler in a new fiber; without one
     * (NULL), connections wait for accept(). 0, MG_EINVAL, MG_EBUSY (port
     * already listened on). */
    int (*listen)(struct mg_tcp *t, const struct mg_ip *addr, uint16_t port,
                  const struct mg_tcp_listen_opts *opts, mg_tcp_handler handler, void *arg);
    /* Stop listening: pending unaccepted connections are reset. */
    int (*unlisten)(struct mg_tcp *t, uint16_t port);
    /* The next connection of a port listened on without a handler, waiting
     * until the monotonic deadline. 0, MG_ETIMEDOUT, MG_ECANCELED, MG_EINVAL. */
    int (*accept)(struct mg_tcp *t, uint16_t port, struct mg_flow **out, uint64_t deadline_ns);
    /* Open a connection to dst:port, waiting until it is established or the
     * monotonic deadline. 0, MG_ECONNREFUSED, MG_ETIMEDOUT, MG_ECANCELED. */
    int (*connect)(struct mg_tcp *t, const struct mg_ip *dst, uint16_t port, uint64_t deadline_ns,
                   struct mg_flow **out);
};
struct mg_tcp {
    const struct mg_tcp_ops *ops;
};

static inline int mg_tcp_listen(struct mg_tcp *t, const struct mg_ip *addr, uint16_t port,
                                const struct mg_tcp_listen_opts *opts, mg_tcp_handler handler,
                                void *arg)
{
    return t->ops->listen(t, addr, port, opts, handler, arg);
}
static inline int mg_tcp_accept(struct mg_tcp *t, uint16_t port, struct mg_flow **out,
                                uint64_t deadline_ns)
{
    return t->ops->accept(t, port, out, deadline_ns);
}
static inline int mg_tcp_connect(struct mg_tcp *t, const struct mg_ip *dst, uint16_t port,
                                 uint64_t deadline_ns, struct mg_flow **out)
{
    return t->ops->connect(t, dst, port, deadline_ns, out);
}

/* ---- our TCP (direct_tcp): RFC 9293 over an IP layer of ours ---- */

struct mg_ip_layer;
struct mg_mclock;
struct mg_random;
/* Connect TCP over ip, as the layer's TCP input (and ICMP error handler):
 * its timers run on mclock (NULL: the monotonic clock), the secret of its
 * sequence numbers and SYN cookies comes from random (NULL: the default
 * generator). Starts the device's timer fiber. 0, MG_ENOMEM, or the
 * layer's error from registering. */
int mg_tcp_direct_connect(struct mg_tcp **out, struct mg_ip_layer *ip, struct mg_mclock *mclock,
                          struct mg_random *random);
/* The device stops (the direct stack's disconnect): every connection is
 * reset, a RST sent to its peer and queued for the link before this
 * returns, and its flow's reads and writes fail with MG_ECONNRESET from
 * then on (a fiber waiting in one is woken); listeners stop and their
 * waiting accepts return MG_EINVAL; listen and connect return MG_ENOTCONN.
 * Flows stay valid until closed. May wait while the RSTs are handed to
 * the IP layer. 0, or MG_EINVAL for a device that is not a direct one. */
int mg_tcp_direct_disconnect(struct mg_tcp *t);

#endif
