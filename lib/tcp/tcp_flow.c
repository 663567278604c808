/* tcp_flow.c: a direct TCP connection as struct mg_flow: fiber-blocking reads and writes over the engine. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "tcp_glue.h"

static struct tcp_flow *of(struct mg_flow *f) { return (struct tcp_flow *)f; }

struct tcp_flow *tcp_flow_new(struct tcp_dev *d, struct tcp_conn *c)
{
    struct tcp_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->pub.ops = &tcp_flow_ops;
    f->d = d;
    f->c = c;
    if (c)
        tcp_conn_set_user(c, f);
    return f;
}

/* Wait until some bytes are buffered: 1, or what reading gives instead. */
static long wait_readable(struct tcp_flow *f)
{
    for (;;) {
        if (tcp_recv_buffered(f->c) > 0)
            return 1;
        int st = tcp_recv_status(f->c);
        if (st != MG_EAGAIN)
            return st;
        int rc = mg_wait(&f->rd, UINT64_MAX);
        if (rc == MG_ECANCELED)
            return rc;
    }
}

static long flow_read(struct mg_flow *pub, void *buf, size_t len)
{
    struct tcp_flow *f = of(pub);
    if (len == 0)
        return 0;
    long rc = wait_readable(f);
    if (rc <= 0)
        return rc;
    size_t done = 0;
    while (done < len) {
        const uint8_t *p;
        size_t n = tcp_recv_peek(f->c, &p);
        if (n == 0)
            break;
        if (n > len - done)
            n = len - done;
        memcpy((uint8_t *)buf + done, p, n);
        done += n;
        tcp_recv_consume(f->c, n);
    }
    tcp_dev_drain(f->d); /* a window update may be waiting */
    return (long)done;
}

static long flow_peek(struct mg_flow *pub, const uint8_t **data)
{
    struct tcp_flow *f = of(pub);
    *data = NULL;
    long rc = wait_readable(f);
    if (rc <= 0)
        return rc;
    return (long)tcp_recv_peek(f->c, data);
}

static void flow_consume(struct mg_flow *pub, size_t n)
{
    struct tcp_flow *f = of(pub);
    size_t have = tcp_recv_buffered(f->c);
    tcp_recv_consume(f->c, n < have ? n : have);
    tcp_dev_drain(f->d);
}

static long flow_writev(struct mg_flow *pub, const struct mg_iovec *iov, size_t niov)
{
    struct tcp_flow *f = of(pub);
    long total = 0;
    for (size_t i = 0; i < niov; i++) {
        const uint8_t *p = iov[i].base;
        size_t left = iov[i].len;
        while (left > 0) {
            int st = tcp_send_status(f->c);
            if (st) {
                tcp_dev_drain(f->d);
                return st;
            }
            size_t n = tcp_send(f->c, p, left);
            if (n == 0) {
                /* The send buffer is full: what went out drains while we
                 * wait for ACKs to make room. */
                tcp_dev_drain(f->d);
                int rc = mg_wait(&f->wr, UINT64_MAX);
                if (rc == MG_ECANCELED)
                    return rc;
                continue;
            }
            p += n;
            left -= n;
            total += (long)n;
        }
    }
    tcp_dev_drain(f->d);
    return total;
}

static int flow_flush(struct mg_flow *pub)
{
    struct tcp_flow *f = of(pub);
    tcp_push(f->c);
    tcp_dev_drain(f->d);
    /* Asked for by name: the frames go now, not when this fiber next
     * yields (which is when writes alone send theirs, batched). */
    f->d->ip->ops->flush(f->d->ip);
    int e = tcp_conn_error(f->c);
    return e;
}

static int flow_shutdown(struct mg_flow *pub, enum mg_shutdown how)
{
    struct tcp_flow *f = of(pub);
    if (how != MG_SHUT_RD && how != MG_SHUT_WR && how != MG_SHUT_RDWR)
        return MG_EINVAL;
    if (tcp_conn_state(f->c) == TCP_CLOSED)
        return MG_ENOTCONN;
    tcp_shutdown(f->c, (how & MG_SHUT_RD) != 0, (how & MG_SHUT_WR) != 0);
    tcp_dev_drain(f->d);
    mg_wake_all(&f->rd);
    mg_wake_all(&f->wr);
    return 0;
}

static void flow_close(struct mg_flow *pub)
{
    struct tcp_flow *f = of(pub);
    struct tcp_dev *d = f->d;
    if (mg_log_enabled(&tcp_log, MG_LOG_DEBUG)) {
        uint16_t lport, rport;
        tcp_conn_endpoints(f->c, NULL, &lport, NULL, &rport);
        mg_log_debug(&tcp_log, "close: port %u (peer port %u) in %s, %zu bytes unread", lport,
                     rport, tcp_state_name(tcp_conn_state(f->c)), tcp_recv_buffered(f->c));
    }
    tcp_close(f->c);
    f->c = NULL;
    /* Nobody may wait on a flow being closed; wake any stray waiter so it
     * does not sleep on freed memory. */
    mg_wake_all(&f->rd);
    mg_wake_all(&f->wr);
    mg_wake_all(&f->cn);
    free(f);
    tcp_dev_drain(d);
}

static void flow_endpoints(struct mg_flow *pub, struct mg_ip *local, uint16_t *local_port,
                           struct mg_ip *remote, uint16_t *remote_port)
{
    tcp_conn_endpoints(of(pub)->c, local, local_port, remote, remote_port);
}

static int flow_set_option(struct mg_flow *pub, int option, long value)
{
    struct tcp_flow *f = of(pub);
    switch (option) {
    case MG_TCP_NODELAY:
        tcp_set_nodelay(f->c, value != 0);
        tcp_dev_drain(f->d);
        return 0;
    case MG_TCP_KEEPALIVE:
        /* seconds, at most what fits the engine's milliseconds */
        if (value < 0 || value > 4000000)
            return MG_EINVAL;
        tcp_set_keepalive(f->c, (uint32_t)value * 1000u);
        return 0;
    default:
        return MG_ENOTSUP;
    }
}

const struct mg_flow_ops tcp_flow_ops = {
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
