/* sources: lib/inet/inet_csum.c lib/ipv4/ipv4_wire.c lib/ipv4/icmp4_wire.c lib/ipv4/ipv4_reasm.c */
/* test_ipv4_wire.c: the Internet checksum, IPv4 header parse/emit, ICMP messages and the reassembly
 * engine. */
#include <stdlib.h>

#include "../../lib/ipv4/ipv4_reasm.h"
#include "../../lib/ipv4/ipv4_wire.h"
#include "check.h"

#include <mirage/ip.h>

/* A plain byte-at-a-time checksum to compare against (RFC 1071's definition). */
static uint16_t ref_csum(const uint8_t *p, size_t len, uint32_t init)
{
    uint64_t s = init;
    for (size_t i = 0; i < len; i++)
        s += i & 1 ? p[i] : (uint32_t)p[i] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

static void csum_rfc1071_example(void)
{
    /* RFC 1071 section 3: the sum of these bytes is ddf2; the checksum its complement. */
    const uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(mg_inet_csum(b, 8, 0) == (uint16_t)~0xddf2);
    CHECK(mg_inet_csum(b, 0, 0) == 0xffff);
    const uint8_t odd[3] = {0x12, 0x34, 0x56};
    CHECK(mg_inet_csum(odd, 3, 0) == (uint16_t) ~(0x1234 + 0x5600));
}

static void csum_matches_reference(void)
{
    uint8_t buf[2000];
    for (int t = 0; t < 300; t++) {
        size_t len = rnd() % sizeof buf;
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rnd();
        uint32_t init = rnd() % 0x40000;
        size_t off = rnd() % 4; /* unaligned starts too */
        if (off > len)
            off = len;
        CHECK(mg_inet_csum(buf + off, len - off, init) == ref_csum(buf + off, len - off, init));
        /* The same bytes cut into pieces of any (odd) lengths. */
        struct mg_iovec iov[8];
        size_t n = 0, at = off;
        while (at < len && n < 7) {
            size_t l = rnd() % (len - at + 1);
            iov[n].base = buf + at;
            iov[n++].len = l;
            at += l;
        }
        iov[n].base = buf + at;
        iov[n++].len = len - at;
        CHECK(mg_inet_csum_iov(iov, n, init) == ref_csum(buf + off, len - off, init));
    }
}

static void csum_verifies_to_zero(void)
{
    uint8_t b[21];
    for (int i = 0; i < 21; i++)
        b[i] = (uint8_t)(i * 37);
    b[4] = b[5] = 0;
    uint16_t c = mg_inet_csum(b, 21, 0);
    b[4] = (uint8_t)(c >> 8);
    b[5] = (uint8_t)c;
    CHECK(mg_inet_csum(b, 21, 0) == 0);
}

static void pseudo_sum_v4_v6(void)
{
    struct mg_ip s = {.version = 4, .u.v4 = {{10, 0, 0, 1}}},
                 d = {.version = 4, .u.v4 = {{10, 0, 0, 2}}};
    /* 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 8 */
    CHECK(mg_inet_pseudo_sum(&s, &d, 17, 8) == 0x0a00 + 1 + 0x0a00 + 2 + 17 + 8);
    struct mg_ip s6 = {.version = 6}, d6 = {.version = 6};
    s6.u.v6.b[15] = 1;
    d6.u.v6.b[0] = 0xfe;
    CHECK(mg_inet_pseudo_sum(&s6, &d6, 58, 0x10020) == 1 + 0xfe00 + 58 + 1 + 0x20);
}

/* ---- IPv4 headers ---- */

static size_t make_dgram(uint8_t *b, uint16_t total, uint8_t proto)
{
    struct ipv4_hdr h = {.hlen = 20,
                         .ttl = 64,
                         .proto = proto,
                         .total_len = total,
                         .id = 7,
                         .src = {{10, 0, 0, 1}},
                         .dst = {{10, 0, 0, 2}}};
    ipv4_emit(b, &h);
    for (size_t i = 20; i < total; i++)
        b[i] = (uint8_t)i;
    return total;
}

static void fix_csum(uint8_t *b)
{
    size_t hlen = (size_t)(b[0] & 15) * 4;
    b[10] = b[11] = 0;
    uint16_t c = mg_inet_csum(b, hlen, 0);
    b[10] = (uint8_t)(c >> 8);
    b[11] = (uint8_t)c;
}

static void parse_good_and_padding(void)
{
    uint8_t b[100];
    make_dgram(b, 60, 17);
    struct ipv4_hdr h;
    CHECK(ipv4_parse(b, 60, &h) == IPV4_OK);
    CHECK(h.hlen == 20 && h.total_len == 60 && h.proto == 17 && h.ttl == 64 && h.id == 7);
    CHECK(!h.mf && !h.df && h.frag_off == 0);
    CHECK(h.src.b[3] == 1 && h.dst.b[3] == 2);
    /* Link padding after the total length is not the datagram's. */
    CHECK(ipv4_parse(b, 100, &h) == IPV4_OK && h.total_len == 60);
}

static void parse_rejects(void)
{
    uint8_t b[100];
    struct ipv4_hdr h;
    make_dgram(b, 60, 17);
    CHECK(ipv4_parse(b, 19, &h) == IPV4_BAD_SHORT);
    CHECK(ipv4_parse(b, 59, &h) == IPV4_BAD_SHORT); /* the total length lies */
    b[0] = 0x65;
    fix_csum(b);
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_VERSION);
    b[0] = 0x44;
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_HLEN);
    b[0] = 0x4f; /* 60 bytes of header in a datagram of 40 */
    make_dgram(b, 60, 17);
    b[0] = 0x4f;
    b[3] = 40;
    fix_csum(b);
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_LEN);
    CHECK(ipv4_parse(b, 30, &h) == IPV4_BAD_SHORT);
    make_dgram(b, 60, 17);
    b[8] ^= 1; /* TTL changed, checksum not */
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_CSUM);
    make_dgram(b, 60, 17);
    b[6] |= 0x80; /* the reserved flag */
    fix_csum(b);
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_FRAG);
    make_dgram(b, 60, 17);
    b[6] = 0x1f; /* offset 8191 * 8 + 40 > 65515 */
    b[7] = 0xff;
    fix_csum(b);
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_FRAG);
}

