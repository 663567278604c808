/* tcp_sack.c: the sender's SACK scoreboard (RFC 2018, DSACK of RFC 2883) and what it says: the pipe and the lost holes to resend (RFC 6675). */
#include <string.h>

#include "tcp_int.h"

static void sb_remove(struct tcp_conn *c, unsigned i)
{
    memmove(&c->sb[i], &c->sb[i + 1], (c->nsb - i - 1) * sizeof c->sb[0]);
    c->nsb--;
}

static void sb_insert(struct tcp_conn *c, uint32_t s, uint32_t e)
{
    /* Merge every block that overlaps or touches [s, e). */
    for (unsigned i = 0; i < c->nsb;) {
        if (SEQ_LEQ(c->sb[i].start, e) && SEQ_LEQ(s, c->sb[i].end)) {
            s = seq_min(s, c->sb[i].start);
            e = seq_max(e, c->sb[i].end);
            sb_remove(c, i);
        } else {
            i++;
        }
    }
    if (c->nsb == TCP_SCOREBOARD_MAX) {
        /* Full: forget the lowest block (its data may be resent needlessly,
         * never wrongly skipped). */
        if (SEQ_LT(s, c->sb[0].start))
            return;
        sb_remove(c, 0);
    }
    unsigned i = 0;
    while (i < c->nsb && SEQ_LT(c->sb[i].start, s))
        i++;
    memmove(&c->sb[i + 1], &c->sb[i], (c->nsb - i) * sizeof c->sb[0]);
    c->sb[i].start = s;
    c->sb[i].end = e;
    c->nsb++;
}

bool tcp_sack_update(struct tcp_conn *c, const struct tcp_seg *s, uint32_t *dstart, uint32_t *dend)
{
    bool dsack = false;
    if (s->nsack > 0) {
        uint32_t b = s->sack[0][0], e = s->sack[0][1];
        /* RFC 2883 4: below the cumulative ACK, or inside the second block. */
        if (SEQ_LT(b, e) &&
            (SEQ_LEQ(e, s->ack) || (s->nsack > 1 && SEQ_GEQ(b, s->sack[1][0]) &&
                                     SEQ_LEQ(e, s->sack[1][1])))) {
            dsack = true;
            *dstart = b;
            *dend = e;
        }
    }
    for (unsigned i = dsack ? 1 : 0; i < s->nsack; i++) {
        uint32_t b = s->sack[i][0], e = s->sack[i][1];
        /* Only blocks about data in flight; blocks beyond what we sent
         * are ignored. */
        if (!SEQ_LT(b, e) || SEQ_GT(e, c->snd_max) || SEQ_LEQ(e, c->snd_una))
            continue;
        if (SEQ_LT(b, c->snd_una))
            b = c->snd_una;
        sb_insert(c, b, e);
    }
    return dsack;
}

void tcp_sack_trim(struct tcp_conn *c)
{
    while (c->nsb > 0 && SEQ_LEQ(c->sb[0].end, c->snd_una))
        sb_remove(c, 0);
    if (c->nsb > 0 && SEQ_LT(c->sb[0].start, c->snd_una))
        c->sb[0].start = c->snd_una;
}

void tcp_sack_clear(struct tcp_conn *c) { c->nsb = 0; }

uint32_t tcp_sack_fack(const struct tcp_conn *c)
{
    return c->nsb ? c->sb[c->nsb - 1].end : c->snd_una;
}

uint32_t tcp_sack_bytes(const struct tcp_conn *c)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < c->nsb; i++)
        n += c->sb[i].end - c->sb[i].start;
    return n;
}

/* Bytes of [from, to) some block covers. */
static uint32_t sacked_in(const struct tcp_conn *c, uint32_t from, uint32_t to)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < c->nsb; i++) {
        uint32_t s = seq_max(c->sb[i].start, from), e = seq_min(c->sb[i].end, to);
        if (SEQ_LT(s, e))
            n += e - s;
    }
    return n;
}

uint32_t tcp_sack_lost_edge(const struct tcp_conn *c)
{
    /* Lost by count (RFC 6675 IsLost), or by time (RACK): the higher. */
    uint32_t edge = SEQ_GT(c->rack_lost, c->snd_una) ? c->rack_lost : c->snd_una;
    uint32_t thresh = c->reordering * (uint32_t)c->mss, acc = 0;
    for (unsigned i = c->nsb; i-- > 0;) {
        acc += c->sb[i].end - c->sb[i].start;
        if (acc >= thresh)
            return seq_max(edge, c->sb[i].start);
    }
    return edge;
}

uint32_t tcp_sack_pipe(const struct tcp_conn *c)
{
    /* RFC 6675 SetPipe: every byte not SACKed is in flight unless it is
     * lost; a lost one is again once it was resent (below high_rxt). */
    uint32_t unsacked = (c->snd_max - c->snd_una) - tcp_sack_bytes(c);
    uint32_t lost_edge = tcp_sack_lost_edge(c);
    uint32_t lost = 0, resent = 0;
    if (SEQ_GT(lost_edge, c->snd_una))
        lost = (lost_edge - c->snd_una) - sacked_in(c, c->snd_una, lost_edge);
    uint32_t hi = seq_min(c->high_rxt, lost_edge);
    if (SEQ_GT(hi, c->snd_una))
        resent = (hi - c->snd_una) - sacked_in(c, c->snd_una, hi);
    return unsacked - lost + resent;
}

bool tcp_sack_next_hole(const struct tcp_conn *c, uint32_t from, uint32_t max, uint32_t *seq,
                        uint32_t *len)
{
    uint32_t lost_edge = tcp_sack_lost_edge(c);
    if (SEQ_LT(from, c->snd_una))
        from = c->snd_una;
    for (unsigned i = 0; i < c->nsb && SEQ_LT(from, lost_edge); i++) {
        if (SEQ_LT(from, c->sb[i].start)) {
            *seq = from;
            *len = u32_min(seq_min(c->sb[i].start, lost_edge) - from, max);
            return true;
        }
        if (SEQ_LT(from, c->sb[i].end))
            from = c->sb[i].end;
    }
    return false;
}
