/* udp_unix.c: the socket UDP device: a receiving fiber per listened port, sendmsg for writev. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mirage/error.h>

#include "sock_unix.h"
#include "unix.h"

MG_LOG_SRC(sock_udp_log, "udp-socket", "UDP over the host's sockets");

#define UDP_PAYLOAD_MAX 65507 /* udp.h's limit: what IPv4 carries */
/* The largest datagram a socket hands over (IPv6 carries 65527 bytes). */
#define UDP_BUF 65536
/* Datagrams taken from one socket before the others (and other fibers) get a turn. */
#define UDP_RECV_BURST 64
#define UDP_IOV_MAX 64

struct udp_binding {
    struct udp_binding *next;
    struct sock_udp *udp;
    uint16_t port;
    int fds[SOCK_MAXFD], nfds;
    int family[SOCK_MAXFD];
    bool dual[SOCK_MAXFD]; /* an IPv6 socket that takes IPv4 too */
    struct mg_waitq rq, wq;
    mg_udp_input_fn fn;
    void *arg;
    struct mg_fiber *fiber;
    bool stopping;
    uint8_t buf[UDP_BUF];
};

struct sock_udp {
    struct mg_udp pub;
    struct mg_socket_config cfg;
    struct udp_binding *bindings;
    /* Sockets for datagrams from an ephemeral port: [0] IPv4, [1] IPv6. */
    int eph[2];
    struct mg_waitq ewq[2];
    bool disconnected;
};

static struct sock_udp *of(struct mg_udp *u)
{
    return (struct sock_udp *)u;
}

static struct udp_binding *find(struct sock_udp *u, uint16_t port)
{
    for (struct udp_binding *b = u->bindings; b; b = b->next)
        if (b->port == port)
            return b;
    return NULL;
}

/* Unlink b and close its sockets; the receiving fiber frees it. */
static void stop(struct udp_binding *b)
{
    if (b->stopping)
        return;
    b->stopping = true;
    for (struct udp_binding **p = &b->udp->bindings; *p; p = &(*p)->next)
        if (*p == b) {
            *p = b->next;
            break;
        }
    sock_close_fds(b->fds, b->nfds);
    b->nfds = 0;
    mg_wake_all(&b->wq);
    if (b->fiber != mg_self())
        mg_cancel(b->fiber);
}

static void deliver(struct udp_binding *b, int i, struct msghdr *m, size_t len)
{
    struct mg_udp_meta meta;
    memset(&meta, 0, sizeof meta);
    sock_addr_parse(m->msg_name, &meta.src, &meta.src_port);
    meta.dst_port = b->port;
    meta.dst.version = b->family[i] == AF_INET ? 4 : meta.src.version;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            meta.dst.version = 4;
            memcpy(meta.dst.u.v4.b, &pi.ipi_addr, 4);
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
            struct in6_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            struct sockaddr_storage ss;
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            memset(&ss, 0, sizeof ss);
            s6->sin6_family = AF_INET6;
            s6->sin6_addr = pi.ipi6_addr;
            uint16_t unused;
            sock_addr_parse(&ss, &meta.dst, &unused);
        }
    }
    b->fn(b->arg, &meta, b->buf, len);
}

/* Take up to a burst of datagrams from socket i: true if it ran dry. */
static bool receive_some(struct udp_binding *b, int i)
{
    for (int k = 0; k < UDP_RECV_BURST; k++) {
        if (b->stopping)
            return true;
        struct sockaddr_storage from;
        union {
            struct cmsghdr align;
            uint8_t
                b[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo))];
        } ctl;
        struct iovec v = {b->buf, sizeof b->buf};
        struct msghdr m = {.msg_name = &from,
                           .msg_namelen = sizeof from,
                           .msg_iov = &v,
                           .msg_iovlen = 1,
                           .msg_control = &ctl,
                           .msg_controllen = sizeof ctl};
        ssize_t n = recvmsg(b->fds[i], &m, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN)
                return true;
            mg_log_debug(&sock_udp_log, "port %u: receive: %s", b->port,
                         mg_strerror(sock_error(errno)));
            continue;
        }
        deliver(b, i, &m, (size_t)n);
    }
    return false;
}

static int recv_main(void *arg)
{
    struct udp_binding *b = arg;
    while (!b->stopping) {
        bool dry = true;
        for (int i = 0; i < b->nfds && !b->stopping; i++)
            dry = receive_some(b, i) && dry;
        if (b->stopping)
            break;
        int rc = dry ? mg_wait(&b->rq, UINT64_MAX) : mg_yield();
        if (rc == MG_ECANCELED)
            break;
    }
    stop(b);
    free(b);
    return 0;
}

