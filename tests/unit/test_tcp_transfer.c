/* sources: lib/tcp/tcp_bq.c lib/tcp/tcp_cc.c lib/tcp/tcp_hash.c lib/tcp/tcp_icmp.c lib/tcp/tcp_input.c lib/tcp/tcp_listen.c lib/tcp/tcp_ooo.c lib/tcp/tcp_output.c lib/tcp/tcp_rack.c lib/tcp/tcp_sack.c lib/tcp/tcp_stack.c lib/tcp/tcp_table.c lib/tcp/tcp_timer.c lib/tcp/tcp_user.c lib/tcp/tcp_wire.c lib/inet/inet_csum.c */
/* test_tcp_transfer.c: TCP engines under load: bulk transfers over a lossy, reordering, duplicating, corrupting wire (data verified), slow readers, TSO, 10,000 connections of churn, a SYN flood, 1000 connections at once. */
#include "tcp_wire.h"

/* One direction of a transfer: the application on each end. */
struct xfer {
    struct tcp_conn *snd, *rcv;
    uint64_t total, sent, got;
    bool fin_sent, eof, bad;
    uint64_t read_per_ms; /* 0: read everything at once */
    uint64_t last_read;
    uint64_t bad_at;
};

static void xfer_pump(struct xfer *x)
{
    static uint8_t buf[65536];
    while (x->snd && x->sent < x->total) {
        size_t n = x->total - x->sent < sizeof buf ? (size_t)(x->total - x->sent) : sizeof buf;
        size_t room = tcp_send_space(x->snd);
        if (room == 0)
            break;
        if (n > room)
            n = room;
        for (size_t i = 0; i < n; i++)
            buf[i] = pattern(x->sent + i);
        size_t k = tcp_send(x->snd, buf, n);
        x->sent += k;
        if (k < n)
            break;
    }
    if (x->snd && x->sent == x->total && !x->fin_sent) {
        tcp_shutdown(x->snd, false, true);
        x->fin_sent = true;
    }
    uint64_t budget = UINT64_MAX;
    if (x->read_per_ms) {
        budget = (now_ns - x->last_read) / MSEC * x->read_per_ms;
        if (budget == 0)
            return;
        x->last_read = now_ns;
    }
    const uint8_t *p;
    size_t k;
    while (budget > 0 && (k = tcp_recv_peek(x->rcv, &p)) > 0) {
        if (k > budget)
            k = (size_t)budget;
        for (size_t i = 0; i < k; i++)
            if (p[i] != pattern(x->got + i) && !x->bad) {
                x->bad = true;
                x->bad_at = x->got + i;
            }
        x->got += k;
        budget -= k;
        tcp_recv_consume(x->rcv, k);
    }
    if (tcp_recv_buffered(x->rcv) == 0 && tcp_recv_status(x->rcv) == 0)
        x->eof = true;
}

struct xfers {
    struct xfer *x;
    size_t n;
};

static void pump_all(void *arg)
{
    struct xfers *xs = arg;
    for (size_t i = 0; i < xs->n; i++)
        xfer_pump(&xs->x[i]);
}

static bool all_done(void *arg)
{
    struct xfers *xs = arg;
    for (size_t i = 0; i < xs->n; i++)
        if (!xs->x[i].eof || xs->x[i].bad)
            return xs->x[i].bad;
    return true;
}

/* H[1] connects to H[0]:80: *cli, *srv established. */
static void open_pair(struct tcp_conn **cli, struct tcp_conn **srv)
{
    struct tcp_listener *l = tcp_listener_find(H[0].st, 80);
    if (!l)
        CHECK(tcp_listen(H[0].st, NULL, 80, 1024, NULL, &l) == 0);
    CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 80, NULL, cli) == 0);
    *srv = NULL;
    for (int i = 0; i < 100000 && !*srv; i++) {
        wire_step();
        *srv = tcp_accept(l);
        if (!*srv) {
            uint64_t n = wire_next();
            CHECK(n != UINT64_MAX);
            if (n > now_ns)
                now_ns = n;
        }
    }
    CHECK(*srv != NULL);
}

