/* tcp_listen.c: listeners: passive opens, the bounded SYN backlog, SYN cookies (RFC 4987), accept queues. */
#include <stdlib.h>
#include <string.h>

#include "tcp_int.h"

int tcp_listen(struct tcp_stack *st, const struct mg_ip *addr, uint16_t port, int backlog,
               void *user, struct tcp_listener **out)
{
    if (port == 0 || (addr && addr->version != 4 && addr->version != 6))
        return MG_EINVAL;
    for (struct tcp_listener *l = st->listeners; l; l = l->next)
        if (l->port == port && (l->any || !addr || tcp_ip_eq(&l->addr, addr)))
            return MG_EBUSY;
    struct tcp_listener *l = calloc(1, sizeof *l);
    if (!l)
        return MG_ENOMEM;
    l->st = st;
    l->port = port;
    l->any = addr == NULL;
    if (addr)
        l->addr = *addr;
    l->backlog = backlog > 0 ? (uint32_t)backlog : 128;
    l->user = user;
    l->next = st->listeners;
    st->listeners = l;
    *out = l;
    return 0;
}

struct tcp_listener *tcp_listener_find(struct tcp_stack *st, uint16_t port)
{
    for (struct tcp_listener *l = st->listeners; l; l = l->next)
        if (l->port == port)
            return l;
    return NULL;
}

void *tcp_listener_user(const struct tcp_listener *l) { return l->user; }

void tcp_unlisten(struct tcp_listener *l)
{
    struct tcp_stack *st = l->st;
    /* Every connection still tied to l: half-open ones and the accept
     * queue (nobody holds them: closing frees them). */
    for (struct tcp_conn *c = st->all, *next; c; c = next) {
        next = c->all_next;
        if (c->lst == l) {
            if (c->state != TCP_CLOSED)
                tcp_send_rst(c);
            tcp_release(c);
        }
    }
    for (struct tcp_listener **pp = &st->listeners; *pp; pp = &(*pp)->next)
        if (*pp == l) {
            *pp = l->next;
            break;
        }
    free(l);
}

struct tcp_conn *tcp_accept(struct tcp_listener *l)
{
    struct tcp_conn *c = l->q_head;
    if (!c)
        return NULL;
    tcp_listener_detach(c);
    c->flags |= TF_USER;
    return c;
}

/* The path MTU towards a peer: false if there is no route. */
static bool route_mtu(struct tcp_stack *st, const struct mg_ip *peer, size_t *mtu)
{
    struct mg_ip src;
    return st->env.route(st->env.arg, peer, &src, mtu) == 0;
}

/* ---- SYN cookies ---- */

/* Options a cookie SYN-ACK carries in the low bits of its TSval: the
 * peer's window scale (15: none) and whether it offered SACK. */
#define COOKIE_TS_BITS 6
#define COOKIE_NO_WS 15u

static void send_cookie(struct tcp_listener *l, const struct tcp_tuple *t, const struct tcp_seg *s)
{
    struct tcp_stack *st = l->st;
    const struct tcp_cfg *cfg = &st->cfg;
    size_t mtu;
    if (!route_mtu(st, &t->raddr, &mtu)) {
        st->stats.syn_drops++;
        return;
    }
    uint32_t ours = mtu > TCP_HLEN + TCP_MSS_MIN ? (uint32_t)(mtu - TCP_HLEN) : TCP_MSS_MIN;
    uint32_t peer = s->has_mss ? s->mss : (t->raddr.version == 6 ? TCP_MSS_DEFAULT_V6
                                                                  : TCP_MSS_DEFAULT_V4);
    uint32_t eff = u32_min(ours, peer);
    unsigned idx = 0;
    for (unsigned i = 0; i < 8; i++)
        if (tcp_cookie_mss[i] <= eff)
            idx = i;
    uint64_t now = tcp_now(st);
    struct tcp_hdr_out h;
    uint8_t hdr[TCP_HLEN + TCP_OPT_MAX];
    memset(&h, 0, sizeof h);
    h.sport = t->lport;
    h.dport = t->rport;
    h.seq = tcp_cookie_make(st, t, s->seq, idx, now);
    h.ack = s->seq + 1;
    h.flags = TH_SYN | TH_ACK;
    h.win = (uint16_t)u32_min(cfg->rcvbuf, 65535);
    h.opt_mss = true;
    h.mss = (uint16_t)ours;
    /* Without timestamps there is nowhere to remember window scaling and
     * SACK: they are not offered then. */
    if (s->has_ts && !cfg->no_timestamps) {
        uint8_t ws = 0;
        while (!cfg->no_wscale && ws < TCP_WSCALE_MAX && (65535u << ws) < cfg->rcvbuf)
            ws++;
        h.opt_ts = true;
        h.opt_ws = s->has_ws && !cfg->no_wscale;
        h.ws = ws;
        h.opt_sack_ok = s->sack_ok && !cfg->no_sack;
        uint32_t bits = (h.opt_ws ? s->ws : COOKIE_NO_WS) | (h.opt_sack_ok ? 0x10u : 0);
        uint32_t ts = (uint32_t)(now / 1000000u) + tcp_ts_offset(st, t);
        uint32_t enc = (ts & ~((1u << COOKIE_TS_BITS) - 1)) | bits;
        /* Never ahead of the clock the connection will use, or the peer's
         * PAWS would drop our next segments. */
        if (SEQ_GT(enc, ts))
            enc -= 1u << COOKIE_TS_BITS;
        h.tsval = enc;
        h.tsecr = s->tsval;
    }
    st->cookie_last = now + 1;
    st->stats.cookies_sent++;
    if (st->env.notice && (!l->cookie_noticed || now - (l->cookie_noticed - 1) >= 60000000000ull)) {
        l->cookie_noticed = now + 1;
        st->env.notice(st->env.arg, TCP_NOTICE_COOKIES, l->port);
    }
    tcp_emit(st, &t->laddr, &t->raddr, hdr, tcp_build(hdr, &h), NULL, 0, 0, 0);
}

