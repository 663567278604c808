/* sources: lib/tcp/tcp_bq.c lib/tcp/tcp_cc.c lib/tcp/tcp_hash.c lib/tcp/tcp_icmp.c lib/tcp/tcp_input.c lib/tcp/tcp_listen.c lib/tcp/tcp_ooo.c lib/tcp/tcp_output.c lib/tcp/tcp_rack.c lib/tcp/tcp_sack.c lib/tcp/tcp_stack.c lib/tcp/tcp_table.c lib/tcp/tcp_timer.c lib/tcp/tcp_user.c lib/tcp/tcp_wire.c lib/inet/inet_csum.c */
/* test_tcp_rfc.c: the TCP engine against crafted segments, one RFC rule at a time: options, MSS, RFC 5961, PAWS, checksums, SACK blocks, delayed ACKs, Nagle, zero windows, keep-alive, SYN cookies, TIME_WAIT reuse, ICMP, timeouts, fast retransmit, simultaneous open. */
#include "tcp_wire.h"

/* The peer the test plays, talking to H[0] (in capture mode). */
struct peer {
    uint16_t port;
    uint32_t iss, snd_nxt, rcv_nxt;
    uint32_t ts, tsecr;
    bool ts_on, sack_on, ws_on;
    uint8_t ws;
    uint16_t win;
    struct tcp_listener *l;
    struct tcp_conn *c;
};

static void setup(struct tcp_cfg *cfg)
{
    struct tcp_cfg d;
    tcp_cfg_default(&d);
    wire_setup_cfg(cfg ? cfg : &d, &d);
    H[0].capture = true;
}

static struct craft seg_of(struct peer *p, uint8_t flags)
{
    struct craft c = {
        .pport = p->port,
        .lport = 80,
        .seq = p->snd_nxt,
        .ack = p->rcv_nxt,
        .flags = flags,
        .win = p->win,
        .ts = p->ts_on,
        .tsval = p->ts,
        .tsecr = p->tsecr,
    };
    return c;
}

/* Look at the next segment H[0] sent: false if none. Remembers its timestamp. */
static bool got(struct peer *p, struct tcp_seg *s)
{
    if (!cap_pop(s, NULL, 0))
        return false;
    if (s->has_ts)
        p->tsecr = s->tsval;
    return true;
}

/* Peer connects to H[0]:80 with or without options; established. */
static void passive_open(struct peer *p, bool opts)
{
    memset(p, 0, sizeof *p);
    p->port = 40000;
    p->iss = 1000000;
    p->ts = 5000;
    p->ts_on = p->sack_on = p->ws_on = opts;
    p->ws = 7;
    p->win = 65535;
    CHECK(tcp_listen(H[0].st, NULL, 80, 16, NULL, &p->l) == 0);
    p->snd_nxt = p->iss;
    struct craft syn = seg_of(p, TH_SYN);
    syn.mss = true;
    syn.mss_val = 1460;
    syn.ws = opts;
    syn.ws_val = p->ws;
    syn.sack_ok = opts;
    craft_send(&syn);
    struct tcp_seg s;
    CHECK(got(p, &s));
    CHECK(s.flags == (TH_SYN | TH_ACK) && s.ack == p->iss + 1);
    p->snd_nxt = p->iss + 1;
    p->rcv_nxt = s.seq + 1;
    p->ts++;
    craft_send(&(struct craft){.pport = p->port, .lport = 80, .seq = p->snd_nxt, .ack = p->rcv_nxt,
                               .flags = TH_ACK, .win = (uint16_t)(p->win >> (opts ? p->ws : 0)),
                               .ts = opts, .tsval = p->ts, .tsecr = p->tsecr});
    p->c = tcp_accept(p->l);
    CHECK(p->c && tcp_conn_state(p->c) == TCP_ESTABLISHED);
    CHECK(cap_count() == 0);
}

/* Data from the peer (ACKing everything H[0] sent). */
static void peer_data(struct peer *p, const void *data, size_t len)
{
    struct craft c = seg_of(p, TH_ACK | TH_PSH);
    c.win = (uint16_t)(p->win >> (p->ws_on ? p->ws : 0));
    c.data = data;
    c.len = len;
    craft_send(&c);
    p->snd_nxt += (uint32_t)len;
    p->ts++;
}

static void peer_ack(struct peer *p, uint32_t ack, uint16_t win_field)
{
    struct craft c = seg_of(p, TH_ACK);
    c.ack = ack;
    c.win = win_field;
    craft_send(&c);
    p->ts++;
}

/* ---- options and MSS ---- */

static void syn_ack_options(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct tcp_conn_info i;
    tcp_conn_info(p.c, &i);
    CHECK(i.ts && i.sack && i.snd_wscale == 7 && i.rcv_wscale == 3);
    CHECK(i.mss == 1460 - 12);
    /* The window field is scaled by the peer's shift. */
    peer_ack(&p, p.rcv_nxt, 100);
    tcp_conn_info(p.c, &i);
    CHECK(i.snd_wnd == 100u << 7);
    wire_teardown();
}

static void syn_ack_answers_what_was_offered(void)
{
    setup(NULL);
    CHECK(tcp_listen(H[0].st, NULL, 80, 16, NULL, &(struct tcp_listener *){0}) == 0);
    craft_send(&(struct craft){.pport = 1234, .lport = 80, .seq = 7, .flags = TH_SYN,
                               .win = 1000, .mss = true, .mss_val = 1200, .ts = true,
                               .tsval = 99});
    struct tcp_seg s;
    CHECK(cap_pop(&s, NULL, 0));
    CHECK(s.flags == (TH_SYN | TH_ACK) && s.ack == 8);
    CHECK(s.has_mss && s.mss == 1460);
    CHECK(s.has_ts && s.tsecr == 99);
    CHECK(!s.has_ws && !s.sack_ok); /* not offered: not answered */
    wire_teardown();
}

static void no_options_gives_defaults(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, false);
    struct tcp_conn_info i;
    tcp_conn_info(p.c, &i);
    CHECK(!i.ts && !i.sack && i.snd_wscale == 0 && i.rcv_wscale == 0);
    CHECK(i.mss == 1460);
    /* Unscaled: the window cannot say more than 64 KiB. */
    CHECK(i.rcv_wnd <= 65535);
    wire_teardown();
}

