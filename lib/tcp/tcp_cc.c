/* tcp_cc.c: round-trip time and RTO (RFC 6298), congestion window and loss recovery (RFC 5681, 6582, 6675). */
#include "tcp_int.h"

uint32_t tcp_flight(const struct tcp_conn *c) { return c->snd_max - c->snd_una; }

void tcp_cc_una_moved(struct tcp_conn *c)
{
    if (SEQ_LT(c->rack_lost, c->snd_una))
        c->rack_lost = c->snd_una;
    if (SEQ_LT(c->high_rxt, c->snd_una))
        c->high_rxt = c->snd_una;
    if (SEQ_LT(c->recover, c->snd_una))
        c->recover = c->snd_una;
    /* A reduction that long ago is beyond undoing (and its marker would
     * soon read as ahead). */
    if (c->undo_armed && c->snd_una - c->undo_marker > (1u << 30))
        c->undo_armed = false;
}

static uint32_t cwnd_cap(const struct tcp_conn *c)
{
    /* More than twice the send buffer can never be in flight. */
    return u32_max(2 * c->st->cfg.sndbuf, 4u * c->mss);
}

void tcp_cc_init(struct tcp_conn *c)
{
    uint32_t iw = u32_min(TCP_IW_SEGS * (uint32_t)c->mss, u32_max(2u * c->mss, 14600));
    c->cwnd = iw;
    c->ssthresh = 0x7fffffff;
    c->recover = c->iss;
    c->bytes_acked = 0;
    c->dupacks = 0;
    c->reordering = TCP_DUPTHRESH;
    c->undo_armed = false;
    c->reo_wnd_mult = 1;
}

/* A reduction is coming: remember what to go back to if it was needless. */
static void undo_prepare(struct tcp_conn *c)
{
    c->undo_armed = true;
    c->prior_cwnd = c->cwnd;
    c->prior_ssthresh = c->ssthresh;
    c->undo_marker = c->snd_una;
    c->undo_retrans = 0;
    c->undo_nrx = 0;
}

/* RTO = SRTT + max(G, 4 RTTVAR), G the 1 ms timestamp clock, in bounds:
 * the estimate alone, without the backoff of timeouts. */
static void rto_from_estimate(struct tcp_conn *c)
{
    const struct tcp_cfg *cfg = &c->st->cfg;
    uint64_t var = 4ull * c->rttvar_us;
    if (var < 1000)
        var = 1000;
    uint64_t rto = (c->srtt_us + var + 999) / 1000;
    if (rto < cfg->rto_min_ms)
        rto = cfg->rto_min_ms;
    if (rto > cfg->rto_max_ms)
        rto = cfg->rto_max_ms;
    c->rto_ms = (uint32_t)rto;
}

void tcp_rtt_sample(struct tcp_conn *c, uint32_t r)
{
    if (c->srtt_us == 0) {
        c->srtt_us = r ? r : 1;
        c->rttvar_us = r / 2;
    } else {
        uint32_t delta = c->srtt_us > r ? c->srtt_us - r : r - c->srtt_us;
        c->rttvar_us = (3 * c->rttvar_us + delta) / 4;
        c->srtt_us = (7 * c->srtt_us + r) / 8;
        if (c->srtt_us == 0)
            c->srtt_us = 1;
    }
    rto_from_estimate(c);
}

void tcp_rto_valid_sample(struct tcp_conn *c, uint32_t r)
{
    if (!c->srtt_us) {
        tcp_rtt_sample(c, r);
        return;
    }
    /* A path that got slower than the estimate allows is news for the
     * estimate; otherwise the microsecond one stands (the echo is only
     * good to the millisecond), and only the backoff goes. */
    if (r > c->srtt_us + 4ull * c->rttvar_us + 1000u)
        tcp_rtt_sample(c, r);
    else
        rto_from_estimate(c);
}

