/* uk_net.c: hvt system test: net hypercalls and poll on "service" (an echoing socket). */
#include <stdio.h>
#include <string.h>

#include <mirage/error.h>

#include "hvt_guest.h"
#include "manifest.h"
#include "platform.h"

MG_TEST_MANIFEST(1, MG_TEST_NET("service"));

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            printf("FAIL: line %d: %s\n", __LINE__, #c);                                           \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

/* One frame through the batched calls: the frame's length read (0: none), or MG_E*. */
static int64_t net(unsigned nr, int dev, void *buf, uint64_t len)
{
    struct mg_hvt_net_frame f = {(uint64_t)(uintptr_t)buf, len, {0, 0, 0, 0, 0, 0}, {0}};
    struct mg_hvt_net_batch a = {(uint32_t)dev, 1, (uint64_t)(uintptr_t)&f, 0, 0};
    hvt_hypercall(nr, &a);
    if (nr == MG_HVT_HC_NET_READV)
        return a.ret == 1 ? (int64_t)f.len : a.ret;
    return a.ret == 1 ? 0 : a.ret;
}

static uint64_t poll_ready(uint64_t timeout_ns)
{
    struct mg_hvt_poll a = {timeout_ns, 0};
    hvt_hypercall(MG_HVT_HC_POLL, &a);
    return a.ready;
}

int mg_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    int dev = hvt_dev_find("service", MG_MFT_NET);
    CHECK(dev >= 0 && hvt_boot->devs[dev].mtu == 1500);
    static unsigned char out[1514], in[2048];
    /* Nothing waits yet: a read finds nothing, a short poll times out. */
    CHECK(net(MG_HVT_HC_NET_READV, dev, in, sizeof in) == 0);
    uint64_t t0 = mg_plat_monotonic_ns();
    CHECK(poll_ready(50000000) == 0);
    CHECK(mg_plat_monotonic_ns() - t0 >= 50000000);
    /* A frame out comes back (the script echoes it); poll says so at once. */
    for (unsigned i = 0; i < sizeof out; i++)
        out[i] = (unsigned char)(i * 13 + 1);
    CHECK(net(MG_HVT_HC_NET_WRITEV, dev, out, sizeof out) == 0);
    t0 = mg_plat_monotonic_ns();
    CHECK(poll_ready(5000000000u) == 1ull << dev);
    CHECK(mg_plat_monotonic_ns() - t0 < 4000000000u);
    CHECK(net(MG_HVT_HC_NET_READV, dev, in, sizeof in) == (int64_t)sizeof out);
    CHECK(memcmp(in, out, sizeof out) == 0);
    CHECK(net(MG_HVT_HC_NET_READV, dev, in, sizeof in) == 0);
    /* Longer than mtu + 14: refused. */
    CHECK(net(MG_HVT_HC_NET_WRITEV, dev, in, 1515) == MG_EINVAL);
    /* NET_POLL: the frame out, the wait and the echo read in one exit. */
    memset(in, 0, sizeof in);
    struct mg_hvt_net_frame tx = {(uint64_t)(uintptr_t)out, 100, {0, 0, 0, 0, 0, 0}, {0}};
    struct mg_hvt_net_frame rx[2] = {{(uint64_t)(uintptr_t)in, sizeof in, {0, 0, 0, 0, 0, 0}, {0}},
                                     {(uint64_t)(uintptr_t)in, sizeof in, {0, 0, 0, 0, 0, 0}, {0}}};
    struct mg_hvt_net_poll p = {5000000000u, 0, (uint32_t)dev, 0, (uint64_t)(uintptr_t)&tx, 1, 2,
                                (uint64_t)(uintptr_t)rx, 0, 0};
    t0 = mg_plat_monotonic_ns();
    hvt_hypercall(MG_HVT_HC_NET_POLL, &p);
    CHECK(p.tx_ret == 1 && p.rx_ret == 1 && rx[0].len == 100 && p.ready == 1ull << dev);
    CHECK(memcmp(in, out, 100) == 0 && mg_plat_monotonic_ns() - t0 < 4000000000u);
    /* Nothing to write or read: it times out like POLL. */
    p = (struct mg_hvt_net_poll){50000000, 0, (uint32_t)dev, 0, 0, 0, 1, (uint64_t)(uintptr_t)rx,
                                 0, 0};
    t0 = mg_plat_monotonic_ns();
    hvt_hypercall(MG_HVT_HC_NET_POLL, &p);
    CHECK(p.tx_ret == 0 && p.rx_ret == 0 && p.ready == 0);
    CHECK(mg_plat_monotonic_ns() - t0 >= 50000000);
    printf("SUCCESS: net\n");
    return 0;
}
