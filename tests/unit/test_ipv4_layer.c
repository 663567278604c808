/* sources: lib/inet/inet_csum.c lib/ipv4/ipv4.c lib/ipv4/ipv4_input.c lib/ipv4/ipv4_output.c lib/ipv4/ipv4_hold.c lib/ipv4/icmp4.c lib/ipv4/icmp4_wire.c lib/ipv4/ipv4_wire.c lib/ipv4/ipv4_reasm.c lib/ipv4/ipv4v6.c runtime/ipaddr.c runtime/error.c */
/* test_ipv4_layer.c: the IPv4 layer over a fake link and ARP: filtering, routing, ICMP echo and
 * errors, fragmentation and reassembly through the layer, counters, configuration. */
#include "../../lib/ipv4/ipv4_wire.h"
#include "check.h"
#include "ip_fakes.h"

#include <mirage/ipv4.h>

static const struct mg_ipv4 ME = {{10, 0, 0, 2}}, PEER = {{10, 0, 0, 1}}, GW = {{10, 0, 0, 254}},
                            FAR = {{192, 0, 2, 9}};

static struct mg_ip_layer *layer; /* the last up(), freed by the next */

static struct mg_ip_layer *up(const char *gw)
{
    mg_ipv4_disconnect(layer);
    layer = NULL;
    fake_reset();
    struct mg_ipv4_prefix p = {ME, 24};
    struct mg_ipv4 g;
    if (gw)
        CHECK(mg_ipv4_parse(gw, &g) == 0);
    struct mg_ip_layer *ip = NULL;
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p, gw ? &g : NULL, NULL) == 0);
    layer = ip;
    CHECK(fake_arp_nips == 1 && memcmp(&fake_arp_ips[0], &ME, 4) == 0);
    return ip;
}

static struct mg_ipv4_stats stats(struct mg_ip_layer *ip)
{
    struct mg_ipv4_stats s;
    CHECK(mg_ipv4_stats(ip, &s) == 0);
    return s;
}

/* A datagram from src to dst with payload p. */
static size_t dgram(uint8_t *b, struct mg_ipv4 src, struct mg_ipv4 dst, uint8_t proto,
                    const uint8_t *p, size_t len)
{
    struct ipv4_hdr h = {.hlen = 20,
                         .ttl = 64,
                         .proto = proto,
                         .total_len = (uint16_t)(20 + len),
                         .id = 77,
                         .src = src,
                         .dst = dst};
    ipv4_emit(b, &h);
    memcpy(b + 20, p, len);
    return 20 + len;
}

static size_t echo_request(uint8_t *icmp, size_t data_len, uint16_t seq)
{
    icmp[0] = ICMP_ECHO, icmp[1] = 0, icmp[2] = icmp[3] = 0;
    icmp[4] = 0xab, icmp[5] = 0xcd, icmp[6] = (uint8_t)(seq >> 8), icmp[7] = (uint8_t)seq;
    for (size_t i = 0; i < data_len; i++)
        icmp[8 + i] = (uint8_t)(i ^ seq);
    uint16_t c = mg_inet_csum(icmp, 8 + data_len, 0);
    icmp[2] = (uint8_t)(c >> 8), icmp[3] = (uint8_t)c;
    return 8 + data_len;
}

static struct ipv4_hdr sent_hdr(size_t i)
{
    struct ipv4_hdr h;
    CHECK(i < fake_nframes && fake_frames[i].type == MG_ETHERTYPE_IPV4);
    CHECK(ipv4_parse(fake_frames[i].data, fake_frames[i].len, &h) == IPV4_OK);
    return h;
}

