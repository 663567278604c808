/* sources: lib/tcp/tcp_bq.c lib/tcp/tcp_cc.c lib/tcp/tcp_hash.c lib/tcp/tcp_icmp.c lib/tcp/tcp_input.c lib/tcp/tcp_listen.c lib/tcp/tcp_ooo.c lib/tcp/tcp_output.c lib/tcp/tcp_rack.c lib/tcp/tcp_sack.c lib/tcp/tcp_stack.c lib/tcp/tcp_table.c lib/tcp/tcp_timer.c lib/tcp/tcp_user.c lib/tcp/tcp_wire.c lib/inet/inet_csum.c */
/* test_tcp_engine.c: the TCP engine's state machine between two engines: open, data, half and full close, simultaneous close, TIME_WAIT, resets, refusals, timeouts, backlog. */
#include "tcp_wire.h"

static struct tcp_listener *listen_on(int h, uint16_t port, int backlog)
{
    struct tcp_listener *l;
    CHECK(tcp_listen(H[h].st, NULL, port, backlog, NULL, &l) == 0);
    return l;
}

struct pair {
    struct tcp_listener *l;
    struct tcp_conn *cli, *srv;
};

static bool established(void *arg)
{
    struct pair *p = arg;
    if (!p->srv)
        p->srv = tcp_accept(p->l);
    return p->srv && tcp_conn_state(p->cli) == TCP_ESTABLISHED &&
           tcp_conn_state(p->srv) == TCP_ESTABLISHED;
}

/* H[1] connects to H[0]:80; both ends established. */
static void open_pair(struct pair *p)
{
    memset(p, 0, sizeof *p);
    p->l = listen_on(0, 80, 16);
    CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 80, NULL, &p->cli) == 0);
    CHECK(tcp_conn_state(p->cli) == TCP_SYN_SENT);
    CHECK(wire_run(established, NULL, p, 5 * SEC));
}

static size_t recv_all(struct tcp_conn *c, uint8_t *buf, size_t max)
{
    size_t n = 0;
    const uint8_t *p;
    size_t k;
    while (n < max && (k = tcp_recv_peek(c, &p)) > 0) {
        if (k > max - n)
            k = max - n;
        memcpy(buf + n, p, k);
        tcp_recv_consume(c, k);
        n += k;
    }
    return n;
}

static void handshake_negotiates_options(void)
{
    wire_setup();
    struct pair p;
    open_pair(&p);
    struct tcp_conn_info a, b;
    tcp_conn_info(p.cli, &a);
    tcp_conn_info(p.srv, &b);
    CHECK(a.ts && a.sack && b.ts && b.sack);
    /* 256 KiB buffers need a shift of 3; MSS 1460 minus 12 of timestamps. */
    CHECK(a.snd_wscale == 3 && a.rcv_wscale == 3 && b.snd_wscale == 3 && b.rcv_wscale == 3);
    CHECK(a.mss == 1448 && b.mss == 1448);
    CHECK(a.cwnd == 10 * 1448);
    CHECK(a.snd_una == a.snd_max && b.snd_una == b.snd_max);
    CHECK(tcp_stack_conns(H[0].st) == 1 && tcp_stack_conns(H[1].st) == 1);
    CHECK(H[0].accepts == 1);
    wire_teardown();
}