/* total bytes from H[1] to H[0] (and back when both): verified, within limit. */
static void transfer(uint64_t total, bool both, uint64_t limit)
{
    struct tcp_conn *cli, *srv;
    open_pair(&cli, &srv);
    struct xfer x[2] = {
        {.snd = cli, .rcv = srv, .total = total},
        {.snd = srv, .rcv = cli, .total = both ? total : 0},
    };
    struct xfers xs = {x, 2};
    bool ok = wire_run(all_done, pump_all, &xs, limit);
    if (!ok || x[0].bad || x[1].bad)
        fprintf(stderr, "transfer: got %llu/%llu and %llu/%llu, bad %d@%llu %d@%llu, sent %llu lost %llu\n",
                (unsigned long long)x[0].got, (unsigned long long)total,
                (unsigned long long)x[1].got, (unsigned long long)x[1].total, x[0].bad,
                (unsigned long long)x[0].bad_at, x[1].bad, (unsigned long long)x[1].bad_at,
                (unsigned long long)wire_sent, (unsigned long long)wire_lost);
    CHECK(ok);
    CHECK(!x[0].bad && !x[1].bad);
    CHECK(x[0].got == total && x[1].got == x[1].total);
    tcp_close(cli);
    tcp_close(srv);
    wire_wait(200 * SEC);
    CHECK(tcp_stack_conns(H[0].st) == 0 && tcp_stack_conns(H[1].st) == 0);
    CHECK(tcp_stack_mem(H[0].st) == 0 && tcp_stack_mem(H[1].st) == 0);
}

static void bulk_clean(void)
{
    wire_setup();
    uint64_t start = now_ns;
    transfer(16u << 20, false, 60 * SEC);
    (void)start;
    const struct tcp_stats *s = tcp_stack_stats(H[1].st);
    CHECK(s->retransmits == 0 && s->rto_fired == 0);
    CHECK(tcp_stack_stats(H[0].st)->bad_csum == 0);
    wire_teardown();
}

static void bulk_clean_is_fast(void)
{
    /* 16 MiB over 2 ms of RTT with 256 KiB windows: the window-limited
     * rate is 128 MiB/s, so well under a second once slow start is done. */
    wire_setup();
    struct tcp_conn *cli, *srv;
    open_pair(&cli, &srv);
    struct xfer x = {.snd = cli, .rcv = srv, .total = 16u << 20};
    struct xfers xs = {&x, 1};
    uint64_t start = now_ns;
    CHECK(wire_run(all_done, pump_all, &xs, 60 * SEC));
    CHECK(!x.bad);
    CHECK(now_ns - start < 400 * MSEC);
    struct tcp_conn_info i;
    tcp_conn_info(cli, &i);
    CHECK(i.cwnd > 100 * i.mss);
    wire_teardown();
}

static void bulk_both_directions(void)
{
    wire_setup();
    transfer(8u << 20, true, 60 * SEC);
    wire_teardown();
}

static void lossy(unsigned per_mille)
{
    imp.loss = imp.reorder = imp.dup = imp.corrupt = per_mille;
}

static void bulk_lossy_sack(void)
{
    wire_setup();
    lossy(50);
    transfer(4u << 20, true, 600 * SEC);
    const struct tcp_stats *s = tcp_stack_stats(H[1].st);
    CHECK(s->retransmits > 0 && s->fast_recoveries > 0 && s->sack_rexmits > 0);
    CHECK(tcp_stack_stats(H[0].st)->bad_csum > 0);
    CHECK(wire_lost > 0 && wire_duped > 0 && wire_corrupted > 0);
    wire_teardown();
}