static void mss_clamped_to_route(void)
{
    setup(NULL);
    H[0].mtu = 1380; /* a path with a smaller MTU (e.g. a tunnel) */
    CHECK(tcp_listen(H[0].st, NULL, 80, 16, NULL, &(struct tcp_listener *){0}) == 0);
    craft_send(&(struct craft){.pport = 1234, .lport = 80, .seq = 7, .flags = TH_SYN,
                               .win = 1000, .mss = true, .mss_val = 9000});
    struct tcp_seg s;
    CHECK(cap_pop(&s, NULL, 0));
    CHECK(s.mss == 1360);
    craft_send(&(struct craft){.pport = 1234, .lport = 80, .seq = 8, .ack = s.seq + 1,
                               .flags = TH_ACK, .win = 1000});
    struct tcp_conn *c = tcp_accept(tcp_listener_find(H[0].st, 80));
    CHECK(c);
    struct tcp_conn_info i;
    tcp_conn_info(c, &i);
    CHECK(i.mss == 1360);
    /* A peer with a tiny MSS is obeyed. */
    craft_send(&(struct craft){.pport = 1235, .lport = 80, .seq = 7, .flags = TH_SYN,
                               .win = 1000, .mss = true, .mss_val = 300});
    CHECK(cap_pop(&s, NULL, 0));
    craft_send(&(struct craft){.pport = 1235, .lport = 80, .seq = 8, .ack = s.seq + 1,
                               .flags = TH_ACK, .win = 60000});
    c = tcp_accept(tcp_listener_find(H[0].st, 80));
    static uint8_t big[3000];
    CHECK(tcp_send(c, big, sizeof big) == sizeof big);
    CHECK(cap_pop(&s, NULL, 0) && s.dlen == 300);
    wire_teardown();
}

/* ---- RFC 5961 ---- */

static void rst_must_be_exact(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct tcp_seg s;
    /* In the window but not RCV.NXT: a challenge ACK, nothing else. */
    struct craft r = seg_of(&p, TH_RST);
    r.seq = p.snd_nxt + 1000;
    craft_send(&r);
    CHECK(tcp_conn_state(p.c) == TCP_ESTABLISHED);
    CHECK(got(&p, &s) && s.flags == TH_ACK && s.ack == p.snd_nxt && s.seq == p.rcv_nxt);
    /* Outside the window: silence. */
    r.seq = p.snd_nxt + 0x40000000;
    craft_send(&r);
    CHECK(cap_count() == 0 && tcp_conn_state(p.c) == TCP_ESTABLISHED);
    /* Exactly RCV.NXT: reset. */
    r.seq = p.snd_nxt;
    craft_send(&r);
    CHECK(tcp_conn_state(p.c) == TCP_CLOSED && tcp_conn_error(p.c) == MG_ECONNRESET);
    CHECK(cap_count() == 0);
    wire_teardown();
}

static void syn_in_established_draws_challenge(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct craft syn = seg_of(&p, TH_SYN);
    syn.seq = p.snd_nxt + 10;
    craft_send(&syn);
    struct tcp_seg s;
    CHECK(got(&p, &s) && s.flags == TH_ACK && s.ack == p.snd_nxt);
    CHECK(tcp_conn_state(p.c) == TCP_ESTABLISHED);
    CHECK(tcp_stack_stats(H[0].st)->challenge_acks == 1);
    wire_teardown();
}

static void challenge_acks_are_rate_limited(void)
{
    struct tcp_cfg c;
    tcp_cfg_default(&c);
    c.challenge_acks_per_s = 10;
    setup(&c);
    struct peer p;
    passive_open(&p, true);
    struct craft r = seg_of(&p, TH_RST);
    r.seq = p.snd_nxt + 1;
    for (int i = 0; i < 50; i++)
        craft_send(&r);
    CHECK(cap_count() == 10);
    cap_clear();
    now_ns += 1001 * MSEC;
    for (int i = 0; i < 50; i++)
        craft_send(&r);
    CHECK(cap_count() == 10);
    CHECK(tcp_conn_state(p.c) == TCP_ESTABLISHED);
    wire_teardown();
}

static void ack_beyond_what_was_sent(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct craft d = seg_of(&p, TH_ACK);
    d.ack = p.rcv_nxt + 5000; /* acknowledges data never sent */
    d.data = "evil";
    d.len = 4;
    craft_send(&d);
    CHECK(tcp_recv_buffered(p.c) == 0);
    struct tcp_seg s;
    CHECK(got(&p, &s) && s.flags == TH_ACK && s.ack == p.snd_nxt);
    wire_teardown();
}

static void ack_too_old(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct craft d = seg_of(&p, TH_ACK);
    d.ack = p.rcv_nxt - 0x40000000; /* far below SND.UNA - MAX.SND.WND */
    d.data = "evil";
    d.len = 4;
    craft_send(&d);
    CHECK(tcp_recv_buffered(p.c) == 0);
    CHECK(tcp_stack_stats(H[0].st)->old_acks == 1);
    wire_teardown();
}

/* ---- PAWS, checksums, malformed segments ---- */

static void paws_drops_old_timestamps(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    peer_data(&p, "new", 3);
    CHECK(tcp_recv_buffered(p.c) == 3);
    p.ts -= 100; /* a segment from the past, in sequence */
    peer_data(&p, "old", 3);
    CHECK(tcp_recv_buffered(p.c) == 3);
    CHECK(tcp_stack_stats(H[0].st)->paws_drops == 1);
    struct tcp_seg s;
    bool acked = false;
    while (got(&p, &s))
        acked |= s.flags == TH_ACK;
    CHECK(acked);
    wire_teardown();
}

static void bad_checksum_dropped(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct craft d = seg_of(&p, TH_ACK);
    d.data = "data";
    d.len = 4;
    d.bad_csum = true;
    craft_send(&d);
    CHECK(tcp_recv_buffered(p.c) == 0 && cap_count() == 0);
    CHECK(tcp_stack_stats(H[0].st)->bad_csum == 1);
    wire_teardown();
}

/* Raw bytes in, checksum made right: the parser must cope with what lies. */
static void raw_in(const uint8_t *b, size_t n)
{
    uint8_t buf[128];
    memcpy(buf, b, n);
    buf[16] = buf[17] = 0;
    tcp_csum_fill(&H[1].addr, &H[0].addr, buf, n);
    tcp_input(H[0].st, &H[1].addr, &H[0].addr, buf, n, 0);
}