static void data_both_ways(void)
{
    wire_setup();
    struct pair p;
    open_pair(&p);
    CHECK(tcp_send(p.cli, "hello", 5) == 5);
    wire_wait(10 * MSEC);
    uint8_t buf[64];
    CHECK(recv_all(p.srv, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK(tcp_send(p.srv, "world!", 6) == 6);
    wire_wait(10 * MSEC);
    CHECK(recv_all(p.cli, buf, sizeof buf) == 6 && memcmp(buf, "world!", 6) == 0);
    CHECK(tcp_recv_status(p.cli) == MG_EAGAIN);
    wire_wait(100 * MSEC);
    struct tcp_conn_info a;
    tcp_conn_info(p.cli, &a);
    CHECK(a.snd_una == a.snd_max && a.sndq == 0);
    wire_teardown();
}

static void full_close_and_time_wait(void)
{
    wire_setup();
    struct pair p;
    open_pair(&p);
    /* The client closes first: it ends in TIME_WAIT, the server in CLOSED. */
    tcp_shutdown(p.cli, false, true);
    CHECK(tcp_conn_state(p.cli) == TCP_FIN_WAIT_1);
    CHECK(tcp_send_status(p.cli) == MG_EPIPE);
    wire_wait(10 * MSEC);
    CHECK(tcp_conn_state(p.cli) == TCP_FIN_WAIT_2);
    CHECK(tcp_conn_state(p.srv) == TCP_CLOSE_WAIT);
    CHECK(tcp_recv_status(p.srv) == 0); /* end of stream */
    /* Half-closed: the server still sends. */
    CHECK(tcp_send(p.srv, "late", 4) == 4);
    wire_wait(10 * MSEC);
    uint8_t buf[8];
    CHECK(recv_all(p.cli, buf, sizeof buf) == 4 && memcmp(buf, "late", 4) == 0);
    tcp_close(p.srv);
    wire_wait(10 * MSEC);
    CHECK(tcp_conn_state(p.cli) == TCP_TIME_WAIT);
    CHECK(tcp_stack_time_wait(H[1].st) == 1);
    CHECK(tcp_stack_conns(H[0].st) == 0); /* LAST_ACK acknowledged: gone */
    tcp_close(p.cli);                      /* the engine keeps it for 2 MSL */
    CHECK(tcp_stack_conns(H[1].st) == 1);
    wire_wait(59 * SEC);
    CHECK(tcp_stack_conns(H[1].st) == 1);
    wire_wait(2 * SEC);
    CHECK(tcp_stack_conns(H[1].st) == 0 && tcp_stack_time_wait(H[1].st) == 0);
    wire_teardown();
}

static void simultaneous_close(void)
{
    wire_setup();
    struct pair p;
    open_pair(&p);
    /* Both FINs cross on the wire. */
    tcp_shutdown(p.cli, false, true);
    tcp_shutdown(p.srv, false, true);
    CHECK(tcp_conn_state(p.cli) == TCP_FIN_WAIT_1 && tcp_conn_state(p.srv) == TCP_FIN_WAIT_1);
    wire_run(NULL, NULL, NULL, 0); /* nothing delivered yet */
    now_ns += 1 * MSEC;
    wire_step(); /* each FIN arrives before the other side's ACK of ours */
    enum tcp_state a = tcp_conn_state(p.cli), b = tcp_conn_state(p.srv);
    CHECK((a == TCP_CLOSING || a == TCP_TIME_WAIT) && (b == TCP_CLOSING || b == TCP_TIME_WAIT));
    CHECK(a == TCP_CLOSING || b == TCP_CLOSING);
    wire_wait(10 * MSEC);
    CHECK(tcp_conn_state(p.cli) == TCP_TIME_WAIT && tcp_conn_state(p.srv) == TCP_TIME_WAIT);
    tcp_close(p.cli);
    tcp_close(p.srv);
    wire_wait(61 * SEC);
    CHECK(tcp_stack_conns(H[0].st) == 0 && tcp_stack_conns(H[1].st) == 0);
    wire_teardown();
}

static void close_after_fin_from_peer(void)
{
    wire_setup();
    struct pair p;
    open_pair(&p);
    tcp_close(p.srv); /* the server closes first: the client sees end of stream */
    wire_wait(10 * MSEC);
    CHECK(tcp_conn_state(p.cli) == TCP_CLOSE_WAIT && tcp_recv_status(p.cli) == 0);
    CHECK(tcp_send(p.cli, "x", 1) == 1); /* the peer's read side may be shut; data is fine */
    wire_wait(10 * MSEC);
    /* Data to a connection its user closed draws an RST (RFC 9293 3.10.4). */
    CHECK(tcp_conn_state(p.cli) == TCP_CLOSED && tcp_conn_error(p.cli) == MG_ECONNRESET);
    CHECK(tcp_stack_conns(H[0].st) == 0);
    tcp_close(p.cli);
    CHECK(tcp_stack_conns(H[1].st) == 0);
    wire_teardown();
}

static void reset_by_abort(void)
{
    wire_setup();
    struct pair p;
    open_pair(&p);
    tcp_abort(p.srv);
    CHECK(tcp_stack_conns(H[0].st) == 0);
    wire_wait(10 * MSEC);
    CHECK(tcp_conn_state(p.cli) == TCP_CLOSED);
    CHECK(tcp_conn_error(p.cli) == MG_ECONNRESET);
    CHECK(tcp_recv_status(p.cli) == MG_ECONNRESET);
    CHECK(tcp_send_status(p.cli) == MG_ECONNRESET);
    CHECK(tcp_send(p.cli, "x", 1) == 0);
    tcp_close(p.cli);
    CHECK(tcp_stack_conns(H[1].st) == 0);
    wire_teardown();
}

static void close_with_unread_data_resets(void)
{
    wire_setup();
    struct pair p;
    open_pair(&p);
    CHECK(tcp_send(p.cli, "unread", 6) == 6);
    wire_wait(10 * MSEC);
    CHECK(tcp_recv_buffered(p.srv) == 6);
    tcp_close(p.srv);
    CHECK(tcp_stack_conns(H[0].st) == 0);
    wire_wait(10 * MSEC);
    CHECK(tcp_conn_error(p.cli) == MG_ECONNRESET);
    tcp_close(p.cli);
    wire_teardown();
}

static void refused_without_listener(void)
{
    wire_setup();
    struct tcp_conn *c;
    CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 81, NULL, &c) == 0);
    wire_wait(10 * MSEC);
    CHECK(tcp_conn_state(c) == TCP_CLOSED && tcp_conn_error(c) == MG_ECONNREFUSED);
    CHECK(tcp_stack_stats(H[0].st)->no_conn_rst == 1);
    tcp_close(c);
    CHECK(tcp_stack_conns(H[1].st) == 0);
    wire_teardown();
}