static void parse_options(void)
{
    uint8_t b[100];
    struct ipv4_hdr h;
    make_dgram(b, 60, 17);
    b[0] = 0x46; /* 4 bytes of options: NOP NOP NOP EOL */
    b[20] = 1, b[21] = 1, b[22] = 1, b[23] = 0;
    fix_csum(b);
    CHECK(ipv4_parse(b, 60, &h) == IPV4_OK && h.hlen == 24 && h.has_options);
    b[20] = 7, b[21] = 9; /* record route claiming 9 bytes of 4 */
    fix_csum(b);
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_OPTIONS);
    b[20] = 7, b[21] = 1; /* a length under 2 */
    fix_csum(b);
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_OPTIONS);
    b[20] = 1, b[21] = 1, b[22] = 1, b[23] = 68; /* timestamp type with no length byte */
    fix_csum(b);
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_OPTIONS);
    b[0] = 0x47; /* 8 bytes: LSRR of 7 bytes + EOL */
    b[20] = 131, b[21] = 7, b[22] = 4;
    memset(b + 23, 0, 5);
    fix_csum(b);
    CHECK(ipv4_parse(b, 60, &h) == IPV4_BAD_SRCROUTE);
}

static void emit_roundtrip(void)
{
    struct ipv4_hdr h = {.hlen = 20,
                         .tos = 0x10,
                         .ttl = 3,
                         .proto = 6,
                         .total_len = 1500,
                         .id = 0xbeef,
                         .mf = true,
                         .df = false,
                         .frag_off = 2960,
                         .src = {{192, 168, 1, 1}},
                         .dst = {{192, 168, 1, 200}}};
    uint8_t b[1500] = {0};
    ipv4_emit(b, &h);
    CHECK(mg_inet_csum(b, 20, 0) == 0);
    struct ipv4_hdr g;
    CHECK(ipv4_parse(b, sizeof b, &g) == IPV4_OK);
    CHECK(g.tos == 0x10 && g.ttl == 3 && g.proto == 6 && g.id == 0xbeef && g.mf && !g.df &&
          g.frag_off == 2960 && g.dst.b[3] == 200);
}

/* ---- ICMP ---- */