/* The ACK of a cookie SYN-ACK: the connection, rebuilt from it. */
static void cookie_ack(struct tcp_listener *l, const struct tcp_tuple *t, struct tcp_seg *s,
                       unsigned idx)
{
    struct tcp_stack *st = l->st;
    const struct tcp_cfg *cfg = &st->cfg;
    size_t mtu;
    if (l->q_len >= l->backlog || st->nconns >= cfg->max_conns) {
        st->stats.accept_overflow++;
        return;
    }
    if (!route_mtu(st, &t->raddr, &mtu))
        return;
    struct tcp_conn *c = tcp_conn_new(st, t);
    if (!c)
        return;
    tcp_conn_setup(c, mtu);
    c->flags |= TF_PASSIVE | TF_PEER_SYN | TF_SYN_ACKED;
    c->irs = s->seq - 1;
    c->rcv_nxt = s->seq;
    c->iss = s->ack - 1;
    c->snd_una = c->snd_nxt = c->snd_max = s->ack;
    c->sndq_seq = c->push_seq = s->ack;
    c->peer_mss = tcp_cookie_mss[idx];
    c->snd_wscale = 0;
    if (s->has_ts && !cfg->no_timestamps) {
        c->flags |= TF_TS;
        c->ts_recent = s->tsval;
        c->ts_recent_age = tcp_now(st);
        uint32_t bits = s->tsecr & ((1u << COOKIE_TS_BITS) - 1);
        if ((bits & 15u) != COOKIE_NO_WS) {
            c->flags |= TF_WS;
            c->snd_wscale = (uint8_t)u32_min(bits & 15u, TCP_WSCALE_MAX);
        }
        if (bits & 0x10u)
            c->flags |= TF_SACK;
    }
    if (!(c->flags & TF_WS))
        c->rcv_wscale = 0;
    tcp_conn_set_mss(c);
    c->snd_wnd = (uint32_t)s->win << c->snd_wscale;
    c->snd_wl1 = s->seq;
    c->snd_wl2 = s->ack;
    c->max_sndwnd = c->snd_wnd;
    c->rcv_adv = c->rcv_nxt + u32_min(cfg->rcvbuf, 65535);
    c->last_ack_sent = c->rcv_nxt;
    c->state = TCP_SYN_RCVD;
    c->lst = l;
    l->syn_count++;
    tcp_table_add(c);
    st->stats.cookies_ok++;
    st->stats.conns_opened++;
    if (!tcp_established(c))
        return;
    /* Data or FIN with the ACK. */
    tcp_input_conn(c, s);
}

/* ---- SYN to a listener (RFC 9293 3.10.7.2) ---- */

void tcp_input_listen(struct tcp_listener *l, const struct tcp_tuple *t, struct tcp_seg *s,
                      const uint32_t *iss_hint)
{
    struct tcp_stack *st = l->st;
    const struct tcp_cfg *cfg = &st->cfg;
    uint64_t now = tcp_now(st);
    if (s->flags & TH_RST)
        return;
    if (s->flags & TH_ACK) {
        if (!(s->flags & TH_SYN) && !cfg->no_cookies && st->cookie_last &&
            now - (st->cookie_last - 1) < 2 * TCP_COOKIE_TICK_NS) {
            int idx = tcp_cookie_check(st, t, s->seq - 1, s->ack - 1, now);
            if (idx >= 0) {
                cookie_ack(l, t, s, (unsigned)idx);
                return;
            }
            st->stats.cookies_bad++;
        }
        tcp_reply_rst(st, &t->raddr, &t->laddr, s);
        return;
    }
    if (!(s->flags & TH_SYN))
        return;
    if (l->syn_count >= cfg->syn_backlog || st->nconns >= cfg->max_conns) {
        if (cfg->no_cookies)
            st->stats.syn_drops++;
        else
            send_cookie(l, t, s);
        return;
    }
    size_t mtu;
    if (!route_mtu(st, &t->raddr, &mtu)) {
        st->stats.syn_drops++;
        return;
    }
    struct tcp_conn *c = tcp_conn_new(st, t);
    if (!c) {
        st->stats.syn_drops++;
        return;
    }
    tcp_conn_setup(c, mtu);
    c->state = TCP_SYN_RCVD;
    c->flags |= TF_PASSIVE | TF_PEER_SYN;
    c->lst = l;
    l->syn_count++;
    c->irs = s->seq;
    c->rcv_nxt = s->seq + 1;
    tcp_syn_options(c, s);
    c->iss = iss_hint ? *iss_hint : tcp_isn(st, t, now);
    c->snd_una = c->iss;
    c->snd_nxt = c->snd_max = c->iss + 1;
    c->sndq_seq = c->push_seq = c->iss + 1;
    c->snd_wnd = s->win; /* a SYN's window is never scaled */
    c->snd_wl1 = s->seq;
    c->snd_wl2 = c->iss;
    c->max_sndwnd = c->snd_wnd;
    tcp_cc_init(c);
    tcp_table_add(c);
    st->stats.conns_opened++;
    /* Data on the SYN is not taken (it comes again once established). */
    tcp_send_syn(c);
    tcp_rexmit_arm(c);
}
