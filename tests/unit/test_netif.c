/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/netif/netif.c lib/netif/mac.c lib/netif/offload.c */
/* libs: -lm */
/* test_netif.c: the NETWORK device over a scripted platform: batching both ways, waiting,
 * offloads passed down or done in software, short writes, disconnect. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/net.h>

#include "fiber_check.h"
#include "platform.h"

#define MS 1000000ull

/* ---- the scripted platform network ---------------------------------------- */
struct pframe {
    uint8_t data[70000];
    size_t len;
    struct mg_plat_net_offload off;
};
static struct pframe *inq, *outq; /* frames to read; frames written */
static int nin, inpos, nout;
static int reads, writes, accept_left = -1, accept_per_call = 1000;
static uint32_t features;
static struct mg_waitq pq;

int mg_plat_net_open(const char *name, int *handle, struct mg_plat_net_info *info)
{
    if (strcmp(name, "tap0") != 0)
        return MG_ENOENT;
    *handle = 7;
    memcpy(info->mac, "\x02\x00\x00\x00\x00\x02", 6);
    info->mtu = 1500;
    info->features = features;
    return 0;
}
int mg_plat_net_read(int handle, struct mg_plat_frame *f, int n)
{
    if (handle != 7)
        return MG_EBADF;
    reads++;
    /* The headroom is the platform's to overwrite (spt puts the tap's
     * header there): scribble on all of it first, as a platform may. */
    for (int i = 0; i < n; i++)
        memset((uint8_t *)f[i].buf - MG_PLAT_NET_HEADROOM, 0xa5, MG_PLAT_NET_HEADROOM);
    int got = 0;
    while (got < n && inpos < nin) {
        struct pframe *p = &inq[inpos++];
        if (p->len > f[got].len)
            continue; /* dropped, as the contract says */
        memcpy(f[got].buf, p->data, p->len);
        f[got].len = p->len;
        f[got].off = p->off;
        got++;
    }
    return got;
}
int mg_plat_net_write(int handle, const struct mg_plat_frame *f, int n)
{
    if (handle != 7)
        return MG_EBADF;
    writes++;
    for (int i = 0; i < n; i++)
        memset((uint8_t *)f[i].buf - MG_PLAT_NET_HEADROOM, 0x5a, MG_PLAT_NET_HEADROOM);
    int take = n < accept_per_call ? n : accept_per_call;
    if (accept_left >= 0) {
        take = take < accept_left ? take : accept_left;
        accept_left -= take;
    }
    for (int i = 0; i < take; i++) {
        memcpy(outq[nout].data, f[i].buf, f[i].len);
        outq[nout].len = f[i].len;
        outq[nout].off = f[i].off;
        nout++;
    }
    return take;
}
struct mg_waitq *mg_plat_net_waitq(int handle) { return handle == 7 ? &pq : NULL; }

static struct mg_network *net;

/* Disconnected, a device keeps only its handle: one allocation. */
static void drop(struct mg_network *n)
{
    n->ops->disconnect(n);
    free(n);
}

static void reset(uint32_t feat)
{
    if (!inq) {
        inq = calloc(64, sizeof *inq);
        outq = calloc(128, sizeof *outq);
    }
    nin = inpos = nout = reads = writes = 0;
    accept_left = -1;
    accept_per_call = 1000;
    features = feat;
}

static void push_in(size_t len, uint8_t fill, uint8_t flags, uint8_t gso)
{
    memset(inq[nin].data, fill, len);
    inq[nin].len = len;
    inq[nin].off = (struct mg_plat_net_offload){flags, gso, 0, 0, 0, 0};
    nin++;
}

/* ---- frames and sums, computed here independently of lib/netif ---------- */
static uint32_t sum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
    return s;
}
static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}
/* Is the IPv4 header checksum right, and the TCP/UDP one over the pseudo-header? */
static bool ip_ok(const uint8_t *f) { return fold(sum(f + 14, (size_t)(f[14] & 15) * 4)) == 0xffff; }
static bool l4_ok(const uint8_t *f, size_t len)
{
    size_t ihl = (size_t)(f[14] & 15) * 4, l4 = len - 14 - ihl;
    uint32_t s = sum(f + 26, 8) + f[23] + (uint32_t)l4 + sum(f + 14 + ihl, l4);
    return fold(s) == 0xffff;
}
static uint16_t g16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t g32(const uint8_t *p) { return (uint32_t)g16(p) << 16 | g16(p + 2); }
static void p16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

/* A TCP/IPv4 frame with payload bytes i & 0xff, its checksum field holding
 * the pseudo-header sum (as a stack asking for offload writes it). */
