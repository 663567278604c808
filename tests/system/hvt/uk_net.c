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

static int64_t net(unsigned nr, int dev, void *buf, uint64_t len)
{
    struct mg_hvt_net_io a = {(uint32_t)dev, 0, (uint64_t)(uintptr_t)buf, len, 0};
    hvt_hypercall(nr, &a);
    return a.ret;
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
    CHECK(net(MG_HVT_HC_NET_READ, dev, in, sizeof in) == 0);
    uint64_t t0 = mg_plat_monotonic_ns();
    CHECK(poll_ready(50000000) == 0);
    CHECK(mg_plat_monotonic_ns() - t0 >= 50000000);
    /* A frame out comes back (the script echoes it); poll says so at once. */
    for (unsigned i = 0; i < sizeof out; i++)
        out[i] = (unsigned char)(i * 13 + 1);
    CHECK(net(MG_HVT_HC_NET_WRITE, dev, out, sizeof out) == 0);
    t0 = mg_plat_monotonic_ns();
    CHECK(poll_ready(5000000000u) == 1ull << dev);
    CHECK(mg_plat_monotonic_ns() - t0 < 4000000000u);
    CHECK(net(MG_HVT_HC_NET_READ, dev, in, sizeof in) == (int64_t)sizeof out);
    CHECK(memcmp(in, out, sizeof out) == 0);
    CHECK(net(MG_HVT_HC_NET_READ, dev, in, sizeof in) == 0);
    /* Longer than mtu + 14: refused. */
    CHECK(net(MG_HVT_HC_NET_WRITE, dev, in, 1515) == MG_EINVAL);
    printf("SUCCESS: net\n");
    return 0;
}