static void echo_is_answered(void)
{
    struct mg_ip_layer *ip = up(NULL);
    fake_arp_learn(10, 0, 0, 1);
    uint8_t icmp[100], b[200];
    size_t n = echo_request(icmp, 56, 3);
    fake_deliver(b, dgram(b, PEER, ME, 1, icmp, n), false);
    CHECK(fake_nframes == 1);
    struct ipv4_hdr h = sent_hdr(0);
    CHECK(ipv4_eq(&h.src, &ME) && ipv4_eq(&h.dst, &PEER) && h.proto == 1 && h.total_len == 84);
    struct mg_mac m = fake_mac_of(&PEER);
    CHECK(memcmp(&fake_frames[0].dst, &m, 6) == 0);
    const uint8_t *r = fake_frames[0].data + 20;
    CHECK(r[0] == ICMP_ECHO_REPLY && mg_inet_csum(r, n, 0) == 0);
    CHECK(memcmp(r + 4, icmp + 4, n - 4) == 0); /* id, seq, data */
    /* From the receiving fiber ARP must not wait. */
    CHECK(fake_arp_last_deadline == 0);
    CHECK(stats(ip).icmp_echo_replied == 1);
    /* Echo to the broadcast address is ignored. */
    struct mg_ipv4 bc = {{10, 0, 0, 255}};
    fake_deliver(b, dgram(b, PEER, bc, 1, icmp, n), true);
    CHECK(fake_nframes == 1 && stats(ip).icmp_echo_ignored == 1);
    /* A bad ICMP checksum is counted, not answered. */
    icmp[20] ^= 1;
    fake_deliver(b, dgram(b, PEER, ME, 1, icmp, n), false);
    CHECK(fake_nframes == 1 && stats(ip).icmp_bad_csum == 1);
}

static void filters_and_counters(void)
{
    struct mg_ip_layer *ip = up(NULL);
    fake_arp_learn(10, 0, 0, 1);
    uint8_t icmp[100], b[200];
    size_t n = echo_request(icmp, 8, 1);
    struct mg_ipv4 other = {{10, 0, 0, 3}}, bcast = {{255, 255, 255, 255}}, zero = {{0, 0, 0, 0}};
    fake_deliver(b, dgram(b, PEER, other, 1, icmp, n), false);
    CHECK(stats(ip).rx_not_for_us == 1);
    fake_deliver(b, dgram(b, bcast, ME, 1, icmp, n), false);
    fake_deliver(b, dgram(b, zero, ME, 1, icmp, n), false);
    fake_deliver(b, dgram(b, ME, ME, 1, icmp, n), false); /* our own address as source */
    CHECK(stats(ip).rx_bad_source == 3);
    size_t len = dgram(b, PEER, ME, 1, icmp, n);
    b[10] ^= 0x40;
    fake_deliver(b, len, false);
    CHECK(stats(ip).rx_bad_csum == 1);
    fake_deliver(b, 10, false);
    CHECK(stats(ip).rx_truncated == 1);
    CHECK(fake_nframes == 0);
    struct mg_ipv4_stats s = stats(ip);
    CHECK(s.rx_packets == 6 && s.rx_delivered == 0);
}

static uint8_t got[70000];
static size_t got_len;
static int got_n;
static struct mg_ip got_src, got_dst;
static struct mg_ip_layer *cur_ip;
static bool reply_unreach;
static void on_proto(void *arg, const struct mg_ip *src, const struct mg_ip *dst, const uint8_t *p,
                     size_t len)
{
    (void)arg;
    got_n++;
    got_len = len;
    got_src = *src;
    got_dst = *dst;
    memcpy(got, p, len);
    if (reply_unreach)
        cur_ip->ops->icmp_error(cur_ip, src, dst, 3, 3, p, len);
}

static void protocol_dispatch_and_unreachable(void)
{
    struct mg_ip_layer *ip = cur_ip = up(NULL);
    fake_arp_learn(10, 0, 0, 1);
    CHECK(ip->ops->set_input(ip, 17, on_proto, NULL) == 0);
    CHECK(ip->ops->set_input(ip, 1, on_proto, NULL) == MG_EINVAL); /* ICMP is the layer's */
    uint8_t p[30], b[100];
    for (int i = 0; i < 30; i++)
        p[i] = (uint8_t)i;
    got_n = 0;
    reply_unreach = false;
    fake_deliver(b, dgram(b, PEER, ME, 17, p, 30), false);
    CHECK(got_n == 1 && got_len == 30 && memcmp(got, p, 30) == 0);
    CHECK(got_src.version == 4 && ipv4_eq(&got_src.u.v4, &PEER) && ipv4_eq(&got_dst.u.v4, &ME));
    /* Nobody handles 99: protocol unreachable quoting the header and payload. */
    size_t len = dgram(b, PEER, ME, 99, p, 30);
    fake_deliver(b, len, false);
    CHECK(fake_nframes == 1 && stats(ip).rx_no_protocol == 1);
    struct ipv4_hdr h = sent_hdr(0);
    const uint8_t *m = fake_frames[0].data + 20;
    CHECK(ipv4_eq(&h.dst, &PEER) && h.proto == 1 && m[0] == 3 && m[1] == 2);
    CHECK(h.total_len == 20 + 8 + len && memcmp(m + 8, b, len) == 0);
    CHECK(mg_inet_csum(m, h.total_len - 20u, 0) == 0);
    /* The handler reports port unreachable (as UDP does). */
    reply_unreach = true;
    fake_deliver(b, dgram(b, PEER, ME, 17, p, 30), false);
    CHECK(fake_nframes == 2 && fake_frames[1].data[20] == 3 && fake_frames[1].data[21] == 3);
    /* ... but not about a broadcast, nor from outside a handler. */
    struct mg_ipv4 bc = {{255, 255, 255, 255}};
    fake_deliver(b, dgram(b, PEER, bc, 17, p, 30), true);
    CHECK(got_n == 3 && fake_nframes == 2);
    struct mg_ip s = {.version = 4, .u.v4 = PEER}, d = {.version = 4, .u.v4 = ME};
    CHECK(ip->ops->icmp_error(ip, &s, &d, 3, 3, p, 30) == MG_EINVAL);
    reply_unreach = false;
}

