/* tcp_unix.c: the socket TCP device: listen, accept, connect, disconnect. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mirage/error.h>

#include "sock_unix.h"
#include "unix.h"

MG_LOG_SRC(sock_tcp_log, "tcp-socket", "TCP over the host's sockets");

#define SOCK_BACKLOG_DEFAULT 128
/* Connections an acceptor takes in a row before letting their fibers run. */
#define SOCK_ACCEPT_BURST 64

struct sock_listener {
    struct sock_listener *next;
    struct sock_tcp *tcp;
    uint16_t port;
    int fds[SOCK_MAXFD], nfds;
    struct mg_waitq q; /* every fd's readiness */
    struct mg_tcp_listen_opts opts;
    mg_tcp_handler handler;
    void *arg;
    struct mg_fiber *acceptor;
    bool closing;
    int refs; /* the list, the acceptor, fibers inside accept() */
};

static struct sock_tcp *of(struct mg_tcp *t)
{
    return (struct sock_tcp *)t;
}

static void listener_unref(struct sock_listener *l)
{
    if (--l->refs == 0)
        free(l);
}

static struct sock_listener *find(struct sock_tcp *t, uint16_t port)
{
    for (struct sock_listener *l = t->listeners; l; l = l->next)
        if (l->port == port)
            return l;
    return NULL;
}

/* Take one pending connection off the listener's sockets: 0 with *out,
 * MG_EAGAIN if none is pending, or MG_E* (the connection is lost). */
static int accept_one(struct sock_listener *l, struct sock_flow **out)
{
    for (int i = 0; i < l->nfds; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int fd;
        do
            fd = accept4(l->fds[i], (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            if (errno == EAGAIN)
                continue;
            return sock_error(errno);
        }
        int rc = sock_flow_new(l->tcp, fd, &ss, out);
        if (rc < 0)
            return rc;
        sock_flow_apply_opts(*out, &l->opts);
        return 0;
    }
    return MG_EAGAIN;
}

static int conn_main(void *arg)
{
    struct sock_flow *f = arg;
    int rc = f->handler(f->harg, &f->pub);
    if (rc != 0)
        mg_log_warn(&sock_tcp_log, "connection handler returned %d (%s)", rc, mg_strerror(rc));
    return rc;
}

static int acceptor_main(void *arg)
{
    struct sock_listener *l = arg;
    int burst = 0;
    while (!l->closing) {
        struct sock_flow *f;
        int rc = accept_one(l, &f);
        if (rc == 0) {
            f->handler = l->handler;
            f->harg = l->arg;
            struct mg_spawn_opts so = {0, "tcp-connection"};
            struct mg_fiber *c = mg_spawn_opts(conn_main, f, &so);
            if (!c) {
                mg_log_err(&sock_tcp_log, "port %u: no memory for a connection's fiber: reset",
                           l->port);
                sock_flow_reset(f);
                f->pub.ops->close(&f->pub);
            } else {
                mg_detach(c);
            }
            if (++burst < SOCK_ACCEPT_BURST)
                continue;
            rc = mg_yield();
        } else if (rc == MG_EAGAIN) {
            rc = mg_wait(&l->q, UINT64_MAX);
        } else if (rc == MG_ENOMEM) {
            /* Out of descriptors or memory: the connection stays queued in
             * the kernel; try again in a while rather than spin. */
            mg_log_warn(&sock_tcp_log, "port %u: cannot accept: %s", l->port, mg_strerror(rc));
            rc = mg_sleep_ns(100 * 1000000ull);
        } else {
            mg_log_debug(&sock_tcp_log, "port %u: a connection was lost before accept: %s", l->port,
                         mg_strerror(rc));
            rc = mg_yield(); /* an error that lasts must not starve the others */
        }
        burst = 0;
        if (rc == MG_ECANCELED)
            break;
    }
    listener_unref(l);
    return 0;
}

static int tcp_listen(struct mg_tcp *mt, const struct mg_ip *addr, uint16_t port,
                      const struct mg_tcp_listen_opts *opts, mg_tcp_handler handler, void *arg)
{
    struct sock_tcp *t = of(mt);
    if (port == 0 || t->disconnected || (opts && (opts->backlog < 0 || opts->keepalive < 0)))
        return MG_EINVAL;
    if (find(t, port))
        return MG_EBUSY;
    struct sock_listener *l = calloc(1, sizeof *l);
    if (!l)
        return MG_ENOMEM;
    l->tcp = t;
    l->port = port;
    if (opts)
        l->opts = *opts;
    if (l->opts.backlog == 0)
        l->opts.backlog = SOCK_BACKLOG_DEFAULT;
    l->handler = handler;
    l->arg = arg;
    int rc = sock_open_port(&t->cfg, addr, SOCK_STREAM, port, l->opts.backlog, l->fds, &l->nfds);
    for (int i = 0; rc == 0 && i < l->nfds; i++)
        rc = mg_unix_watch(l->fds[i], EPOLLIN, &l->q);
    if (rc == 0 && handler) {
        struct mg_spawn_opts so = {0, "tcp-acceptor"};
        l->acceptor = mg_spawn_opts(acceptor_main, l, &so);
        if (!l->acceptor)
            rc = MG_ENOMEM;
    }
    if (rc < 0) {
        sock_close_fds(l->fds, l->nfds);
        free(l);
        return rc;
    }
    if (l->acceptor) {
        mg_detach(l->acceptor);
        l->refs++;
    }
    l->refs++;
    l->next = t->listeners;
    t->listeners = l;
    mg_log_debug(&sock_tcp_log, "listening on port %u (%d socket%s)", port, l->nfds,
                 l->nfds > 1 ? "s" : "");
    return 0;
}

static void stop(struct sock_listener *l)
{
    /* Closing the sockets resets the connections still queued on them. */
    l->closing = true;
    sock_close_fds(l->fds, l->nfds);
    l->nfds = 0;
    mg_wake_all(&l->q);
    if (l->acceptor)
        mg_cancel(l->acceptor);
    listener_unref(l);
}

static int tcp_unlisten(struct mg_tcp *mt, uint16_t port)
{
    struct sock_tcp *t = of(mt);
    for (struct sock_listener **p = &t->listeners; *p; p = &(*p)->next) {
        if ((*p)->port != port)
            continue;
        struct sock_listener *l = *p;
        *p = l->next;
        stop(l);
        return 0;
    }
    return MG_EINVAL;
}

static int tcp_accept(struct mg_tcp *mt, uint16_t port, struct mg_flow **out, uint64_t deadline_ns)
{
    struct sock_listener *l = find(of(mt), port);
    if (!l || l->handler)
        return MG_EINVAL;
    l->refs++;
    int rc;
    for (;;) {
        struct sock_flow *f;
        rc = accept_one(l, &f);
        if (rc == 0) {
            *out = &f->pub;
            break;
        }
        if (rc == MG_ECONNRESET)
            continue; /* lost before we took it: there may be more */
        if (rc != MG_EAGAIN)
            break;
        rc = mg_wait(&l->q, deadline_ns);
        if (rc < 0)
            break;
        if (l->closing) {
            rc = MG_EINVAL;
            break;
        }
    }
    listener_unref(l);
    return rc;
}

/* Has the non-blocking connect on fd finished? 0 (connected), MG_EAGAIN
 * (not yet), or why it failed. */
static int connect_done(int fd)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return sock_error(errno);
    if (err)
        return sock_error(err);
    struct sockaddr_storage ss;
    len = sizeof ss;
    if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
        return 0;
    return errno == ENOTCONN ? MG_EAGAIN : sock_error(errno);
}