static int bind_port(struct sock_udp *u, uint16_t port, mg_udp_input_fn fn, void *arg)
{
    struct udp_binding *b = calloc(1, sizeof *b);
    if (!b)
        return MG_ENOMEM;
    b->udp = u;
    b->port = port;
    b->fn = fn;
    b->arg = arg;
    int rc = sock_open_port(&u->cfg, NULL, SOCK_DGRAM, port, 0, b->fds, &b->nfds);
    for (int i = 0; rc == 0 && i < b->nfds; i++) {
        b->family[i] = sock_family(b->fds[i]);
        int v6only = 1;
        socklen_t len = sizeof v6only;
        if (b->family[i] == AF_INET6)
            getsockopt(b->fds[i], IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len);
        b->dual[i] = b->family[i] == AF_INET6 && !v6only;
        rc = mg_unix_watch_rw(b->fds[i], &b->rq, &b->wq);
    }
    if (rc == 0) {
        struct mg_spawn_opts so = {0, "udp-receiver"};
        b->fiber = mg_spawn_opts(recv_main, b, &so);
        if (!b->fiber)
            rc = MG_ENOMEM;
    }
    if (rc < 0) {
        sock_close_fds(b->fds, b->nfds);
        free(b);
        return rc == MG_EPERM ? MG_ENOTSUP : rc; /* a port the host keeps for root */
    }
    mg_detach(b->fiber);
    b->next = u->bindings;
    u->bindings = b;
    mg_log_debug(&sock_udp_log, "listening on port %u", port);
    return 0;
}

static int udp_listen(struct mg_udp *mu, uint16_t port, mg_udp_input_fn fn, void *arg)
{
    struct sock_udp *u = of(mu);
    if (port == 0 || u->disconnected)
        return MG_EINVAL;
    struct udp_binding *b = find(u, port);
    if (!fn) {
        if (b)
            stop(b);
        return 0;
    }
    if (b) {
        b->fn = fn;
        b->arg = arg;
        return 0;
    }
    return bind_port(u, port, fn, arg);
}

/* The socket of b that reaches addresses of version: its index or -1. */
static int binding_fd(const struct udp_binding *b, int version)
{
    for (int i = 0; i < b->nfds; i++)
        if ((version == 4 && (b->family[i] == AF_INET || b->dual[i])) ||
            (version == 6 && b->family[i] == AF_INET6))
            return i;
    return -1;
}

static int ephemeral_fd(struct sock_udp *u, int version, int *fd, struct mg_waitq **wq)
{
    int k = version == 4 ? 0 : 1;
    if (u->eph[k] < 0) {
        int s, rc = sock_open_client(&u->cfg, version, SOCK_DGRAM, NULL, 0, &s);
        if (rc < 0)
            return rc;
        rc = mg_unix_watch(s, EPOLLOUT, &u->ewq[k]);
        if (rc < 0) {
            close(s);
            return rc;
        }
        u->eph[k] = s;
    }
    *fd = u->eph[k];
    *wq = &u->ewq[k];
    return 0;
}