static void bulk_lossy_newreno(void)
{
    struct tcp_cfg c;
    tcp_cfg_default(&c);
    c.no_sack = true;
    wire_setup_cfg(&c, &c);
    lossy(50);
    transfer(4u << 20, true, 600 * SEC);
    const struct tcp_stats *s = tcp_stack_stats(H[1].st);
    CHECK(s->fast_recoveries > 0 && s->sack_rexmits == 0);
    wire_teardown();
}

static void bulk_lossy_no_options(void)
{
    /* No timestamps (RTT from one timed segment, Karn), no window scaling
     * (64 KiB windows), no SACK. */
    struct tcp_cfg c;
    tcp_cfg_default(&c);
    c.no_sack = c.no_timestamps = c.no_wscale = true;
    wire_setup_cfg(&c, &c);
    lossy(50);
    transfer(2u << 20, true, 600 * SEC);
    wire_teardown();
}

static void bulk_heavy_loss(void)
{
    wire_setup();
    imp.loss = 200;
    transfer(512u << 10, false, 1200 * SEC);
    CHECK(tcp_stack_stats(H[1].st)->rto_fired > 0);
    wire_teardown();
}

static void slow_reader_zero_window(void)
{
    /* A receiver with a 16 KiB buffer reading 2 KiB a millisecond, behind
     * a 5% lossy wire: the window closes and opens again and again. */
    struct tcp_cfg c0, c1;
    tcp_cfg_default(&c0);
    tcp_cfg_default(&c1);
    c0.rcvbuf = 16384;
    wire_setup_cfg(&c0, &c1);
    struct tcp_conn *cli, *srv;
    open_pair(&cli, &srv);
    struct xfer x = {.snd = cli, .rcv = srv, .total = 1u << 20, .read_per_ms = 2048,
                     .last_read = now_ns};
    struct xfers xs = {&x, 1};
    CHECK(wire_run(all_done, pump_all, &xs, 120 * SEC));
    CHECK(!x.bad && x.got == x.total);
    wire_teardown();
}

static bool stalled(void *arg)
{
    struct tcp_conn *c = arg;
    struct tcp_conn_info i;
    tcp_conn_info(c, &i);
    return i.snd_wnd == 0 && i.snd_una == i.snd_max;
}

