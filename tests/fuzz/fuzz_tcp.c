/* fuzz_tcp.c: libFuzzer harness for the TCP engine: segments that lie (options, offsets, lengths,
 * sequence numbers), clock jumps and user calls, against an engine driven into each state first. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/tcp/tcp_int.h"

static uint64_t now = 1000000000000ull;
static struct mg_ip me = {.version = 4, .u.v4.b = {10, 0, 0, 1}};
static struct mg_ip peer = {.version = 4, .u.v4.b = {10, 0, 0, 2}};
static uint32_t last_seq, last_ack; /* of the last segment the engine sent */
static bool last_syn;

static uint64_t f_now(void *arg)
{
    (void)arg;
    return now;
}

/* Every segment the engine emits must be well formed. */
static void f_output(void *arg, const struct tcp_seg_out *o)
{
    (void)arg;
    static uint8_t buf[TCP_HLEN + TCP_OPT_MAX + 70000];
    size_t len = o->hdr_len + o->pay_len;
    if (len > sizeof buf || o->npay > TCP_PAY_IOV_MAX)
        abort();
    memcpy(buf, o->hdr, o->hdr_len);
    size_t at = o->hdr_len;
    for (size_t i = 0; i < o->npay; i++) {
        memcpy(buf + at, o->pay[i].base, o->pay[i].len);
        at += o->pay[i].len;
    }
    if (at != len)
        abort();
    tcp_csum_fill(o->src, o->dst, buf, len);
    struct tcp_seg s;
    if (tcp_parse(buf, len, &s) != 0 || !tcp_csum_ok(o->src, o->dst, buf, len))
        abort();
    if (s.dlen > 0 && s.dlen > o->mss && o->mss && !(s.flags & TH_SYN))
        abort(); /* no TSO configured: never larger than the MSS */
    last_seq = s.seq;
    last_ack = s.ack;
    last_syn = (s.flags & TH_SYN) != 0;
}

static int f_route(void *arg, const struct mg_ip *dst, struct mg_ip *src, size_t *mtu)
{
    (void)arg;
    (void)dst;
    *src = me;
    *mtu = 1480;
    return 0;
}