static void connect_times_out(void)
{
    wire_setup();
    imp.loss = 1000; /* a black hole */
    struct tcp_conn *c;
    CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 80, NULL, &c) == 0);
    /* 1 + 2 + 4 + ... + 64 s: six retransmissions, then the seventh wait ends it. */
    wire_wait(100 * SEC);
    CHECK(tcp_conn_state(c) == TCP_SYN_SENT);
    wire_wait(30 * SEC);
    CHECK(tcp_conn_state(c) == TCP_CLOSED && tcp_conn_error(c) == MG_ETIMEDOUT);
    CHECK(wire_sent == 7);
    tcp_close(c);
    wire_teardown();
}

static void connect_route_error(void)
{
    wire_setup();
    H[1].route_err = MG_ETIMEDOUT;
    struct tcp_conn *c;
    CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 80, NULL, &c) == MG_ETIMEDOUT);
    CHECK(tcp_stack_conns(H[1].st) == 0);
    struct mg_ip v6 = {.version = 6};
    CHECK(tcp_connect(H[1].st, &H[1].addr, &v6, 80, NULL, &c) == MG_EINVAL);
    CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 0, NULL, &c) == MG_EINVAL);
    wire_teardown();
}

static void listen_rules(void)
{
    wire_setup();
    struct tcp_listener *l, *l2;
    CHECK(tcp_listen(H[0].st, NULL, 0, 1, NULL, &l) == MG_EINVAL);
    CHECK(tcp_listen(H[0].st, NULL, 80, 1, NULL, &l) == 0);
    CHECK(tcp_listen(H[0].st, NULL, 80, 1, NULL, &l2) == MG_EBUSY);
    CHECK(tcp_listen(H[0].st, &H[0].addr, 80, 1, NULL, &l2) == MG_EBUSY);
    CHECK(tcp_listener_find(H[0].st, 80) == l);
    tcp_unlisten(l);
    CHECK(tcp_listener_find(H[0].st, 80) == NULL);
    CHECK(tcp_listen(H[0].st, &H[0].addr, 80, 1, NULL, &l) == 0);
    wire_teardown();
}