static void reader_that_stops_then_resumes(void)
{
    /* The receiver stops reading for a long while: the sender probes the
     * zero window with backoff and never gives up while answered; reading
     * again opens the window and everything arrives. */
    struct tcp_cfg c0, c1;
    tcp_cfg_default(&c0);
    tcp_cfg_default(&c1);
    c0.rcvbuf = 32768;
    wire_setup_cfg(&c0, &c1);
    struct tcp_conn *cli, *srv;
    open_pair(&cli, &srv);
    static uint8_t buf[200000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = pattern(i);
    size_t sent = tcp_send(cli, buf, sizeof buf);
    CHECK(sent == sizeof buf);
    CHECK(wire_run(stalled, NULL, cli, 10 * SEC));
    CHECK(tcp_recv_buffered(srv) >= 32000);
    uint64_t probes0 = tcp_stack_stats(H[1].st)->window_probes;
    wire_wait(600 * SEC);
    uint64_t probes = tcp_stack_stats(H[1].st)->window_probes - probes0;
    /* Backoff: from 200 ms doubling to 60 s: about 16 probes in 10 min. */
    CHECK(probes >= 8 && probes <= 30);
    CHECK(tcp_conn_state(cli) == TCP_ESTABLISHED && tcp_conn_error(cli) == 0);
    struct xfer x = {.snd = NULL, .rcv = srv, .total = sizeof buf};
    struct xfers xs = {&x, 1};
    tcp_shutdown(cli, false, true);
    CHECK(wire_run(all_done, pump_all, &xs, 120 * SEC));
    CHECK(!x.bad && x.got == sizeof buf);
    wire_teardown();
}

/* The sender (H[1]) builds segments of up to 65000 bytes for its device to cut. */
static void tso_setup(void)
{
    struct tcp_cfg c0, c1;
    tcp_cfg_default(&c0);
    tcp_cfg_default(&c1);
    c1.tso_max = 65000;
    wire_setup_cfg(&c0, &c1);
}

static void tso_large_segments(void)
{
    tso_setup();
    transfer(8u << 20, false, 60 * SEC);
    CHECK(wire_max_payload > 1448 && wire_max_payload <= 65000 && wire_max_payload % 1448 == 0);
    wire_teardown();
}

/* Sequence numbers are compared modulo 2^32 (RFC 9293 3.4): a mark left
 * behind while 2 GiB go by would turn from "behind" to "ahead". */
static void more_than_2_gib_on_one_connection(void)
{
    tso_setup();
    transfer((2ull << 30) + (64u << 20), false, 600 * SEC);
    wire_teardown();
}

struct churn {
    struct tcp_listener *l;
    int started, done, target;
    struct tcp_conn *cli, *srv;
    int phase;
    size_t max_tw, max_conns;
};

static void churn_pump(void *arg)
{
    struct churn *ch = arg;
    for (int guard = 0; guard < 4; guard++) {
        if (ch->phase == 0) {
            if (ch->started == ch->target)
                return;
            CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 80, NULL, &ch->cli) == 0);
            ch->started++;
            ch->srv = NULL;
            ch->phase = 1;
        }
        if (ch->phase == 1) {
            if (!ch->srv)
                ch->srv = tcp_accept(ch->l);
            if (!ch->srv || tcp_conn_state(ch->cli) != TCP_ESTABLISHED)
                return;
            CHECK(tcp_send(ch->cli, "request", 7) == 7);
            tcp_close(ch->cli); /* the client closes first: its TIME_WAITs pile up */
            ch->phase = 2;
        }
        if (ch->phase == 2) {
            if (tcp_recv_buffered(ch->srv) < 7 || tcp_recv_status(ch->srv) != 0)
                return;
            tcp_recv_consume(ch->srv, 7);
            tcp_close(ch->srv);
            ch->done++;
            ch->phase = 0;
        }
    }
}

static bool churn_done(void *arg)
{
    struct churn *ch = arg;
    size_t tw = tcp_stack_time_wait(H[1].st);
    if (tw > ch->max_tw)
        ch->max_tw = tw;
    size_t n = tcp_stack_conns(H[1].st);
    if (n > ch->max_conns)
        ch->max_conns = n;
    return ch->done == ch->target;
}

static void ten_thousand_connections(void)
{
    struct tcp_cfg c0, c1;
    tcp_cfg_default(&c0);
    tcp_cfg_default(&c1);
    c1.tw_max = 1000;
    wire_setup_cfg(&c0, &c1);
    imp.delay = 100000; /* 0.1 ms */
    struct churn ch = {.target = 10000};
    CHECK(tcp_listen(H[0].st, NULL, 80, 128, NULL, &ch.l) == 0);
    CHECK(wire_run(churn_done, churn_pump, &ch, 3600 * SEC));
    CHECK(ch.max_tw == 1000);
    CHECK(ch.max_conns <= 1002);
    CHECK(tcp_stack_stats(H[1].st)->tw_evicted > 0);
    wire_wait(61 * SEC);
    CHECK(tcp_stack_conns(H[0].st) == 0 && tcp_stack_conns(H[1].st) == 0);
    CHECK(tcp_stack_mem(H[0].st) == 0 && tcp_stack_mem(H[1].st) == 0);
    wire_teardown();
}