void tcp_cc_acked(struct tcp_conn *c, uint32_t acked)
{
    if (c->cwnd < c->ssthresh) {
        /* Slow start, counting bytes (RFC 3465, L = 2 SMSS). */
        c->cwnd += u32_min(acked, 2u * c->mss);
    } else {
        /* Congestion avoidance: one SMSS per window's worth acked. */
        c->bytes_acked += acked;
        if (c->bytes_acked >= c->cwnd) {
            c->bytes_acked -= c->cwnd;
            c->cwnd += c->mss;
        }
    }
    if (c->cwnd > cwnd_cap(c))
        c->cwnd = cwnd_cap(c);
}

/* RFC 5681 (4): half of what is in flight, which the window bounds (after
 * a timeout SND.MAX may be far beyond what really is). */
static uint32_t half_flight(const struct tcp_conn *c)
{
    return u32_max(u32_min(tcp_flight(c), c->cwnd) / 2, 2u * c->mss);
}

/* Retransmit the segment at SND.UNA (without touching snd_nxt). */
static void rexmit_first(struct tcp_conn *c)
{
    uint32_t data_end = c->sndq_seq + (uint32_t)c->sndq.len;
    uint32_t len = SEQ_LT(c->snd_una, data_end) ? u32_min(data_end - c->snd_una, c->mss) : 0;
    c->st->stats.retransmits++;
    uint32_t took = tcp_xmit(c, c->snd_una, len, 0);
    if (SEQ_LT(c->high_rxt, c->snd_una + took))
        c->high_rxt = c->snd_una + took;
}

void tcp_cc_enter_recovery(struct tcp_conn *c)
{
    c->st->stats.fast_recoveries++;
    /* Resending everything after a timeout (go-back-N) stops here: from
     * now on the scoreboard says what to resend. */
    if (SEQ_LT(c->snd_nxt, c->snd_max))
        c->snd_nxt = c->snd_max;
    /* Losses found in data sent before the last timeout's recovery point
     * belong to the congestion that timeout already answered (RFC 6582
     * 3.2, RFC 6675 5.1): they are repaired here, with the window the
     * timeout left, not answered by a second reduction. */
    bool same_episode = (c->flags & TF_LOSS) && SEQ_LT(c->snd_una, c->recover);
    if (!same_episode) {
        c->flags &= ~TF_LOSS;
        undo_prepare(c);
        c->ssthresh = half_flight(c);
        c->recover = c->snd_max;
    }
    c->flags |= TF_RECOVERY;
    c->bytes_acked = 0;
    c->high_rxt = c->snd_una;
    rexmit_first(c);
    if (same_episode)
        return;
    if (c->flags & TF_SACK)
        c->cwnd = c->ssthresh; /* RFC 6675: sending is then paced by the pipe */
    else
        c->cwnd = c->ssthresh + TCP_DUPTHRESH * (uint32_t)c->mss; /* RFC 6582 */
}

void tcp_cc_recovery_ack(struct tcp_conn *c, uint32_t acked)
{
    if (SEQ_GEQ(c->snd_una, c->recover)) {
        /* Full acknowledgment: recovery is over. */
        if (c->flags & TF_SACK)
            c->cwnd = c->ssthresh;
        else
            c->cwnd = u32_min(c->ssthresh, u32_max(tcp_flight(c), c->mss) + c->mss);
        c->flags &= ~TF_RECOVERY;
        c->dupacks = 0;
        c->bytes_acked = 0;
        return;
    }
    /* Partial acknowledgment: the next hole is lost too (RFC 6582); with
     * SACK, when no block says otherwise, the segment at SND.UNA is taken
     * as lost and resent at once. */
    if (SEQ_LT(c->high_rxt, c->snd_una))
        c->high_rxt = c->snd_una;
    if ((c->flags & TF_SACK) && c->nsb == 0 && c->high_rxt == c->snd_una &&
        SEQ_LT(c->snd_una, c->snd_max))
        rexmit_first(c);
    /* Below ssthresh (a recovery that began in a timeout's slow start)
     * the window keeps growing with what is delivered, as PRR's slow
     * start bound lets it (RFC 6937), so that a long recovery is not
     * paced by the timeout's one segment. */
    if ((c->flags & TF_SACK) && c->cwnd < c->ssthresh)
        c->cwnd = u32_min(c->cwnd + u32_min(acked, c->mss), c->ssthresh);
    if (!(c->flags & TF_SACK)) {
        c->high_rxt = c->snd_una;
        rexmit_first(c);
        c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
        if (acked >= c->mss)
            c->cwnd += c->mss;
        if (c->cwnd < c->mss)
            c->cwnd = c->mss;
    }
    tcp_rexmit_arm(c);
}