static void errors_rate_limited(void)
{
    struct mg_ip_layer *ip = up(NULL);
    fake_arp_learn(10, 0, 0, 1);
    uint8_t p[8] = {0}, b[100];
    size_t len = dgram(b, PEER, ME, 99, p, 8);
    for (int i = 0; i < 60; i++)
        fake_deliver(b, len, false);
    CHECK(fake_nframes == 50 && stats(ip).icmp_errors_rate_limited == 10);
    fake_now += 100000000ull; /* 0.1 s: 10 more tokens */
    for (int i = 0; i < 20; i++)
        fake_deliver(b, len, false);
    CHECK(fake_nframes == 60 && stats(ip).icmp_errors_tx == 60);
}

static int err_n;
static struct mg_ip_error err_last;
static uint8_t err_quote[8];
static void on_error(void *arg, const struct mg_ip_error *e)
{
    (void)arg;
    err_n++;
    err_last = *e;
    memcpy(err_quote, e->payload, 8);
}

static void icmp_errors_delivered(void)
{
    struct mg_ip_layer *ip = up(NULL);
    CHECK(ip->ops->set_error_input(ip, 17, on_error, NULL) == 0);
    /* What we sent: ME:1234 -> PEER:53 over UDP; the peer says port unreachable. */
    uint8_t orig[28], icmp[8 + 28], b[100];
    const uint8_t udp[8] = {0x04, 0xd2, 0x00, 0x35, 0, 8, 0, 0};
    dgram(orig, ME, PEER, 17, udp, 8);
    icmp[0] = 3, icmp[1] = 3, icmp[2] = icmp[3] = 0;
    memset(icmp + 4, 0, 4);
    memcpy(icmp + 8, orig, 28);
    uint16_t c = mg_inet_csum(icmp, 36, 0);
    icmp[2] = (uint8_t)(c >> 8), icmp[3] = (uint8_t)c;
    err_n = 0;
    fake_deliver(b, dgram(b, PEER, ME, 1, icmp, 36), false);
    CHECK(err_n == 1 && err_last.type == 3 && err_last.code == 3 && err_last.proto == 17);
    CHECK(ipv4_eq(&err_last.reporter.u.v4, &PEER) && ipv4_eq(&err_last.dst.u.v4, &PEER));
    CHECK(err_last.len == 8 && memcmp(err_quote, udp, 8) == 0);
    /* About a protocol nobody asked for: counted. */
    orig[9] = 6;
    orig[10] = orig[11] = 0;
    c = mg_inet_csum(orig, 20, 0);
    orig[10] = (uint8_t)(c >> 8), orig[11] = (uint8_t)c;
    memcpy(icmp + 8, orig, 28);
    icmp[2] = icmp[3] = 0;
    c = mg_inet_csum(icmp, 36, 0);
    icmp[2] = (uint8_t)(c >> 8), icmp[3] = (uint8_t)c;
    fake_deliver(b, dgram(b, PEER, ME, 1, icmp, 36), false);
    CHECK(err_n == 1 && stats(ip).icmp_errors_unhandled == 1 && stats(ip).icmp_errors_rx == 2);
    /* Errors are never answered with errors. */
    CHECK(fake_nframes == 0);
}

