/* ipv4_reasm.c: the reassembly engine (see ipv4_reasm.h for the rules and limits). */
#include <stdlib.h>
#include <string.h>

#include <mirage/ip.h>

#include "ipv4_reasm.h"

void ipv4_reasm_init(struct ipv4_reasm *r, size_t max_bytes)
{
    memset(r, 0, sizeof *r);
    r->max_bytes = max_bytes ? max_bytes : REASM_MAX_BYTES_DEFAULT;
}

static void slot_free(struct ipv4_reasm *r, struct reasm_dgram *d)
{
    r->bytes -= d->cap;
    free(d->buf);
    memset(d, 0, sizeof *d);
}

static void release_done(struct ipv4_reasm *r)
{
    free(r->done);
    r->done = NULL;
}

void ipv4_reasm_free(struct ipv4_reasm *r)
{
    for (size_t i = 0; i < REASM_SLOTS; i++)
        if (r->d[i].used)
            slot_free(r, &r->d[i]);
    release_done(r);
}

size_t ipv4_reasm_pending(const struct ipv4_reasm *r)
{
    size_t n = 0;
    for (size_t i = 0; i < REASM_SLOTS; i++)
        n += r->d[i].used;
    return n;
}

void ipv4_reasm_expire(struct ipv4_reasm *r, uint64_t now, reasm_timeout_fn fn, void *arg)
{
    for (size_t i = 0; i < REASM_SLOTS; i++) {
        struct reasm_dgram *d = &r->d[i];
        if (!d->used || d->deadline > now)
            continue;
        r->stats.timeouts++;
        if (fn && d->have_first)
            fn(arg, &d->first, d->first_hdr, d->first_hlen, d->first_len);
        slot_free(r, d);
    }
}

static struct reasm_dgram *oldest(struct ipv4_reasm *r, const struct reasm_dgram *except)
{
    struct reasm_dgram *o = NULL;
    for (size_t i = 0; i < REASM_SLOTS; i++) {
        struct reasm_dgram *d = &r->d[i];
        if (d->used && d != except && (!o || d->deadline < o->deadline))
            o = d;
    }
    return o;
}

static struct reasm_dgram *find_or_make(struct ipv4_reasm *r, const struct ipv4_hdr *h,
                                        uint64_t now)
{
    struct reasm_dgram *free_slot = NULL;
    for (size_t i = 0; i < REASM_SLOTS; i++) {
        struct reasm_dgram *d = &r->d[i];
        if (!d->used) {
            if (!free_slot)
                free_slot = d;
            continue;
        }
        if (d->id == h->id && d->proto == h->proto && ipv4_eq(&d->src, &h->src) &&
            ipv4_eq(&d->dst, &h->dst))
            return d;
    }
    if (!free_slot) {
        free_slot = oldest(r, NULL);
        r->stats.evicted++;
        slot_free(r, free_slot);
    }
    struct reasm_dgram *d = free_slot;
    d->used = true;
    d->src = h->src;
    d->dst = h->dst;
    d->proto = h->proto;
    d->id = h->id;
    d->deadline = now + REASM_TIMEOUT_NS;
    return d;
}

/* Make d's buffer hold need bytes within the memory cap: 0, or -1. */
static int reserve(struct ipv4_reasm *r, struct reasm_dgram *d, size_t need)
{
    if (need <= d->cap)
        return 0;
    size_t cap = d->have_last ? d->total : need < 2 * d->cap ? 2 * d->cap : need;
    if (cap > REASM_PAYLOAD_MAX)
        cap = REASM_PAYLOAD_MAX;
    if (cap < need)
        cap = need;
    if (cap > r->max_bytes)
        return -1; /* could never fit: keep the others */
    while (r->bytes - d->cap + cap > r->max_bytes) {
        struct reasm_dgram *o = oldest(r, d);
        if (!o)
            return -1;
        r->stats.evicted++;
        slot_free(r, o);
    }
    uint8_t *nb = realloc(d->buf, cap);
    if (!nb)
        return -1;
    memset(nb + d->cap, 0, cap - d->cap);
    r->bytes += cap - d->cap;
    d->buf = nb;
    d->cap = cap;
    return 0;
}

static bool block_has(const struct reasm_dgram *d, size_t b)
{
    return d->bitmap[b / 8] & (1u << (b % 8));
}

static enum reasm_result drop(struct ipv4_reasm *r, struct reasm_dgram *d, uint64_t *counter)
{
    (*counter)++;
    if (d)
        slot_free(r, d);
    return REASM_DROPPED;
}

enum reasm_result ipv4_reasm_input(struct ipv4_reasm *r, const struct ipv4_hdr *h,
                                   const uint8_t *raw_hdr, const uint8_t *payload, uint64_t now,
                                   struct reasm_out *out)
{
    release_done(r);
    r->stats.fragments++;
    ipv4_reasm_expire(r, now, NULL, NULL);
    size_t len = (size_t)h->total_len - h->hlen;
    size_t off = h->frag_off, end = off + len;
    /* Every fragment but the last carries a whole number of 8-byte blocks,
     * and none is empty. RFC 1858: a TCP fragment at offset 8 can only be
     * there to rewrite the first fragment's TCP flags. */
    if (len == 0 || (h->mf && (len & 7)) || (h->proto == MG_IPPROTO_TCP && off == 8))
        return drop(r, NULL, &r->stats.bad_fragments);

    struct reasm_dgram *d = find_or_make(r, h, now);
    if (h->mf) {
        if (d->have_last && end > d->total)
            return drop(r, d, &r->stats.overlaps);
    } else {
        if ((d->have_last && d->total != end) || d->end_max > end)
            return drop(r, d, &r->stats.overlaps);
        d->have_last = true;
        d->total = end;
    }
    if (reserve(r, d, end) < 0)
        return drop(r, d, &r->stats.no_memory);

    for (size_t b = off / 8; b * 8 < end; b++) {
        size_t bs = b * 8, be = bs + 8 < end ? bs + 8 : end;
        if (block_has(d, b)) {
            if (memcmp(d->buf + bs, payload + (bs - off), be - bs) != 0)
                return drop(r, d, &r->stats.overlaps);
        } else {
            memcpy(d->buf + bs, payload + (bs - off), be - bs);
            d->bitmap[b / 8] |= (uint8_t)(1u << (b % 8));
            d->covered += be - bs;
        }
    }
    if (end > d->end_max)
        d->end_max = end;
    if (off == 0 && !d->have_first) {
        d->have_first = true;
        d->first = *h;
        d->first_hlen = h->hlen;
        d->first_len = h->hlen + (len < 8 ? len : 8);
        memcpy(d->first_hdr, raw_hdr, h->hlen);
        memcpy(d->first_hdr + h->hlen, payload, d->first_len - h->hlen);
    }
    if (!d->have_last || d->covered != d->total)
        return REASM_HELD;

    /* Complete: hand the buffer over until the next call. */
    r->stats.reassembled++;
    r->done = d->buf;
    r->bytes -= d->cap;
    memcpy(r->done_hdr, d->first_hdr, d->first_hlen);
    out->hdr = d->first;
    out->hdr.total_len = (uint16_t)(d->first_hlen + d->total);
    out->hdr.mf = false;
    out->hdr.frag_off = 0;
    out->raw_hdr = r->done_hdr;
    out->raw_hlen = d->first_hlen;
    out->data = r->done;
    out->len = d->total;
    d->buf = NULL;
    d->cap = 0;
    slot_free(r, d);
    return REASM_DONE;
}
