/* tcp_bq.c: byte queues in chunks: the send and receive buffers, counted against the stack's memory bound. */
#include <stdlib.h>
#include <string.h>

#include "tcp_int.h"

/* A queue starts with a small chunk (most connections carry little) and
 * continues with large ones (bulk transfers: few chunks, few pieces per
 * segment). */
#define BQ_SMALL 2048u
#define BQ_LARGE 16384u

static struct tcp_chunk *chunk_new(struct tcp_stack *st, uint32_t cap, bool force)
{
    uint64_t cost = sizeof(struct tcp_chunk) + cap;
    if (!force && st->mem_used + cost > st->cfg.mem_max)
        return NULL;
    struct tcp_chunk *ch = malloc(cost);
    if (!ch)
        return NULL;
    ch->next = NULL;
    ch->cap = cap;
    st->mem_used += cost;
    return ch;
}

static void chunk_free(struct tcp_stack *st, struct tcp_chunk *ch)
{
    st->mem_used -= sizeof(struct tcp_chunk) + ch->cap;
    free(ch);
}

size_t tcp_bq_append(struct tcp_stack *st, struct tcp_bq *q, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        if (!q->tail || q->end == q->tail->cap) {
            bool first = q->len == 0;
            uint32_t cap = first && len - done < BQ_SMALL ? BQ_SMALL : BQ_LARGE;
            struct tcp_chunk *ch = NULL;
            if (first && q->spare && cap == BQ_SMALL) {
                ch = q->spare;
                q->spare = NULL;
            } else {
                ch = chunk_new(st, cap, first);
                if (!ch && first && q->spare) {
                    ch = q->spare; /* short of memory: the spare will do */
                    q->spare = NULL;
                }
            }
            if (!ch) {
                st->stats.mem_drops++;
                break;
            }
            if (q->tail)
                q->tail->next = ch;
            else {
                q->head = ch;
                q->off = 0;
            }
            q->tail = ch;
            q->end = 0;
        }
        size_t n = q->tail->cap - q->end;
        if (n > len - done)
            n = len - done;
        memcpy(q->tail->data + q->end, p + done, n);
        q->end += (uint32_t)n;
        q->len += n;
        done += n;
    }
    return done;
}

void tcp_bq_drop(struct tcp_stack *st, struct tcp_bq *q, size_t n)
{
    if (n > q->len)
        n = q->len;
    q->len -= n;
    while (n > 0) {
        struct tcp_chunk *h = q->head;
        uint32_t in_head = (h == q->tail ? q->end : h->cap) - q->off;
        if (n < in_head) {
            q->off += (uint32_t)n;
            break;
        }
        n -= in_head;
        q->head = h->next;
        q->off = 0;
        if (!q->head)
            q->tail = NULL, q->end = 0;
        if (!q->head && !q->spare && h->cap == BQ_SMALL)
            q->spare = h; /* emptied: keep a small chunk as the spare */
        else
            chunk_free(st, h);
    }
    if (q->len == 0 && q->head) {
        /* Nothing left: give the last chunk back too, or keep it as the
         * spare if it is a small one and there is none. */
        if (!q->spare && q->head->cap == BQ_SMALL)
            q->spare = q->head;
        else
            chunk_free(st, q->head);
        q->head = q->tail = NULL;
        q->off = q->end = 0;
    }
}

bool tcp_bq_reserve(struct tcp_stack *st, struct tcp_bq *q)
{
    if (q->spare || q->len)
        return true;
    q->spare = chunk_new(st, BQ_SMALL, true);
    return q->spare != NULL;
}

void tcp_bq_free(struct tcp_stack *st, struct tcp_bq *q)
{
    while (q->head) {
        struct tcp_chunk *h = q->head;
        q->head = h->next;
        chunk_free(st, h);
    }
    if (q->spare) {
        chunk_free(st, q->spare);
        q->spare = NULL;
    }
    q->tail = NULL;
    q->off = q->end = 0;
    q->len = 0;
}

size_t tcp_bq_peek(const struct tcp_bq *q, const uint8_t **p)
{
    if (q->len == 0) {
        *p = NULL;
        return 0;
    }
    uint32_t in_head = (q->head == q->tail ? q->end : q->head->cap) - q->off;
    *p = q->head->data + q->off;
    return in_head;
}

size_t tcp_bq_gather(const struct tcp_bq *q, size_t from, size_t len, struct mg_iovec *iov,
                     size_t max, size_t *got)
{
    size_t n = 0, have = 0;
    if (from >= q->len || len == 0) {
        *got = 0;
        return 0;
    }
    if (len > q->len - from)
        len = q->len - from;
    const struct tcp_chunk *ch = q->head;
    size_t pos = from + q->off; /* offset from the head chunk's start */
    while (ch && pos >= ch->cap) {
        pos -= ch->cap;
        ch = ch->next;
    }
    while (ch && have < len && n < max) {
        size_t avail = (ch == q->tail ? q->end : ch->cap) - pos;
        if (avail > len - have)
            avail = len - have;
        iov[n].base = ch->data + pos;
        iov[n].len = avail;
        n++;
        have += avail;
        pos = 0;
        ch = ch->next;
    }
    *got = have;
    return n;
}