static void routing(void)
{
    struct mg_ip_layer *ip = up("10.0.0.254");
    fake_arp_learn(10, 0, 0, 1);
    fake_arp_learn(10, 0, 0, 254);
    uint8_t p[10] = {1, 2, 3};
    struct mg_iovec iov = {p, 10};
    struct mg_ip d = {.version = 4, .u.v4 = PEER};
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &iov, 1) == 0);
    CHECK(ipv4_eq(&fake_arp_last_query, &PEER) && fake_arp_last_deadline > fake_now);
    struct mg_mac m = fake_mac_of(&PEER);
    CHECK(memcmp(&fake_frames[0].dst, &m, 6) == 0);
    d.u.v4 = FAR; /* off-link: through the gateway */
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &iov, 1) == 0);
    m = fake_mac_of(&GW);
    CHECK(ipv4_eq(&fake_arp_last_query, &GW) && memcmp(&fake_frames[1].dst, &m, 6) == 0);
    struct ipv4_hdr h = sent_hdr(1);
    CHECK(ipv4_eq(&h.dst, &FAR) && ipv4_eq(&h.src, &ME) && h.ttl == 64);
    int q = fake_arp_queries;
    d.u.v4 = (struct mg_ipv4){{10, 0, 0, 255}}; /* subnet broadcast: no ARP */
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &iov, 1) == 0);
    d.u.v4 = (struct mg_ipv4){{255, 255, 255, 255}};
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &iov, 1) == 0);
    CHECK(fake_arp_queries == q && fake_frames[3].dst.b[0] == 0xff &&
          fake_frames[3].dst.b[5] == 0xff);
    d.u.v4 = (struct mg_ipv4){{224, 0, 0, 251}}; /* multicast MAC 01:00:5e:00:00:fb */
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &iov, 1) == 0);
    CHECK(fake_frames[4].dst.b[0] == 1 && fake_frames[4].dst.b[2] == 0x5e &&
          fake_frames[4].dst.b[5] == 0xfb);
    /* A neighbour that does not answer. */
    d.u.v4 = (struct mg_ipv4){{10, 0, 0, 7}};
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &iov, 1) == MG_ETIMEDOUT);
    CHECK(stats(ip).tx_arp_failed == 1);
    /* Addresses and sources. */
    struct mg_ip s6 = {.version = 6};
    CHECK(ip->ops->writev(ip, NULL, &s6, 17, &iov, 1) == MG_EINVAL);
    struct mg_ip zero = {.version = 4}, bc = {.version = 4, .u.v4 = {{255, 255, 255, 255}}};
    d.u.v4 = PEER;
    CHECK(ip->ops->writev(ip, &zero, &d, 17, &iov, 1) == MG_EINVAL); /* 0.0.0.0 only to broadcast */
    CHECK(ip->ops->writev(ip, &zero, &bc, 17, &iov, 1) == 0);
    struct mg_ip other = {.version = 4, .u.v4 = {{10, 0, 0, 9}}};
    CHECK(ip->ops->writev(ip, &other, &d, 17, &iov, 1) == MG_EINVAL);
    struct mg_ip src;
    CHECK(ip->ops->src(ip, &d, &src) == 0 && ipv4_eq(&src.u.v4, &ME));
    CHECK(ip->ops->mtu(ip, &d) == 1480);
    struct mg_ip a[2];
    uint8_t pl[2];
    CHECK(ip->ops->configured(ip, a, pl, 2) == 1 && ipv4_eq(&a[0].u.v4, &ME) && pl[0] == 24);
    /* No gateway: off-link is unreachable at once. */
    ip = up(NULL);
    d.u.v4 = FAR;
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &iov, 1) == MG_ETIMEDOUT);
    CHECK(stats(ip).tx_no_route == 1 && fake_arp_queries == 0);
}

static uint8_t big[65600];