/* A SYN from a spoofed address and port, straight into H[0]. */
static void flood_syn(uint32_t i)
{
    struct mg_ip src;
    ip4(&src, 10, 1, (uint8_t)(i >> 8), (uint8_t)i);
    struct tcp_hdr_out h;
    memset(&h, 0, sizeof h);
    h.sport = (uint16_t)(1024 + i % 60000);
    h.dport = 80;
    h.seq = (uint32_t)rnd();
    h.flags = TH_SYN;
    h.win = 65535;
    h.opt_mss = true;
    h.mss = 1460;
    uint8_t buf[64];
    size_t n = tcp_build(buf, &h);
    tcp_csum_fill(&src, &H[0].addr, buf, n);
    tcp_input(H[0].st, &src, &H[0].addr, buf, n, 0);
}

struct flood {
    struct xfer x;
    uint32_t syns;
    uint64_t next_syn;
};

static void flood_pump(void *arg)
{
    struct flood *f = arg;
    /* 20 spoofed SYNs every millisecond (20,000 a second). */
    while (f->next_syn <= now_ns && f->syns < 100000) {
        for (int k = 0; k < 20; k++)
            flood_syn(f->syns++);
        f->next_syn += MSEC;
    }
    if (f->x.snd)
        xfer_pump(&f->x);
}

static bool flood_done(void *arg)
{
    struct flood *f = arg;
    return f->x.snd && f->x.eof;
}

static void syn_flood_still_serves(void)
{
    struct tcp_cfg c0, c1;
    tcp_cfg_default(&c0);
    tcp_cfg_default(&c1);
    c0.syn_backlog = 64;
    wire_setup_cfg(&c0, &c1);
    struct tcp_listener *l;
    CHECK(tcp_listen(H[0].st, NULL, 80, 128, NULL, &l) == 0);
    struct flood f = {.next_syn = now_ns};
    /* Fill the backlog first. */
    wire_run(NULL, flood_pump, &f, 50 * MSEC);
    CHECK(l->syn_count == 64);
    CHECK(tcp_stack_stats(H[0].st)->cookies_sent > 0);
    /* A real client now: its SYN meets a full backlog and gets a cookie. */
    struct tcp_conn *cli;
    CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 80, NULL, &cli) == 0);
    struct tcp_conn *srv = NULL;
    for (int i = 0; i < 1000 && !srv; i++) {
        wire_run(NULL, flood_pump, &f, 1 * MSEC);
        srv = tcp_accept(l);
    }
    CHECK(srv != NULL);
    CHECK(tcp_stack_stats(H[0].st)->cookies_ok == 1);
    struct tcp_conn_info i;
    tcp_conn_info(srv, &i);
    /* The cookie kept MSS, window scaling and SACK (in the timestamp). */
    CHECK(i.ts && i.sack && i.snd_wscale == 3 && i.mss == 1460 - 12);
    f.x = (struct xfer){.snd = cli, .rcv = srv, .total = 2u << 20};
    CHECK(wire_run(flood_done, flood_pump, &f, 60 * SEC));
    CHECK(!f.x.bad && f.x.got == f.x.total);
    /* The half-open connections stay bounded whatever the flood. */
    CHECK(l->syn_count <= 64);
    CHECK(tcp_stack_conns(H[0].st) <= 66);
    CHECK(f.syns > 1000);
    wire_teardown();
}

static void thousand_at_once(void)
{
    wire_setup();
    enum { N = 1000 };
    static struct xfer x[N];
    struct tcp_listener *l;
    CHECK(tcp_listen(H[0].st, NULL, 80, N, NULL, &l) == 0);
    static struct tcp_conn *cli[N];
    for (int i = 0; i < N; i++)
        CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 80, NULL, &cli[i]) == 0);
    wire_wait(100 * MSEC);
    for (int i = 0; i < N; i++) {
        struct tcp_conn *srv = tcp_accept(l);
        CHECK(srv != NULL);
        /* Pair each server end with its client by port. */
        uint16_t rport;
        tcp_conn_endpoints(srv, NULL, NULL, NULL, &rport);
        int k;
        for (k = 0; k < N; k++) {
            uint16_t lp;
            tcp_conn_endpoints(cli[k], NULL, &lp, NULL, NULL);
            if (lp == rport)
                break;
        }
        CHECK(k < N);
        x[k] = (struct xfer){.snd = cli[k], .rcv = srv, .total = 64 * 1024};
    }
    struct xfers xs = {x, N};
    CHECK(wire_run(all_done, pump_all, &xs, 120 * SEC));
    for (int i = 0; i < N; i++)
        CHECK(!x[i].bad && x[i].got == x[i].total);
    wire_teardown();
}

