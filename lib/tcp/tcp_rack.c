/* tcp_rack.c: RACK loss detection (RFC 8985) over a log of transmissions: losses by time, not by
 * counting duplicate ACKs, so that small windows and lost retransmissions recover without a timeout;
 * and round-trip samples of microseconds from the same log. */
#include <stdlib.h>

#include "tcp_int.h"

/* Transmissions remembered per connection at most: a window of 4 MiB (the
 * congestion window's cap, twice the 2 MiB send buffer) in full segments
 * is about 2900. Beyond, the oldest are forgotten and their losses are
 * left to the SACK count and the timers. */
#define XR_MAX 4096u

static struct tcp_xrec *xr_at(const struct tcp_conn *c, uint32_t i)
{
    return &c->xr[(c->xr_head + i) % c->xr_cap];
}

static void xr_pop(struct tcp_conn *c)
{
    if (xr_at(c, 0)->rexmit)
        c->xr_nrx--;
    c->xr_head = (c->xr_head + 1) % c->xr_cap;
    c->xr_len--;
}

static bool xr_grow(struct tcp_conn *c)
{
    uint32_t cap = c->xr_cap ? c->xr_cap * 2 : 16;
    if (cap > XR_MAX)
        return false;
    struct tcp_xrec *n = malloc(cap * sizeof *n);
    if (!n)
        return false;
    for (uint32_t i = 0; i < c->xr_len; i++)
        n[i] = *xr_at(c, i);
    free(c->xr);
    c->xr = n;
    c->xr_cap = cap;
    c->xr_head = 0;
    return true;
}

void tcp_rack_sent(struct tcp_conn *c, uint32_t start, uint32_t end, uint32_t piece, bool rexmit)
{
    if (rexmit) {
        /* Older transmissions of these bytes are judged no more: only the
         * newest one can still arrive in time to matter. */
        for (uint32_t i = 0; i < c->xr_len; i++) {
            struct tcp_xrec *r = xr_at(c, i);
            if (SEQ_LT(r->start, end) && SEQ_LT(start, r->end))
                r->dead = true;
        }
    }
    /* A large segment (cut by the device) is logged per MSS, as it
     * travels: a part of it may be lost while the rest is SACKed. */
    uint64_t now = tcp_now(c->st);
    for (uint32_t s = start; SEQ_LT(s, end);) {
        uint32_t e = piece && end - s > piece ? s + piece : end;
        if (c->xr_len == c->xr_cap && !xr_grow(c)) {
            if (!c->xr_cap)
                return;
            xr_pop(c);
        }
        struct tcp_xrec *r = &c->xr[(c->xr_head + c->xr_len) % c->xr_cap];
        r->start = s;
        r->end = e;
        r->ts = now;
        r->n = ++c->xr_n;
        r->rexmit = rexmit;
        r->dead = false;
        c->xr_len++;
        if (rexmit)
            c->xr_nrx++;
        s = e;
    }
}

void tcp_rack_free(struct tcp_conn *c)
{
    free(c->xr);
    c->xr = NULL;
    c->xr_cap = c->xr_len = c->xr_head = c->xr_nrx = 0;
}

static bool sacked(const struct tcp_conn *c, uint32_t start, uint32_t end)
{
    for (unsigned i = 0; i < c->nsb; i++)
        if (SEQ_LEQ(c->sb[i].start, start) && SEQ_LEQ(end, c->sb[i].end))
            return true;
    return false;
}

/* RFC 8985 6.2: a quarter of the minimum RTT, more after DSACKs showed
 * reordering, never more than the smoothed RTT. */
static uint64_t reo_wnd_ns(const struct tcp_conn *c)
{
    uint64_t w = (uint64_t)c->min_rtt_us * c->reo_wnd_mult / 4;
    if (c->srtt_us && w > c->srtt_us)
        w = c->srtt_us;
    return w * 1000u;
}