static void icmp_echo_reply(void)
{
    uint8_t req[64];
    req[0] = ICMP_ECHO, req[1] = 0, req[2] = req[3] = 0;
    req[4] = 0x12, req[5] = 0x34, req[6] = 0, req[7] = 9;
    for (int i = 8; i < 64; i++)
        req[i] = (uint8_t)i;
    uint16_t c = mg_inet_csum(req, 64, 0);
    req[2] = (uint8_t)(c >> 8), req[3] = (uint8_t)c;
    struct icmp_msg m;
    CHECK(icmp_parse(req, 64, &m) == ICMP_OK);
    CHECK(m.type == ICMP_ECHO && m.id == 0x1234 && m.seq == 9 && m.data_len == 56 && !m.is_error);
    uint8_t hdr[8], reply[64];
    icmp_echo_reply_header(hdr, &m);
    memcpy(reply, hdr, 8);
    memcpy(reply + 8, m.data, 56);
    CHECK(reply[0] == 0 && mg_inet_csum(reply, 64, 0) == 0);
    req[10] ^= 0xff;
    CHECK(icmp_parse(req, 64, &m) == ICMP_BAD_CSUM);
    CHECK(icmp_parse(req, 7, &m) == ICMP_BAD_SHORT);
}

static void icmp_error_build_and_parse(void)
{
    uint8_t orig[100];
    make_dgram(orig, 100, 17);
    uint8_t hdr[8];
    size_t q = icmp_error_header(hdr, ICMP_UNREACH, ICMP_UNREACH_PORT, 0, orig, 20, orig + 20, 80);
    CHECK(q == 80);
    uint8_t msg[108];
    memcpy(msg, hdr, 8);
    memcpy(msg + 8, orig, 100);
    struct icmp_msg m;
    CHECK(icmp_parse(msg, 108, &m) == ICMP_OK);
    CHECK(m.is_error && m.type == 3 && m.code == 3 && m.quoted.proto == 17 &&
          m.quoted.dst.b[3] == 2 && m.quote_len == 80 && m.quote_payload[0] == 20);
    /* Quotes stop at 576 bytes of message. */
    static uint8_t big[2000];
    CHECK(icmp_error_header(hdr, 3, 3, 0, orig, 20, big, sizeof big) == 576 - 28 - 20);
    /* Fragmentation needed carries the MTU. */
    icmp_error_header(hdr, 3, 4, 1400, orig, 20, orig + 20, 8);
    memcpy(msg, hdr, 8);
    memcpy(msg + 8, orig, 28);
    CHECK(icmp_parse(msg, 36, &m) == ICMP_OK && m.mtu == 1400);
    /* An error quoting less than a header and 8 bytes, or a non-IPv4 header. */
    CHECK(icmp_parse(msg, 35, &m) != ICMP_OK);
    msg[8] = 0x65;
    msg[2] = msg[3] = 0;
    uint16_t c = mg_inet_csum(msg, 36, 0);
    msg[2] = (uint8_t)(c >> 8), msg[3] = (uint8_t)c;
    CHECK(icmp_parse(msg, 36, &m) == ICMP_BAD_QUOTE);
}

/* ---- reassembly ---- */

static uint8_t payload[65535];

/* Fragment i of a datagram: payload [off, off+len), mf. */
static void frag(struct ipv4_hdr *h, uint8_t *raw, uint16_t id, uint8_t proto, size_t off,
                 size_t len, bool mf)
{
    *h = (struct ipv4_hdr){.hlen = 20,
                           .ttl = 64,
                           .proto = proto,
                           .total_len = (uint16_t)(20 + len),
                           .id = id,
                           .mf = mf,
                           .frag_off = (uint16_t)off,
                           .src = {{10, 0, 0, 1}},
                           .dst = {{10, 0, 0, 2}}};
    ipv4_emit(raw, h);
}

static enum reasm_result feed(struct ipv4_reasm *r, uint16_t id, size_t off, size_t len, bool mf,
                              uint64_t now, struct reasm_out *out)
{
    struct ipv4_hdr h;
    uint8_t raw[20];
    frag(&h, raw, id, 17, off, len, mf);
    return ipv4_reasm_input(r, &h, raw, payload + off, now, out);
}

static void reasm_in_order_and_reverse(void)
{
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 7 + (i >> 8));
    struct ipv4_reasm r;
    ipv4_reasm_init(&r, 0);
    struct reasm_out out;
    CHECK(feed(&r, 1, 0, 1480, true, 0, &out) == REASM_HELD);
    CHECK(feed(&r, 1, 1480, 1480, true, 0, &out) == REASM_HELD);
    CHECK(feed(&r, 1, 2960, 1040, false, 0, &out) == REASM_DONE);
    CHECK(out.len == 4000 && memcmp(out.data, payload, 4000) == 0);
    CHECK(out.hdr.total_len == 4020 && !out.hdr.mf && out.hdr.frag_off == 0 && out.raw_hlen == 20);
    CHECK(ipv4_reasm_pending(&r) == 0);
    CHECK(feed(&r, 2, 2960, 1040, false, 0, &out) == REASM_HELD);
    CHECK(feed(&r, 2, 1480, 1480, true, 0, &out) == REASM_HELD);
    CHECK(feed(&r, 2, 0, 1480, true, 0, &out) == REASM_DONE);
    CHECK(out.len == 4000 && memcmp(out.data, payload, 4000) == 0);
    CHECK(r.stats.reassembled == 2);
    ipv4_reasm_free(&r);
}