static void malformed_segments(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    uint8_t b[64];
    struct tcp_hdr_out h = {.sport = p.port, .dport = 80, .seq = p.snd_nxt, .ack = p.rcv_nxt,
                            .flags = TH_ACK, .win = 1000};
    size_t n = tcp_build(b, &h);
    CHECK(n == 20);
    /* Data offset past the segment. */
    b[12] = 15 << 4;
    raw_in(b, 24);
    /* Data offset below the header. */
    b[12] = 4 << 4;
    raw_in(b, 24);
    /* Shorter than a header. */
    raw_in(b, 19);
    CHECK(tcp_stack_stats(H[0].st)->malformed == 3);
    /* An option whose length runs past the header: the options end there
     * and the data is still taken. */
    b[12] = 6 << 4;
    b[20] = 2; /* MSS */
    b[21] = 40;
    b[22] = b[23] = 0;
    memcpy(b + 24, "ok", 2);
    raw_in(b, 26);
    CHECK(tcp_recv_buffered(p.c) == 2);
    /* An option of length 0 or 1. */
    b[21] = 1;
    h.seq = p.snd_nxt + 2;
    tcp_build(b, &h);
    b[12] = 6 << 4;
    b[20] = 8;
    b[21] = 0;
    memcpy(b + 24, "go", 2);
    raw_in(b, 26);
    CHECK(tcp_recv_buffered(p.c) == 4);
    /* Zero ports. */
    b[0] = b[1] = 0;
    raw_in(b, 26);
    CHECK(tcp_stack_stats(H[0].st)->malformed == 4);
    wire_teardown();
}

/* ---- receiving: SACK blocks, bounds, delayed ACKs, windows ---- */

static void sack_blocks_for_holes(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    uint32_t base = p.snd_nxt;
    uint8_t d[100];
    memset(d, 'x', sizeof d);
    struct tcp_seg s;
    /* Bytes 100..199 first: a duplicate ACK at once, with one block. */
    p.snd_nxt = base + 100;
    peer_data(&p, d, 100);
    CHECK(got(&p, &s) && s.ack == base && s.nsack == 1);
    CHECK(s.sack[0][0] == base + 100 && s.sack[0][1] == base + 200);
    /* Then 300..399: the newest block first. */
    p.snd_nxt = base + 300;
    peer_data(&p, d, 100);
    CHECK(got(&p, &s) && s.ack == base && s.nsack == 2);
    CHECK(s.sack[0][0] == base + 300 && s.sack[1][0] == base + 100);
    /* The first hole filled: the cumulative ACK jumps, one block left. */
    p.snd_nxt = base;
    peer_data(&p, d, 100);
    CHECK(got(&p, &s) && s.ack == base + 200 && s.nsack == 1 && s.sack[0][0] == base + 300);
    p.snd_nxt = base + 200;
    peer_data(&p, d, 100);
    CHECK(got(&p, &s) && s.ack == base + 400 && s.nsack == 0);
    CHECK(tcp_recv_buffered(p.c) == 400);
    wire_teardown();
}

static void out_of_order_queue_is_bounded(void)
{
    struct tcp_cfg c;
    tcp_cfg_default(&c);
    c.ooo_max = 4096;
    setup(&c);
    struct peer p;
    passive_open(&p, true);
    uint32_t base = p.snd_nxt;
    uint8_t d[500];
    memset(d, 'y', sizeof d);
    for (int i = 1; i <= 20; i++) {
        p.snd_nxt = base + (uint32_t)i * 1000;
        peer_data(&p, d, sizeof d);
    }
    struct tcp_conn_info i;
    tcp_conn_info(p.c, &i);
    CHECK(i.ooo_bytes > 0 && i.ooo_bytes <= 4096 && i.ooo_segs < 10);
    CHECK(tcp_stack_stats(H[0].st)->ooo_drops > 0);
    /* One-byte segments cost their overhead: the bound holds. */
    for (int k = 0; k < 1000; k++) {
        p.snd_nxt = base + 30000 + (uint32_t)k * 2;
        peer_data(&p, d, 1);
    }
    tcp_conn_info(p.c, &i);
    CHECK(i.ooo_segs < 200);
    wire_teardown();
}

static void delayed_ack(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct tcp_seg s;
    peer_data(&p, "a", 1);
    CHECK(cap_count() == 0);
    now_ns += 39 * MSEC;
    tcp_timers(H[0].st);
    CHECK(cap_count() == 0);
    now_ns += 2 * MSEC;
    tcp_timers(H[0].st);
    CHECK(got(&p, &s) && s.flags == TH_ACK && s.ack == p.snd_nxt);
    /* Every second segment is acknowledged at once. */
    peer_data(&p, "b", 1);
    CHECK(cap_count() == 0);
    peer_data(&p, "c", 1);
    CHECK(got(&p, &s) && s.ack == p.snd_nxt);
    CHECK(tcp_next_timer(H[0].st) == UINT64_MAX || tcp_next_timer(H[0].st) > now_ns + 100 * MSEC);
    wire_teardown();
}

static void window_update_when_reader_frees(void)
{
    struct tcp_cfg c;
    tcp_cfg_default(&c);
    c.rcvbuf = 8192;
    setup(&c);
    struct peer p;
    passive_open(&p, false);
    static uint8_t d[1460];
    struct tcp_seg s;
    for (int i = 0; i < 6; i++)
        peer_data(&p, d, i < 5 ? 1460 : 8192 - 5 * 1460);
    CHECK(tcp_recv_buffered(p.c) == 8192);
    uint16_t last_win = 1;
    while (got(&p, &s))
        last_win = s.win;
    CHECK(last_win == 0);
    /* The reader takes a little: below the SWS threshold, no update. */
    tcp_recv_consume(p.c, 100);
    CHECK(cap_count() == 0);
    /* Half the buffer: an update, at once. */
    tcp_recv_consume(p.c, 4000);
    CHECK(got(&p, &s) && s.flags == TH_ACK && s.win >= 4000);
    wire_teardown();
}

/* ---- sending: Nagle, zero windows, keep-alive, timeouts, recovery ---- */