static bool both_queued(void *arg)
{
    (void)arg;
    return tcp_stack_conns(H[0].st) == 5;
}

static void accept_backlog_is_bounded(void)
{
    wire_setup();
    struct tcp_listener *l = listen_on(0, 80, 2);
    struct tcp_conn *c[5];
    for (int i = 0; i < 5; i++)
        CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 80, NULL, &c[i]) == 0);
    wire_run(both_queued, NULL, NULL, 20 * MSEC);
    wire_wait(20 * MSEC);
    /* Two wait to be accepted; the three others stay half-open (their
     * ACK dropped), though each client believes it is established. */
    CHECK(l->q_len == 2 && l->syn_count == 3);
    CHECK(tcp_stack_stats(H[0].st)->accept_overflow >= 3);
    struct tcp_conn *a = tcp_accept(l), *b = tcp_accept(l);
    CHECK(a && b && !tcp_accept(l));
    /* The SYN-ACKs are resent (after 1 s), ACKed again, and queued. */
    wire_wait(1500 * MSEC);
    CHECK(l->q_len == 2 && l->syn_count == 1);
    CHECK(tcp_accept(l) && tcp_accept(l));
    wire_wait(2500 * MSEC);
    CHECK(l->q_len == 1 && l->syn_count == 0);
    /* Unlistening resets what is still queued. */
    tcp_unlisten(l);
    wire_wait(10 * MSEC);
    int reset = 0;
    for (int i = 0; i < 5; i++)
        reset += tcp_conn_error(c[i]) == MG_ECONNRESET;
    CHECK(reset == 1);
    wire_teardown();
}

static void many_pairs_in_parallel(void)
{
    wire_setup();
    struct tcp_listener *l = listen_on(0, 80, 1000);
    enum { N = 300 };
    static struct tcp_conn *cli[N], *srv[N];
    for (int i = 0; i < N; i++)
        CHECK(tcp_connect(H[1].st, NULL, &H[0].addr, 80, NULL, &cli[i]) == 0);
    wire_wait(50 * MSEC);
    for (int i = 0; i < N; i++) {
        srv[i] = tcp_accept(l);
        CHECK(srv[i] != NULL);
        CHECK(tcp_conn_state(cli[i]) == TCP_ESTABLISHED);
        uint8_t msg[4] = {(uint8_t)i, (uint8_t)(i >> 8), 7, 9};
        CHECK(tcp_send(cli[i], msg, 4) == 4);
    }
    wire_wait(100 * MSEC);
    for (int i = 0; i < N; i++) {
        uint8_t buf[8];
        CHECK(recv_all(srv[i], buf, sizeof buf) == 4);
        /* Each server connection got its own client's bytes. */
        uint16_t lport, rport;
        tcp_conn_endpoints(srv[i], NULL, &lport, NULL, &rport);
        int owner = -1;
        for (int k = 0; k < N; k++) {
            uint16_t cl;
            tcp_conn_endpoints(cli[k], NULL, &cl, NULL, NULL);
            if (cl == rport)
                owner = k;
        }
        CHECK(owner >= 0 && buf[0] == (uint8_t)owner && buf[1] == (uint8_t)(owner >> 8));
        tcp_close(srv[i]);
        tcp_close(cli[i]);
    }
    wire_wait(200 * SEC);
    CHECK(tcp_stack_conns(H[0].st) == 0 && tcp_stack_conns(H[1].st) == 0);
    CHECK(tcp_stack_mem(H[0].st) == 0 && tcp_stack_mem(H[1].st) == 0);
    wire_teardown();
}

