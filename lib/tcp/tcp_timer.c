/* tcp_timer.c: connection timers in one heap: retransmission, persist, delayed ACK, keep-alive, 2*MSL. */
#include "tcp_int.h"

#define MS 1000000ull

uint64_t tcp_now(const struct tcp_stack *st) { return st->env.now(st->env.arg); }

/* ---- the heap, keyed by t_next ---- */

static void heap_set(struct tcp_stack *st, size_t i, struct tcp_conn *c)
{
    st->heap[i] = c;
    c->heap_idx = i;
}

static void sift_up(struct tcp_stack *st, size_t i)
{
    struct tcp_conn *c = st->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (st->heap[p]->t_next <= c->t_next)
            break;
        heap_set(st, i, st->heap[p]);
        i = p;
    }
    heap_set(st, i, c);
}

static void sift_down(struct tcp_stack *st, size_t i)
{
    struct tcp_conn *c = st->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        uint64_t best = c->t_next;
        if (l < st->heap_len && st->heap[l]->t_next < best)
            m = l, best = st->heap[l]->t_next;
        if (l + 1 < st->heap_len && st->heap[l + 1]->t_next < best)
            m = l + 1;
        if (m == i)
            break;
        heap_set(st, i, st->heap[m]);
        i = m;
    }
    heap_set(st, i, c);
}

void tcp_timer_remove(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    size_t i = c->heap_idx;
    if (i == SIZE_MAX)
        return;
    c->heap_idx = SIZE_MAX;
    struct tcp_conn *last = st->heap[--st->heap_len];
    if (i == st->heap_len)
        return;
    heap_set(st, i, last);
    sift_up(st, i);
    sift_down(st, last->heap_idx);
}

static uint64_t earliest(const struct tcp_conn *c)
{
    uint64_t t = 0;
    const uint64_t all[] = {c->t_rexmit, c->t_delack, c->t_keep, c->t_2msl, c->t_reo};
    for (unsigned i = 0; i < 5; i++)
        if (all[i] && (!t || all[i] < t))
            t = all[i];
    return t;
}

void tcp_timer_update(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    uint64_t t = earliest(c);
    if (!t) {
        tcp_timer_remove(c);
        return;
    }
    c->t_next = t;
    if (c->heap_idx == SIZE_MAX) {
        /* Room was reserved when c was made (tcp_conn_new). */
        heap_set(st, st->heap_len++, c);
        sift_up(st, c->heap_idx);
    } else {
        sift_up(st, c->heap_idx);
        sift_down(st, c->heap_idx);
    }
    if (t < st->armed) {
        st->armed = t;
        if (st->env.timer_event)
            st->env.timer_event(st->env.arg, t);
    }
}

uint64_t tcp_next_timer(struct tcp_stack *st)
{
    st->armed = st->heap_len ? st->heap[0]->t_next : UINT64_MAX;
    return st->armed;
}

/* ---- arming ---- */

void tcp_rexmit_arm(struct tcp_conn *c)
{
    c->flags &= ~(TF_PERSIST | TF_TLP);
    c->t_rexmit = tcp_now(c->st) + (uint64_t)c->rto_ms * MS;
    tcp_timer_update(c);
}

void tcp_rexmit_stop(struct tcp_conn *c)
{
    if (!c->t_rexmit || (c->flags & TF_PERSIST))
        return;
    c->t_rexmit = 0;
    c->flags &= ~TF_TLP;
    tcp_timer_update(c);
}

/* RFC 8985 7.2: the probe timeout: two round trips (at least TLP_MIN_MS,
 * the clock's grain as in Linux), and room for a delayed ACK when one
 * segment is all there is (Linux's shortest delayed ACK: the peer may
 * just be waiting for a second segment). Never past the RTO. */
#define TLP_MIN_MS 2
#define TLP_DELACK_MS 40

void tcp_loss_timer_arm(struct tcp_conn *c)
{
    /* Unlike RFC 8985 7.1, a probe may also go during recovery: on a LAN
     * the round trip is microseconds and the RTO's floor 200 ms, so a
     * lost ACK of a resent segment must not stall the connection that
     * long (a probe per episode of progress: TF_TLP_SENT clears when
     * SND.UNA moves). */
    bool may = (c->flags & TF_SACK) && !(c->flags & TF_TLP_SENT) && c->srtt_us &&
               (c->state == TCP_ESTABLISHED || c->state == TCP_CLOSE_WAIT);
    if (!may) {
        tcp_rexmit_arm(c);
        return;
    }
    uint64_t us = 2ull * c->srtt_us;
    if (tcp_flight(c) <= c->mss)
        us += TLP_DELACK_MS * 1000ull;
    if (us < TLP_MIN_MS * 1000ull)
        us = TLP_MIN_MS * 1000ull;
    if (us > c->rto_ms * 1000ull)
        us = c->rto_ms * 1000ull;
    c->flags &= ~TF_PERSIST;
    c->flags |= TF_TLP;
    c->t_rexmit = tcp_now(c->st) + us * 1000ull;
    tcp_timer_update(c);
}