void tcp_cc_dupack(struct tcp_conn *c)
{
    c->st->stats.dupacks++;
    if (c->flags & TF_RECOVERY) {
        if (!(c->flags & TF_SACK))
            c->cwnd += c->mss; /* each dup ACK: a segment has left the network */
        return;
    }
    c->dupacks++;
    bool sack = (c->flags & TF_SACK) != 0;
    /* With SACK, RACK (tcp_rack.c) also finds losses by time; this is the
     * classic count (RFC 6675's DupThresh, raised when reordering shows). */
    bool lost = c->dupacks >= c->reordering ||
                (sack && tcp_sack_bytes(c) >= c->reordering * (uint32_t)c->mss);
    /* RFC 6582 3.2 step 2: without SACK, dup ACKs for data sent before the
     * last timeout (below recover) do not start a new recovery; with SACK
     * the scoreboard says what is missing (RFC 6675). */
    if (lost && (sack || SEQ_GEQ(c->snd_una, c->recover)))
        tcp_cc_enter_recovery(c);
}

void tcp_cc_dsack(struct tcp_conn *c, uint32_t start, uint32_t end)
{
    c->st->stats.dsacks++;
    if (!c->undo_armed || SEQ_LT(start, c->undo_marker))
        return;
    /* Only a duplicate of something we resent shows the resending was
     * needless; the network duplicates segments too. */
    unsigned i = 0;
    while (i < c->undo_nrx &&
           !(SEQ_LT(start, c->undo_rx[i].end) && SEQ_LT(c->undo_rx[i].start, end)))
        i++;
    if (i == c->undo_nrx)
        return;
    c->undo_rx[i] = c->undo_rx[--c->undo_nrx];
    if (--c->undo_retrans > 0)
        return;
    /* Every segment resent since the reduction arrived twice: nothing was
     * lost, the network reordered. Back to where we were (RFC 3708), and
     * wait for more duplicates before calling a loss next time. */
    c->st->stats.undos++;
    c->undo_armed = false;
    c->cwnd = u32_max(c->cwnd, c->prior_cwnd);
    c->ssthresh = u32_max(c->ssthresh, c->prior_ssthresh);
    c->reordering = u32_min(c->reordering + 1, TCP_REORDER_MAX);
    if (c->reo_wnd_mult < 16)
        c->reo_wnd_mult++;
    if (c->flags & TF_RECOVERY) {
        c->flags &= ~TF_RECOVERY;
        c->dupacks = 0;
        c->bytes_acked = 0;
    }
}

void tcp_cc_reordered(struct tcp_conn *c, uint32_t old_una, uint32_t fack)
{
    uint32_t dist = (fack - old_una) / c->mss + 1;
    if (dist > c->reordering)
        c->reordering = u32_min(dist, TCP_REORDER_MAX);
}

void tcp_cc_timeout(struct tcp_conn *c)
{
    /* RFC 5681 (4): only the first timeout of a segment halves ssthresh. */
    if (c->retries <= 1) {
        undo_prepare(c);
        c->ssthresh = half_flight(c);
    }
    c->cwnd = c->mss;
    c->recover = c->snd_max;
    c->flags &= ~TF_RECOVERY;
    c->flags |= TF_LOSS;
    c->dupacks = 0;
    c->bytes_acked = 0;
    /* What was SACKed is skipped while resending (tcp_output), unless the
     * timeouts repeat: then the receiver may have reneged (RFC 2018 8)
     * and everything goes again. */
    if (c->retries > 1)
        tcp_sack_clear(c);
    c->snd_nxt = c->snd_una;
    c->high_rxt = c->snd_una;
    c->rack_lost = c->snd_una;
}