static void reasm_shuffled_with_duplicates(void)
{
    struct ipv4_reasm r;
    ipv4_reasm_init(&r, 0);
    struct reasm_out out;
    for (int t = 0; t < 50; t++) {
        size_t total = 8 + rnd() % 60000, fs = 8 * (1 + rnd() % 200);
        size_t n = (total + fs - 1) / fs, order[8192];
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        for (size_t i = n; i > 1; i--) {
            size_t j = rnd() % i, x = order[i - 1];
            order[i - 1] = order[j];
            order[j] = x;
        }
        int done = 0;
        for (size_t k = 0; k < n; k++) {
            size_t i = order[k], off = i * fs, len = off + fs < total ? fs : total - off;
            enum reasm_result res =
                feed(&r, (uint16_t)(100 + t), off, len, off + len < total, 0, &out);
            if (k % 3 == 0 && res != REASM_DONE) /* a duplicate changes nothing */
                res = feed(&r, (uint16_t)(100 + t), off, len, off + len < total, 0, &out);
            if (res == REASM_DONE) {
                done++;
                CHECK(k == n - 1);
                CHECK(out.len == total && memcmp(out.data, payload, total) == 0);
            } else {
                CHECK(res == REASM_HELD);
            }
        }
        CHECK(done == 1);
    }
    CHECK(r.bytes == 0 && ipv4_reasm_pending(&r) == 0);
    ipv4_reasm_free(&r);
}

static void reasm_overlap_conflict_drops(void)
{
    struct ipv4_reasm r;
    ipv4_reasm_init(&r, 0);
    struct reasm_out out;
    CHECK(feed(&r, 3, 0, 800, true, 0, &out) == REASM_HELD);
    /* The same bytes again, overlapping half: accepted. */
    CHECK(feed(&r, 3, 400, 800, true, 0, &out) == REASM_HELD);
    /* Different bytes over received ones: the whole datagram goes. */
    struct ipv4_hdr h;
    uint8_t raw[20], evil[800];
    memset(evil, 0xee, sizeof evil);
    frag(&h, raw, 3, 17, 800, 800, true);
    CHECK(ipv4_reasm_input(&r, &h, raw, evil, 0, &out) == REASM_DROPPED);
    CHECK(r.stats.overlaps == 1 && ipv4_reasm_pending(&r) == 0 && r.bytes == 0);
    /* Two last fragments that disagree on the end. */
    CHECK(feed(&r, 4, 800, 80, false, 0, &out) == REASM_HELD);
    CHECK(feed(&r, 4, 800, 160, false, 0, &out) == REASM_DROPPED);
    /* Data past a known end. */
    CHECK(feed(&r, 5, 800, 80, false, 0, &out) == REASM_HELD);
    CHECK(feed(&r, 5, 800, 800, true, 0, &out) == REASM_DROPPED);
    /* A last fragment before data already received. */
    CHECK(feed(&r, 6, 1600, 800, true, 0, &out) == REASM_HELD);
    CHECK(feed(&r, 6, 800, 80, false, 0, &out) == REASM_DROPPED);
    CHECK(r.stats.overlaps == 4 && ipv4_reasm_pending(&r) == 0);
    ipv4_reasm_free(&r);
}

static void reasm_tiny_and_bad_fragments(void)
{
    struct ipv4_reasm r;
    ipv4_reasm_init(&r, 0);
    struct reasm_out out;
    CHECK(feed(&r, 7, 0, 0, true, 0, &out) == REASM_DROPPED);   /* empty */
    CHECK(feed(&r, 7, 0, 100, true, 0, &out) == REASM_DROPPED); /* not whole blocks */
    struct ipv4_hdr h;
    uint8_t raw[20];
    frag(&h, raw, 8, MG_IPPROTO_TCP, 8, 64, true); /* RFC 1858 */
    CHECK(ipv4_reasm_input(&r, &h, raw, payload, 0, &out) == REASM_DROPPED);
    CHECK(r.stats.bad_fragments == 3 && ipv4_reasm_pending(&r) == 0);
    ipv4_reasm_free(&r);
}