static void fragments_out_and_back(void)
{
    struct mg_ip_layer *ip = cur_ip = up(NULL);
    fake_arp_learn(10, 0, 0, 1);
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 31 + 7);
    /* 4000 bytes over a 1500-byte link: 1480 + 1480 + 1040, from three pieces. */
    struct mg_iovec iov[3] = {{big, 1000}, {big + 1000, 7}, {big + 1007, 2993}};
    struct mg_ip d = {.version = 4, .u.v4 = PEER};
    CHECK(ip->ops->writev(ip, NULL, &d, 17, iov, 3) == 0);
    CHECK(fake_nframes == 3);
    size_t want[3] = {1480, 1480, 1040};
    for (size_t i = 0; i < 3; i++) {
        struct ipv4_hdr h = sent_hdr(i);
        CHECK(h.total_len == 20 + want[i] && h.frag_off == i * 1480 && h.mf == (i < 2));
        CHECK(memcmp(fake_frames[i].data + 20, big + i * 1480, want[i]) == 0);
        CHECK(h.id == sent_hdr(0).id);
    }
    struct mg_ipv4_stats s = stats(ip);
    CHECK(s.tx_packets == 1 && s.tx_fragments == 3);
    /* A small MTU: fragments of whole 8-byte blocks. */
    fake_mtu = 68;
    fake_nframes = 0;
    CHECK(ip->ops->writev(ip, NULL, &d, 17, iov, 1) == 0);
    CHECK(fake_nframes == 21 && sent_hdr(0).total_len == 68 && sent_hdr(20).total_len == 20 + 40);
    /* The largest datagram, and one byte more. */
    fake_mtu = 1500;
    fake_nframes = 0;
    struct mg_iovec all = {big, 65515};
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &all, 1) == 0 && fake_nframes == 45);
    all.len = 65516;
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &all, 1) == MG_EINVAL);

    /* Our fragments, reversed, turned around and fed back: one datagram. */
    fake_nframes = 0;
    all.len = 20000;
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &all, 1) == 0);
    size_t n = fake_nframes;
    static struct fake_frame copy[64];
    memcpy(copy, fake_frames, n * sizeof *copy);
    CHECK(ip->ops->set_input(ip, 17, on_proto, NULL) == 0);
    got_n = 0;
    reply_unreach = false;
    for (size_t i = n; i-- > 0;) {
        uint8_t *f = copy[i].data;
        memcpy(f + 12, PEER.b, 4), memcpy(f + 16, ME.b, 4);
        f[10] = f[11] = 0;
        uint16_t c = mg_inet_csum(f, 20, 0);
        f[10] = (uint8_t)(c >> 8), f[11] = (uint8_t)c;
        fake_deliver(f, copy[i].len, false);
    }
    CHECK(got_n == 1 && got_len == 20000 && memcmp(got, big, 20000) == 0);
    CHECK(stats(ip).frag_reassembled == 1 && stats(ip).frag_received == n);
}

static void many_pieces_bounce(void)
{
    struct mg_ip_layer *ip = up(NULL);
    fake_arp_learn(10, 0, 0, 1);
    struct mg_iovec iov[40];
    for (int i = 0; i < 40; i++)
        iov[i] = (struct mg_iovec){big + i * 100, 100};
    struct mg_ip d = {.version = 4, .u.v4 = PEER};
    CHECK(ip->ops->writev(ip, NULL, &d, 17, iov, 40) == 0);
    CHECK(fake_nframes == 3);
    CHECK(memcmp(fake_frames[1].data + 20, big + 1480, 1480) == 0);
}