static void nagle_holds_small_segments(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct tcp_seg s;
    CHECK(tcp_send(p.c, "a", 1) == 1);
    CHECK(got(&p, &s) && s.dlen == 1);
    CHECK(tcp_send(p.c, "b", 1) == 1);
    CHECK(tcp_send(p.c, "c", 1) == 1);
    CHECK(cap_count() == 0); /* held while "a" is unacknowledged */
    peer_ack(&p, p.rcv_nxt + 1, 65535 >> 7);
    CHECK(got(&p, &s) && s.dlen == 2 && memcmp(s.data - 0, "bc", 0) == 0);
    /* A flush pushes small segments out at once. */
    CHECK(tcp_send(p.c, "d", 1) == 1);
    CHECK(cap_count() == 0);
    tcp_push(p.c);
    CHECK(got(&p, &s) && s.dlen == 1);
    /* No delay: every write goes. */
    tcp_set_nodelay(p.c, true);
    CHECK(tcp_send(p.c, "e", 1) == 1);
    CHECK(tcp_send(p.c, "f", 1) == 1);
    CHECK(cap_count() == 2);
    wire_teardown();
}

static void zero_window_probes_back_off(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct tcp_seg s;
    uint32_t una = p.rcv_nxt;
    CHECK(tcp_send(p.c, "hello", 5) == 5);
    CHECK(got(&p, &s) && s.dlen == 5);
    peer_ack(&p, una + 5, 0); /* all taken, window closed */
    CHECK(tcp_send(p.c, "more", 4) == 4);
    CHECK(cap_count() == 0);
    /* Probes, further and further apart, each answered with window 0. */
    uint64_t last = now_ns, gaps[5];
    for (int i = 0; i < 5; i++) {
        while (cap_count() == 0) {
            now_ns = tcp_next_timer(H[0].st);
            tcp_timers(H[0].st);
        }
        CHECK(got(&p, &s) && s.dlen == 0 && s.seq == una + 5 - 1);
        gaps[i] = now_ns - last;
        last = now_ns;
        peer_ack(&p, una + 5, 0);
    }
    for (int i = 1; i < 5; i++)
        CHECK(gaps[i] >= 2 * gaps[i - 1] - MSEC);
    /* The window opens: the data goes. */
    peer_ack(&p, una + 5, 100);
    CHECK(got(&p, &s) && s.dlen == 4 && s.seq == una + 5);
    wire_teardown();
}

static void keepalive_probes_then_gives_up(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    tcp_set_keepalive(p.c, 10000);
    uint64_t start = now_ns;
    struct tcp_seg s;
    int probes = 0;
    while (tcp_conn_state(p.c) != TCP_CLOSED && now_ns - start < 1000 * SEC) {
        now_ns = tcp_next_timer(H[0].st);
        tcp_timers(H[0].st);
        while (got(&p, &s)) {
            if (s.flags & TH_RST)
                continue;
            CHECK(s.dlen == 0 && s.seq == p.rcv_nxt - 1);
            probes++;
            if (probes == 1) {
                /* The first is answered: 10 more seconds of quiet first. */
                CHECK(now_ns - start == 10 * SEC);
                peer_ack(&p, p.rcv_nxt, 512);
                start = now_ns;
            }
        }
    }
    /* 1 answered, then 9 unanswered, 75 s apart, then the end. */
    CHECK(probes == 10);
    CHECK(tcp_conn_error(p.c) == MG_ETIMEDOUT);
    CHECK(now_ns - start == 10 * SEC + 9 * 75 * SEC);
    wire_teardown();
}

static void retransmission_backs_off_then_times_out(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct tcp_seg s;
    CHECK(tcp_send(p.c, "lost", 4) == 4);
    CHECK(got(&p, &s) && s.dlen == 4);
    uint64_t last = now_ns, prev_gap = 0;
    int rexmits = 0;
    while (tcp_conn_state(p.c) != TCP_CLOSED) {
        now_ns = tcp_next_timer(H[0].st);
        tcp_timers(H[0].st);
        while (got(&p, &s)) {
            if (s.flags & TH_RST)
                continue;
            CHECK(s.dlen == 4 && s.seq == p.rcv_nxt);
            uint64_t gap = now_ns - last;
            if (rexmits == 0)
                CHECK(gap >= 40 * MSEC && gap <= 1000 * MSEC); /* a tail loss probe */
            else if (rexmits == 1)
                CHECK(gap == 200 * MSEC); /* then the RTO, at its floor */
            else
                CHECK(gap == 60 * SEC || gap == 2 * prev_gap);
            prev_gap = gap;
            last = now_ns;
            rexmits++;
        }
    }
    CHECK(tcp_conn_error(p.c) == MG_ETIMEDOUT);
    CHECK(rexmits >= 15 && rexmits <= 17);
    wire_teardown();
}

static void fast_retransmit_on_three_dupacks(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, false); /* no SACK: NewReno */
    static uint8_t d[8 * 1460];
    CHECK(tcp_send(p.c, d, sizeof d) == sizeof d);
    CHECK(cap_count() == 8);
    cap_clear();
    uint32_t una = p.rcv_nxt;
    for (int i = 0; i < 3; i++) {
        CHECK(cap_count() == 0);
        peer_ack(&p, una, 65535);
    }
    struct tcp_seg s;
    CHECK(got(&p, &s) && s.seq == una && s.dlen == 1460);
    CHECK(tcp_stack_stats(H[0].st)->fast_recoveries == 1);
    struct tcp_conn_info i;
    tcp_conn_info(p.c, &i);
    CHECK(i.recovery && i.ssthresh == 4 * 1460);
    /* A partial ACK: the next hole goes at once. */
    peer_ack(&p, una + 1460, 65535);
    CHECK(got(&p, &s) && s.seq == una + 1460);
    /* The full ACK ends recovery. */
    cap_clear();
    peer_ack(&p, una + sizeof d, 65535);
    tcp_conn_info(p.c, &i);
    CHECK(!i.recovery && i.cwnd <= i.ssthresh);
    wire_teardown();
}