/* A segment from the peer (port pport to 80 unless active), options raw. */
static void send_seg(struct tcp_stack *st, uint16_t sport, uint16_t dport, uint32_t seq,
                     uint32_t ack, uint8_t flags, uint16_t win, const uint8_t *opts, size_t olen,
                     size_t dlen, bool bad_csum)
{
    static uint8_t b[TCP_HLEN + TCP_OPT_MAX + 4096];
    if (olen > TCP_OPT_MAX)
        olen = TCP_OPT_MAX;
    if (dlen > 4096)
        dlen = 4096;
    size_t hl = TCP_HLEN + ((olen + 3) & ~(size_t)3);
    memset(b, 0, hl);
    b[0] = (uint8_t)(sport >> 8);
    b[1] = (uint8_t)sport;
    b[2] = (uint8_t)(dport >> 8);
    b[3] = (uint8_t)dport;
    for (int i = 0; i < 4; i++) {
        b[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
        b[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
    }
    b[12] = (uint8_t)((hl / 4) << 4);
    b[13] = flags;
    b[14] = (uint8_t)(win >> 8);
    b[15] = (uint8_t)win;
    if (olen)
        memcpy(b + TCP_HLEN, opts, olen);
    for (size_t i = 0; i < dlen; i++)
        b[hl + i] = (uint8_t)(i * 7);
    tcp_csum_fill(&peer, &me, b, hl + dlen);
    if (bad_csum)
        b[17] ^= 1;
    tcp_input(st, &peer, &me, b, hl + dlen, 0);
}

struct rd {
    const uint8_t *p;
    size_t n;
};
static uint8_t u8(struct rd *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}
static uint16_t u16(struct rd *r) { return (uint16_t)(u8(r) << 8 | u8(r)); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rd r = {data, size};
    struct tcp_cfg cfg;
    tcp_cfg_default(&cfg);
    uint8_t knobs = u8(&r);
    cfg.no_sack = knobs & 1;
    cfg.no_timestamps = knobs & 2;
    cfg.no_wscale = knobs & 4;
    cfg.rcvbuf = knobs & 8 ? 4096 : cfg.rcvbuf;
    cfg.ooo_max = knobs & 16 ? 2048 : cfg.ooo_max;
    cfg.syn_backlog = knobs & 32 ? 1 : 8;
    cfg.tw_max = knobs & 64 ? 0 : 4;
    cfg.mem_max = 1u << 20;
    struct tcp_env env = {.now = f_now, .output = f_output, .route = f_route};
    uint8_t secret[16] = {1, 2, 3};
    struct tcp_stack *st = tcp_stack_new(&cfg, &env, secret);
    if (!st)
        abort();
    struct tcp_listener *l;
    if (tcp_listen(st, NULL, 80, 4, NULL, &l) != 0)
        abort();
    uint16_t pport = 40000;
    uint32_t pseq = 777;  /* the peer's next sequence number */
    struct tcp_conn *mine = NULL; /* a connection the harness holds as its user */
    uint8_t opts[TCP_OPT_MAX] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};

    /* Drive the engine into a state first. */
    uint8_t scenario = u8(&r) % 8;
    if (scenario == 7) {
        if (tcp_connect(st, NULL, &peer, 5000, NULL, &mine) != 0)
            abort();
        pport = 5000;
    } else if (scenario >= 1) {
        send_seg(st, pport, 80, pseq, 0, TH_SYN, 65535, opts, 20, 0, false);
        pseq++;
        if (scenario >= 2 && last_syn) {
            send_seg(st, pport, 80, pseq, last_seq + 1, TH_ACK, 1000, NULL, 0, 0, false);
            mine = tcp_accept(l);
        }
        if (mine && scenario == 3) {
            static uint8_t big[20000];
            tcp_send(mine, big, sizeof big);
        }
        if (mine && scenario == 4) {
            send_seg(st, pport, 80, pseq, last_seq, TH_ACK | TH_FIN, 1000, NULL, 0, 0, false);
            pseq++;
        }
        if (mine && (scenario == 5 || scenario == 6)) {
            tcp_close(mine);
            mine = NULL;
            if (scenario == 6) {
                send_seg(st, pport, 80, pseq, last_seq + 1, TH_ACK | TH_FIN, 1000, NULL, 0, 0,
                         false);
                pseq++;
            }
        }
    }

    uint16_t lport = 80;
    if (scenario == 7) {
        struct tcp_conn_info i;
        uint16_t lp;
        tcp_conn_endpoints(mine, NULL, &lp, NULL, NULL);
        tcp_conn_info(mine, &i);
        lport = lp;
        (void)i;
    }
    int steps = 0;
    while (r.n > 0 && steps++ < 200) {
        uint8_t op = u8(&r);
        switch (op % 10) {
        case 0:
        case 1:
        case 2:
        case 3: { /* a segment near where the connection is */
            uint8_t flags = u8(&r);
            int16_t dseq = (int16_t)u16(&r), dack = (int16_t)u16(&r);
            uint16_t win = u16(&r);
            size_t olen = u8(&r) % (TCP_OPT_MAX + 1);
            uint8_t o[TCP_OPT_MAX];
            for (size_t i = 0; i < olen; i++)
                o[i] = u8(&r);
            size_t dlen = u8(&r) * 16u;
            uint32_t seq = pseq + (uint32_t)(int32_t)dseq;
            uint32_t ack = last_seq + (last_syn ? 1u : 0u) + (uint32_t)(int32_t)dack;
            send_seg(st, op & 1 ? (uint16_t)(pport + (op >> 4)) : pport, lport, seq, ack, flags,
                     win, o, olen, dlen, (op & 0xf0) == 0xf0);
            if (!(flags & TH_RST) && dseq == 0)
                pseq += (uint32_t)dlen + ((flags & TH_SYN) ? 1 : 0) + ((flags & TH_FIN) ? 1 : 0);
            break;
        }
        case 4: /* time passes */
            now += (uint64_t)u8(&r) * 10000000ull + (uint64_t)u8(&r) * 1000000000ull;
            if (tcp_next_timer(st) <= now)
                tcp_timers(st);
            break;
        case 5:
            if (mine) {
                static uint8_t buf[8192];
                tcp_send(mine, buf, u8(&r) * 32u);
            }
            break;
        case 6:
            if (mine) {
                const uint8_t *p;
                size_t n = tcp_recv_peek(mine, &p);
                tcp_recv_consume(mine, n);
            }
            break;
        case 7:
            if (mine) {
                if (u8(&r) & 1)
                    tcp_close(mine);
                else
                    tcp_abort(mine);
                mine = NULL;
            }
            break;
        case 8:
            if (mine) {
                uint8_t how = u8(&r);
                tcp_shutdown(mine, how & 1, how & 2);
                tcp_set_nodelay(mine, how & 4);
                tcp_set_keepalive(mine, how & 8 ? 1000 : 0);
                tcp_push(mine);
            }
            break;
        case 9: { /* raw bytes as a segment, whatever they say */
            uint8_t raw[128];
            size_t n = u8(&r) % sizeof raw;
            for (size_t i = 0; i < n; i++)
                raw[i] = u8(&r);
            if (n >= 18) {
                raw[16] = raw[17] = 0;
                tcp_csum_fill(&peer, &me, raw, n);
            }
            tcp_input(st, &peer, &me, raw, n, 0);
            uint8_t quote[8];
            memcpy(quote, raw, n < 8 ? n : 8);
            tcp_icmp_error(st, &me, &peer, raw[0] & 3 ? 3 : 11, n > 1 ? raw[1] & 15 : 0,
                           n > 2 ? raw[2] * 8u : 0, quote, n < 8 ? n : 8);
            break;
        }
        }
        if (tcp_stack_mem(st) > cfg.mem_max + 64 * 1024)
            abort(); /* bounded, whatever the peer does */
        if (tcp_stack_conns(st) > cfg.syn_backlog + 8 + 4 + 2)
            abort();
    }
    if (mine)
        tcp_close(mine);
    /* Let everything run out. */
    for (int i = 0; i < 64 && tcp_next_timer(st) != UINT64_MAX; i++) {
        now = tcp_next_timer(st);
        tcp_timers(st);
    }
    tcp_stack_free(st);
    return 0;
}
