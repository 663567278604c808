/* sources: lib/inet/inet_csum.c lib/udp/udp.c lib/udp/udp_wire.c lib/udp/udp_socket.c lib/ipv4/ipv4.c lib/ipv4/ipv4_input.c lib/ipv4/ipv4_output.c lib/ipv4/ipv4_hold.c lib/ipv4/icmp4.c lib/ipv4/icmp4_wire.c lib/ipv4/ipv4_wire.c lib/ipv4/ipv4_reasm.c runtime/ipaddr.c runtime/error.c */
/* test_udp.c: direct UDP over the IPv4 layer and a fake link: checksums, lengths, listeners,
 * port unreachable, sending with ephemeral ports, limits and counters. */
#include "../../lib/ipv4/ipv4_wire.h"
#include "../../lib/udp/udp_wire.h"
#include "check.h"
#include "ip_fakes.h"

#include <mirage/ipv4.h>
#include <mirage/udp.h>

static const struct mg_ipv4 ME = {{10, 0, 0, 2}}, PEER = {{10, 0, 0, 1}};
static struct mg_ip_layer *ip;
static struct mg_udp *udp;

static void up(void)
{
    mg_udp_direct_disconnect(udp);
    mg_ipv4_disconnect(ip);
    fake_reset();
    fake_arp_learn(10, 0, 0, 1);
    struct mg_ipv4_prefix p = {ME, 24};
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p, NULL, NULL) == 0);
    CHECK(mg_udp_direct_connect(&udp, ip) == 0);
}

static struct mg_udp_stats stats(void)
{
    struct mg_udp_stats s;
    CHECK(mg_udp_direct_stats(udp, &s) == 0);
    return s;
}

/* An IPv4 datagram carrying UDP sport -> dport with payload; csum: compute
 * it (1), leave zero (0), or spoil it (-1). */
static size_t make(uint8_t *b, struct mg_ipv4 dst, uint16_t sport, uint16_t dport,
                   const void *payload, size_t len, int csum)
{
    uint8_t *u = b + 20;
    memcpy(u + 8, payload, len);
    struct mg_ip s = {.version = 4, .u.v4 = PEER}, d = {.version = 4, .u.v4 = dst};
    struct mg_iovec iov = {u + 8, len};
    udp_emit(u, &s, &d, sport, dport, &iov, 1, len);
    if (csum == 0)
        u[6] = u[7] = 0;
    if (csum < 0)
        u[7] ^= 0x55;
    struct ipv4_hdr h = {.hlen = 20,
                         .ttl = 64,
                         .proto = 17,
                         .total_len = (uint16_t)(28 + len),
                         .id = 1,
                         .src = PEER,
                         .dst = dst};
    ipv4_emit(b, &h);
    return 28 + len;
}

static int got_n;
static struct mg_udp_meta got_meta;
static char got_data[2000];
static size_t got_len;
static void on_dgram(void *arg, const struct mg_udp_meta *m, const uint8_t *p, size_t len)
{
    got_n++;
    got_meta = *m;
    got_len = len;
    memcpy(got_data, p, len);
    if (arg) /* echo it back from the handler, as udp_echo does */
        mg_udp_send(udp, m->dst_port, &m->src, m->src_port, p, len);
}

static void receive_and_checksums(void)
{
    up();
    CHECK(mg_udp_listen(udp, 7, on_dgram, NULL) == 0);
    uint8_t b[200];
    got_n = 0;
    fake_deliver(b, make(b, ME, 5555, 7, "hello", 5, 1), false);
    CHECK(got_n == 1 && got_len == 5 && memcmp(got_data, "hello", 5) == 0);
    CHECK(got_meta.src_port == 5555 && got_meta.dst_port == 7);
    CHECK(ipv4_eq(&got_meta.src.u.v4, &PEER) && ipv4_eq(&got_meta.dst.u.v4, &ME));
    fake_deliver(b, make(b, ME, 5555, 7, "nosum", 5, 0), false); /* zero: no checksum (v4) */
    CHECK(got_n == 2 && memcmp(got_data, "nosum", 5) == 0);
    fake_deliver(b, make(b, ME, 5555, 7, "bad", 3, -1), false);
    CHECK(got_n == 2 && stats().rx_bad_csum == 1);
    /* ... unless the link vouches for it. */
    fake_rx_flags_value = MG_NET_RX_CSUM_OK;
    fake_deliver(b, make(b, ME, 5555, 7, "bad", 3, -1), false);
    CHECK(got_n == 3);
    fake_rx_flags_value = 0;
    /* Lengths: the field past the datagram, under 8; bytes after it are padding. */
    size_t n = make(b, ME, 5555, 7, "hello", 5, 0);
    b[24] = 0, b[25] = 14;
    fake_deliver(b, n, false);
    b[25] = 7;
    fake_deliver(b, n, false);
    CHECK(got_n == 3 && stats().rx_bad_len == 2);
    b[25] = 10; /* two bytes of payload, the rest padding */
    fake_deliver(b, n, false);
    CHECK(got_n == 4 && got_len == 2 && memcmp(got_data, "he", 2) == 0);
    struct ipv4_hdr h = {
        .hlen = 20, .ttl = 64, .proto = 17, .total_len = 25, .src = PEER, .dst = ME};
    ipv4_emit(b, &h);
    fake_deliver(b, 25, false);
    CHECK(stats().rx_truncated == 1);
    /* Stopping. */
    CHECK(mg_udp_listen(udp, 7, NULL, NULL) == 0);
    fake_deliver(b, make(b, ME, 5555, 7, "hello", 5, 1), false);
    CHECK(got_n == 4 && stats().rx_no_port == 1);
    CHECK(mg_udp_listen(udp, 0, on_dgram, NULL) == MG_EINVAL);
    struct mg_udp_stats s = stats();
    CHECK(s.rx_datagrams == 9 && s.rx_delivered == 4);
}