static size_t tcp_frame(uint8_t *f, size_t payload, uint8_t flags)
{
    memset(f, 0, 14 + 20 + 20);
    memcpy(f, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00", 14);
    uint8_t *ip = f + 14, *th = ip + 20;
    ip[0] = 0x45;
    p16(ip + 2, (uint16_t)(40 + payload));
    p16(ip + 4, 0x1234);
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, "\x0a\0\0\x02\x0a\0\0\x01", 8);
    p16(ip + 10, (uint16_t)~fold(sum(ip, 20)));
    p16(th, 80);
    p16(th + 2, 4000);
    memcpy(th + 4, "\x10\x00\x00\x00", 4); /* seq 0x10000000 */
    th[12] = 5 << 4;
    th[13] = flags;
    p16(th + 14, 65535);
    for (size_t i = 0; i < payload; i++)
        th[20 + i] = (uint8_t)i;
    p16(th + 16, fold(sum(ip + 12, 8) + 6 + (uint32_t)(20 + payload)));
    return 54 + payload;
}
static const struct mg_net_offload TSO = {MG_NET_OFF_NEEDS_CSUM, MG_NET_GSO_TCPV4, 40, 1000, 34, 16};

/* ---- cases ------------------------------------------------------------------ */
static void connect_and_info(void)
{
    reset(MG_PLAT_NET_F_CSUM | MG_PLAT_NET_F_TSO4);
    struct mg_network *n;
    CHECK(mg_netif_connect(&n, "service", "nope", NULL) == MG_ENOENT);
    CHECK(mg_netif_connect(&n, "service", "tap0", "02:00:00:zz:00:01") == MG_EINVAL);
    CHECK(mg_netif_connect(&n, "tap0", NULL, "02:00:00:00:00:09") == 0);
    struct mg_network_info i;
    mg_network_info(n, &i);
    CHECK(i.mtu == 1500 && i.mac.b[5] == 9);
    CHECK(i.offloads == (MG_NET_OFFLOAD_CSUM | MG_NET_OFFLOAD_TSO4));
    CHECK(strcmp(n->name, "tap0") == 0);
    drop(n);
    reset(MG_PLAT_NET_F_TSO4); /* segmentation without checksums is no offload */
    CHECK(mg_netif_connect(&net, "service", "tap0", NULL) == 0);
    mg_network_info(net, &i);
    CHECK(i.offloads == 0 && i.mac.b[5] == 2);
    drop(net);
}

static int write_batches_fiber(void *arg)
{
    (void)arg;
    uint8_t f[60] = {0};
    struct mg_iovec v = {f, sizeof f};
    for (int i = 0; i < 5; i++)
        FCHECK(mg_network_writev(net, &v, 1) == 0);
    FCHECK(writes == 0); /* held back until flushed */
    FCHECK(mg_network_flush(net) == 0 && writes == 1 && nout == 5);
    for (int i = 0; i < 70; i++)
        FCHECK(mg_network_writev(net, &v, 1) == 0);
    FCHECK(writes == 2 && nout == 69); /* a full batch of 64 went on its own */
    FCHECK(mg_network_flush(net) == 0 && writes == 3 && nout == 75);
    FCHECK(mg_network_flush(net) == 0 && writes == 3); /* nothing queued: no call */
    struct mg_iovec shortv = {f, 13}, longv = {f, 1515};
    uint8_t big[1515] = {0};
    longv.base = big;
    FCHECK(mg_network_writev(net, &shortv, 1) == MG_EINVAL);
    FCHECK(mg_network_writev(net, &longv, 1) == MG_EINVAL);
    longv.len = 1514;
    FCHECK(mg_network_writev(net, &longv, 1) == 0);
    struct mg_network_stats st;
    net->ops->stats(net, &st);
    FCHECK(st.tx_frames == 75 && st.tx_bytes == 75 * 60);
    return 0;
}
static void write_batches(void)
{
    reset(0);
    CHECK(mg_netif_connect(&net, "service", "tap0", NULL) == 0);
    RUN(write_batches_fiber, NULL);
    drop(net);
}

static int seen, seen_flags[64];
static size_t seen_len[64];
static void rx(void *arg, const uint8_t *frame, size_t len)
{
    (void)frame;
    struct mg_network *n = arg;
    seen_len[seen] = len;
    seen_flags[seen++] = (int)n->ops->rx_flags(n);
}

