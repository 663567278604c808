/* tcp_stack.c: a TCP engine instance: configuration defaults, creation, teardown, counters. */
#include <stdlib.h>
#include <string.h>

#include "tcp_int.h"

void tcp_cfg_default(struct tcp_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    /* 256 KiB each way fills a 1 Gbit/s path of 2 ms RTT; scaled windows. */
    cfg->rcvbuf = 256 * 1024;
    cfg->sndbuf = 256 * 1024;
    cfg->mem_max = 64ull * 1024 * 1024;
    cfg->max_conns = 65536;
    /* RFC 9293 says MSL is 2 minutes; Linux holds TIME_WAIT for 60 s. */
    cfg->msl_ms = 30000;
    cfg->tw_max = 4096;
    cfg->syn_backlog = 256;
    cfg->rto_min_ms = 200;
    cfg->rto_max_ms = 60000;
    cfg->rto_init_ms = 1000;
    cfg->delack_ms = 40;
    cfg->keep_intvl_ms = 75000;
    cfg->keep_probes = 9;
    cfg->syn_retries = 6;
    cfg->data_retries = 15;
    cfg->fin_wait2_ms = 60000;
    cfg->ooo_max = 256 * 1024;
    cfg->challenge_acks_per_s = 1000;
}

struct tcp_stack *tcp_stack_new(const struct tcp_cfg *cfg, const struct tcp_env *env,
                                const uint8_t secret[16])
{
    if (!env->now || !env->output || !env->route)
        return NULL;
    struct tcp_stack *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    st->cfg = *cfg;
    if (st->cfg.rcvbuf < 4096)
        st->cfg.rcvbuf = 4096;
    if (st->cfg.sndbuf < 4096)
        st->cfg.sndbuf = 4096;
    if (st->cfg.rto_min_ms == 0)
        st->cfg.rto_min_ms = 1;
    if (st->cfg.rto_max_ms < st->cfg.rto_min_ms)
        st->cfg.rto_max_ms = st->cfg.rto_min_ms;
    if (st->cfg.rto_init_ms < st->cfg.rto_min_ms)
        st->cfg.rto_init_ms = st->cfg.rto_min_ms;
    st->env = *env;
    st->nbuckets = 1024;
    st->buckets = calloc(st->nbuckets, sizeof *st->buckets);
    if (!st->buckets) {
        free(st);
        return NULL;
    }
    tcp_keys_init(st, secret);
    /* Ephemeral ports start somewhere nobody can guess. */
    st->next_port = (uint16_t)(tcp_siphash(st->hash_key, "port", 4) % 16384);
    st->armed = UINT64_MAX;
    return st;
}

void tcp_stack_free(struct tcp_stack *st)
{
    while (st->all)
        tcp_release(st->all);
    while (st->listeners) {
        struct tcp_listener *l = st->listeners;
        st->listeners = l->next;
        free(l);
    }
    free(st->buckets);
    free(st->heap);
    free(st);
}

void tcp_stack_reset_all(struct tcp_stack *st)
{
    for (struct tcp_conn *c = st->all, *next; c; c = next) {
        next = c->all_next;
        if (c->state == TCP_CLOSED)
            continue;
        if (c->state != TCP_SYN_SENT && c->state != TCP_TIME_WAIT)
            tcp_send_rst(c);
        /* Closing may free c; next stays valid (only c is freed). */
        tcp_set_closed(c, MG_ECONNRESET);
    }
}

const struct tcp_stats *tcp_stack_stats(const struct tcp_stack *st) { return &st->stats; }
size_t tcp_stack_conns(const struct tcp_stack *st) { return st->nconns; }
size_t tcp_stack_time_wait(const struct tcp_stack *st) { return st->tw_count; }
uint64_t tcp_stack_mem(const struct tcp_stack *st) { return st->mem_used; }

const char *tcp_state_name(enum tcp_state s)
{
    static const char *const names[] = {
        "CLOSED",     "LISTEN",     "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
        "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING",  "LAST_ACK", "TIME_WAIT",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}