static void port_unreachable(void)
{
    up();
    uint8_t b[200];
    size_t n = make(b, ME, 40000, 9999, "x", 1, 1);
    fake_deliver(b, n, false);
    CHECK(fake_nframes == 1);
    const uint8_t *f = fake_frames[0].data;
    CHECK(f[9] == 1 && f[20] == 3 && f[21] == 3); /* ICMP port unreachable */
    CHECK(memcmp(f + 28, b, n) == 0);             /* quoting the datagram */
    /* Not for broadcasts. */
    struct mg_ipv4 bc = {{255, 255, 255, 255}};
    fake_deliver(b, make(b, bc, 40000, 9999, "x", 1, 1), true);
    CHECK(fake_nframes == 1 && stats().rx_no_port == 2);
}

static void send_and_echo(void)
{
    up();
    struct mg_ip d = {.version = 4, .u.v4 = PEER};
    CHECK(mg_udp_send(udp, 53, &d, 5353, "query", 5) == 0);
    CHECK(fake_nframes == 1 && fake_flushes == 1); /* flushed: not from an input handler */
    const uint8_t *u = fake_frames[0].data + 20;
    struct mg_ip s = {.version = 4, .u.v4 = ME};
    CHECK(mg_inet_csum(u, 13, mg_inet_pseudo_sum(&s, &d, 17, 13)) == 0);
    CHECK(u[0] == 0 && u[1] == 53 && u[2] == 0x14 && u[3] == 0xe9 && u[5] == 13);
    CHECK(memcmp(u + 8, "query", 5) == 0);
    /* Ephemeral source ports: in 49152..65535, and varied. */
    unsigned lo = 65535, hi = 0;
    for (int i = 0; i < 50; i++) {
        CHECK(mg_udp_send(udp, 0, &d, 9, "", 0) == 0);
        const uint8_t *x = fake_frames[fake_nframes - 1].data + 20;
        unsigned p = (unsigned)(x[0] << 8 | x[1]);
        lo = p < lo ? p : lo;
        hi = p > hi ? p : hi;
        CHECK(x[5] == 8); /* an empty datagram */
    }
    CHECK(lo >= 49152 && hi > lo);
    /* A datagram from a handler goes out with the receive burst (no flush). */
    fake_nframes = 0;
    fake_flushes = 0;
    CHECK(mg_udp_listen(udp, 7, on_dgram, (void *)1) == 0);
    uint8_t b[200];
    fake_deliver(b, make(b, ME, 6000, 7, "ping!", 5, 1), false);
    CHECK(fake_nframes == 1 && fake_flushes == 0);
    u = fake_frames[0].data + 20;
    CHECK(u[0] == 0 && u[1] == 7 && u[2] == 6000 >> 8 && u[3] == (6000 & 0xff));
    CHECK(memcmp(u + 8, "ping!", 5) == 0);
    /* Limits and gathering. */
    static uint8_t big[65508];
    struct mg_iovec one = {big, 65507};
    CHECK(mg_udp_writev(udp, NULL, 1, &d, 2, &one, 1) == 0); /* fragmented: 45 frames */
    one.len = 65508;
    CHECK(mg_udp_writev(udp, NULL, 1, &d, 2, &one, 1) == MG_EINVAL);
    CHECK(mg_udp_writev(udp, NULL, 1, &d, 0, &one, 0) == MG_EINVAL); /* port 0 */
    struct mg_iovec many[30];
    for (int i = 0; i < 30; i++)
        many[i] = (struct mg_iovec){"abc", 3};
    fake_nframes = 0;
    CHECK(mg_udp_writev(udp, NULL, 1, &d, 2, many, 30) == 0);
    CHECK(fake_nframes == 1 && fake_frames[0].len == 28 + 90);
    CHECK(mg_inet_csum(fake_frames[0].data + 20, 98, mg_inet_pseudo_sum(&s, &d, 17, 98)) == 0);
    struct mg_ip d6 = {.version = 6};
    CHECK(mg_udp_send(udp, 1, &d6, 2, "x", 1) == MG_EINVAL);
    CHECK(stats().tx_errors == 0 && stats().tx_datagrams == 54); /* refusals are not sends */
    mg_udp_direct_disconnect(udp);
    mg_ipv4_disconnect(ip);
    ip = NULL;
}

static const struct check_case cases[] = {
    CASE_ENTRY(receive_and_checksums),
    CASE_ENTRY(port_unreachable),
    CASE_ENTRY(send_and_echo),
};
CHECK_MAIN(cases)
