/* tcp_output.c: what to send and when: windows, Nagle and SWS avoidance, segments, ACKs, SYNs and RSTs. */
#include <string.h>

#include "tcp_int.h"

uint32_t tcp_ts_now(const struct tcp_conn *c)
{
    return (uint32_t)(tcp_now(c->st) / 1000000u) + c->ts_offset;
}

void tcp_emit(struct tcp_stack *st, const struct mg_ip *src, const struct mg_ip *dst,
              const uint8_t *hdr, size_t hlen, const struct mg_iovec *pay, size_t npay,
              size_t pay_len, uint16_t mss)
{
    struct tcp_seg_out o;
    o.src = src;
    o.dst = dst;
    o.hdr = hdr;
    o.hdr_len = hlen;
    o.npay = npay;
    o.pay_len = pay_len;
    o.mss = mss;
    for (size_t i = 0; i < npay; i++)
        o.pay[i] = pay[i];
    st->stats.segs_out++;
    st->env.output(st->env.arg, &o);
}

static uint32_t rcv_space(const struct tcp_conn *c)
{
    const struct tcp_stack *st = c->st;
    uint32_t space = st->cfg.rcvbuf > c->rcvq.len ? st->cfg.rcvbuf - (uint32_t)c->rcvq.len : 0;
    /* Memory is short for the whole stack: offer no more than is left. */
    uint64_t left = st->cfg.mem_max > st->mem_used ? st->cfg.mem_max - st->mem_used : 0;
    if (space > left)
        space = (uint32_t)left;
    return space;
}

static uint32_t cur_window(const struct tcp_conn *c)
{
    return SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
}

uint32_t tcp_rcv_window(struct tcp_conn *c)
{
    uint32_t cur = cur_window(c);
    uint32_t space = rcv_space(c);
    /* Never move the right edge back (RFC 9293 3.8.6). */
    if (space < cur)
        space = cur;
    /* Receiver-side SWS avoidance (RFC 9293 3.8.6.2.2): move the right
     * edge only by min(half the buffer, one MSS) or more. */
    uint32_t thresh = u32_min(c->st->cfg.rcvbuf / 2, c->adv_mss);
    if (space - cur < thresh)
        space = cur;
    uint32_t max = 65535u << ((c->flags & TF_WS) ? c->rcv_wscale : 0);
    return space > max ? max : space;
}

void tcp_window_update(struct tcp_conn *c)
{
    if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 &&
        c->state != TCP_FIN_WAIT_2)
        return;
    uint32_t cur = cur_window(c);
    uint32_t space = rcv_space(c);
    if (space <= cur)
        return;
    uint32_t grow = space - cur;
    /* Worth an ACK of its own when the window at least doubles (it was
     * getting small: the sender may be stalled on it) or grows by half the
     * buffer; otherwise the next ACK carries it. */
    if (grow >= u32_min(c->st->cfg.rcvbuf / 2, c->adv_mss) &&
        (space >= 2 * cur || grow >= c->st->cfg.rcvbuf / 2)) {
        c->flags |= TF_ACKNOW;
        tcp_output(c);
    }
}

/* Header fields every segment of c shares. */
static void hdr_base(struct tcp_conn *c, struct tcp_hdr_out *h, uint32_t seq, uint8_t flags)
{
    memset(h, 0, sizeof *h);
    h->sport = c->t.lport;
    h->dport = c->t.rport;
    h->seq = seq;
    h->ack = (flags & TH_ACK) ? c->rcv_nxt : 0;
    h->flags = flags;
    if (c->flags & TF_TS) {
        h->opt_ts = true;
        h->tsval = tcp_ts_now(c);
        h->tsecr = c->ts_recent;
    }
}

/* The window field, and the right edge it advertises. */
static void set_window(struct tcp_conn *c, struct tcp_hdr_out *h)
{
    uint32_t wnd = tcp_rcv_window(c);
    unsigned s = (c->flags & TF_WS) ? c->rcv_wscale : 0;
    /* Rounded up so that scaling never moves the edge back. */
    uint32_t field = (wnd + (1u << s) - 1) >> s;
    if (field > 65535)
        field = 65535;
    h->win = (uint16_t)field;
    uint32_t edge = c->rcv_nxt + (field << s);
    if (SEQ_GT(edge, c->rcv_adv))
        c->rcv_adv = edge;
}