static void sack_recovery_resends_only_holes(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    enum { M = 1448 };
    static uint8_t d[10 * M];
    CHECK(tcp_send(p.c, d, sizeof d) == sizeof d);
    CHECK(cap_count() == 10);
    cap_clear();
    uint32_t una = p.rcv_nxt;
    /* Segments 1 and 4 are lost; 0 arrives, then SACKs for the rest. */
    struct craft a = seg_of(&p, TH_ACK);
    a.ack = una + M;
    a.win = 2000;
    a.nsack = 1;
    a.sack[0][0] = una + 2 * M;
    a.sack[0][1] = una + 4 * M;
    craft_send(&a);
    a.nsack = 2;
    a.sack[0][0] = una + 5 * M;
    a.sack[0][1] = una + 10 * M;
    a.sack[1][0] = una + 2 * M;
    a.sack[1][1] = una + 4 * M;
    craft_send(&a);
    struct tcp_seg s;
    uint32_t seen[4];
    int n = 0;
    while (got(&p, &s))
        if (s.dlen && n < 4)
            seen[n++] = s.seq;
    CHECK(n == 2 && seen[0] == una + M && seen[1] == una + 4 * M);
    CHECK(tcp_stack_stats(H[0].st)->sack_rexmits >= 1);
    wire_teardown();
}

/* ---- SYN cookies ---- */

static void syn_cookies_when_backlog_full(void)
{
    struct tcp_cfg c;
    tcp_cfg_default(&c);
    c.syn_backlog = 2;
    setup(&c);
    struct tcp_listener *l;
    CHECK(tcp_listen(H[0].st, NULL, 80, 16, NULL, &l) == 0);
    struct tcp_seg s;
    for (int i = 0; i < 3; i++)
        craft_send(&(struct craft){.pport = (uint16_t)(1000 + i), .lport = 80, .seq = 500,
                                   .flags = TH_SYN, .win = 1000, .mss = true, .mss_val = 1460});
    CHECK(l->syn_count == 2 && tcp_stack_conns(H[0].st) == 2);
    CHECK(tcp_stack_stats(H[0].st)->cookies_sent == 1);
    CHECK(cap_count() == 3);
    cap_drop();
    cap_drop();
    CHECK(cap_pop(&s, NULL, 0) && s.flags == (TH_SYN | TH_ACK) && s.ack == 501);
    CHECK(!s.has_ts && !s.has_ws && !s.sack_ok); /* nowhere to keep them */
    uint32_t cookie = s.seq;
    /* A wrong cookie: reset. */
    craft_send(&(struct craft){.pport = 1002, .lport = 80, .seq = 501, .ack = cookie + 7,
                               .flags = TH_ACK, .win = 1000});
    CHECK(cap_pop(&s, NULL, 0) && s.flags == TH_RST && s.seq == cookie + 7);
    CHECK(tcp_stack_stats(H[0].st)->cookies_bad == 1);
    /* The right one, with data: a connection, and the data in it. */
    craft_send(&(struct craft){.pport = 1002, .lport = 80, .seq = 501, .ack = cookie + 1,
                               .flags = TH_ACK, .win = 1000, .data = "hi", .len = 2});
    struct tcp_conn *cc = tcp_accept(l);
    CHECK(cc && tcp_conn_state(cc) == TCP_ESTABLISHED && tcp_recv_buffered(cc) == 2);
    struct tcp_conn_info i;
    tcp_conn_info(cc, &i);
    CHECK(i.mss == 1460 && !i.ts && i.snd_wscale == 0);
    /* The same ACK after the cookies' lifetime (2 ticks of 64 s) fails. */
    now_ns += 200 * SEC;
    craft_send(&(struct craft){.pport = 1003, .lport = 80, .seq = 501, .ack = cookie + 1,
                               .flags = TH_ACK, .win = 1000});
    CHECK(tcp_stack_stats(H[0].st)->cookies_ok == 1);
    wire_teardown();
}

static void syn_cookie_keeps_options_in_timestamp(void)
{
    struct tcp_cfg c;
    tcp_cfg_default(&c);
    c.syn_backlog = 0;
    setup(&c);
    struct tcp_listener *l;
    CHECK(tcp_listen(H[0].st, NULL, 80, 16, NULL, &l) == 0);
    craft_send(&(struct craft){.pport = 2000, .lport = 80, .seq = 9, .flags = TH_SYN,
                               .win = 1000, .mss = true, .mss_val = 1400, .ws = true,
                               .ws_val = 5, .sack_ok = true, .ts = true, .tsval = 777});
    struct tcp_seg s;
    CHECK(cap_pop(&s, NULL, 0) && s.has_ts && s.has_ws && s.sack_ok && s.tsecr == 777);
    craft_send(&(struct craft){.pport = 2000, .lport = 80, .seq = 10, .ack = s.seq + 1,
                               .flags = TH_ACK, .win = 1000, .ts = true, .tsval = 778,
                               .tsecr = s.tsval});
    struct tcp_conn *cc = tcp_accept(l);
    CHECK(cc);
    struct tcp_conn_info i;
    tcp_conn_info(cc, &i);
    CHECK(i.ts && i.sack && i.snd_wscale == 5 && i.rcv_wscale == 3 && i.snd_wnd == 1000u << 5);
    CHECK(i.mss == 1400 - 12);
    wire_teardown();
}

/* ---- TIME_WAIT reuse ---- */

static void time_wait_reused_by_newer_syn(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct tcp_seg s;
    tcp_close(p.c); /* H[0] closes first */
    CHECK(got(&p, &s) && (s.flags & TH_FIN));
    p.rcv_nxt++;
    struct craft f = seg_of(&p, TH_ACK | TH_FIN);
    craft_send(&f);
    p.snd_nxt++;
    p.ts++;
    CHECK(got(&p, &s) && s.flags == TH_ACK);
    CHECK(tcp_stack_time_wait(H[0].st) == 1);
    uint32_t old_nxt = p.rcv_nxt;
    /* A SYN with an older timestamp cannot reopen it. */
    craft_send(&(struct craft){.pport = p.port, .lport = 80, .seq = p.snd_nxt + 100,
                               .flags = TH_SYN, .win = 1000, .ts = true, .tsval = p.ts - 50});
    CHECK(tcp_stack_time_wait(H[0].st) == 1);
    CHECK(tcp_stack_stats(H[0].st)->tw_reused == 0);
    cap_clear();
    /* A newer one does, and the new incarnation starts above the old. */
    craft_send(&(struct craft){.pport = p.port, .lport = 80, .seq = p.snd_nxt + 100,
                               .flags = TH_SYN, .win = 1000, .ts = true, .tsval = p.ts + 50});
    CHECK(tcp_stack_stats(H[0].st)->tw_reused == 1);
    CHECK(tcp_stack_time_wait(H[0].st) == 0);
    CHECK(cap_pop(&s, NULL, 0) && s.flags == (TH_SYN | TH_ACK));
    CHECK(SEQ_GT(s.seq, old_nxt));
    wire_teardown();
}

