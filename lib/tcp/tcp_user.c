/* tcp_user.c: the user's side of a connection: open, send, receive, shut down, close, options. */
#include "tcp_int.h"

/* Ephemeral ports (RFC 6056's suggested range). */
#define EPH_FIRST 49152u
#define EPH_COUNT 16384u

int tcp_connect(struct tcp_stack *st, const struct mg_ip *src, const struct mg_ip *dst,
                uint16_t port, void *user, struct tcp_conn **out)
{
    if (!dst || (dst->version != 4 && dst->version != 6) || port == 0 ||
        (src && src->version != dst->version))
        return MG_EINVAL;
    if (st->nconns >= st->cfg.max_conns)
        return MG_ENOMEM;
    struct mg_ip rsrc;
    size_t mtu;
    int rc = st->env.route(st->env.arg, dst, &rsrc, &mtu);
    if (rc)
        return rc;
    struct tcp_tuple t = {.laddr = src ? *src : rsrc, .raddr = *dst, .rport = port};
    bool found = false;
    for (uint32_t i = 0; i < EPH_COUNT; i++) {
        t.lport = (uint16_t)(EPH_FIRST + (st->next_port + i) % EPH_COUNT);
        if (!tcp_table_find(st, &t) && !tcp_listener_find(st, t.lport)) {
            st->next_port = (uint16_t)((st->next_port + i + 1) % EPH_COUNT);
            found = true;
            break;
        }
    }
    if (!found)
        return MG_EBUSY;
    struct tcp_conn *c = tcp_conn_new(st, &t);
    if (!c)
        return MG_ENOMEM;
    tcp_conn_setup(c, mtu);
    uint64_t now = tcp_now(st);
    c->state = TCP_SYN_SENT;
    c->iss = tcp_isn(st, &t, now);
    c->snd_una = c->iss;
    c->snd_nxt = c->snd_max = c->iss + 1;
    c->sndq_seq = c->push_seq = c->iss + 1;
    c->recover = c->iss;
    c->flags |= TF_USER;
    c->user = user;
    tcp_table_add(c);
    st->stats.conns_opened++;
    tcp_send_syn(c);
    tcp_rexmit_arm(c);
    *out = c;
    return 0;
}

void tcp_conn_set_user(struct tcp_conn *c, void *user) { c->user = user; }
void *tcp_conn_user(const struct tcp_conn *c) { return c->user; }
enum tcp_state tcp_conn_state(const struct tcp_conn *c) { return c->state; }
int tcp_conn_error(const struct tcp_conn *c) { return c->err; }

void tcp_conn_endpoints(const struct tcp_conn *c, struct mg_ip *local, uint16_t *lport,
                        struct mg_ip *remote, uint16_t *rport)
{
    if (local)
        *local = c->t.laddr;
    if (lport)
        *lport = c->t.lport;
    if (remote)
        *remote = c->t.raddr;
    if (rport)
        *rport = c->t.rport;
}

int tcp_send_status(const struct tcp_conn *c)
{
    if (c->err)
        return c->err;
    if (c->flags & TF_FIN_QUEUED)
        return MG_EPIPE;
    switch (c->state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RCVD:
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
        return 0;
    default:
        return MG_EPIPE;
    }
}

size_t tcp_send_space(const struct tcp_conn *c)
{
    uint32_t buf = c->st->cfg.sndbuf;
    return buf > c->sndq.len ? buf - c->sndq.len : 0;
}

size_t tcp_send(struct tcp_conn *c, const void *data, size_t len)
{
    if (tcp_send_status(c) != 0)
        return 0;
    size_t n = tcp_send_space(c);
    if (n > len)
        n = len;
    if (n == 0)
        return 0;
    size_t got = tcp_bq_append(c->st, &c->sndq, data, n);
    tcp_output(c);
    return got;
}

void tcp_push(struct tcp_conn *c)
{
    c->push_seq = c->sndq_seq + (uint32_t)c->sndq.len;
    tcp_output(c);
}

size_t tcp_recv_peek(const struct tcp_conn *c, const uint8_t **p)
{
    if (c->flags & TF_SHUT_RD) {
        *p = NULL;
        return 0;
    }
    return tcp_bq_peek(&c->rcvq, p);
}

size_t tcp_recv_buffered(const struct tcp_conn *c)
{
    return (c->flags & TF_SHUT_RD) ? 0 : c->rcvq.len;
}

void tcp_recv_consume(struct tcp_conn *c, size_t n)
{
    if (n == 0)
        return;
    tcp_bq_drop(c->st, &c->rcvq, n);
    tcp_window_update(c);
}