static uint32_t xmit_raw(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t flags,
                         bool allow_fin)
{
    struct tcp_stack *st = c->st;
    struct tcp_hdr_out h;
    uint8_t hdr[TCP_HLEN + TCP_OPT_MAX];
    struct mg_iovec iov[TCP_PAY_IOV_MAX];
    size_t niov = 0, got = 0;
    uint32_t data_end = c->sndq_seq + (uint32_t)c->sndq.len;
    hdr_base(c, &h, seq, flags | TH_ACK);
    uint16_t seg_mss = c->mss;
    if ((c->flags & TF_SACK) && c->ooo.head) {
        h.nsack = (uint8_t)tcp_ooo_sack(c, h.sack, (c->flags & TF_TS) ? 3 : 4);
        /* RFC 6691: the options come out of the payload, or the segment
         * outgrows the path (and goes in fragments). */
        seg_mss = (uint16_t)(c->mss - (4u + 8u * h.nsack));
        uint32_t most = c->t.laddr.version == 4 && c->st->cfg.tso_max > c->mss
                            ? c->st->cfg.tso_max - c->st->cfg.tso_max % seg_mss
                            : seg_mss;
        if (len > most)
            len = most;
        /* Cut where the pieces end: a length of whole MSS-sized segments
         * would otherwise leave a runt of the options' size behind each
         * (the rest goes with the next segment). */
        if (len > seg_mss && seq + len != data_end)
            len -= len % seg_mss;
    }
    if (len > 0) {
        niov = tcp_bq_gather(&c->sndq, seq - c->sndq_seq, len, iov, TCP_PAY_IOV_MAX, &got);
        len = (uint32_t)got;
    }
    uint32_t took = len;
    if (allow_fin && (c->flags & TF_FIN_QUEUED) && seq + len == data_end) {
        h.flags |= TH_FIN;
        c->flags |= TF_FIN_SENT;
        took++;
    }
    if (len > 0 && seq + len == data_end)
        h.flags |= TH_PSH;
    set_window(c, &h);
    size_t hlen = tcp_build(hdr, &h);
    if (took > 0 && SEQ_LT(seq, c->snd_max)) {
        if (c->undo_armed && len) {
            if (c->undo_nrx < sizeof c->undo_rx / sizeof c->undo_rx[0]) {
                c->undo_rx[c->undo_nrx].start = seq;
                c->undo_rx[c->undo_nrx].end = seq + len;
                c->undo_nrx++;
                c->undo_retrans++;
            } else {
                c->undo_armed = false; /* too much resent to keep track: no undo */
            }
        }
    }
    if (took > 0)
        tcp_rack_sent(c, seq, seq + took, seg_mss, SEQ_LT(seq, c->snd_max));
    c->last_ack_sent = c->rcv_nxt;
    c->segs_unacked = 0;
    c->flags &= ~(TF_ACKNOW | TF_DELACK);
    if (c->t_delack) {
        c->t_delack = 0;
        tcp_timer_update(c);
    }
    tcp_emit(st, &c->t.laddr, &c->t.raddr, hdr, hlen, iov, niov, len, seg_mss);
    return took;
}

uint32_t tcp_xmit(struct tcp_conn *c, uint32_t seq, uint32_t len, uint8_t extra_flags)
{
    return xmit_raw(c, seq, len, extra_flags, true);
}

/* A pure ACK carries SND.MAX, not SND.NXT: while resending after a timeout
 * SND.NXT is back in what the peer already has, and a segment there would
 * be old news to it (BSD does the same). */
void tcp_send_ack(struct tcp_conn *c) { xmit_raw(c, c->snd_max, 0, 0, false); }

void tcp_send_probe(struct tcp_conn *c) { xmit_raw(c, c->snd_una - 1, 0, 0, false); }

void tcp_send_rst(struct tcp_conn *c)
{
    struct tcp_hdr_out h;
    uint8_t hdr[TCP_HLEN + TCP_OPT_MAX];
    memset(&h, 0, sizeof h);
    h.sport = c->t.lport;
    h.dport = c->t.rport;
    /* After a timeout SND.NXT is likely where the peer is; if it is not,
     * the peer's challenge ACK (RFC 5961) draws an exact RST. */
    h.seq = c->snd_nxt;
    h.ack = c->rcv_nxt;
    h.flags = TH_RST | TH_ACK;
    c->st->stats.resets_sent++;
    tcp_emit(c->st, &c->t.laddr, &c->t.raddr, hdr, tcp_build(hdr, &h), NULL, 0, 0, c->mss);
}

