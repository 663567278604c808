/* flow_unix.c: TCP connections over host sockets: read, peek, writev, shutdown, close, options. */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mirage/error.h>

#include "sock_unix.h"
#include "unix.h"

/* What one peek takes from the socket at most: a few segments' worth, so a
 * peek costs one system call however busy the connection is. */
#define SOCK_RBUF (64u * 1024u)
/* iovecs handed to one sendmsg; more are sent by the next call. */
#define SOCK_IOV_BATCH 64

static const struct mg_flow_ops sock_flow_ops;

static struct sock_flow *of(struct mg_flow *f)
{
    return (struct sock_flow *)f;
}

int sock_flow_new(struct sock_tcp *t, int fd, const struct sockaddr_storage *rss,
                  struct sock_flow **out)
{
    struct sock_flow *f = calloc(1, sizeof *f);
    if (!f) {
        close(fd);
        return MG_ENOMEM;
    }
    f->pub.ops = &sock_flow_ops;
    f->tcp = t;
    f->fd = fd;
    int rc = mg_unix_watch_rw(fd, &f->rq, &f->wq);
    if (rc < 0) {
        close(fd);
        free(f);
        return rc;
    }
    if (rss) {
        sock_addr_parse(rss, &f->rip, &f->rport);
        f->have_remote = true;
    }
    f->next = t->flows;
    if (t->flows)
        t->flows->prev = f;
    t->flows = f;
    *out = f;
    return 0;
}

void sock_flow_apply_opts(struct sock_flow *f, const struct mg_tcp_listen_opts *o)
{
    if (!o)
        return;
    if (o->nodelay)
        f->pub.ops->set_option(&f->pub, MG_TCP_NODELAY, 1);
    if (o->keepalive > 0)
        f->pub.ops->set_option(&f->pub, MG_TCP_KEEPALIVE, o->keepalive);
}

