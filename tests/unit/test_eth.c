/* sources: lib/ethernet/ethernet.c lib/ethernet/eth_hdr.c lib/netif/mac.c runtime/log.c runtime/log_emit.c runtime/error.c */
/* test_eth.c: the Ethernet layer over a fake NETWORK: headers, padding, filtering, dispatch,
 * offload offsets, the listen loop; and MAC addresses as text. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/ethernet.h>

#include "check.h"

/* ---- a fake NETWORK: records frames written, replays frames to receive ---- */
struct fake {
    struct mg_network base;
    struct mg_network_info info;
    uint8_t tx[16][2048];
    size_t txlen[16];
    struct mg_net_offload txoff[16];
    bool txhasoff[16];
    int ntx, flushes;
    const uint8_t *rx[16];
    size_t rxlen[16];
    int nrx, rxpos, recvs;
    uint32_t flags;
};
static struct fake F;

static void f_info(struct mg_network *n, struct mg_network_info *o) { (void)n, *o = F.info; }
static int f_writev_off(struct mg_network *n, const struct mg_net_offload *off,
                        const struct mg_iovec *iov, size_t niov)
{
    (void)n;
    size_t len = 0;
    for (size_t i = 0; i < niov; i++) {
        memcpy(F.tx[F.ntx] + len, iov[i].base, iov[i].len);
        len += iov[i].len;
    }
    F.txlen[F.ntx] = len;
    F.txhasoff[F.ntx] = off != NULL;
    if (off)
        F.txoff[F.ntx] = *off;
    F.ntx++;
    return 0;
}
static int f_writev(struct mg_network *n, const struct mg_iovec *iov, size_t niov)
{
    return f_writev_off(n, NULL, iov, niov);
}
static int f_flush(struct mg_network *n) { (void)n, F.flushes++; return 0; }
static int f_recv(struct mg_network *n, mg_network_rx_fn fn, void *arg, int max, uint64_t dl)
{
    (void)n, (void)dl;
    F.recvs++;
    if (F.rxpos >= F.nrx)
        return MG_ENOTCONN;
    int k = 0;
    while (F.rxpos < F.nrx && k < max) {
        fn(arg, F.rx[F.rxpos], F.rxlen[F.rxpos]);
        F.rxpos++;
        k++;
    }
    return k;
}
static uint32_t f_rx_flags(struct mg_network *n) { (void)n; return F.flags; }
static const struct mg_network_ops f_ops = {.info = f_info, .writev = f_writev,
                                            .writev_off = f_writev_off, .flush = f_flush,
                                            .recv = f_recv, .rx_flags = f_rx_flags};

static const struct mg_mac ME = {{0x02, 0, 0, 0, 0, 0x02}};
static const struct mg_mac PEER = {{0x02, 0, 0, 0, 0, 0x01}};

/* The layer has no disconnect: each case frees the previous one (one allocation). */
static struct mg_ethernet *prev;
static struct mg_ethernet *setup(void)
{
    free(prev);
    prev = NULL;
    memset(&F, 0, sizeof F);
    F.base.ops = &f_ops;
    F.base.name = "fake";
    F.info.mac = ME;
    F.info.mtu = 1500;
    F.info.offloads = MG_NET_OFFLOAD_CSUM;
    struct mg_ethernet *e;
    CHECK(mg_ethernet_connect(&e, &F.base) == 0);
    prev = e;
    return e;
}

/* What the handlers saw. */
static int got[4];
static size_t got_len;
static struct mg_mac got_src, got_dst;
static uint32_t got_flags;
static struct mg_ethernet *cur;
static void h0(void *arg, const struct mg_mac *src, const struct mg_mac *dst, const uint8_t *p,
               size_t len)
{
    (void)p;
    got[(intptr_t)arg]++;
    got_len = len;
    got_src = *src;
    got_dst = *dst;
    got_flags = cur->ops->rx_flags(cur);
}

static uint8_t frames[8][128];
static void frame(int i, const struct mg_mac *dst, uint16_t type, size_t len)
{
    memset(frames[i], 0xab, sizeof frames[i]);
    mg_eth_emit(&(struct mg_eth_hdr){*dst, PEER, type}, frames[i]);
    F.rx[F.nrx] = frames[i];
    F.rxlen[F.nrx++] = len;
}