void tcp_send_syn(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    struct tcp_hdr_out h;
    uint8_t hdr[TCP_HLEN + TCP_OPT_MAX];
    bool active = c->state == TCP_SYN_SENT;
    memset(&h, 0, sizeof h);
    h.sport = c->t.lport;
    h.dport = c->t.rport;
    h.seq = c->iss;
    h.flags = TH_SYN;
    if (!active) {
        h.flags |= TH_ACK;
        h.ack = c->rcv_nxt;
    }
    h.opt_mss = true;
    h.mss = c->adv_mss;
    /* Active: offer what we do; passive: answer what the peer offered. */
    h.opt_ws = active ? !st->cfg.no_wscale : (c->flags & TF_WS) != 0;
    h.ws = c->rcv_wscale;
    h.opt_sack_ok = active ? !st->cfg.no_sack : (c->flags & TF_SACK) != 0;
    h.opt_ts = active ? !st->cfg.no_timestamps : (c->flags & TF_TS) != 0;
    if (h.opt_ts) {
        h.tsval = tcp_ts_now(c);
        h.tsecr = active ? 0 : c->ts_recent;
    }
    uint32_t wnd = u32_min(rcv_space(c), 65535); /* never scaled in a SYN */
    h.win = (uint16_t)wnd;
    if (!active)
        c->rcv_adv = c->rcv_nxt + wnd;
    if (SEQ_LT(c->snd_max, c->iss + 1))
        c->snd_max = c->iss + 1;
    if (!(c->flags & TF_SYN_LOST)) {
        /* The handshake gives the first round trip (not if resent: Karn). */
        c->flags |= TF_RTTING;
        c->rtt_start = tcp_now(st);
    }
    c->last_ack_sent = c->rcv_nxt;
    tcp_emit(st, &c->t.laddr, &c->t.raddr, hdr, tcp_build(hdr, &h), NULL, 0, 0, c->mss);
}

void tcp_reply_rst(struct tcp_stack *st, const struct mg_ip *src, const struct mg_ip *dst,
                   const struct tcp_seg *s)
{
    if (s->flags & TH_RST)
        return;
    struct tcp_hdr_out h;
    uint8_t hdr[TCP_HLEN + TCP_OPT_MAX];
    memset(&h, 0, sizeof h);
    h.sport = s->dport;
    h.dport = s->sport;
    if (s->flags & TH_ACK) {
        h.seq = s->ack;
        h.flags = TH_RST;
    } else {
        h.ack = s->seq + s->dlen + ((s->flags & TH_SYN) ? 1 : 0) + ((s->flags & TH_FIN) ? 1 : 0);
        h.flags = TH_RST | TH_ACK;
    }
    st->stats.no_conn_rst++;
    tcp_emit(st, dst, src, hdr, tcp_build(hdr, &h), NULL, 0, 0, 0);
}

/* The largest segment to build: the MSS, or a multiple of it for a device
 * that cuts segments itself. */
static uint32_t max_seg(const struct tcp_conn *c)
{
    /* Only IPv4 has a device-side segmentation (MG_NET_GSO_TCPV4). */
    uint32_t tso = c->t.laddr.version == 4 ? c->st->cfg.tso_max : 0;
    if (tso > c->mss)
        return tso - tso % c->mss;
    return c->mss;
}

/* One segment of new data (or the FIN) if the windows, Nagle and SWS
 * avoidance allow it; with pipe_paced the caller has checked the
 * congestion window against the SACK pipe. */
/* While resending after a timeout, data the peer SACKed is skipped; the
 * bytes up to the next SACKed block can go (UINT32_MAX: no limit). */
static uint32_t skip_sacked(struct tcp_conn *c)
{
    if (!c->nsb || !SEQ_LT(c->snd_nxt, c->snd_max))
        return UINT32_MAX;
    for (unsigned i = 0; i < c->nsb; i++) {
        if (SEQ_LT(c->snd_nxt, c->sb[i].start))
            return c->sb[i].start - c->snd_nxt;
        if (SEQ_LT(c->snd_nxt, c->sb[i].end))
            c->snd_nxt = c->sb[i].end;
    }
    return UINT32_MAX;
}