static void offload_requests(void)
{
    struct mg_ip_layer *ip = up(NULL);
    fake_arp_learn(10, 0, 0, 1);
    struct mg_ip s = {.version = 4, .u.v4 = ME}, d = {.version = 4, .u.v4 = PEER};
    /* A TCP segment of 8000 bytes for the device to cut: one frame, offsets moved by 20. */
    static uint8_t seg[8000];
    memset(seg, 0x42, sizeof seg);
    struct mg_net_offload off = {.flags = MG_NET_OFF_NEEDS_CSUM,
                                 .gso_type = MG_NET_GSO_TCPV4,
                                 .hdr_len = 20,
                                 .gso_size = 1460,
                                 .csum_start = 0,
                                 .csum_offset = 16};
    struct mg_iovec iov = {seg, sizeof seg};
    CHECK(ip->ops->writev_off(ip, &s, &d, 6, &off, &iov, 1) == 0);
    CHECK(fake_nframes == 1 && fake_offloaded == 1 && sent_hdr(0).total_len == 8020);
    CHECK(fake_last_off.csum_start == 20 && fake_last_off.hdr_len == 40 &&
          fake_last_off.csum_offset == 16 && fake_last_off.gso_size == 1460);
    /* A UDP datagram with a checksum to finish that must be fragmented:
     * finished here, so the reassembled datagram checks. */
    uint8_t udp[3000];
    for (size_t i = 0; i < sizeof udp; i++)
        udp[i] = (uint8_t)(i * 13);
    udp[4] = (uint8_t)(sizeof udp >> 8), udp[5] = (uint8_t)sizeof udp;
    uint32_t ps = mg_inet_pseudo_sum(&s, &d, 17, sizeof udp);
    while (ps >> 16)
        ps = (ps & 0xffff) + (ps >> 16);
    udp[6] = (uint8_t)(ps >> 8), udp[7] = (uint8_t)ps;
    struct mg_net_offload uoff = {
        .flags = MG_NET_OFF_NEEDS_CSUM, .csum_start = 0, .csum_offset = 6};
    struct mg_iovec u = {udp, sizeof udp};
    fake_nframes = 0;
    fake_offloaded = 0;
    CHECK(ip->ops->writev_off(ip, &s, &d, 17, &uoff, &u, 1) == 0);
    CHECK(fake_nframes == 3 && fake_offloaded == 0);
    static uint8_t whole[3000];
    for (size_t i = 0; i < 3; i++) {
        struct ipv4_hdr h = sent_hdr(i);
        memcpy(whole + h.frag_off, fake_frames[i].data + 20, h.total_len - 20u);
    }
    CHECK(mg_inet_csum(whole, sizeof whole, mg_inet_pseudo_sum(&s, &d, 17, sizeof whole)) == 0);
    CHECK(memcmp(whole + 8, udp + 8, sizeof udp - 8) == 0);
    /* The received frame's flags, seen by input handlers only. */
    fake_rx_flags_value = MG_NET_RX_CSUM_OK;
    CHECK(ip->ops->rx_flags(ip) == 0);
}

static void reassembly_timeout_sends_time_exceeded(void)
{
    struct mg_ip_layer *ip = up(NULL);
    fake_arp_learn(10, 0, 0, 1);
    uint8_t b[100];
    struct ipv4_hdr h = {.hlen = 20,
                         .ttl = 64,
                         .proto = 17,
                         .total_len = 60,
                         .id = 5,
                         .mf = true,
                         .src = PEER,
                         .dst = ME};
    ipv4_emit(b, &h);
    memset(b + 20, 0x5a, 40);
    fake_deliver(b, 60, false);
    CHECK(fake_nframes == 0);
    fake_now += 31000000000ull;
    /* The next datagram finds it expired. */
    uint8_t icmp[64];
    size_t n = echo_request(icmp, 8, 1);
    fake_deliver(b, dgram(b, PEER, ME, 1, icmp, n), false);
    CHECK(fake_nframes == 2);
    const uint8_t *m = fake_frames[0].data + 20;
    CHECK(m[0] == ICMP_TIME_EXCEEDED && m[1] == 1 && stats(ip).frag_timeouts == 1);
}