static void mac_text(void)
{
    struct mg_mac m;
    char b[18];
    CHECK(mg_mac_parse("02:00:5e:AB:cd:ef", &m) == 0);
    CHECK(m.b[0] == 2 && m.b[2] == 0x5e && m.b[3] == 0xab && m.b[5] == 0xef);
    CHECK(mg_mac_format(&m, b, sizeof b) == 17);
    CHECK_EQ_STR(b, "02:00:5e:ab:cd:ef");
    CHECK(mg_mac_parse("02-00-5e-ab-cd-ef", &m) == 0);
    const char *bad[] = {"", "02:00:5e:ab:cd", "02:00:5e:ab:cd:ef:", "02:00:5e:ab:cd:eg",
                         "2:00:5e:ab:cd:ef", "02:00-5e:ab:cd:ef", "02:00:5e:ab:cd:eff",
                         "0200:5e:ab:cd:ef"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(mg_mac_parse(bad[i], &m) == MG_EINVAL);
    CHECK(mg_mac_parse(NULL, &m) == MG_EINVAL);
    char small[6];
    CHECK(mg_mac_format(&ME, small, sizeof small) == 17);
    CHECK_EQ_STR(small, "02:00");
}

static void header_parse_and_emit(void)
{
    uint8_t b[14];
    struct mg_eth_hdr h = {PEER, ME, 0x86dd}, r;
    mg_eth_emit(&h, b);
    CHECK(b[0] == 2 && b[5] == 1 && b[11] == 2 && b[12] == 0x86 && b[13] == 0xdd);
    CHECK(mg_eth_parse(b, 14, &r) == 0);
    CHECK(memcmp(&r.dst, &PEER, 6) == 0 && memcmp(&r.src, &ME, 6) == 0 && r.type == 0x86dd);
    CHECK(mg_eth_parse(b, 13, &r) == MG_EINVAL);
}

static void writes_header_and_pads_to_60(void)
{
    struct mg_ethernet *e = setup();
    uint8_t a[3] = {1, 2, 3}, b[2] = {4, 5};
    struct mg_iovec v[2] = {{a, 3}, {b, 2}};
    CHECK(e->ops->writev(e, &PEER, MG_ETHERTYPE_IPV4, v, 2) == 0);
    CHECK(F.ntx == 1 && F.txlen[0] == 60 && !F.txhasoff[0]);
    CHECK(memcmp(F.tx[0], PEER.b, 6) == 0 && memcmp(F.tx[0] + 6, ME.b, 6) == 0);
    CHECK(F.tx[0][12] == 0x08 && F.tx[0][13] == 0x00);
    CHECK(memcmp(F.tx[0] + 14, "\1\2\3\4\5", 5) == 0);
    for (int i = 19; i < 60; i++)
        CHECK(F.tx[0][i] == 0);
    /* A frame long enough gets no padding. */
    uint8_t big[100] = {0};
    struct mg_iovec w = {big, sizeof big};
    CHECK(e->ops->writev(e, &PEER, MG_ETHERTYPE_ARP, &w, 1) == 0 && F.txlen[1] == 114);
    /* Too many pieces. */
    struct mg_iovec many[17];
    for (int i = 0; i < 17; i++)
        many[i] = (struct mg_iovec){a, 1};
    CHECK(e->ops->writev(e, &PEER, MG_ETHERTYPE_ARP, many, 17) == MG_EINVAL);
    CHECK(e->ops->flush(e) == 0 && F.flushes == 1);
    struct mg_mac m;
    e->ops->mac(e, &m);
    CHECK(memcmp(&m, &ME, 6) == 0 && e->ops->mtu(e) == 1500);
    CHECK(e->ops->offloads(e) == MG_NET_OFFLOAD_CSUM);
}

static void offload_offsets_count_from_the_frame(void)
{
    struct mg_ethernet *e = setup();
    uint8_t p[200] = {0};
    struct mg_iovec v = {p, sizeof p};
    struct mg_net_offload off = {MG_NET_OFF_NEEDS_CSUM, MG_NET_GSO_TCPV4, 40, 1000, 20, 16};
    CHECK(e->ops->writev_off(e, &PEER, MG_ETHERTYPE_IPV4, &off, &v, 1) == 0);
    CHECK(F.txhasoff[0] && F.txoff[0].csum_start == 34 && F.txoff[0].csum_offset == 16 &&
          F.txoff[0].hdr_len == 54 && F.txoff[0].gso_size == 1000);
    /* NULL: a plain write. */
    CHECK(e->ops->writev_off(e, &PEER, MG_ETHERTYPE_IPV4, NULL, &v, 1) == 0 && !F.txhasoff[1]);
}

static void input_is_filtered_and_dispatched(void)
{
    struct mg_ethernet *e = setup();
    cur = e;
    memset(got, 0, sizeof got);
    CHECK(e->ops->set_input(e, MG_ETHERTYPE_IPV4, h0, (void *)0) == 0);
    CHECK(e->ops->set_input(e, MG_ETHERTYPE_ARP, h0, (void *)1) == 0);
    const struct mg_mac other = {{0x02, 9, 9, 9, 9, 9}};
    const struct mg_mac bcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    const struct mg_mac mcast = {{0x01, 0x00, 0x5e, 0, 0, 1}};
    frame(0, &ME, MG_ETHERTYPE_IPV4, 60);     /* ours */
    frame(1, &other, MG_ETHERTYPE_IPV4, 60);  /* another host's */
    frame(2, &bcast, MG_ETHERTYPE_ARP, 42);   /* broadcast */
    frame(3, &mcast, MG_ETHERTYPE_IPV4, 60);  /* multicast */
    frame(4, &ME, 0x8100, 64);                /* VLAN tag */
    frame(5, &ME, 0x88b5, 60);                /* no handler */
    frame(6, &ME, MG_ETHERTYPE_IPV4, 13);     /* runt */
    frame(7, &ME, 0x0040, 60);                /* an 802.3 length */
    F.flags = MG_NET_RX_CSUM_OK;
    CHECK(e->ops->listen(e) == MG_ENOTCONN);
    CHECK(got[0] == 2 && got[1] == 1);
    CHECK(got_len == 46 && memcmp(&got_src, &PEER, 6) == 0 && memcmp(&got_dst, &mcast, 6) == 0);
    CHECK(got_flags == MG_NET_RX_CSUM_OK);
    struct mg_ethernet_stats st;
    e->ops->stats(e, &st);
    CHECK(st.rx_delivered == 3 && st.rx_not_ours == 1 && st.rx_vlan == 1 &&
          st.rx_unknown_type == 2 && st.rx_short == 1);
    /* The output of each batch was flushed before the next recv. */
    CHECK(F.recvs == 2 && F.flushes == 1);
}

static void handlers_replace_and_remove(void)
{
    struct mg_ethernet *e = setup();
    cur = e;
    memset(got, 0, sizeof got);
    CHECK(e->ops->set_input(e, MG_ETHERTYPE_IPV4, h0, (void *)0) == 0);
    CHECK(e->ops->set_input(e, MG_ETHERTYPE_IPV4, h0, (void *)2) == 0);
    frame(0, &ME, MG_ETHERTYPE_IPV4, 60);
    e->ops->listen(e);
    CHECK(got[0] == 0 && got[2] == 1);
    CHECK(e->ops->set_input(e, MG_ETHERTYPE_IPV4, NULL, NULL) == 0);
    F.rxpos = 0;
    e->ops->listen(e);
    CHECK(got[2] == 1);
    struct mg_ethernet_stats st;
    e->ops->stats(e, &st);
    CHECK(st.rx_unknown_type == 1);
    /* Room for four types. */
    for (uint16_t t = 1; t <= 4; t++)
        CHECK(e->ops->set_input(e, (uint16_t)(0x9000 + t), h0, NULL) == 0);
    CHECK(e->ops->set_input(e, 0x9005, h0, NULL) == MG_ENOSPC);
    CHECK(e->ops->set_input(e, 0x9005, NULL, NULL) == 0);
}

static void cleanup(void)
{
    free(prev);
    prev = NULL;
}

static const struct check_case cases[] = {
    CASE_ENTRY(mac_text),
    CASE_ENTRY(header_parse_and_emit),
    CASE_ENTRY(writes_header_and_pads_to_60),
    CASE_ENTRY(offload_offsets_count_from_the_frame),
    CASE_ENTRY(input_is_filtered_and_dispatched),
    CASE_ENTRY(handlers_replace_and_remove),
    CASE_ENTRY(cleanup),
};
CHECK_MAIN(cases)