void tcp_persist_arm(struct tcp_conn *c)
{
    if (c->t_rexmit)
        return;
    const struct tcp_cfg *cfg = &c->st->cfg;
    uint64_t ms = u32_max(c->rto_ms, cfg->rto_min_ms);
    ms <<= c->persist_shift < 16 ? c->persist_shift : 16;
    if (ms > cfg->rto_max_ms)
        ms = cfg->rto_max_ms;
    c->flags |= TF_PERSIST;
    c->t_rexmit = tcp_now(c->st) + ms * MS;
    tcp_timer_update(c);
}

void tcp_keep_arm(struct tcp_conn *c)
{
    if (!c->keep_idle_ms) {
        if (c->t_keep) {
            c->t_keep = 0;
            tcp_timer_update(c);
        }
        return;
    }
    c->t_keep = c->last_rx + (uint64_t)c->keep_idle_ms * MS;
    tcp_timer_update(c);
}

/* ---- what fires ---- */

/* Each returns false when c is gone (or closed and out of the heap). */

static bool fire_2msl(struct tcp_conn *c)
{
    c->t_2msl = 0;
    if (c->state == TCP_TIME_WAIT || c->state == TCP_FIN_WAIT_2) {
        tcp_set_closed(c, 0);
        return false;
    }
    return true;
}

static bool fire_syn_rexmit(struct tcp_conn *c)
{
    const struct tcp_cfg *cfg = &c->st->cfg;
    if (++c->retries > cfg->syn_retries) {
        c->st->stats.timeouts++;
        tcp_set_closed(c, MG_ETIMEDOUT);
        return false;
    }
    c->st->stats.retransmits++;
    c->rto_ms = u32_min(c->rto_ms * 2, cfg->rto_max_ms);
    /* RFC 6298 5.7: a SYN lost means a congested path: start small. */
    c->flags |= TF_SYN_LOST;
    tcp_send_syn(c);
    tcp_rexmit_arm(c);
    return true;
}

/* The probe, so that a lost tail draws SACKs instead of a timeout: two
 * segments of new data when they may go (one alone is just what a
 * receiver delays its ACK for, up to 200 ms in Linux; two make it answer
 * at once, RFC 1122 4.2.3.2), else the last segment again (a duplicate is
 * answered at once). */
static bool fire_tlp(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    c->flags &= ~TF_TLP;
    c->flags |= TF_TLP_SENT;
    if (c->snd_una == c->snd_max)
        return true;
    st->stats.tail_probes++;
    uint32_t data_end = c->sndq_seq + (uint32_t)c->sndq.len;
    uint32_t right = c->snd_una + c->snd_wnd;
    uint32_t room = SEQ_LT(c->snd_max, right) ? right - c->snd_max : 0;
    uint32_t avail = SEQ_LT(c->snd_max, data_end) ? data_end - c->snd_max : 0;
    if (c->snd_nxt == c->snd_max && u32_min(room, avail) >= 2u * c->mss) {
        for (int i = 0; i < 2; i++)
            c->snd_nxt += tcp_xmit(c, c->snd_nxt, c->mss, 0);
        c->snd_max = c->snd_nxt;
    } else {
        uint32_t end = seq_min(c->snd_max, data_end);
        uint32_t len = u32_min(end - c->snd_una, c->mss);
        st->stats.retransmits++;
        tcp_xmit(c, end - len, len, 0);
    }
    tcp_rexmit_arm(c);
    return true;
}

static bool fire_rexmit(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    c->t_rexmit = 0;
    if (c->flags & TF_TLP)
        return fire_tlp(c);
    if (c->state == TCP_SYN_SENT || c->state == TCP_SYN_RCVD)
        return fire_syn_rexmit(c);
    if (c->snd_una == c->snd_max)
        return true;
    st->stats.rto_fired++;
    if (++c->retries > st->cfg.data_retries) {
        st->stats.timeouts++;
        tcp_send_rst(c);
        tcp_set_closed(c, MG_ETIMEDOUT);
        return false;
    }
    tcp_cc_timeout(c);
    c->rto_ms = u32_min(c->rto_ms * 2, st->cfg.rto_max_ms);
    /* Go back to SND.UNA: its segment goes now whatever the windows say. */
    uint32_t data_end = c->sndq_seq + (uint32_t)c->sndq.len;
    uint32_t len = SEQ_LT(c->snd_una, data_end) ? u32_min(data_end - c->snd_una, c->mss) : 0;
    st->stats.retransmits++;
    c->snd_nxt = c->snd_una + tcp_xmit(c, c->snd_una, len, 0);
    if (SEQ_GT(c->snd_nxt, c->snd_max))
        c->snd_max = c->snd_nxt;
    tcp_rexmit_arm(c);
    return true;
}

