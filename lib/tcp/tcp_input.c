/* tcp_input.c: segment arrival (RFC 9293 3.10.7): checks, the state machine, ACKs, data and FIN. */
#include "tcp_int.h"

static bool bad_source(const struct mg_ip *a)
{
    if (a->version == 4) {
        const uint8_t *b = a->u.v4.b;
        return (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0) || b[0] >= 224;
    }
    const uint8_t *b = a->u.v6.b;
    if (b[0] == 0xff)
        return true;
    for (int i = 0; i < 16; i++)
        if (b[i])
            return false;
    return true;
}

/* RFC 6191: a SYN may end TIME_WAIT early if it cannot be an old duplicate. */
static bool tw_reusable(const struct tcp_conn *c, const struct tcp_seg *s)
{
    if ((c->flags & TF_TS) && s->has_ts)
        return SEQ_GT(s->tsval, c->ts_recent);
    return SEQ_GT(s->seq, c->rcv_nxt);
}

void tcp_input(struct tcp_stack *st, const struct mg_ip *src, const struct mg_ip *dst,
               const uint8_t *seg, size_t len, unsigned flags)
{
    st->stats.segs_in++;
    struct tcp_seg s;
    if (len < TCP_HLEN || src->version != dst->version ||
        (src->version != 4 && src->version != 6)) {
        st->stats.malformed++;
        return;
    }
    if (!(flags & TCP_IN_CSUM_OK) && !tcp_csum_ok(src, dst, seg, len)) {
        st->stats.bad_csum++;
        return;
    }
    if (tcp_parse(seg, len, &s) != 0 || s.sport == 0 || s.dport == 0 || bad_source(src)) {
        st->stats.malformed++;
        return;
    }
    struct tcp_tuple t = {.laddr = *dst, .raddr = *src, .lport = s.dport, .rport = s.sport};
    struct tcp_conn *c = tcp_table_find(st, &t);
    uint32_t iss, *iss_hint = NULL;
    if (c && c->state == TCP_TIME_WAIT && (s.flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
        tw_reusable(c, &s) && tcp_listener_match(st, dst, s.dport)) {
        /* A new incarnation starts above anything the old one sent. */
        iss = c->snd_nxt + 65535 + 2;
        iss_hint = &iss;
        st->stats.tw_reused++;
        tcp_set_closed(c, 0);
        c = NULL;
    }
    if (c) {
        tcp_input_conn(c, &s);
        return;
    }
    struct tcp_listener *l = tcp_listener_match(st, dst, s.dport);
    if (l) {
        tcp_input_listen(l, &t, &s, iss_hint);
        return;
    }
    tcp_reply_rst(st, src, dst, &s);
}

bool tcp_challenge_ack_allowed(struct tcp_stack *st)
{
    uint64_t now = tcp_now(st);
    if (now - st->chal_window >= 1000000000ull) {
        st->chal_window = now;
        st->chal_count = 0;
    }
    if (st->chal_count >= st->cfg.challenge_acks_per_s)
        return false;
    st->chal_count++;
    st->stats.challenge_acks++;
    return true;
}

static void challenge_ack(struct tcp_conn *c)
{
    if (tcp_challenge_ack_allowed(c->st))
        tcp_send_ack(c);
}

void tcp_syn_options(struct tcp_conn *c, const struct tcp_seg *s)
{
    const struct tcp_cfg *cfg = &c->st->cfg;
    c->flags &= ~(TF_TS | TF_SACK | TF_WS);
    if (s->has_ts && !cfg->no_timestamps) {
        c->flags |= TF_TS;
        c->ts_recent = s->tsval;
        c->ts_recent_age = tcp_now(c->st);
    }
    if (s->sack_ok && !cfg->no_sack)
        c->flags |= TF_SACK;
    if (s->has_ws && !cfg->no_wscale) {
        c->flags |= TF_WS;
        c->snd_wscale = s->ws;
    } else {
        c->snd_wscale = 0;
        c->rcv_wscale = 0;
    }
    if (s->has_mss)
        c->peer_mss = s->mss < TCP_MSS_MIN ? TCP_MSS_MIN : s->mss;
    tcp_conn_set_mss(c);
}

bool tcp_established(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    /* What it needs to make progress whatever the heap does later: a small
     * chunk each way. Without it, refuse the connection now rather than
     * strand it later. */
    if (!tcp_bq_reserve(st, &c->rcvq) || !tcp_bq_reserve(st, &c->sndq)) {
        st->stats.no_memory++;
        tcp_send_rst(c);
        tcp_set_closed(c, MG_ENOMEM);
        return false;
    }
    c->state = (c->flags & TF_FIN_QUEUED) ? TCP_FIN_WAIT_1 : TCP_ESTABLISHED;
    bool lost = (c->flags & TF_SYN_LOST) != 0;
    tcp_cc_init(c);
    c->rack_lost = c->high_rxt = c->snd_una;
    if (lost)
        c->cwnd = c->mss;
    c->retries = 0;
    c->last_rx = tcp_now(c->st);
    tcp_keep_arm(c);
    struct tcp_listener *l = c->lst;
    if (l && !c->in_acceptq) {
        if (l->syn_count > 0)
            l->syn_count--;
        c->in_acceptq = true;
        c->qnext = NULL;
        if (l->q_tail)
            l->q_tail->qnext = c;
        else
            l->q_head = c;
        l->q_tail = c;
        l->q_len++;
        if (c->st->env.accept_ready)
            c->st->env.accept_ready(c->st->env.arg, l);
    }
    tcp_notify(c, TCP_EV_CONNECT | TCP_EV_WRITE);
    return true;
}

/* ---- SYN_SENT (RFC 9293 3.10.7.3) ---- */

static bool input_text(struct tcp_conn *c, struct tcp_seg *s);

static void input_syn_sent(struct tcp_conn *c, struct tcp_seg *s)
{
    struct tcp_stack *st = c->st;
    bool ack_ok = false;
    if (s->flags & TH_ACK) {
        if (SEQ_LEQ(s->ack, c->iss) || SEQ_GT(s->ack, c->snd_max)) {
            if (!(s->flags & TH_RST))
                tcp_reply_rst(st, &c->t.raddr, &c->t.laddr, s);
            return;
        }
        ack_ok = true;
    }
    if (s->flags & TH_RST) {
        /* RFC 5961 3.2: only an RST that acknowledges our SYN counts. */
        if (ack_ok) {
            st->stats.resets_rcvd++;
            tcp_set_closed(c, MG_ECONNREFUSED);
        }
        return;
    }
    if (!(s->flags & TH_SYN))
        return;
    c->irs = s->seq;
    c->rcv_nxt = s->seq + 1;
    c->flags |= TF_PEER_SYN;
    c->last_rx = tcp_now(st);
    tcp_syn_options(c, s);
    c->snd_wnd = s->win; /* a SYN's window is never scaled */
    c->snd_wl1 = s->seq;
    c->snd_wl2 = s->ack;
    c->max_sndwnd = c->snd_wnd;
    if (!ack_ok) {
        /* Simultaneous open: both sides sent SYNs. */
        c->state = TCP_SYN_RCVD;
        tcp_send_syn(c);
        tcp_rexmit_arm(c);
        return;
    }
    c->snd_una = s->ack;
    c->flags |= TF_SYN_ACKED;
    if (c->flags & TF_RTTING) {
        c->flags &= ~TF_RTTING;
        if (!(c->flags & TF_SYN_LOST))
            tcp_rtt_sample(c, (uint32_t)((tcp_now(st) - c->rtt_start) / 1000));
    }
    c->t_rexmit = 0;
    tcp_timer_update(c);
    if (!tcp_established(c))
        return;
    /* Data or FIN riding on the SYN-ACK. */
    s->seq++;
    s->flags &= (uint8_t)~TH_SYN;
    c->flags |= TF_ACKNOW;
    c->rcv_adv = c->rcv_nxt;
    if (input_text(c, s))
        tcp_output(c);
}

/* ---- ACK (RFC 9293 3.10.7.4 fifth, RFC 5961 5) ---- */

/* false: drop the rest of the segment (c may be gone: *gone says). */
static bool process_ack(struct tcp_conn *c, const struct tcp_seg *s, bool old, bool *gone)
{
    struct tcp_stack *st = c->st;
    uint32_t ack = s->ack;
    *gone = false;
    if (SEQ_GT(ack, c->snd_max)) {
        /* Acknowledges what we never sent. */
        challenge_ack(c);
        return false;
    }
    uint32_t floor = c->snd_una - u32_max(c->max_sndwnd, c->mss);
    if (SEQ_LT(ack, floor)) {
        st->stats.old_acks++;
        challenge_ack(c);
        return false;
    }
    bool dup = false;
    uint32_t data_acked = 0;
    if (SEQ_GT(ack, c->snd_una) && c->nsb && SEQ_LT(c->snd_una, c->sb[0].start) &&
        c->snd_nxt == c->snd_max && c->retries == 0 &&
        (!(c->flags & TF_RECOVERY) || SEQ_GEQ(c->snd_una, c->high_rxt))) {
        /* A hole below SACKed data filled without being resent. */
        tcp_cc_reordered(c, c->snd_una, tcp_sack_fack(c));
    }
    if (SEQ_GT(ack, c->snd_una)) {
        if (!(c->flags & TF_SYN_ACKED) && SEQ_GT(ack, c->iss))
            c->flags |= TF_SYN_ACKED;
        if (SEQ_GT(ack, c->sndq_seq)) {
            size_t n = ack - c->sndq_seq;
            if (n > c->sndq.len)
                n = c->sndq.len;
            tcp_bq_drop(st, &c->sndq, n);
            c->sndq_seq += (uint32_t)n;
            data_acked = (uint32_t)n;
        }
        if ((c->flags & TF_FIN_SENT) && c->sndq.len == 0 && SEQ_GT(ack, c->sndq_seq))
            c->flags |= TF_FIN_ACKED;
        c->snd_una = ack;
        if ((c->flags & TF_LOSS) && SEQ_GEQ(ack, c->recover))
            c->flags &= ~TF_LOSS;
        tcp_cc_una_moved(c);
        /* After timeouts, the echo measures even a resent segment: the
         * backoff ends with it. (Otherwise the log's samples, finer, do.) */
        if (c->retries && (c->flags & TF_TS) && s->has_ts && s->tsecr) {
            uint32_t echo_ms = tcp_ts_now(c) - s->tsecr;
            if (echo_ms <= st->cfg.rto_max_ms)
                tcp_rto_valid_sample(c, echo_ms * 1000u);
        }
        if (SEQ_LT(c->snd_nxt, c->snd_una))
            c->snd_nxt = c->snd_una;
        if (SEQ_LT(c->push_seq, c->snd_una))
            c->push_seq = c->snd_una;
        c->retries = 0;
        c->persist_shift = 0;
        tcp_sack_trim(c);
        if (c->flags & TF_RECOVERY)
            tcp_cc_recovery_ack(c, data_acked);
        else {
            tcp_cc_acked(c, data_acked);
            c->dupacks = 0;
        }
        c->flags &= ~TF_TLP_SENT;
        if (c->snd_una == c->snd_max)
            tcp_rexmit_stop(c);
        else
            tcp_loss_timer_arm(c);
        if (data_acked)
            tcp_notify(c, TCP_EV_WRITE);
    } else if (ack == c->snd_una) {
        uint32_t w = (uint32_t)s->win << c->snd_wscale;
        dup = !old && s->dlen == 0 && !(s->flags & (TH_SYN | TH_FIN)) && w == c->snd_wnd &&
              c->snd_una != c->snd_max;
        if ((c->flags & TF_PERSIST) || c->snd_una == c->snd_max)
            c->retries = 0; /* the peer answers */
    }
    if ((c->flags & TF_SACK) && s->nsack) {
        uint32_t before = tcp_sack_bytes(c), ds, de;
        if (tcp_sack_update(c, s, &ds, &de))
            tcp_cc_dsack(c, ds, de);
        /* RFC 6675 2: an ACK that SACKs new data counts as a duplicate,
         * whatever else it carries (with data both ways, few ACKs are
         * pure). */
        if (tcp_sack_bytes(c) > before && c->snd_una != c->snd_max && !old)
            dup = true;
    }
    /* Round trips and losses by time (RACK); a loss found starts recovery. */
    tcp_rack_update(c, data_acked > 0);
    if ((c->flags & (TF_SACK | TF_RECOVERY)) == TF_SACK && SEQ_GT(c->rack_lost, c->snd_una)) {
        tcp_cc_enter_recovery(c);
        dup = false;
    }
    if (SEQ_LT(c->snd_wl1, s->seq) || (c->snd_wl1 == s->seq && SEQ_LEQ(c->snd_wl2, ack))) {
        uint32_t w = (uint32_t)s->win << c->snd_wscale;
        c->snd_wnd = w;
        c->snd_wl1 = s->seq;
        c->snd_wl2 = ack;
        if (w > c->max_sndwnd)
            c->max_sndwnd = w;
        if (w > 0 && (c->flags & TF_PERSIST)) {
            c->flags &= ~TF_PERSIST;
            c->t_rexmit = 0;
            c->persist_shift = 0;
            tcp_timer_update(c);
        }
    }
    if (dup)
        tcp_cc_dupack(c);
    if (c->flags & TF_FIN_ACKED) {
        switch (c->state) {
        case TCP_FIN_WAIT_1:
            c->state = TCP_FIN_WAIT_2;
            if (c->flags & TF_ORPHAN) {
                c->t_2msl = tcp_now(st) + (uint64_t)st->cfg.fin_wait2_ms * 1000000ull;
                tcp_timer_update(c);
            }
            break;
        case TCP_CLOSING:
            *gone = !tcp_enter_time_wait(c);
            return false;
        case TCP_LAST_ACK:
            tcp_set_closed(c, 0);
            *gone = true;
            return false;
        default:
            break;
        }
    }
    return true;
}

/* ---- data and FIN (RFC 9293 3.10.7.4 seventh and eighth) ---- */

/* false when c is closed (and maybe freed): touch it no more. */
static bool fin_received(struct tcp_conn *c)
{
    if (c->flags & TF_FIN_RCVD)
        return true;
    c->flags |= TF_FIN_RCVD | TF_ACKNOW;
    c->rcv_nxt++;
    tcp_notify(c, TCP_EV_READ);
    switch (c->state) {
    case TCP_SYN_RCVD:
    case TCP_ESTABLISHED:
        c->state = TCP_CLOSE_WAIT;
        return true;
    case TCP_FIN_WAIT_1:
        if (!(c->flags & TF_FIN_ACKED)) {
            c->state = TCP_CLOSING; /* simultaneous close */
            return true;
        }
        tcp_send_ack(c); /* our FIN is acknowledged too */
        return tcp_enter_time_wait(c);
    case TCP_FIN_WAIT_2:
        tcp_send_ack(c);
        return tcp_enter_time_wait(c);
    default:
        return true;
    }
}

/* false when c is closed (and maybe freed): touch it no more. */
static bool input_text(struct tcp_conn *c, struct tcp_seg *s)
{
    struct tcp_stack *st = c->st;
    bool fin = (s->flags & TH_FIN) != 0;
    bool receiving = c->state == TCP_ESTABLISHED || c->state == TCP_FIN_WAIT_1 ||
                     c->state == TCP_FIN_WAIT_2;
    if (!receiving) {
        /* After the peer's FIN nothing new can come; a retransmitted FIN
         * is acknowledged again (and restarts TIME_WAIT). */
        if (fin || s->dlen) {
            c->flags |= TF_ACKNOW;
            if (c->state == TCP_TIME_WAIT) {
                c->t_2msl = tcp_now(st) + 2ull * st->cfg.msl_ms * 1000000ull;
                tcp_timer_update(c);
            }
        }
        return true;
    }
    if (s->dlen > 0 && (c->flags & TF_ORPHAN)) {
        /* Data for a connection its user closed cannot be delivered: tell
         * the peer (RFC 9293 3.10.4's reset of a closed connection). */
        tcp_send_rst(c);
        tcp_set_closed(c, MG_ECONNRESET);
        return false;
    }
    bool fin_now = false;
    if (s->dlen > 0 || fin) {
        if (s->seq == c->rcv_nxt) {
            uint32_t got = s->dlen;
            if (c->flags & TF_SHUT_RD)
                ; /* read side shut: acknowledged and dropped */
            else if (s->dlen)
                got = (uint32_t)tcp_bq_append(st, &c->rcvq, s->data, s->dlen);
            c->rcv_nxt += got;
            if (got < s->dlen) {
                fin = false; /* out of memory: the rest comes again */
                c->flags |= TF_ACKNOW;
            }
            bool had_ooo = c->ooo.head != NULL || c->ooo.fin;
            if (fin) {
                /* Nothing can follow a FIN: what waits beyond it is bogus. */
                tcp_ooo_free(c);
                fin_now = true;
            } else if (had_ooo) {
                fin_now = tcp_ooo_drain(c);
                c->flags |= TF_ACKNOW; /* a hole filled: tell the sender at once */
            }
            if (got > 0) {
                tcp_notify(c, TCP_EV_READ);
                if (++c->segs_unacked >= 2)
                    c->flags |= TF_ACKNOW;
                else if (!c->t_delack && !(c->flags & TF_ACKNOW)) {
                    c->flags |= TF_DELACK;
                    c->t_delack = tcp_now(st) + (uint64_t)st->cfg.delack_ms * 1000000ull;
                    tcp_timer_update(c);
                }
            }
        } else if (!(c->flags & TF_SHUT_RD)) {
            tcp_ooo_add(c, s->seq, s->data, s->dlen, fin);
            c->flags |= TF_ACKNOW; /* a duplicate ACK with SACK blocks, now */
        } else {
            c->flags |= TF_ACKNOW;
        }
    }
    return fin_now ? fin_received(c) : true;
}

/* ---- synchronised states and SYN_RCVD ---- */

void tcp_input_conn(struct tcp_conn *c, struct tcp_seg *s)
{
    struct tcp_stack *st = c->st;
    if (c->state == TCP_SYN_SENT) {
        input_syn_sent(c, s);
        return;
    }
    if (c->state == TCP_CLOSED || c->state == TCP_LISTEN)
        return;
    uint64_t now = tcp_now(st);

    if (c->state == TCP_SYN_RCVD && (s->flags & TH_SYN) && s->seq == c->irs) {
        if (!(s->flags & TH_ACK) && !(s->flags & TH_RST)) {
            /* The peer's SYN again: our SYN-ACK was lost. */
            tcp_send_syn(c);
            return;
        }
        /* Simultaneous open: the peer's SYN-ACK carries its SYN again. */
        s->seq++;
        s->flags &= (uint8_t)~TH_SYN;
    }

    /* PAWS (RFC 7323 5.3). A pure ACK a little older than TS.Recent is
     * one the network reordered (every ACK of a peer that only receives
     * updates TS.Recent), not a ghost of a wrapped sequence space: it
     * still counts, as Linux has it (its SACK blocks matter), but does not
     * update TS.Recent. */
    bool pure_ack = s->dlen == 0 && (s->flags & (TH_SYN | TH_FIN | TH_RST | TH_ACK)) == TH_ACK;
    if ((c->flags & TF_TS) && s->has_ts && c->ts_recent_age && !(s->flags & TH_RST) &&
        SEQ_LT(s->tsval, c->ts_recent) &&
        !(pure_ack && c->ts_recent - s->tsval <= u32_max(c->rto_ms, 1000))) {
        if (now - c->ts_recent_age > TCP_PAWS_IDLE_NS) {
            c->ts_recent_age = 0;
        } else {
            st->stats.paws_drops++;
            tcp_send_ack(c);
            return;
        }
    }

    /* Acceptability (RFC 9293 3.10.7.4 first): what reaches RCV.NXT and
     * starts no later than the right edge. The edge itself is allowed, as
     * Linux and BSD allow it: a peer that filled our window sends its ACKs
     * from there, and refusing them would ignore every ACK it sends until
     * we open the window. Data beyond the edge is trimmed below (with a
     * zero window, all of it: the ACK and RST still count). */
    uint32_t seg_len = s->dlen + ((s->flags & TH_SYN) ? 1 : 0) + ((s->flags & TH_FIN) ? 1 : 0);
    uint32_t wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
    bool ok = SEQ_LEQ(s->seq, c->rcv_nxt + wnd) &&
              (seg_len == 0 ? SEQ_GEQ(s->seq, c->rcv_nxt) : SEQ_GT(s->seq + seg_len, c->rcv_nxt));
    bool old = false;
    if (!ok && !(s->flags & TH_RST) && SEQ_LEQ(s->seq + seg_len, c->rcv_nxt)) {
        /* Entirely old (a retransmission, a keep-alive): nothing to take,
         * but its ACK field is news (as BSD does; after a timeout both
         * ends may resend old data, and ignoring each other's ACKs there
         * would deadlock them). Answered with an ACK. */
        if (c->state == TCP_TIME_WAIT && (s->flags & TH_FIN)) {
            /* The peer resends its FIN: our last ACK was lost. */
            c->t_2msl = now + 2ull * st->cfg.msl_ms * 1000000ull;
            tcp_timer_update(c);
        }
        s->data += s->dlen;
        s->dlen = 0;
        s->flags &= (uint8_t)~TH_FIN;
        c->flags |= TF_ACKNOW;
        old = ok = true;
    }
    if (!ok) {
        /* Beyond the window (or an RST outside it: silently, RFC 5961 3.2). */
        if (!(s->flags & TH_RST))
            tcp_send_ack(c);
        return;
    }
    c->last_rx = now;
    if (c->keep_sent) {
        /* The peer answered a keep-alive: quiet starts again from now. */
        c->keep_sent = 0;
        tcp_keep_arm(c);
    }

    /* RST (RFC 5961 3.2): only the exact next sequence number resets. */
    if (s->flags & TH_RST) {
        if (s->seq != c->rcv_nxt) {
            challenge_ack(c);
            return;
        }
        st->stats.resets_rcvd++;
        switch (c->state) {
        case TCP_SYN_RCVD:
            tcp_set_closed(c, (c->flags & TF_PASSIVE) ? MG_ECONNRESET : MG_ECONNREFUSED);
            return;
        case TCP_CLOSING:
        case TCP_LAST_ACK:
        case TCP_TIME_WAIT:
            tcp_set_closed(c, 0);
            return;
        default:
            tcp_set_closed(c, MG_ECONNRESET);
            return;
        }
    }
    /* SYN in a synchronised state (RFC 5961 4.2). */
    if (s->flags & TH_SYN) {
        challenge_ack(c);
        return;
    }
    /* Timestamps to echo (RFC 7323 4.3). */
    if ((c->flags & TF_TS) && s->has_ts && SEQ_LEQ(s->seq, c->last_ack_sent) &&
        (!c->ts_recent_age || SEQ_GEQ(s->tsval, c->ts_recent))) {
        c->ts_recent = s->tsval;
        c->ts_recent_age = now;
    }
    /* Trim to the window. */
    if (SEQ_LT(s->seq, c->rcv_nxt)) {
        uint32_t d = c->rcv_nxt - s->seq;
        if (d > s->dlen)
            d = s->dlen;
        s->data += d;
        s->dlen -= d;
        if (d)
            c->flags |= TF_ACKNOW; /* a duplicate: our ACK may have been lost */
        if (SEQ_LT(s->seq + d, c->rcv_nxt))
            s->flags &= (uint8_t)~TH_FIN; /* an old FIN */
        /* keep s->seq: the window update test wants the original */
    }
    uint32_t start = SEQ_LT(s->seq, c->rcv_nxt) ? c->rcv_nxt : s->seq;
    uint32_t right = c->rcv_nxt + wnd;
    if (SEQ_GT(start + s->dlen, right)) {
        s->dlen = SEQ_GT(right, start) ? right - start : 0;
        s->flags &= (uint8_t)~TH_FIN;
        c->flags |= TF_ACKNOW;
    }
    if (!(s->flags & TH_ACK)) {
        if (c->flags & TF_ACKNOW)
            tcp_output(c);
        return;
    }

    if (c->state == TCP_SYN_RCVD) {
        if (!SEQ_GT(s->ack, c->snd_una) || SEQ_GT(s->ack, c->snd_max)) {
            tcp_reply_rst(st, &c->t.raddr, &c->t.laddr, s);
            return;
        }
        struct tcp_listener *l = c->lst;
        if (l && l->q_len >= l->backlog) {
            /* No room to accept it: as if the ACK were lost; the SYN-ACK
             * is resent later and the peer ACKs again. */
            st->stats.accept_overflow++;
            return;
        }
        c->snd_wnd = (uint32_t)s->win << c->snd_wscale;
        c->snd_wl1 = s->seq;
        c->snd_wl2 = s->ack;
        c->max_sndwnd = c->snd_wnd;
        if ((c->flags & (TF_RTTING | TF_SYN_LOST)) == TF_RTTING)
            tcp_rtt_sample(c, (uint32_t)((tcp_now(st) - c->rtt_start) / 1000));
        c->flags &= ~TF_RTTING;
        if (!tcp_established(c))
            return;
    }

    bool gone;
    if (!process_ack(c, s, old, &gone)) {
        if (!gone && c->state != TCP_CLOSED)
            tcp_output(c);
        return;
    }
    if (SEQ_LT(s->seq, c->rcv_nxt))
        s->seq = c->rcv_nxt;
    if (input_text(c, s) && c->state != TCP_CLOSED)
        tcp_output(c);
}
