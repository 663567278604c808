/* tcp_ooo.c: the out-of-order queue: bounded reassembly beyond RCV.NXT and the SACK blocks it yields. */
#include <stdlib.h>
#include <string.h>

#include "tcp_int.h"

/* What an entry costs against the bounds: its payload, its header and the
 * allocator's overhead, so that a flood of one-byte segments is bounded
 * by memory, not by payload bytes. */
static size_t oseg_cost(uint32_t len) { return sizeof(struct tcp_oseg) + len + 16; }

static struct tcp_oseg *oseg_new(struct tcp_conn *c, uint32_t seq, const uint8_t *data,
                                 uint32_t len)
{
    struct tcp_stack *st = c->st;
    size_t cost = oseg_cost(len);
    if (c->ooo.cost + cost > st->cfg.ooo_max || st->mem_used + cost > st->cfg.mem_max)
        return NULL;
    struct tcp_oseg *x = malloc(sizeof *x + len);
    if (!x)
        return NULL;
    x->next = NULL;
    x->seq = seq;
    x->len = len;
    memcpy(x->data, data, len);
    c->ooo.cost += cost;
    c->ooo.bytes += len;
    c->ooo.nsegs++;
    st->mem_used += cost;
    return x;
}

static void oseg_free(struct tcp_conn *c, struct tcp_oseg *x)
{
    size_t cost = oseg_cost(x->len);
    c->ooo.cost -= cost;
    c->ooo.bytes -= x->len;
    c->ooo.nsegs--;
    c->st->mem_used -= cost;
    free(x);
}

bool tcp_ooo_add(struct tcp_conn *c, uint32_t seq, const uint8_t *data, uint32_t len, bool fin)
{
    uint32_t end = seq + len;
    bool ok = true;
    if (fin && !c->ooo.fin) {
        c->ooo.fin = true;
        c->ooo.fin_seq = end;
    }
    c->ooo.last_seq = seq;
    /* Only the bytes no entry holds yet are stored: existing entries win. */
    struct tcp_oseg **pp = &c->ooo.head;
    uint32_t cur = seq;
    while (SEQ_LT(cur, end)) {
        struct tcp_oseg *x = *pp;
        if (x && SEQ_LEQ(x->seq + x->len, cur)) {
            pp = &x->next;
            continue;
        }
        uint32_t stop = x && SEQ_LT(x->seq, end) ? x->seq : end;
        if (SEQ_LT(cur, stop)) {
            struct tcp_oseg *n = oseg_new(c, cur, data + (cur - seq), stop - cur);
            if (!n) {
                c->st->stats.ooo_drops++;
                ok = false;
                break;
            }
            n->next = x;
            *pp = n;
            pp = &n->next;
            cur = stop;
            continue;
        }
        /* x starts at or before cur and covers it. */
        cur = x->seq + x->len;
        pp = &x->next;
    }
    return ok;
}

bool tcp_ooo_drain(struct tcp_conn *c)
{
    struct tcp_oseg *x;
    while ((x = c->ooo.head) && SEQ_LEQ(x->seq, c->rcv_nxt)) {
        uint32_t end = x->seq + x->len;
        if (SEQ_GT(end, c->rcv_nxt)) {
            uint32_t skip = c->rcv_nxt - x->seq;
            size_t want = x->len - skip;
            size_t got = tcp_bq_append(c->st, &c->rcvq, x->data + skip, want);
            c->rcv_nxt += (uint32_t)got;
            if (got < want)
                break; /* memory is short: the rest stays here */
        }
        c->ooo.head = x->next;
        oseg_free(c, x);
    }
    return c->ooo.fin && c->rcv_nxt == c->ooo.fin_seq;
}

void tcp_ooo_free(struct tcp_conn *c)
{
    while (c->ooo.head) {
        struct tcp_oseg *x = c->ooo.head;
        c->ooo.head = x->next;
        oseg_free(c, x);
    }
    c->ooo.fin = false;
}

size_t tcp_ooo_sack(const struct tcp_conn *c, uint32_t (*blk)[2], size_t max)
{
    /* Runs of contiguous entries, highest last; the one holding the latest
     * arrival goes first, the others follow from the highest down. */
    enum { RUNS = 32 };
    uint32_t runs[RUNS][2];
    size_t nruns = 0;
    uint32_t latest[2] = {0, 0};
    bool have_latest = false;
    const struct tcp_oseg *x = c->ooo.head;
    while (x) {
        uint32_t s = x->seq, e = x->seq + x->len;
        while (x->next && x->next->seq == e) {
            x = x->next;
            e = x->seq + x->len;
        }
        if (SEQ_LEQ(s, c->ooo.last_seq) && SEQ_LT(c->ooo.last_seq, e)) {
            latest[0] = s;
            latest[1] = e;
            have_latest = true;
        } else {
            if (nruns == RUNS) {
                memmove(runs, runs + 1, sizeof runs[0] * (RUNS - 1));
                nruns--;
            }
            runs[nruns][0] = s;
            runs[nruns][1] = e;
            nruns++;
        }
        x = x->next;
    }
    size_t n = 0;
    if (have_latest && n < max) {
        blk[n][0] = latest[0];
        blk[n][1] = latest[1];
        n++;
    }
    while (nruns > 0 && n < max) {
        nruns--;
        blk[n][0] = runs[nruns][0];
        blk[n][1] = runs[nruns][1];
        n++;
    }
    return n;
}