static void configuration(void)
{
    mg_ipv4_disconnect(layer);
    layer = NULL;
    fake_reset();
    struct mg_ip_layer *ip;
    struct mg_ipv4_prefix p = {ME, 24}, net = {{{10, 0, 0, 0}}, 24}, bc = {{{10, 0, 0, 255}}, 24};
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &net, NULL, NULL) == MG_EINVAL);
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &bc, NULL, NULL) == MG_EINVAL);
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p, &FAR, NULL) == MG_EINVAL);
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p, &ME, NULL) == MG_EINVAL);
    struct mg_ipv4_prefix p32 = {ME, 32};
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p32, NULL, NULL) == 0);
    mg_ipv4_disconnect(ip);
    /* no_init: ARP is not told. */
    fake_arp_nips = 0;
    struct mg_ipv4_opts o = {.no_init = true};
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p, NULL, &o) == 0 && fake_arp_nips == 0);
    mg_ipv4_disconnect(ip);
    /* defer_init: ARP is told by mg_ipv4_init, once. */
    struct mg_ipv4_opts od = {.defer_init = true};
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p, NULL, &od) == 0 && fake_arp_nips == 0);
    CHECK(mg_ipv4_init(ip) == 0 && fake_arp_nips == 1 && memcmp(&fake_arp_ips[0], &ME, 4) == 0);
    fake_arp_nips = 0;
    CHECK(mg_ipv4_init(ip) == 0 && fake_arp_nips == 0);
    mg_ipv4_disconnect(ip);
    /* ... or by a new configuration, even of the same address. */
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p, NULL, &od) == 0);
    CHECK(mg_ipv4_set_config(ip, &p, NULL) == 0 && fake_arp_adds == 1 && fake_arp_removes == 0);
    CHECK(mg_ipv4_init(ip) == 0 && fake_arp_adds == 1);
    mg_ipv4_disconnect(ip);
    fake_arp_adds = 0;
    struct mg_ip_layer not_v4 = {NULL};
    CHECK(mg_ipv4_init(&not_v4) == MG_EINVAL);
    /* Without an address (DHCP): every destination is accepted, nothing routed but broadcast. */
    CHECK(mg_ipv4_connect(&ip, &fake_eth, &fake_arp, NULL, NULL, NULL) == 0);
    layer = ip;
    CHECK(ip->ops->configured(ip, NULL, NULL, 0) == 0);
    CHECK(ip->ops->set_input(ip, 17, on_proto, NULL) == 0);
    uint8_t pl[8] = {0}, b[100];
    got_n = 0;
    struct mg_ipv4 yi = {{10, 0, 0, 77}};
    fake_deliver(b, dgram(b, PEER, yi, 17, pl, 8), false);
    CHECK(got_n == 1);
    struct mg_iovec iov = {pl, 8};
    struct mg_ip d = {.version = 4, .u.v4 = PEER},
                 all = {.version = 4, .u.v4 = {{255, 255, 255, 255}}};
    CHECK(ip->ops->writev(ip, NULL, &d, 17, &iov, 1) == MG_ETIMEDOUT);
    CHECK(ip->ops->writev(ip, NULL, &all, 17, &iov, 1) == 0);
    /* A lease arrives, is renewed, then lost. */
    CHECK(mg_ipv4_set_config(ip, &p, &GW) == 0 && fake_arp_adds == 1);
    CHECK(ip->ops->configured(ip, NULL, NULL, 0) == 1);
    CHECK(mg_ipv4_set_config(ip, &p, &GW) == 0 && fake_arp_adds == 1 && fake_arp_removes == 0);
    fake_deliver(b, dgram(b, PEER, yi, 17, pl, 8), false);
    CHECK(got_n == 1); /* no longer ours */
    CHECK(mg_ipv4_set_config(ip, NULL, NULL) == 0 && fake_arp_removes == 1);
    CHECK(mg_ipv4_set_config(ip, NULL, &GW) == MG_EINVAL);
    struct mg_ip_layer not_ours = {NULL};
    CHECK(mg_ipv4_set_config(&not_ours, &p, NULL) == MG_EINVAL);
}

static void dual_and_v6_disabled(void)
{
    struct mg_ip_layer *v4 = up(NULL), *v6, *dual;
    CHECK(mg_ipv6_connect(&v6, NULL, &fake_eth, NULL, NULL) == 0);
    CHECK(mg_ipv4v6_connect(&dual, v4, v6, false, false) == 0 && dual == v4);
    CHECK(mg_ipv4v6_connect(&dual, v4, v6, false, true) == MG_ENOTSUP);
    struct mg_ip d6 = {.version = 6};
    struct mg_iovec iov = {"x", 1};
    CHECK(v6->ops->writev(v6, NULL, &d6, 17, &iov, 1) == MG_ENOTSUP);
    CHECK(v6->ops->configured(v6, NULL, NULL, 0) == 0);
    struct mg_ipv6_prefix p6 = {{{0xfd}}, 64};
    CHECK(mg_ipv6_connect(&v6, NULL, &fake_eth, &p6, NULL) == MG_ENOTSUP);
    CHECK(strstr(fake_last_log, "not implemented yet") != NULL);
    mg_ipv4_disconnect(layer);
    layer = NULL;
}

static const struct check_case cases[] = {
    CASE_ENTRY(echo_is_answered),
    CASE_ENTRY(filters_and_counters),
    CASE_ENTRY(protocol_dispatch_and_unreachable),
    CASE_ENTRY(errors_rate_limited),
    CASE_ENTRY(icmp_errors_delivered),
    CASE_ENTRY(routing),
    CASE_ENTRY(fragments_out_and_back),
    CASE_ENTRY(many_pieces_bounce),
    CASE_ENTRY(offload_requests),
    CASE_ENTRY(reassembly_timeout_sends_time_exceeded),
    CASE_ENTRY(configuration),
    CASE_ENTRY(dual_and_v6_disabled),
};
CHECK_MAIN(cases)