static void detect(struct tcp_conn *c, uint64_t now)
{
    if (!c->rack_n)
        return;
    uint64_t wait = 0, reo = reo_wnd_ns(c), rtt = (uint64_t)c->rack_rtt_us * 1000u;
    for (uint32_t i = 0; i < c->xr_len; i++) {
        const struct tcp_xrec *r = xr_at(c, i);
        /* Judged: only what went out before the newest delivered segment
         * (RFC 8985's RACK_sent_after, in the log's own order: segments
         * sent at one instant, as the pieces of a large one, stay ordered). */
        if ((int32_t)(r->n - c->rack_n) >= 0)
            break;
        if (r->dead || SEQ_LEQ(r->end, c->snd_una) || sacked(c, r->start, r->end))
            continue;
        uint64_t due = r->ts + rtt + reo;
        if (now < due) {
            if (!wait || due < wait)
                wait = due;
            continue;
        }
        if (!r->rexmit || !(c->flags & TF_RECOVERY)) {
            /* Outside recovery a resent segment lost again (after a
             * timeout) is a loss like any other: recovery repairs it,
             * rather than one more timeout. */
            if (SEQ_GT(r->end, c->rack_lost))
                c->rack_lost = r->end;
        } else if (SEQ_LT(r->start, c->high_rxt) && SEQ_GEQ(r->start, c->snd_una)) {
            /* A resent segment lost again: it goes once more. */
            c->high_rxt = r->start;
        }
    }
    if (SEQ_LT(c->rack_lost, c->snd_una))
        c->rack_lost = c->snd_una;
    if (wait != c->t_reo) {
        c->t_reo = wait;
        tcp_timer_update(c);
    }
}

void tcp_rack_update(struct tcp_conn *c, bool acked)
{
    (void)acked;
    uint64_t now = tcp_now(c->st);
    /* The newest transmission now delivered (acked or SACKed); the log is
     * in time order, so the search stops at what was known already. */
    struct tcp_xrec newest = {0};
    bool found = false;
    if (c->nsb == 0 && c->xr_nrx == 0) {
        /* Nothing SACKed, nothing resent: the log is in sequence order and
         * what was delivered is the acknowledged front, about to go. (The
         * walk from the back would cross the whole flight on every ACK.) */
        for (uint32_t i = 0; i < c->xr_len; i++) {
            const struct tcp_xrec *r = xr_at(c, i);
            if (!SEQ_LEQ(r->end, c->snd_una))
                break;
            if (!r->dead && (!c->rack_n || (int32_t)(r->n - c->rack_n) > 0)) {
                newest = *r;
                found = true;
            }
        }
    } else {
        for (uint32_t i = c->xr_len; i-- > 0;) {
            const struct tcp_xrec *r = xr_at(c, i);
            if (c->rack_n && (int32_t)(r->n - c->rack_n) <= 0)
                break;
            if (!r->dead && (SEQ_LEQ(r->end, c->snd_una) || sacked(c, r->start, r->end))) {
                newest = *r;
                found = true;
                break;
            }
        }
    }
    while (c->xr_len && SEQ_LEQ(xr_at(c, 0)->end, c->snd_una))
        xr_pop(c);
    if (found) {
        uint32_t rtt = (uint32_t)((now - newest.ts) / 1000u);
        if (!newest.rexmit) {
            /* Microseconds, from our own clock: far finer than the
             * timestamp option's milliseconds. */
            tcp_rtt_sample(c, rtt);
            if (!c->min_rtt_us || rtt < c->min_rtt_us)
                c->min_rtt_us = rtt ? rtt : 1;
        }
        /* A resent segment's round trip is ambiguous (Karn) unless it
         * clearly comes from the resending (RFC 8985 6.2 step 2). */
        if (!newest.rexmit || rtt >= c->min_rtt_us) {
            c->rack_n = newest.n;
            c->rack_rtt_us = rtt;
        }
    }
    if ((c->flags & TF_SACK) && (c->nsb || c->t_reo))
        detect(c, now);
    else if (c->t_reo) {
        c->t_reo = 0;
        tcp_timer_update(c);
    }
}

void tcp_rack_timer(struct tcp_conn *c)
{
    c->t_reo = 0;
    detect(c, tcp_now(c->st));
}