struct memwatch {
    struct xfers xs;
    uint64_t max_mem[2];
    bool reading;
};

static void mem_pump(void *arg)
{
    struct memwatch *m = arg;
    if (m->reading)
        pump_all(&m->xs);
    else /* the applications write, but nobody reads yet */
        for (size_t i = 0; i < m->xs.n; i++) {
            struct xfer *x = &m->xs.x[i];
            static uint8_t buf[65536];
            while (x->sent < x->total) {
                size_t n = x->total - x->sent < sizeof buf ? (size_t)(x->total - x->sent) : sizeof buf;
                for (size_t k = 0; k < n; k++)
                    buf[k] = pattern(x->sent + k);
                size_t k = tcp_send(x->snd, buf, n);
                x->sent += k;
                if (k < n)
                    break;
            }
        }
    for (int h = 0; h < 2; h++)
        if (tcp_stack_mem(H[h].st) > m->max_mem[h])
            m->max_mem[h] = tcp_stack_mem(H[h].st);
}

static void memory_stays_within_bound(void)
{
    /* 40 connections push 200 KiB each at a reader that does not read: the
     * receiving stack's buffers stay within its 1 MiB bound (plus the one
     * chunk each empty queue may always take), then all of it arrives. */
    struct tcp_cfg c0, c1;
    tcp_cfg_default(&c0);
    tcp_cfg_default(&c1);
    c0.mem_max = 1u << 20;
    wire_setup_cfg(&c0, &c1);
    lossy(20);
    enum { N = 40 };
    static struct xfer x[N];
    for (int i = 0; i < N; i++) {
        struct tcp_conn *cli, *srv;
        open_pair(&cli, &srv);
        x[i] = (struct xfer){.snd = cli, .rcv = srv, .total = 200 * 1024};
    }
    struct memwatch m = {.xs = {x, N}};
    wire_run(NULL, mem_pump, &m, 5 * SEC);
    uint64_t slack = (uint64_t)N * 2 * (16384 + 64);
    CHECK(m.max_mem[0] <= c0.mem_max + slack);
    CHECK(m.max_mem[0] >= c0.mem_max / 2); /* it did fill up */
    m.reading = true;
    CHECK(wire_run(all_done, mem_pump, &m, 300 * SEC));
    for (int i = 0; i < N; i++)
        CHECK(!x[i].bad && x[i].got == x[i].total);
    CHECK(m.max_mem[0] <= c0.mem_max + slack);
    wire_teardown();
}

static const struct check_case cases[] = {
    CASE_ENTRY(bulk_clean),
    CASE_ENTRY(bulk_clean_is_fast),
    CASE_ENTRY(bulk_both_directions),
    CASE_ENTRY(bulk_lossy_sack),
    CASE_ENTRY(bulk_lossy_newreno),
    CASE_ENTRY(bulk_lossy_no_options),
    CASE_ENTRY(bulk_heavy_loss),
    CASE_ENTRY(slow_reader_zero_window),
    CASE_ENTRY(reader_that_stops_then_resumes),
    CASE_ENTRY(tso_large_segments),
    CASE_ENTRY(more_than_2_gib_on_one_connection),
    CASE_ENTRY(ten_thousand_connections),
    CASE_ENTRY(syn_flood_still_serves),
    CASE_ENTRY(thousand_at_once),
    CASE_ENTRY(memory_stays_within_bound),
};
CHECK_MAIN(cases)