/* ---- ICMP ---- */

static void icmp_frag_needed_shrinks_segments(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    static uint8_t d[3000];
    tcp_set_nodelay(p.c, true);
    CHECK(tcp_send(p.c, d, sizeof d) == sizeof d);
    cap_clear();
    uint8_t quote[8] = {0, 80, (uint8_t)(p.port >> 8), (uint8_t)p.port,
                        (uint8_t)(p.rcv_nxt >> 24), (uint8_t)(p.rcv_nxt >> 16),
                        (uint8_t)(p.rcv_nxt >> 8), (uint8_t)p.rcv_nxt};
    tcp_icmp_error(H[0].st, &H[0].addr, &H[1].addr, 3, 4, 1000, quote, 8);
    struct tcp_seg s;
    CHECK(got(&p, &s) && s.seq == p.rcv_nxt && s.dlen == 1000 - 20 - 20 - 12);
    struct tcp_conn_info i;
    tcp_conn_info(p.c, &i);
    CHECK(i.mss == 948);
    /* A quote of a sequence number not in flight is ignored (RFC 5927). */
    cap_clear();
    quote[4] ^= 0x80;
    tcp_icmp_error(H[0].st, &H[0].addr, &H[1].addr, 3, 4, 600, quote, 8);
    tcp_conn_info(p.c, &i);
    CHECK(i.mss == 948 && cap_count() == 0);
    wire_teardown();
}

static void icmp_unreachable_refuses_connect(void)
{
    setup(NULL);
    H[0].capture = true;
    struct tcp_conn *c;
    CHECK(tcp_connect(H[0].st, NULL, &H[1].addr, 9, NULL, &c) == 0);
    struct tcp_seg s;
    CHECK(cap_pop(&s, NULL, 0) && s.flags == TH_SYN);
    uint8_t quote[8] = {(uint8_t)(s.sport >> 8), (uint8_t)s.sport, 0, 9,
                        (uint8_t)(s.seq >> 24), (uint8_t)(s.seq >> 16),
                        (uint8_t)(s.seq >> 8), (uint8_t)s.seq};
    /* Host unreachable is soft: the connection keeps trying. */
    tcp_icmp_error(H[0].st, &H[0].addr, &H[1].addr, 3, 1, 0, quote, 8);
    CHECK(tcp_conn_state(c) == TCP_SYN_SENT);
    /* Port unreachable is hard while connecting. */
    tcp_icmp_error(H[0].st, &H[0].addr, &H[1].addr, 3, 3, 0, quote, 8);
    CHECK(tcp_conn_state(c) == TCP_CLOSED && tcp_conn_error(c) == MG_ECONNREFUSED);
    CHECK(tcp_stack_stats(H[0].st)->icmp_errors == 2);
    wire_teardown();
}

/* ---- simultaneous open ---- */

static void simultaneous_open(void)
{
    setup(NULL);
    struct tcp_conn *c;
    CHECK(tcp_connect(H[0].st, NULL, &H[1].addr, 5000, NULL, &c) == 0);
    struct tcp_seg s;
    CHECK(cap_pop(&s, NULL, 0) && s.flags == TH_SYN);
    uint16_t lport = s.sport;
    uint32_t iss = s.seq;
    /* The peer's own SYN crosses ours. */
    craft_send(&(struct craft){.pport = 5000, .lport = lport, .seq = 70000, .flags = TH_SYN,
                               .win = 8000, .mss = true, .mss_val = 1460});
    CHECK(tcp_conn_state(c) == TCP_SYN_RCVD);
    CHECK(cap_pop(&s, NULL, 0) && s.flags == (TH_SYN | TH_ACK) && s.seq == iss &&
          s.ack == 70001);
    /* Then its SYN-ACK of our SYN. */
    craft_send(&(struct craft){.pport = 5000, .lport = lport, .seq = 70000, .ack = iss + 1,
                               .flags = TH_SYN | TH_ACK, .win = 8000, .mss = true,
                               .mss_val = 1460});
    CHECK(tcp_conn_state(c) == TCP_ESTABLISHED);
    CHECK(tcp_send(c, "x", 1) == 1);
    CHECK(cap_count() >= 1);
    wire_teardown();
}

static void fin_out_of_order_waits_for_the_data(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    uint32_t base = p.snd_nxt;
    /* "world" and the FIN arrive before "hello ". */
    p.snd_nxt = base + 6;
    struct craft f = seg_of(&p, TH_ACK | TH_FIN);
    f.data = "world";
    f.len = 5;
    craft_send(&f);
    CHECK(tcp_recv_status(p.c) == MG_EAGAIN && tcp_recv_buffered(p.c) == 0);
    CHECK(tcp_conn_state(p.c) == TCP_ESTABLISHED);
    p.snd_nxt = base;
    peer_data(&p, "hello ", 6);
    CHECK(tcp_recv_buffered(p.c) == 11);
    CHECK(tcp_conn_state(p.c) == TCP_CLOSE_WAIT);
    uint8_t buf[16];
    const uint8_t *q;
    size_t n = 0, k;
    while ((k = tcp_recv_peek(p.c, &q)) > 0) {
        memcpy(buf + n, q, k);
        n += k;
        tcp_recv_consume(p.c, k);
    }
    CHECK(n == 11 && memcmp(buf, "hello world", 11) == 0);
    CHECK(tcp_recv_status(p.c) == 0);
    struct tcp_seg s;
    uint32_t last_ack = 0;
    while (got(&p, &s))
        last_ack = s.ack;
    CHECK(last_ack == base + 12);
    wire_teardown();
}

static void sack_blocks_come_out_of_the_payload(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    /* A hole in what the peer sends: our segments carry SACK blocks now. */
    uint32_t base = p.snd_nxt;
    p.snd_nxt = base + 100;
    peer_data(&p, "x", 1);
    p.snd_nxt = base + 300;
    peer_data(&p, "y", 1);
    cap_clear();
    static uint8_t d[20000];
    tcp_set_nodelay(p.c, true);
    CHECK(tcp_send(p.c, d, sizeof d) == sizeof d);
    struct tcp_seg s;
    size_t n = 0, total = 0;
    while (cap_next(&s)) {
        /* RFC 6691: options and data together within the MSS (1460). */
        size_t hlen = (size_t)(cap->data[12] >> 4) * 4;
        CHECK(s.nsack == 2 && hlen == 20 + 12 + 20);
        CHECK(hlen - 20 + s.dlen <= 1460);
        total += s.dlen;
        n++;
        cap_drop();
    }
    CHECK(n >= 10 && total > 10 * 1400);
    wire_teardown();
}