static int recv_batches_fiber(void *arg)
{
    (void)arg;
    for (int i = 0; i < 40; i++)
        push_in(60 + (size_t)i, (uint8_t)i, 0, 0);
    seen = 0;
    FCHECK(mg_network_recv(net, rx, net, 100, UINT64_MAX) == 32 && reads == 1);
    FCHECK(mg_network_recv(net, rx, net, 3, UINT64_MAX) == 3 && reads == 2);
    FCHECK(mg_network_recv(net, rx, net, 3, UINT64_MAX) == 3 && reads == 2); /* from the batch */
    FCHECK(mg_network_recv(net, rx, net, 100, UINT64_MAX) == 2);
    FCHECK(seen == 40 && seen_len[0] == 60 && seen_len[39] == 99);
    /* Nothing ready: queued output goes out, then it waits until the deadline. */
    uint8_t f[60] = {0};
    struct mg_iovec v = {f, sizeof f};
    FCHECK(mg_network_writev(net, &v, 1) == 0 && nout == 0);
    uint64_t t0 = mg_clock_monotonic_ns();
    FCHECK(mg_network_recv(net, rx, net, 100, t0 + 20 * MS) == MG_ETIMEDOUT);
    FCHECK(mg_clock_monotonic_ns() - t0 >= 20 * MS && nout == 1);
    struct mg_network_stats st;
    net->ops->stats(net, &st);
    FCHECK(st.rx_frames == 40 && st.rx_dropped == 0);
    return 0;
}
static void recv_batches(void)
{
    reset(0);
    CHECK(mg_netif_connect(&net, "service", "tap0", NULL) == 0);
    RUN(recv_batches_fiber, NULL);
    drop(net);
}

/* A fiber that brings a frame later and wakes the device's queue. */
static int bring(void *arg)
{
    (void)arg;
    mg_sleep_ns(5 * MS);
    push_in(64, 1, 0, 0);
    mg_wake_all(&pq);
    return 0;
}
static int recv_second(void *arg)
{
    (void)arg;
    return mg_network_recv(net, rx, net, 1, UINT64_MAX);
}
static int recv_waits_fiber(void *arg)
{
    (void)arg;
    seen = 0;
    struct mg_fiber *b = mg_spawn(bring, NULL);
    struct mg_fiber *second = mg_spawn(recv_second, NULL);
    FCHECK(mg_network_recv(net, rx, net, 10, mg_clock_monotonic_ns() + 1000 * MS) == 1);
    int r = 0;
    FCHECK(mg_join(second, &r) == 0 && r == MG_EBUSY); /* one receiver at a time */
    FCHECK(mg_join(b, NULL) == 0 && seen == 1);
    return 0;
}
static void recv_waits_for_input(void)
{
    reset(0);
    CHECK(mg_netif_connect(&net, "service", "tap0", NULL) == 0);
    RUN(recv_waits_fiber, NULL);
    drop(net);
}

static int rx_flags_fiber(void *arg)
{
    (void)arg;
    seen = 0;
    push_in(60, 0, MG_PLAT_NET_OFF_DATA_VALID, 0);
    push_in(60, 0, MG_PLAT_NET_OFF_NEEDS_CSUM, 0);
    push_in(60, 0, 0, 0);
    push_in(9000, 0, MG_PLAT_NET_OFF_NEEDS_CSUM, MG_PLAT_NET_GSO_TCPV4);
    push_in(3000, 0, 0, 0); /* longer than the MTU and not coalesced: dropped */
    push_in(10, 0, 0, 0);   /* a runt: dropped */
    FCHECK(mg_network_recv(net, rx, net, 10, UINT64_MAX) == 4);
    FCHECK(seen_flags[0] == MG_NET_RX_CSUM_OK && seen_flags[1] == MG_NET_RX_CSUM_OK &&
           seen_flags[2] == 0 && seen_flags[3] == (MG_NET_RX_CSUM_OK | MG_NET_RX_GSO));
    FCHECK(seen_len[3] == 9000);
    struct mg_network_stats st;
    net->ops->stats(net, &st);
    FCHECK(st.rx_dropped == 2 && st.rx_frames == 4);
    FCHECK(net->ops->rx_flags(net) == 0); /* only during a callback */
    return 0;
}
static void rx_flags_from_the_host(void)
{
    reset(MG_PLAT_NET_F_CSUM | MG_PLAT_NET_F_TSO4);
    CHECK(mg_netif_connect(&net, "service", "tap0", NULL) == 0);
    RUN(rx_flags_fiber, NULL);
    drop(net);
}

