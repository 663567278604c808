/* tcp_table.c: connections by 4-tuple, listeners, and the end of a connection's life (TIME_WAIT, close, free). */
#include <stdlib.h>
#include <string.h>

#include "tcp_int.h"

bool tcp_ip_eq(const struct mg_ip *a, const struct mg_ip *b)
{
    if (a->version != b->version)
        return false;
    return a->version == 6 ? memcmp(a->u.v6.b, b->u.v6.b, 16) == 0
                           : memcmp(a->u.v4.b, b->u.v4.b, 4) == 0;
}

bool tcp_tuple_eq(const struct tcp_tuple *a, const struct tcp_tuple *b)
{
    return a->lport == b->lport && a->rport == b->rport && tcp_ip_eq(&a->raddr, &b->raddr) &&
           tcp_ip_eq(&a->laddr, &b->laddr);
}

struct tcp_conn *tcp_conn_new(struct tcp_stack *st, const struct tcp_tuple *t)
{
    /* Room in the timer heap for every connection, taken now: arming a
     * timer later must not be able to fail. */
    if (st->heap_cap < st->nconns + 1) {
        size_t cap = st->heap_cap ? st->heap_cap * 2 : 64;
        struct tcp_conn **h = realloc(st->heap, cap * sizeof *h);
        if (!h)
            return NULL;
        st->heap = h;
        st->heap_cap = cap;
    }
    struct tcp_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->st = st;
    c->t = *t;
    c->heap_idx = SIZE_MAX;
    c->all_next = st->all;
    if (st->all)
        st->all->all_prev = c;
    st->all = c;
    st->nconns++;
    return c;
}

static void table_grow(struct tcp_stack *st)
{
    size_t n = st->nbuckets * 2;
    struct tcp_conn **b = calloc(n, sizeof *b);
    if (!b)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < st->nbuckets; i++) {
        struct tcp_conn *c = st->buckets[i];
        while (c) {
            struct tcp_conn *next = c->hnext;
            size_t h = tcp_tuple_hash(st, &c->t) & (n - 1);
            c->hnext = b[h];
            b[h] = c;
            c = next;
        }
    }
    free(st->buckets);
    st->buckets = b;
    st->nbuckets = n;
}

void tcp_table_add(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    if (c->in_table)
        return;
    if (st->in_table >= st->nbuckets * 2)
        table_grow(st);
    size_t h = tcp_tuple_hash(st, &c->t) & (st->nbuckets - 1);
    c->hnext = st->buckets[h];
    st->buckets[h] = c;
    c->in_table = true;
    st->in_table++;
}

void tcp_table_del(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    if (!c->in_table)
        return;
    size_t h = tcp_tuple_hash(st, &c->t) & (st->nbuckets - 1);
    for (struct tcp_conn **pp = &st->buckets[h]; *pp; pp = &(*pp)->hnext)
        if (*pp == c) {
            *pp = c->hnext;
            break;
        }
    c->hnext = NULL;
    c->in_table = false;
    st->in_table--;
}

struct tcp_conn *tcp_table_find(struct tcp_stack *st, const struct tcp_tuple *t)
{
    size_t h = tcp_tuple_hash(st, t) & (st->nbuckets - 1);
    for (struct tcp_conn *c = st->buckets[h]; c; c = c->hnext)
        if (tcp_tuple_eq(&c->t, t))
            return c;
    return NULL;
}

struct tcp_listener *tcp_listener_match(struct tcp_stack *st, const struct mg_ip *addr,
                                        uint16_t port)
{
    struct tcp_listener *any = NULL;
    for (struct tcp_listener *l = st->listeners; l; l = l->next) {
        if (l->port != port)
            continue;
        if (!l->any && tcp_ip_eq(&l->addr, addr))
            return l;
        if (l->any && (!any))
            any = l;
    }
    return any;
}

void tcp_listener_detach(struct tcp_conn *c)
{
    struct tcp_listener *l = c->lst;
    if (!l)
        return;
    if (c->in_acceptq) {
        for (struct tcp_conn **pp = &l->q_head, *prev = NULL; *pp; prev = *pp, pp = &(*pp)->qnext)
            if (*pp == c) {
                *pp = c->qnext;
                if (l->q_tail == c)
                    l->q_tail = prev;
                break;
            }
        l->q_len--;
        c->in_acceptq = false;
    } else if (l->syn_count > 0) {
        l->syn_count--;
    }
    c->qnext = NULL;
    c->lst = NULL;
}

void tcp_tw_unlink(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    if (!c->in_tw)
        return;
    if (c->tw_prev)
        c->tw_prev->tw_next = c->tw_next;
    else
        st->tw_head = c->tw_next;
    if (c->tw_next)
        c->tw_next->tw_prev = c->tw_prev;
    else
        st->tw_tail = c->tw_prev;
    c->tw_prev = c->tw_next = NULL;
    c->in_tw = false;
    st->tw_count--;
}