/* ---- more of the state machine ---- */

static void fin_and_ack_together_go_to_time_wait(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct tcp_seg s;
    tcp_shutdown(p.c, false, true);
    CHECK(got(&p, &s) && (s.flags & TH_FIN) && tcp_conn_state(p.c) == TCP_FIN_WAIT_1);
    p.rcv_nxt++;
    /* The peer's FIN carries the ACK of ours: FIN_WAIT_1 to TIME_WAIT. */
    craft_send(&(struct craft){.pport = p.port, .lport = 80, .seq = p.snd_nxt, .ack = p.rcv_nxt,
                               .flags = TH_ACK | TH_FIN, .win = 512, .ts = true,
                               .tsval = ++p.ts, .tsecr = p.tsecr});
    CHECK(tcp_conn_state(p.c) == TCP_TIME_WAIT);
    CHECK(got(&p, &s) && s.flags == TH_ACK && s.ack == p.snd_nxt + 1);
    wire_teardown();
}

static void rst_in_syn_rcvd_frees_it(void)
{
    setup(NULL);
    struct tcp_listener *l;
    CHECK(tcp_listen(H[0].st, NULL, 80, 16, NULL, &l) == 0);
    craft_send(&(struct craft){.pport = 999, .lport = 80, .seq = 100, .flags = TH_SYN, .win = 1000});
    CHECK(l->syn_count == 1 && tcp_stack_conns(H[0].st) == 1);
    cap_clear();
    craft_send(&(struct craft){.pport = 999, .lport = 80, .seq = 101, .flags = TH_RST, .win = 0});
    CHECK(l->syn_count == 0 && tcp_stack_conns(H[0].st) == 0 && cap_count() == 0);
    wire_teardown();
}

static void closed_fin_wait_2_times_out(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    struct tcp_seg s;
    tcp_close(p.c); /* the user is gone */
    CHECK(got(&p, &s) && (s.flags & TH_FIN));
    peer_ack(&p, s.seq + 1, 512);
    CHECK(tcp_stack_conns(H[0].st) == 1);
    /* The peer never closes: the engine does not wait for it forever. */
    now_ns += 59 * SEC;
    tcp_timers(H[0].st);
    CHECK(tcp_stack_conns(H[0].st) == 1);
    now_ns += 2 * SEC;
    tcp_timers(H[0].st);
    CHECK(tcp_stack_conns(H[0].st) == 0);
    wire_teardown();
}

/* ---- loss detection by time: tail loss probes, RACK, DSACK undo ---- */

static void tail_loss_probe_before_the_rto(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    static uint8_t d[4 * 1448];
    tcp_set_nodelay(p.c, true);
    CHECK(tcp_send(p.c, d, sizeof d) == sizeof d);
    CHECK(cap_count() == 4);
    cap_clear();
    uint64_t t0 = now_ns;
    while (cap_count() == 0) {
        now_ns = tcp_next_timer(H[0].st);
        tcp_timers(H[0].st);
    }
    struct tcp_seg s;
    /* Long before the RTO's 200 ms: the last segment again. */
    CHECK(now_ns - t0 <= 50 * MSEC);
    CHECK(got(&p, &s) && s.seq == p.rcv_nxt + 3 * 1448 && s.dlen == 1448);
    CHECK(tcp_stack_stats(H[0].st)->tail_probes == 1);
    wire_teardown();
}

static void rack_finds_a_loss_without_three_dupacks(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    static uint8_t d[2 * 1448];
    tcp_set_nodelay(p.c, true);
    CHECK(tcp_send(p.c, d, sizeof d) == sizeof d);
    cap_clear();
    uint32_t una = p.rcv_nxt;
    now_ns += 1 * MSEC;
    /* The second arrives, the first does not: one ACK with one block. */
    struct craft a = seg_of(&p, TH_ACK);
    a.ack = una;
    a.win = 512;
    a.nsack = 1;
    a.sack[0][0] = una + 1448;
    a.sack[0][1] = una + 2 * 1448;
    craft_send(&a);
    uint64_t t0 = now_ns;
    while (cap_count() == 0 && now_ns - t0 < SEC) {
        now_ns = tcp_next_timer(H[0].st);
        tcp_timers(H[0].st);
    }
    struct tcp_seg s;
    CHECK(got(&p, &s) && s.seq == una && s.dlen == 1448);
    CHECK(now_ns - t0 < 5 * MSEC); /* a round trip and a little, not a timeout */
    CHECK(tcp_stack_stats(H[0].st)->rto_fired == 0);
    wire_teardown();
}

/* Run the timers until H[0] sends something: the time that took. */
static uint64_t until_sent(void)
{
    uint64_t t0 = now_ns;
    while (cap_count() == 0) {
        now_ns = tcp_next_timer(H[0].st);
        tcp_timers(H[0].st);
    }
    return now_ns - t0;
}

enum { FULL = 1448 }; /* a full segment with timestamps */

/* p opens a connection to H[0], which sends six segments that are all
 * lost, and its tail loss probe too: the first timeout (200 ms) resends
 * the first segment, seen by p. SND.UNA then. */
static uint32_t six_lost_then_a_timeout(struct peer *p)
{
    setup(NULL);
    passive_open(p, true);
    static uint8_t d[6 * FULL];
    tcp_set_nodelay(p->c, true);
    CHECK(tcp_send(p->c, d, sizeof d) == sizeof d);
    cap_clear();
    uint32_t una = p->rcv_nxt;
    until_sent();
    cap_clear();
    CHECK(until_sent() == 200 * MSEC);
    struct tcp_seg s;
    CHECK(got(p, &s) && s.seq == una);
    CHECK(tcp_stack_stats(H[0].st)->rto_fired == 1);
    return una;
}