static int send_wait(int fd, int family, struct mg_waitq *wq, const struct mg_ip *src,
                     const struct mg_ip *dst, uint16_t dst_port, const struct mg_iovec *iov,
                     size_t niov)
{
    struct iovec v[UDP_IOV_MAX];
    size_t nv = 0;
    for (size_t i = 0; i < niov; i++) {
        if (iov[i].len == 0)
            continue;
        if (nv == UDP_IOV_MAX)
            return MG_EINVAL;
        v[nv].iov_base = (void *)(uintptr_t)iov[i].base; /* only read */
        v[nv].iov_len = iov[i].len;
        nv++;
    }
    struct sockaddr_storage to;
    socklen_t tolen = sock_addr_make(dst, dst_port, family, &to);
    union {
        struct cmsghdr align;
        uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
    } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct msghdr m = {.msg_name = &to, .msg_namelen = tolen, .msg_iov = v, .msg_iovlen = nv};
    if (src) {
        /* The source address, per datagram (the socket may be bound to
         * every address); an IPv6 socket takes a v4-mapped one for IPv4. */
        struct cmsghdr *c = &ctl.align;
        if (family == AF_INET) {
            struct in_pktinfo pi;
            memset(&pi, 0, sizeof pi);
            memcpy(&pi.ipi_spec_dst, src->u.v4.b, 4);
            c->cmsg_level = IPPROTO_IP;
            c->cmsg_type = IP_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof pi);
            memcpy(CMSG_DATA(c), &pi, sizeof pi);
            m.msg_controllen = CMSG_SPACE(sizeof pi);
        } else {
            struct in6_pktinfo pi;
            memset(&pi, 0, sizeof pi);
            struct sockaddr_storage ss;
            sock_addr_make(src, 0, AF_INET6, &ss);
            pi.ipi6_addr = ((struct sockaddr_in6 *)&ss)->sin6_addr;
            c->cmsg_level = IPPROTO_IPV6;
            c->cmsg_type = IPV6_PKTINFO;
            c->cmsg_len = CMSG_LEN(sizeof pi);
            memcpy(CMSG_DATA(c), &pi, sizeof pi);
            m.msg_controllen = CMSG_SPACE(sizeof pi);
        }
        m.msg_control = &ctl;
    }
    for (;;) {
        if (sendmsg(fd, &m, MSG_NOSIGNAL) >= 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return sock_error(errno);
        int rc = mg_wait(wq, UINT64_MAX);
        if (rc < 0)
            return rc;
    }
}

static int udp_writev(struct mg_udp *mu, const struct mg_ip *src, uint16_t src_port,
                      const struct mg_ip *dst, uint16_t dst_port, const struct mg_iovec *iov,
                      size_t niov)
{
    struct sock_udp *u = of(mu);
    if (!dst || (dst->version != 4 && dst->version != 6) || dst_port == 0 || u->disconnected ||
        (src && src->version != dst->version) || !sock_version_ok(&u->cfg, dst->version))
        return MG_EINVAL;
    size_t total = 0;
    for (size_t i = 0; i < niov; i++) {
        if (iov[i].len > UDP_PAYLOAD_MAX - total)
            return MG_EINVAL;
        total += iov[i].len;
    }
    if (!src_port) {
        int fd;
        struct mg_waitq *wq;
        int rc = ephemeral_fd(u, dst->version, &fd, &wq);
        return rc < 0 ? rc
                      : send_wait(fd, dst->version == 4 ? AF_INET : AF_INET6, wq, src, dst,
                                  dst_port, iov, niov);
    }
    struct udp_binding *b = find(u, src_port);
    if (b) {
        int i = binding_fd(b, dst->version);
        if (i < 0)
            return MG_EINVAL;
        return send_wait(b->fds[i], b->family[i], &b->wq, src, dst, dst_port, iov, niov);
    }
    /* A port nobody listens on: a socket of its own for this datagram. */
    int fd;
    struct mg_waitq q = MG_WAITQ_INIT;
    int rc = sock_open_client(&u->cfg, dst->version, SOCK_DGRAM, src, src_port, &fd);
    if (rc < 0)
        return rc;
    rc = mg_unix_watch(fd, EPOLLOUT, &q);
    if (rc == 0)
        rc = send_wait(fd, dst->version == 4 ? AF_INET : AF_INET6, &q, NULL, dst, dst_port, iov,
                       niov);
    mg_unix_unwatch(fd);
    close(fd);
    return rc;
}

int sock_udp_disconnect(struct mg_udp *mu)
{
    struct sock_udp *u = of(mu);
    u->disconnected = true;
    while (u->bindings)
        stop(u->bindings);
    for (int k = 0; k < 2; k++) {
        if (u->eph[k] >= 0) {
            mg_unix_unwatch(u->eph[k]);
            close(u->eph[k]);
            u->eph[k] = -1;
        }
        mg_wake_all(&u->ewq[k]);
    }
    return 0;
}

static const struct mg_udp_ops sock_udp_ops = {
    .listen = udp_listen,
    .writev = udp_writev,
};

bool sock_is_udp(const struct mg_udp *u)
{
    return u && u->ops == &sock_udp_ops;
}

int mg_socket_udpv4v6_connect(struct mg_udp **out, const struct mg_socket_config *c)
{
    if (sock_config_check(c) < 0)
        return MG_EINVAL;
    struct sock_udp *u = calloc(1, sizeof *u);
    if (!u)
        return MG_ENOMEM;
    u->pub.ops = &sock_udp_ops;
    u->cfg = *c;
    u->eph[0] = u->eph[1] = -1;
    *out = &u->pub;
    return 0;
}