void tcp_release(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    tcp_timer_remove(c);
    tcp_table_del(c);
    tcp_listener_detach(c);
    tcp_tw_unlink(c);
    tcp_bq_free(st, &c->sndq);
    tcp_bq_free(st, &c->rcvq);
    tcp_ooo_free(c);
    tcp_rack_free(c);
    if (c->all_prev)
        c->all_prev->all_next = c->all_next;
    else
        st->all = c->all_next;
    if (c->all_next)
        c->all_next->all_prev = c->all_prev;
    st->nconns--;
    free(c);
}

void tcp_notify(struct tcp_conn *c, unsigned ev)
{
    if ((c->flags & TF_USER) && c->st->env.event)
        c->st->env.event(c->st->env.arg, c, ev);
}

void tcp_set_closed(struct tcp_conn *c, int err)
{
    struct tcp_stack *st = c->st;
    c->state = TCP_CLOSED;
    if (!c->err)
        c->err = err;
    c->t_rexmit = c->t_delack = c->t_keep = c->t_2msl = c->t_reo = 0;
    c->flags &= ~(TF_ACKNOW | TF_DELACK | TF_PERSIST);
    tcp_timer_remove(c);
    tcp_rack_free(c);
    tcp_table_del(c);
    tcp_listener_detach(c);
    tcp_tw_unlink(c);
    tcp_bq_free(st, &c->sndq);
    tcp_ooo_free(c);
    if (!c->rcvq.len)
        tcp_bq_free(st, &c->rcvq);
    if (!(c->flags & TF_USER)) {
        tcp_release(c);
        return;
    }
    /* The user still holds it: what was received stays readable. */
    tcp_notify(c, TCP_EV_READ | TCP_EV_WRITE | TCP_EV_CONNECT);
}

bool tcp_enter_time_wait(struct tcp_conn *c)
{
    struct tcp_stack *st = c->st;
    if (st->cfg.tw_max == 0) {
        tcp_set_closed(c, 0);
        return false;
    }
    c->state = TCP_TIME_WAIT;
    c->t_rexmit = c->t_delack = c->t_keep = c->t_reo = 0;
    tcp_rack_free(c);
    c->flags &= ~(TF_DELACK | TF_PERSIST);
    c->t_2msl = tcp_now(st) + 2ull * st->cfg.msl_ms * 1000000ull;
    tcp_bq_free(st, &c->sndq);
    tcp_ooo_free(c);
    if (!c->rcvq.len)
        tcp_bq_free(st, &c->rcvq); /* its spare: nothing more will come */
    if (!c->in_tw) {
        c->tw_prev = st->tw_tail;
        c->tw_next = NULL;
        if (st->tw_tail)
            st->tw_tail->tw_next = c;
        else
            st->tw_head = c;
        st->tw_tail = c;
        c->in_tw = true;
        st->tw_count++;
    }
    tcp_timer_update(c);
    tcp_notify(c, TCP_EV_READ | TCP_EV_WRITE);
    /* Churn must not pile up: past the bound the oldest goes. With
     * timestamps PAWS still protects a quick reincarnation of its tuple. */
    while (st->tw_count > st->cfg.tw_max && st->tw_head && st->tw_head != c) {
        st->stats.tw_evicted++;
        tcp_set_closed(st->tw_head, 0);
    }
    return true;
}

void tcp_conn_setup(struct tcp_conn *c, size_t mtu)
{
    struct tcp_stack *st = c->st;
    size_t mss = mtu > TCP_HLEN ? mtu - TCP_HLEN : 0;
    if (mss < TCP_MSS_MIN)
        mss = TCP_MSS_MIN;
    if (mss > 65535)
        mss = 65535;
    c->adv_mss = (uint16_t)mss;
    c->peer_mss = c->t.raddr.version == 6 ? TCP_MSS_DEFAULT_V6 : TCP_MSS_DEFAULT_V4;
    c->rcv_wscale = 0;
    if (!st->cfg.no_wscale)
        while (c->rcv_wscale < TCP_WSCALE_MAX && (65535u << c->rcv_wscale) < st->cfg.rcvbuf)
            c->rcv_wscale++;
    c->ts_offset = tcp_ts_offset(st, &c->t);
    c->rto_ms = st->cfg.rto_init_ms;
    c->last_rx = tcp_now(st);
    tcp_conn_set_mss(c);
    tcp_cc_init(c);
}

void tcp_conn_set_mss(struct tcp_conn *c)
{
    uint32_t m = u32_min(c->peer_mss, c->adv_mss);
    if (c->flags & TF_TS)
        m -= TCP_TS_OPTLEN;
    if (m < TCP_MSS_MIN - TCP_TS_OPTLEN)
        m = TCP_MSS_MIN - TCP_TS_OPTLEN;
    c->mss = (uint16_t)m;
}