void sock_flow_reset(struct sock_flow *f)
{
    if (f->fd < 0)
        return;
    struct linger lg = {1, 0}; /* close sends RST */
    setsockopt(f->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    mg_unix_unwatch(f->fd);
    close(f->fd);
    f->fd = -1;
    f->dead = MG_ECONNRESET;
    mg_wake_all(&f->rq);
    mg_wake_all(&f->wq);
}

/* Receive into buf, waiting while nothing is there: as read returns. */
static long recv_wait(struct sock_flow *f, void *buf, size_t len)
{
    for (;;) {
        if (f->dead)
            return f->dead;
        if (f->rd_shut)
            return MG_ENOTCONN;
        ssize_t n = recv(f->fd, buf, len, 0);
        if (n >= 0)
            return n;
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            return sock_error(errno);
        int rc = mg_wait(&f->rq, UINT64_MAX);
        if (rc < 0)
            return rc;
    }
}

static long flow_read(struct mg_flow *mf, void *buf, size_t len)
{
    struct sock_flow *f = of(mf);
    if (len == 0)
        return MG_EINVAL; /* 0 would read as the end of the stream */
    if (len > LONG_MAX)
        len = LONG_MAX;
    if (f->rpos < f->rlen && !f->dead && !f->rd_shut) {
        size_t n = f->rlen - f->rpos < len ? f->rlen - f->rpos : len;
        memcpy(buf, f->rbuf + f->rpos, n);
        f->rpos += n;
        return (long)n;
    }
    /* Nothing held back: straight into the caller's buffer, no copy. */
    return recv_wait(f, buf, len);
}

static long flow_peek(struct mg_flow *mf, const uint8_t **data)
{
    struct sock_flow *f = of(mf);
    if (f->rpos < f->rlen && !f->dead && !f->rd_shut) {
        *data = f->rbuf + f->rpos;
        return (long)(f->rlen - f->rpos);
    }
    if (!f->rbuf && !(f->rbuf = malloc(SOCK_RBUF)))
        return MG_ENOMEM;
    f->rpos = f->rlen = 0;
    long n = recv_wait(f, f->rbuf, SOCK_RBUF);
    if (n > 0) {
        f->rlen = (size_t)n;
        *data = f->rbuf;
    }
    return n;
}

static void flow_consume(struct mg_flow *mf, size_t n)
{
    struct sock_flow *f = of(mf);
    size_t avail = f->rlen - f->rpos;
    f->rpos += n < avail ? n : avail;
}

static long flow_writev(struct mg_flow *mf, const struct mg_iovec *iov, size_t niov)
{
    struct sock_flow *f = of(mf);
    size_t total = 0;
    for (size_t i = 0; i < niov; i++) {
        if (iov[i].len > (size_t)LONG_MAX - total)
            return MG_EINVAL;
        total += iov[i].len;
    }
    size_t i = 0, off = 0; /* the next byte to send: iov[i].base + off */
    for (;;) {
        if (f->dead)
            return f->dead;
        if (f->wr_shut)
            return MG_EPIPE;
        while (i < niov && off == iov[i].len) {
            i++;
            off = 0;
        }
        if (i == niov)
            return (long)total;
        struct iovec v[SOCK_IOV_BATCH];
        size_t nv = 0;
        for (size_t k = i; k < niov && nv < SOCK_IOV_BATCH; k++) {
            size_t skip = k == i ? off : 0;
            if (iov[k].len == skip)
                continue;
            /* sendmsg does not write through iov_base; the cast only
             * drops const for struct iovec's sake. */
            v[nv].iov_base = (uint8_t *)(uintptr_t)iov[k].base + skip;
            v[nv].iov_len = iov[k].len - skip;
            nv++;
        }
        struct msghdr m = {.msg_iov = v, .msg_iovlen = nv};
        ssize_t n = sendmsg(f->fd, &m, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                return errno == ENOTCONN ? MG_EPIPE : sock_error(errno);
            int rc = mg_wait(&f->wq, UINT64_MAX);
            if (rc < 0)
                return rc;
            continue;
        }
        size_t sent = (size_t)n;
        while (sent > 0) {
            size_t left = iov[i].len - off;
            if (left == 0) {
                i++;
                off = 0;
                continue;
            }
            size_t take = sent < left ? sent : left;
            off += take;
            sent -= take;
        }
    }
}

static int set_int(struct sock_flow *f, int level, int name, int v)
{
    return setsockopt(f->fd, level, name, &v, sizeof v) < 0 ? sock_error(errno) : 0;
}

static int flow_flush(struct mg_flow *mf)
{
    struct sock_flow *f = of(mf);
    if (f->dead)
        return f->dead;
    if (f->nodelay)
        return 0;
    /* Turning TCP_NODELAY on pushes what Nagle holds back; then off again. */
    int rc = set_int(f, IPPROTO_TCP, TCP_NODELAY, 1);
    return rc < 0 ? rc : set_int(f, IPPROTO_TCP, TCP_NODELAY, 0);
}

static int flow_shutdown(struct mg_flow *mf, enum mg_shutdown how)
{
    struct sock_flow *f = of(mf);
    if (how < MG_SHUT_RD || how > MG_SHUT_RDWR)
        return MG_EINVAL;
    if (f->dead)
        return f->dead;
    int h = how == MG_SHUT_RD ? SHUT_RD : how == MG_SHUT_WR ? SHUT_WR : SHUT_RDWR;
    if (shutdown(f->fd, h) < 0 && errno != ENOTCONN)
        return sock_error(errno);
    if (how & MG_SHUT_RD) {
        f->rd_shut = true;
        mg_wake_all(&f->rq);
    }
    if (how & MG_SHUT_WR) {
        f->wr_shut = true;
        mg_wake_all(&f->wq);
    }
    return 0;
}

static void flow_close(struct mg_flow *mf)
{
    struct sock_flow *f = of(mf);
    if (f->fd >= 0) {
        /* Received bytes nobody read: reset, as the kernel itself does
         * for bytes still in its buffer (RFC 9293, 3.10.4). Otherwise a
         * graceful close that the kernel finishes in the background. */
        if (f->rpos < f->rlen) {
            struct linger lg = {1, 0};
            setsockopt(f->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        }
        mg_unix_unwatch(f->fd);
        close(f->fd);
    }
    if (f->prev)
        f->prev->next = f->next;
    else
        f->tcp->flows = f->next;
    if (f->next)
        f->next->prev = f->prev;
    free(f->rbuf);
    free(f);
}

static void flow_endpoints(struct mg_flow *mf, struct mg_ip *local, uint16_t *local_port,
                           struct mg_ip *remote, uint16_t *remote_port)
{
    struct sock_flow *f = of(mf);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (!f->have_local && f->fd >= 0 && getsockname(f->fd, (struct sockaddr *)&ss, &len) == 0) {
        sock_addr_parse(&ss, &f->lip, &f->lport);
        f->have_local = true;
    }
    len = sizeof ss;
    if (!f->have_remote && f->fd >= 0 && getpeername(f->fd, (struct sockaddr *)&ss, &len) == 0) {
        sock_addr_parse(&ss, &f->rip, &f->rport);
        f->have_remote = true;
    }
    if (local)
        *local = f->lip;
    if (local_port)
        *local_port = f->lport;
    if (remote)
        *remote = f->rip;
    if (remote_port)
        *remote_port = f->rport;
}

static int flow_set_option(struct mg_flow *mf, int option, long value)
{
    struct sock_flow *f = of(mf);
    if (f->dead)
        return f->dead;
    switch (option) {
    case MG_TCP_NODELAY: {
        int rc = set_int(f, IPPROTO_TCP, TCP_NODELAY, value != 0);
        if (rc == 0)
            f->nodelay = value != 0;
        return rc;
    }
    case MG_TCP_KEEPALIVE:
        if (value < 0 || value > 32767) /* the kernel's limit for TCP_KEEPIDLE */
            return MG_EINVAL;
        if (value == 0)
            return set_int(f, SOL_SOCKET, SO_KEEPALIVE, 0);
        int rc = set_int(f, IPPROTO_TCP, TCP_KEEPIDLE, (int)value);
        return rc < 0 ? rc : set_int(f, SOL_SOCKET, SO_KEEPALIVE, 1);
    default:
        return MG_ENOTSUP;
    }
}

static const struct mg_flow_ops sock_flow_ops = {
    .read = flow_read,
    .peek = flow_peek,
    .consume = flow_consume,
    .writev = flow_writev,
    .flush = flow_flush,
    .shutdown = flow_shutdown,
    .close = flow_close,
    .endpoints = flow_endpoints,
    .set_option = flow_set_option,
};