static bool fire_persist(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    c->t_rexmit = 0;
    c->flags &= ~TF_PERSIST;
    uint32_t data_end = c->sndq_seq + (uint32_t)c->sndq.len;
    bool pending = SEQ_LT(c->snd_nxt, data_end) ||
                   ((c->flags & TF_FIN_QUEUED) && SEQ_LEQ(c->snd_nxt, data_end));
    if (!pending || c->snd_una != c->snd_max)
        return true;
    if (c->snd_wnd == 0) {
        /* Probing never gives up while the peer answers (RFC 9293
         * 3.8.6.1); only silence ends the connection. */
        if (++c->retries > st->cfg.data_retries) {
            st->stats.timeouts++;
            tcp_send_rst(c);
            tcp_set_closed(c, MG_ETIMEDOUT);
            return false;
        }
        st->stats.window_probes++;
        tcp_send_probe(c);
    } else {
        /* A window too small for sender-side SWS avoidance: the override
         * timer (RFC 9293 3.8.6.2.1) sends what fits. */
        uint32_t len = SEQ_LT(c->snd_nxt, data_end)
                           ? u32_min(u32_min(data_end - c->snd_nxt, c->snd_wnd), c->mss)
                           : 0;
        uint32_t took = tcp_xmit(c, c->snd_nxt, len, 0);
        c->snd_nxt += took;
        if (SEQ_GT(c->snd_nxt, c->snd_max))
            c->snd_max = c->snd_nxt;
        if (took) {
            tcp_rexmit_arm(c);
            return true;
        }
    }
    if (c->persist_shift < 16)
        c->persist_shift++;
    tcp_persist_arm(c);
    return true;
}

static bool fire_keep(struct tcp_conn *c, uint64_t now)
{
    struct tcp_stack *st = c->st;
    c->t_keep = 0;
    if (!c->keep_idle_ms)
        return true;
    if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT &&
        c->state != TCP_FIN_WAIT_2)
        return true;
    uint64_t due = c->last_rx + (uint64_t)c->keep_idle_ms * MS;
    if (now < due) {
        c->t_keep = due;
        return true;
    }
    if (c->keep_sent >= st->cfg.keep_probes) {
        st->stats.timeouts++;
        tcp_send_rst(c);
        tcp_set_closed(c, MG_ETIMEDOUT);
        return false;
    }
    /* With data outstanding the retransmission timer watches the peer. */
    if (c->snd_una == c->snd_max) {
        c->keep_sent++;
        st->stats.keepalive_probes++;
        tcp_send_probe(c);
    }
    c->t_keep = now + (uint64_t)st->cfg.keep_intvl_ms * MS;
    return true;
}

static bool fire_delack(struct tcp_conn *c)
{
    c->t_delack = 0;
    if (c->flags & TF_DELACK) {
        c->flags |= TF_ACKNOW;
        tcp_output(c);
    }
    return true;
}

static bool fire_reo(struct tcp_conn *c)
{
    tcp_rack_timer(c);
    if ((c->flags & (TF_SACK | TF_RECOVERY)) == TF_SACK && SEQ_GT(c->rack_lost, c->snd_una))
        tcp_cc_enter_recovery(c);
    tcp_output(c);
    return true;
}

static void run_due(struct tcp_conn *c, uint64_t now)
{
    if (c->t_2msl && c->t_2msl <= now && !fire_2msl(c))
        return;
    if (c->t_rexmit && c->t_rexmit <= now &&
        !((c->flags & TF_PERSIST) ? fire_persist(c) : fire_rexmit(c)))
        return;
    if (c->t_keep && c->t_keep <= now && !fire_keep(c, now))
        return;
    if (c->t_delack && c->t_delack <= now && !fire_delack(c))
        return;
    if (c->t_reo && c->t_reo <= now && !fire_reo(c))
        return;
    tcp_timer_update(c);
}

void tcp_timers(struct tcp_stack *st)
{
    uint64_t now = tcp_now(st);
    while (st->heap_len && st->heap[0]->t_next <= now) {
        struct tcp_conn *c = st->heap[0];
        run_due(c, now);
        /* A connection whose timers all fired and set none leaves the heap
         * through tcp_timer_update; one that is still at the root with a
         * past deadline would loop: push it forward. */
        if (st->heap_len && st->heap[0] == c && c->t_next <= now) {
            uint64_t t = earliest(c);
            if (t && t <= now) {
                c->t_rexmit = c->t_rexmit && c->t_rexmit <= now ? now + MS : c->t_rexmit;
                c->t_delack = c->t_delack && c->t_delack <= now ? now + MS : c->t_delack;
                c->t_keep = c->t_keep && c->t_keep <= now ? now + MS : c->t_keep;
                c->t_2msl = c->t_2msl && c->t_2msl <= now ? now + MS : c->t_2msl;
                c->t_reo = c->t_reo && c->t_reo <= now ? now + MS : c->t_reo;
            }
            tcp_timer_update(c);
        }
    }
}