static uint8_t sf[70000];
static int offload_fiber(void *arg)
{
    uint32_t feat = (uint32_t)(uintptr_t)arg;
    /* A UDP datagram asking for its checksum. */
    uint8_t u[14 + 20 + 8 + 11] = {0};
    memcpy(u, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00", 14);
    u[14] = 0x45;
    p16(u + 16, 39);
    u[23] = 17;
    memcpy(u + 26, "\x0a\0\0\x02\x0a\0\0\x01", 8);
    p16(u + 24, (uint16_t)~fold(sum(u + 14, 20)));
    p16(u + 34, 7), p16(u + 36, 9), p16(u + 38, 19);
    memcpy(u + 42, "hello world", 11);
    p16(u + 40, fold(sum(u + 26, 8) + 17 + 19));
    struct mg_iovec v = {u, sizeof u};
    struct mg_net_offload uo = {MG_NET_OFF_NEEDS_CSUM, 0, 0, 0, 34, 6};
    FCHECK(mg_network_writev_off(net, &uo, &v, 1) == 0);
    /* A 3000-byte TCP segment to cut at 1000, with FIN|PSH|CWR|ACK. */
    size_t len = tcp_frame(sf, 3000, 0x80 | 0x10 | 0x08 | 0x01);
    struct mg_iovec w[2] = {{sf, 100}, {sf + 100, len - 100}};
    FCHECK(mg_network_writev_off(net, &TSO, w, 2) == 0);
    FCHECK(mg_network_flush(net) == 0);
    if (feat == 0 || feat == MG_PLAT_NET_F_CSUM) {
        bool partial = feat != 0;
        FCHECK(nout == 4);
        FCHECK(outq[0].off.flags == (partial ? MG_PLAT_NET_OFF_NEEDS_CSUM : 0));
        if (partial) { /* what the host would do */
            uint8_t *q = outq[0].data;
            p16(q + 40, (uint16_t)~fold(sum(q + 34, outq[0].len - 34)));
        }
        FCHECK(l4_ok(outq[0].data, outq[0].len));
        for (int i = 1; i <= 3; i++) {
            uint8_t *q = outq[i].data;
            FCHECK(outq[i].len == 54 + 1000 && ip_ok(q) && g16(q + 16) == 1040);
            FCHECK(g16(q + 18) == 0x1234 + i - 1);
            FCHECK(g32(q + 38) == 0x10000000u + (uint32_t)(i - 1) * 1000);
            FCHECK(q[54] == (uint8_t)((i - 1) * 1000) && q[54 + 999] == (uint8_t)((i - 1) * 1000 + 999));
            uint8_t want = i == 1 ? 0x90 : i == 3 ? 0x19 : 0x10; /* CWR first, FIN|PSH last */
            FCHECK(q[47] == want);
            if (partial) {
                FCHECK(outq[i].off.flags == MG_PLAT_NET_OFF_NEEDS_CSUM &&
                       outq[i].off.csum_start == 34 && outq[i].off.csum_offset == 16 &&
                       outq[i].off.gso_type == 0);
                p16(q + 50, (uint16_t)~fold(sum(q + 34, outq[i].len - 34)));
            }
            FCHECK(l4_ok(q, outq[i].len));
        }
    } else {
        /* The host does it all: the frames go down as they are. */
        FCHECK(nout == 2 && outq[1].len == len && outq[1].off.gso_type == MG_PLAT_NET_GSO_TCPV4 &&
               outq[1].off.gso_size == 1000 && outq[1].off.hdr_len == 54 &&
               outq[1].off.csum_start == 34 && memcmp(outq[1].data, sf, len) == 0);
        FCHECK(outq[0].off.flags == MG_PLAT_NET_OFF_NEEDS_CSUM && outq[0].off.csum_start == 34);
    }
    /* Requests that do not fit the frame. */
    struct mg_net_offload bad = {MG_NET_OFF_NEEDS_CSUM, 0, 0, 0, 50, 6};
    FCHECK(mg_network_writev_off(net, &bad, &v, 1) == MG_EINVAL);
    bad = TSO;
    bad.flags = 0;
    FCHECK(mg_network_writev_off(net, &bad, w, 2) == MG_EINVAL);
    bad = TSO;
    bad.gso_type = 3;
    FCHECK(mg_network_writev_off(net, &bad, w, 2) == MG_EINVAL);
    FCHECK(mg_network_writev_off(net, &TSO, &v, 1) == MG_EINVAL); /* UDP */
    /* A GSO frame that fits one segment is sent as one frame. */
    nout = 0;
    len = tcp_frame(sf, 500, 0x18);
    struct mg_iovec one = {sf, len};
    FCHECK(mg_network_writev_off(net, &TSO, &one, 1) == 0 && mg_network_flush(net) == 0);
    FCHECK(nout == 1 && outq[0].len == len && outq[0].off.gso_type == 0);
    return 0;
}
static void offloads(void)
{
    uint32_t f[3] = {0, MG_PLAT_NET_F_CSUM, MG_PLAT_NET_F_CSUM | MG_PLAT_NET_F_TSO4};
    for (int i = 0; i < 3; i++) {
        reset(f[i]);
        CHECK(mg_netif_connect(&net, "service", "tap0", NULL) == 0);
        RUN(offload_fiber, (void *)(uintptr_t)f[i]);
        drop(net);
    }
}

/* Large TSO frames fill the first transmit buffer by bytes: it grows, and
 * the next batch holds 16 of them (one platform call for a bulk round). */
static int tx_grows_fiber(void *arg)
{
    (void)arg;
    size_t len = tcp_frame(sf, 60000, 0x10);
    struct mg_net_offload o = TSO;
    o.gso_size = 1448;
    struct mg_iovec w = {sf, len};
    for (int i = 0; i < 4; i++)
        FCHECK(mg_network_writev_off(net, &o, &w, 1) == 0);
    FCHECK(writes == 0);
    FCHECK(mg_network_writev_off(net, &o, &w, 1) == 0);
    FCHECK(writes == 1 && nout == 4); /* 256 KiB held four */
    for (int i = 0; i < 15; i++)
        FCHECK(mg_network_writev_off(net, &o, &w, 1) == 0);
    FCHECK(writes == 1); /* the grown buffer holds the next sixteen */
    FCHECK(mg_network_flush(net) == 0 && writes == 2 && nout == 20);
    for (int i = 0; i < 20; i++)
        FCHECK(outq[i].len == len && outq[i].off.gso_type == MG_PLAT_NET_GSO_TCPV4 &&
               memcmp(outq[i].data, sf, len) == 0);
    return 0;
}
static void tx_buffer_grows(void)
{
    reset(MG_PLAT_NET_F_CSUM | MG_PLAT_NET_F_TSO4);
    CHECK(mg_netif_connect(&net, "service", "tap0", NULL) == 0);
    RUN(tx_grows_fiber, NULL);
    drop(net);
}

static int short_writes_fiber(void *arg)
{
    (void)arg;
    uint8_t f[60] = {0};
    struct mg_iovec v = {f, sizeof f};
    accept_per_call = 2;
    for (int i = 0; i < 7; i++)
        FCHECK(mg_network_writev(net, &v, 1) == 0);
    FCHECK(mg_network_flush(net) == 0 && nout == 7 && writes == 4);
    /* A host that takes nothing: dropped after a while, and counted. */
    accept_left = 0;
    FCHECK(mg_network_writev(net, &v, 1) == 0);
    uint64_t t0 = mg_clock_monotonic_ns();
    FCHECK(mg_network_flush(net) == MG_EIO);
    FCHECK(mg_clock_monotonic_ns() - t0 >= 100 * MS);
    struct mg_network_stats st;
    net->ops->stats(net, &st);
    FCHECK(st.tx_errors == 1 && st.tx_frames == 7);
    return 0;
}
static void short_writes(void)
{
    reset(0);
    CHECK(mg_netif_connect(&net, "service", "tap0", NULL) == 0);
    RUN(short_writes_fiber, NULL);
    drop(net);
}

static int disconnect_fiber(void *arg)
{
    (void)arg;
    struct mg_fiber *r = mg_spawn(recv_second, NULL);
    mg_yield();
    FCHECK(net->ops->disconnect(net) == 0);
    int rc = 0;
    FCHECK(mg_join(r, &rc) == 0 && rc == MG_ENOTCONN);
    uint8_t f[60] = {0};
    struct mg_iovec v = {f, sizeof f};
    FCHECK(mg_network_writev(net, &v, 1) == MG_ENOTCONN);
    FCHECK(mg_network_recv(net, rx, net, 1, UINT64_MAX) == MG_ENOTCONN);
    return 0;
}
static void disconnect(void)
{
    reset(0);
    CHECK(mg_netif_connect(&net, "service", "tap0", NULL) == 0);
    RUN(disconnect_fiber, NULL);
    drop(net);
}

static void cleanup(void)
{
    free(inq);
    free(outq);
    inq = outq = NULL;
}

static const struct check_case cases[] = {
    CASE_ENTRY(connect_and_info),
    CASE_ENTRY(write_batches),
    CASE_ENTRY(recv_batches),
    CASE_ENTRY(recv_waits_for_input),
    CASE_ENTRY(rx_flags_from_the_host),
    CASE_ENTRY(offloads),
    CASE_ENTRY(tx_buffer_grows),
    CASE_ENTRY(short_writes),
    CASE_ENTRY(disconnect),
    CASE_ENTRY(cleanup),
};
CHECK_MAIN(cases)