static int tcp_connect(struct mg_tcp *mt, const struct mg_ip *dst, uint16_t port,
                       uint64_t deadline_ns, struct mg_flow **out)
{
    struct sock_tcp *t = of(mt);
    if (!dst || port == 0 || t->disconnected)
        return MG_EINVAL;
    int fd;
    int rc = sock_open_client(&t->cfg, dst->version, SOCK_STREAM, NULL, 0, &fd);
    if (rc < 0)
        return rc;
    struct sockaddr_storage ss;
    socklen_t len = sock_addr_make(dst, port, dst->version == 4 ? AF_INET : AF_INET6, &ss);
    int crc;
    do
        crc = connect(fd, (struct sockaddr *)&ss, len);
    while (crc < 0 && errno == EINTR);
    if (crc < 0 && errno != EINPROGRESS) {
        rc = sock_error(errno);
        close(fd);
        return rc;
    }
    struct sock_flow *f;
    rc = sock_flow_new(t, fd, &ss, &f);
    if (rc < 0)
        return rc;
    while (crc < 0) {
        rc = connect_done(fd);
        if (rc == 0)
            break;
        if (rc == MG_EAGAIN)
            rc = mg_wait(&f->wq, deadline_ns);
        if (rc == 0 && f->dead)
            rc = f->dead;
        if (rc < 0) {
            f->pub.ops->close(&f->pub);
            return rc;
        }
    }
    *out = &f->pub;
    return 0;
}

int sock_tcp_disconnect(struct mg_tcp *mt)
{
    struct sock_tcp *t = of(mt);
    t->disconnected = true;
    while (t->listeners) {
        struct sock_listener *l = t->listeners;
        t->listeners = l->next;
        stop(l);
    }
    for (struct sock_flow *f = t->flows; f; f = f->next)
        sock_flow_reset(f);
    return 0;
}

static const struct mg_tcp_ops sock_tcp_ops = {
    .listen = tcp_listen,
    .unlisten = tcp_unlisten,
    .accept = tcp_accept,
    .connect = tcp_connect,
};

int mg_socket_tcpv4v6_connect(struct mg_tcp **out, const struct mg_socket_config *c)
{
    if (sock_config_check(c) < 0)
        return MG_EINVAL;
    struct sock_tcp *t = calloc(1, sizeof *t);
    if (!t)
        return MG_ENOMEM;
    t->pub.ops = &sock_tcp_ops;
    t->cfg = *c;
    *out = &t->pub;
    return 0;
}

bool sock_is_tcp(const struct mg_tcp *t)
{
    return t && t->ops == &sock_tcp_ops;
}