static int timeouts_seen;
static size_t timeout_len;
static void on_timeout(void *arg, const struct ipv4_hdr *first, const uint8_t *raw, size_t hlen,
                       size_t len)
{
    (void)arg;
    timeouts_seen++;
    timeout_len = len;
    CHECK(first->id == 9 && hlen == 20 && raw[0] == 0x45);
}

static void reasm_timeout(void)
{
    struct ipv4_reasm r;
    ipv4_reasm_init(&r, 0);
    struct reasm_out out;
    uint64_t t0 = 1000;
    CHECK(feed(&r, 9, 0, 1480, true, t0, &out) == REASM_HELD);
    CHECK(feed(&r, 10, 1480, 80, false, t0, &out) == REASM_HELD); /* no first fragment */
    timeouts_seen = 0;
    ipv4_reasm_expire(&r, t0 + REASM_TIMEOUT_NS - 1, on_timeout, NULL);
    CHECK(ipv4_reasm_pending(&r) == 2 && timeouts_seen == 0);
    ipv4_reasm_expire(&r, t0 + REASM_TIMEOUT_NS, on_timeout, NULL);
    CHECK(ipv4_reasm_pending(&r) == 0 && r.bytes == 0);
    /* Only the one whose first fragment came is reported (header + 8 bytes). */
    CHECK(timeouts_seen == 1 && timeout_len == 28 && r.stats.timeouts == 2);
    /* The rest of datagram 9 arriving late starts afresh and stays incomplete. */
    CHECK(feed(&r, 9, 1480, 80, false, t0 + REASM_TIMEOUT_NS + 1, &out) == REASM_HELD);
    ipv4_reasm_free(&r);
}

static void reasm_limits(void)
{
    struct ipv4_reasm r;
    ipv4_reasm_init(&r, 0);
    struct reasm_out out;
    /* More datagrams than slots: the oldest go. */
    for (uint16_t i = 0; i < REASM_SLOTS + 4; i++)
        CHECK(feed(&r, (uint16_t)(200 + i), 0, 8, true, i, &out) == REASM_HELD);
    CHECK(ipv4_reasm_pending(&r) == REASM_SLOTS && r.stats.evicted == 4);
    /* The survivors are the newest: completing the newest works. */
    CHECK(feed(&r, 200 + REASM_SLOTS + 3, 8, 8, false, 99, &out) == REASM_DONE);
    ipv4_reasm_free(&r);

    /* A byte budget: one big datagram cannot fit, and older ones make room. */
    ipv4_reasm_init(&r, 16384);
    CHECK(feed(&r, 300, 0, 8000, true, 0, &out) == REASM_HELD);
    CHECK(feed(&r, 301, 0, 8000, true, 1, &out) == REASM_HELD);
    CHECK(r.bytes <= 16384);
    CHECK(feed(&r, 302, 0, 8000, true, 2, &out) == REASM_HELD); /* evicts 300 */
    CHECK(r.bytes <= 16384 && ipv4_reasm_pending(&r) == 2);
    CHECK(feed(&r, 303, 0, 30000, false, 3, &out) == REASM_DROPPED);
    CHECK(r.stats.no_memory == 1 && r.bytes <= 16384 && ipv4_reasm_pending(&r) == 2);
    ipv4_reasm_free(&r);
}

static const struct check_case cases[] = {
    CASE_ENTRY(csum_rfc1071_example),
    CASE_ENTRY(csum_matches_reference),
    CASE_ENTRY(csum_verifies_to_zero),
    CASE_ENTRY(pseudo_sum_v4_v6),
    CASE_ENTRY(parse_good_and_padding),
    CASE_ENTRY(parse_rejects),
    CASE_ENTRY(parse_options),
    CASE_ENTRY(emit_roundtrip),
    CASE_ENTRY(icmp_echo_reply),
    CASE_ENTRY(icmp_error_build_and_parse),
    CASE_ENTRY(reasm_in_order_and_reverse),
    CASE_ENTRY(reasm_shuffled_with_duplicates),
    CASE_ENTRY(reasm_overlap_conflict_drops),
    CASE_ENTRY(reasm_tiny_and_bad_fragments),
    CASE_ENTRY(reasm_timeout),
    CASE_ENTRY(reasm_limits),
};
CHECK_MAIN(cases)