int tcp_recv_status(const struct tcp_conn *c)
{
    if (c->flags & TF_SHUT_RD)
        return MG_ENOTCONN;
    if (c->flags & TF_FIN_RCVD)
        return 0;
    if (c->err)
        return c->err;
    if (c->state == TCP_CLOSED)
        return 0;
    return MG_EAGAIN;
}

void tcp_shutdown(struct tcp_conn *c, bool rd, bool wr)
{
    if (rd && !(c->flags & TF_SHUT_RD)) {
        c->flags |= TF_SHUT_RD;
        tcp_bq_free(c->st, &c->rcvq);
        tcp_ooo_free(c);
        tcp_notify(c, TCP_EV_READ);
        tcp_window_update(c);
    }
    if (wr && !(c->flags & TF_FIN_QUEUED)) {
        switch (c->state) {
        case TCP_SYN_SENT:
        case TCP_SYN_RCVD:
            c->flags |= TF_FIN_QUEUED; /* goes once established */
            break;
        case TCP_ESTABLISHED:
            c->flags |= TF_FIN_QUEUED;
            c->state = TCP_FIN_WAIT_1;
            tcp_output(c);
            break;
        case TCP_CLOSE_WAIT:
            c->flags |= TF_FIN_QUEUED;
            c->state = TCP_LAST_ACK;
            tcp_output(c);
            break;
        default:
            break;
        }
        tcp_notify(c, TCP_EV_WRITE);
    }
}

static bool synchronised(enum tcp_state s)
{
    return s == TCP_SYN_RCVD || s == TCP_ESTABLISHED || s == TCP_FIN_WAIT_1 ||
           s == TCP_FIN_WAIT_2 || s == TCP_CLOSE_WAIT || s == TCP_CLOSING || s == TCP_LAST_ACK;
}

void tcp_close(struct tcp_conn *c)
{
    c->flags &= ~TF_USER;
    c->flags |= TF_ORPHAN;
    c->user = NULL;
    switch (c->state) {
    case TCP_CLOSED:
    case TCP_SYN_SENT:
        tcp_release(c);
        return;
    case TCP_TIME_WAIT:
        return; /* its timer ends it */
    default:
        break;
    }
    if (c->rcvq.len > 0 && !(c->flags & TF_SHUT_RD)) {
        /* Unread data: the peer must learn it was not delivered (RFC 9293
         * 3.10.4, RFC 2525 2.17). */
        tcp_send_rst(c);
        tcp_set_closed(c, MG_ECONNRESET);
        return;
    }
    tcp_shutdown(c, false, true);
    if (c->state == TCP_FIN_WAIT_2) {
        c->t_2msl = tcp_now(c->st) + (uint64_t)c->st->cfg.fin_wait2_ms * 1000000ull;
        tcp_timer_update(c);
    }
}

void tcp_abort(struct tcp_conn *c)
{
    if (synchronised(c->state))
        tcp_send_rst(c);
    c->flags &= ~TF_USER;
    c->user = NULL;
    tcp_release(c);
}

void tcp_set_nodelay(struct tcp_conn *c, bool on)
{
    if (on) {
        c->flags |= TF_NODELAY;
        tcp_output(c);
    } else {
        c->flags &= ~TF_NODELAY;
    }
}

void tcp_set_keepalive(struct tcp_conn *c, uint32_t idle_ms)
{
    c->keep_idle_ms = idle_ms;
    c->keep_sent = 0;
    if (c->state != TCP_CLOSED)
        tcp_keep_arm(c);
}

void tcp_conn_info(const struct tcp_conn *c, struct tcp_conn_info *o)
{
    o->state = c->state;
    o->snd_una = c->snd_una;
    o->snd_nxt = c->snd_nxt;
    o->snd_max = c->snd_max;
    o->snd_wnd = c->snd_wnd;
    o->rcv_nxt = c->rcv_nxt;
    o->rcv_wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
    o->cwnd = c->cwnd;
    o->ssthresh = c->ssthresh;
    o->mss = c->mss;
    o->srtt_us = c->srtt_us;
    o->rto_ms = c->rto_ms;
    o->snd_wscale = c->snd_wscale;
    o->rcv_wscale = c->rcv_wscale;
    o->ts = (c->flags & TF_TS) != 0;
    o->sack = (c->flags & TF_SACK) != 0;
    o->recovery = (c->flags & TF_RECOVERY) != 0;
    o->sndq = c->sndq.len;
    o->rcvq = c->rcvq.len;
    o->ooo_bytes = c->ooo.bytes;
    o->ooo_segs = c->ooo.nsegs;
    o->sack_blocks = c->nsb;
    o->reordering = c->reordering;
}