static bool send_new(struct tcp_conn *c, bool pipe_paced)
{
    uint32_t gap = skip_sacked(c);
    uint32_t data_end = c->sndq_seq + (uint32_t)c->sndq.len;
    bool fin_pending = (c->flags & TF_FIN_QUEUED) && SEQ_LEQ(c->snd_nxt, data_end);
    uint32_t avail = SEQ_LT(c->snd_nxt, data_end) ? data_end - c->snd_nxt : 0;
    if (!avail && !fin_pending)
        return false;
    uint32_t right = c->snd_una + c->snd_wnd;
    uint32_t rwnd_left = SEQ_LT(c->snd_nxt, right) ? right - c->snd_nxt : 0;
    uint32_t cwnd_left = UINT32_MAX;
    if (!pipe_paced) {
        uint32_t cw = c->cwnd;
        if (!(c->flags & TF_RECOVERY) && c->dupacks > 0 && c->dupacks < TCP_DUPTHRESH)
            cw += c->dupacks * (uint32_t)c->mss; /* limited transmit (RFC 3042) */
        uint32_t flight = c->snd_nxt - c->snd_una;
        cwnd_left = cw > flight ? cw - flight : 0;
    } else {
        cwnd_left = c->mss;
    }
    uint32_t maxseg = max_seg(c);
    uint32_t len = u32_min(u32_min(avail, rwnd_left), u32_min(cwnd_left, maxseg));
    bool resend = gap != UINT32_MAX;
    if (len > gap)
        len = gap; /* a resent piece ends where SACKed data starts */
    if (maxseg > c->mss && len > c->mss && len < avail)
        len -= len % c->mss; /* a large segment cut by a window: no runt at its end */
    if (avail > 0 && len == 0)
        return false;
    if (avail > 0 && !resend) {
        if (len < avail && len < maxseg) {
            /* Cut short by a window: wait for a full segment, unless the
             * peer's window is small and this is half of the largest it
             * ever offered (sender-side SWS avoidance). */
            if (cwnd_left < rwnd_left && len < c->mss)
                return false;
            if (len < c->mss && len < c->max_sndwnd / 2)
                return false;
        } else if (len == avail && len < c->mss) {
            /* Nagle (RFC 896): one small segment in flight at a time. */
            bool ok = (c->flags & (TF_NODELAY | TF_FIN_QUEUED)) || c->snd_una == c->snd_max ||
                      SEQ_GEQ(c->push_seq, c->snd_nxt + len);
            if (!ok)
                return false;
        }
    }
    struct tcp_stack *st = c->st;
    if (SEQ_LT(c->snd_nxt, c->snd_max))
        st->stats.retransmits++;
    uint32_t took = tcp_xmit(c, c->snd_nxt, len, 0);
    if (!took)
        return false;
    c->snd_nxt += took;
    if (SEQ_GT(c->snd_nxt, c->snd_max))
        c->snd_max = c->snd_nxt;
    return true;
}

void tcp_output(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    switch (c->state) {
    case TCP_CLOSED:
    case TCP_LISTEN:
    case TCP_SYN_SENT:
    case TCP_SYN_RCVD:
        return;
    case TCP_TIME_WAIT:
        if (c->flags & TF_ACKNOW)
            tcp_send_ack(c);
        return;
    default:
        break;
    }
    bool sent = false;
    if ((c->flags & (TF_RECOVERY | TF_SACK)) == (TF_RECOVERY | TF_SACK)) {
        while (tcp_sack_pipe(c) < c->cwnd) {
            uint32_t seq, len;
            if (tcp_sack_next_hole(c, c->high_rxt, c->mss, &seq, &len)) {
                st->stats.sack_rexmits++;
                st->stats.retransmits++;
                uint32_t took = tcp_xmit(c, seq, len, 0);
                if (!took)
                    break;
                c->high_rxt = seq + took;
                sent = true;
                continue;
            }
            if (!send_new(c, true))
                break;
            sent = true;
        }
    } else {
        while (send_new(c, false))
            sent = true;
    }
    if (!sent && (c->flags & TF_ACKNOW))
        tcp_send_ack(c);
    if (c->snd_una != c->snd_max) {
        if (!c->t_rexmit || (c->flags & TF_PERSIST))
            tcp_loss_timer_arm(c);
    } else {
        uint32_t data_end = c->sndq_seq + (uint32_t)c->sndq.len;
        bool pending = SEQ_LT(c->snd_nxt, data_end) ||
                       ((c->flags & TF_FIN_QUEUED) && SEQ_LEQ(c->snd_nxt, data_end));
        if (pending && !c->t_rexmit)
            tcp_persist_arm(c);
        else if (!pending && (c->flags & TF_PERSIST)) {
            c->flags &= ~TF_PERSIST;
            c->t_rexmit = 0;
            tcp_timer_update(c);
        }
    }
}