static void shutdown_read_drops_data(void)
{
    wire_setup();
    struct pair p;
    open_pair(&p);
    CHECK(tcp_send(p.cli, "abc", 3) == 3);
    wire_wait(10 * MSEC);
    tcp_shutdown(p.srv, true, false);
    CHECK(tcp_recv_status(p.srv) == MG_ENOTCONN);
    CHECK(tcp_recv_buffered(p.srv) == 0);
    CHECK(tcp_send(p.cli, "def", 3) == 3);
    wire_wait(100 * MSEC); /* past the delayed ACK */
    CHECK(tcp_recv_buffered(p.srv) == 0);
    struct tcp_conn_info a;
    tcp_conn_info(p.cli, &a);
    CHECK(a.snd_una == a.snd_max); /* acknowledged all the same */
    tcp_close(p.srv); /* nothing unread: a FIN, not an RST */
    wire_wait(10 * MSEC);
    CHECK(tcp_conn_state(p.cli) == TCP_CLOSE_WAIT);
    wire_teardown();
}

static void reset_all(void)
{
    wire_setup();
    struct pair p;
    open_pair(&p);
    tcp_stack_reset_all(H[0].st);
    CHECK(tcp_conn_state(p.srv) == TCP_CLOSED && tcp_conn_error(p.srv) == MG_ECONNRESET);
    wire_wait(10 * MSEC);
    CHECK(tcp_conn_error(p.cli) == MG_ECONNRESET);
    wire_teardown();
}

static void over_ipv6(void)
{
    /* The engine is the same over IPv6: the pseudo-header, the MSS. */
    wire_setup();
    for (int i = 0; i < 2; i++) {
        memset(&H[i].addr, 0, sizeof H[i].addr);
        H[i].addr.version = 6;
        H[i].addr.u.v6.b[0] = 0xfd;
        H[i].addr.u.v6.b[15] = (uint8_t)(i + 1);
        H[i].mtu = 1460; /* 1500 less the 40 bytes of the IPv6 header */
    }
    struct pair p;
    open_pair(&p);
    struct tcp_conn_info a;
    tcp_conn_info(p.cli, &a);
    CHECK(a.mss == 1440 - 12);
    static uint8_t big[100000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = pattern(i);
    CHECK(tcp_send(p.cli, big, sizeof big) == sizeof big);
    wire_wait(100 * MSEC);
    static uint8_t got[100000];
    CHECK(recv_all(p.srv, got, sizeof got) == sizeof got && memcmp(got, big, sizeof big) == 0);
    struct mg_ip l, r;
    tcp_conn_endpoints(p.srv, &l, NULL, &r, NULL);
    CHECK(l.version == 6 && r.version == 6 && r.u.v6.b[15] == 2);
    wire_teardown();
}

static const struct check_case cases[] = {
    CASE_ENTRY(handshake_negotiates_options),
    CASE_ENTRY(data_both_ways),
    CASE_ENTRY(full_close_and_time_wait),
    CASE_ENTRY(simultaneous_close),
    CASE_ENTRY(close_after_fin_from_peer),
    CASE_ENTRY(reset_by_abort),
    CASE_ENTRY(close_with_unread_data_resets),
    CASE_ENTRY(refused_without_listener),
    CASE_ENTRY(connect_times_out),
    CASE_ENTRY(connect_route_error),
    CASE_ENTRY(listen_rules),
    CASE_ENTRY(accept_backlog_is_bounded),
    CASE_ENTRY(many_pairs_in_parallel),
    CASE_ENTRY(shutdown_read_drops_data),
    CASE_ENTRY(reset_all),
    CASE_ENTRY(over_ipv6),
};
CHECK_MAIN(cases)