static void timestamped_ack_ends_the_backoff(void)
{
    struct peer p;
    uint32_t una = six_lost_then_a_timeout(&p);
    struct tcp_seg s;
    /* Lost again: timeouts of 400 and 800 ms follow. */
    cap_clear();
    CHECK(until_sent() == 400 * MSEC);
    CHECK(got(&p, &s) && s.seq == una); /* the copy that arrives: its timestamp is echoed */
    cap_clear();
    struct tcp_conn_info i;
    tcp_conn_info(p.c, &i);
    CHECK(i.rto_ms == 800);
    /* The resent first segment arrives; its ACK echoes its timestamp: a
     * valid round trip (RFC 7323 4.1), so the next timeout is the
     * estimate's again, not 800 ms and more (RFC 6298 5.7). */
    now_ns += 1 * MSEC;
    peer_ack(&p, una + FULL, 512);
    tcp_conn_info(p.c, &i);
    CHECK(i.rto_ms == 200);
    cap_clear();
    CHECK(until_sent() <= 200 * MSEC);
    wire_teardown();
}

static void rack_finds_a_lost_retransmission_after_a_timeout(void)
{
    struct peer p;
    uint32_t una = six_lost_then_a_timeout(&p);
    struct tcp_seg s;
    struct tcp_conn_info after_rto, i;
    tcp_conn_info(p.c, &after_rto);
    /* It arrives: the window opens to two, the next two go again. */
    now_ns += 1 * MSEC;
    peer_ack(&p, una + FULL, 512);
    CHECK(got(&p, &s) && s.seq == una + FULL);
    CHECK(got(&p, &s) && s.seq == una + 2 * FULL);
    cap_clear();
    /* The first of them is lost again, the second arrives. */
    now_ns += 1 * MSEC;
    struct craft a = seg_of(&p, TH_ACK);
    a.ack = una + FULL;
    a.win = 512;
    a.nsack = 1;
    a.sack[0][0] = una + 2 * FULL;
    a.sack[0][1] = una + 3 * FULL;
    craft_send(&a);
    /* Found by time, within a round trip and a little: not a second timeout. */
    uint64_t t = cap_count() ? 0 : until_sent();
    CHECK(got(&p, &s) && s.seq == una + FULL && s.dlen == FULL);
    CHECK(t < 5 * MSEC);
    CHECK(tcp_stack_stats(H[0].st)->rto_fired == 1);
    /* One congestion event, one reduction: the timeout's (RFC 6582 3.2,
     * RFC 6675 5.1), however much was still outstanding from before it. */
    tcp_conn_info(p.c, &i);
    CHECK(i.ssthresh == after_rto.ssthresh);
    wire_teardown();
}

static void dsack_undoes_a_needless_reduction(void)
{
    setup(NULL);
    struct peer p;
    passive_open(&p, true);
    enum { M = 1448 };
    static uint8_t d[10 * M];
    CHECK(tcp_send(p.c, d, sizeof d) == sizeof d);
    cap_clear();
    struct tcp_conn_info before, i;
    tcp_conn_info(p.c, &before);
    uint32_t una = p.rcv_nxt;
    /* Three duplicates SACKing 1..3: segment 0 looks lost and is resent. */
    struct craft a = seg_of(&p, TH_ACK);
    a.ack = una;
    a.win = 4096;
    a.nsack = 1;
    a.sack[0][0] = una + M;
    for (int k = 1; k <= 3; k++) {
        a.sack[0][1] = una + (uint32_t)(k + 1) * M;
        craft_send(&a);
    }
    tcp_conn_info(p.c, &i);
    CHECK(i.recovery && i.cwnd < before.cwnd);
    /* It was only late: everything acknowledged, and a DSACK for the
     * copy we resent. */
    a.ack = una + 10 * M;
    a.nsack = 1;
    a.sack[0][0] = una;
    a.sack[0][1] = una + M;
    craft_send(&a);
    tcp_conn_info(p.c, &i);
    CHECK(tcp_stack_stats(H[0].st)->undos == 1);
    CHECK(!i.recovery && i.cwnd >= before.cwnd && i.reordering > 3);
    wire_teardown();
}

static const struct check_case cases[] = {
    CASE_ENTRY(syn_ack_options),
    CASE_ENTRY(syn_ack_answers_what_was_offered),
    CASE_ENTRY(no_options_gives_defaults),
    CASE_ENTRY(mss_clamped_to_route),
    CASE_ENTRY(rst_must_be_exact),
    CASE_ENTRY(syn_in_established_draws_challenge),
    CASE_ENTRY(challenge_acks_are_rate_limited),
    CASE_ENTRY(ack_beyond_what_was_sent),
    CASE_ENTRY(ack_too_old),
    CASE_ENTRY(paws_drops_old_timestamps),
    CASE_ENTRY(bad_checksum_dropped),
    CASE_ENTRY(malformed_segments),
    CASE_ENTRY(sack_blocks_for_holes),
    CASE_ENTRY(sack_blocks_come_out_of_the_payload),
    CASE_ENTRY(out_of_order_queue_is_bounded),
    CASE_ENTRY(delayed_ack),
    CASE_ENTRY(window_update_when_reader_frees),
    CASE_ENTRY(nagle_holds_small_segments),
    CASE_ENTRY(zero_window_probes_back_off),
    CASE_ENTRY(keepalive_probes_then_gives_up),
    CASE_ENTRY(retransmission_backs_off_then_times_out),
    CASE_ENTRY(fast_retransmit_on_three_dupacks),
    CASE_ENTRY(sack_recovery_resends_only_holes),
    CASE_ENTRY(syn_cookies_when_backlog_full),
    CASE_ENTRY(syn_cookie_keeps_options_in_timestamp),
    CASE_ENTRY(time_wait_reused_by_newer_syn),
    CASE_ENTRY(icmp_frag_needed_shrinks_segments),
    CASE_ENTRY(icmp_unreachable_refuses_connect),
    CASE_ENTRY(simultaneous_open),
    CASE_ENTRY(fin_out_of_order_waits_for_the_data),
    CASE_ENTRY(fin_and_ack_together_go_to_time_wait),
    CASE_ENTRY(rst_in_syn_rcvd_frees_it),
    CASE_ENTRY(closed_fin_wait_2_times_out),
    CASE_ENTRY(tail_loss_probe_before_the_rto),
    CASE_ENTRY(rack_finds_a_loss_without_three_dupacks),
    CASE_ENTRY(dsack_undoes_a_needless_reduction),
    CASE_ENTRY(timestamped_ack_ends_the_backoff),
    CASE_ENTRY(rack_finds_a_lost_retransmission_after_a_timeout),
};
CHECK_MAIN(cases)
