/* uk_hostile_net.c: hvt system test: batched net hypercalls that break the ABI (offload metadata above all); the tender ends it.
 *
 * argv[1] names the case. Run with --net:service=@FD on a descriptor that is
 * not a tap (so "service" has no offloads): each case makes one bad call;
 * if the tender lets the guest go on, it prints "SURVIVED" and exits 3. The
 * metadata is checked before the grants, so every check shows here.
 */
#include <stdint.h>
#include <string.h>

#include <mirage/error.h>

#include "hvt_guest.h"
#include "manifest.h"
#include "platform.h"

MG_TEST_MANIFEST(1, MG_TEST_NET("service"));

#define WILD 0xdead0000000ull

static uint8_t buf[70000] __attribute__((aligned(4096)));
static struct mg_hvt_net_frame fr[MG_HVT_NET_BATCH_MAX + 1];

/* One batch call of count frames (fr[0..count)); its ret. */
static int64_t batch(unsigned nr, uint32_t count, uint64_t reserved)
{
    struct mg_hvt_net_batch a = {0, count, (uint64_t)(uintptr_t)fr, reserved, 0};
    hvt_hypercall(nr, &a);
    return a.ret;
}

/* Frame 0 for a write: len bytes of buf with the given metadata. */
static int64_t write1(uint64_t len, uint8_t flags, uint8_t gso, uint16_t hdr_len, uint16_t gso_size,
                      uint16_t cstart, uint16_t coff)
{
    fr[0] = (struct mg_hvt_net_frame){(uint64_t)(uintptr_t)buf, len,
                                      {flags, gso, hdr_len, gso_size, cstart, coff}, {0}};
    return batch(MG_HVT_HC_NET_WRITEV, 1, 0);
}

static void halt(int64_t status)
{
    struct mg_hvt_halt h = {status};
    hvt_hypercall(MG_HVT_HC_HALT, &h);
}

static int run(const char *c)
{
    const uint8_t CS = MG_VNET_F_NEEDS_CSUM, TSO = MG_VNET_GSO_TCPV4;
    uint64_t b = (uint64_t)(uintptr_t)buf;
    if (!strcmp(c, "count")) {
        for (unsigned i = 0; i <= MG_HVT_NET_BATCH_MAX; i++)
            fr[i] = (struct mg_hvt_net_frame){b, 64, {0, 0, 0, 0, 0, 0}, {0}};
        batch(MG_HVT_HC_NET_WRITEV, MG_HVT_NET_BATCH_MAX + 1, 0);
    } else if (!strcmp(c, "list-wild")) {
        struct mg_hvt_net_batch a = {0, 2, WILD, 0, 0};
        hvt_hypercall(MG_HVT_HC_NET_READV, &a);
    } else if (!strcmp(c, "reserved")) {
        fr[0] = (struct mg_hvt_net_frame){b, 64, {0, 0, 0, 0, 0, 0}, {0}};
        batch(MG_HVT_HC_NET_WRITEV, 1, 1);
    } else if (!strcmp(c, "read-buf-wild")) {
        fr[0] = (struct mg_hvt_net_frame){b, 64, {0, 0, 0, 0, 0, 0}, {0}};
        fr[1] = (struct mg_hvt_net_frame){WILD, 64, {0, 0, 0, 0, 0, 0}, {0}};
        batch(MG_HVT_HC_NET_READV, 2, 0);
    } else if (!strcmp(c, "write-buf-end")) {
        fr[0] = (struct mg_hvt_net_frame){hvt_boot->mem_size - 32, 64, {0, 0, 0, 0, 0, 0}, {0}};
        batch(MG_HVT_HC_NET_WRITEV, 1, 0);
    } else if (!strcmp(c, "frame-reserved")) {
        fr[0] = (struct mg_hvt_net_frame){b, 64, {0, 0, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0}};
        batch(MG_HVT_HC_NET_WRITEV, 1, 0);
    } else if (!strcmp(c, "flags"))
        write1(64, MG_VNET_F_DATA_VALID, 0, 0, 0, 0, 0);
    else if (!strcmp(c, "gso-type"))
        write1(64, CS, 3, 54, 1448, 34, 16);
    else if (!strcmp(c, "csum-past"))
        write1(64, CS, 0, 0, 0, 60, 16);
    else if (!strcmp(c, "csum-wrap"))
        write1(64, CS, 0, 0, 0, 0xffff, 0xffff);
    else if (!strcmp(c, "hdr-len"))
        write1(64, 0, 0, 100, 0, 0, 0);
    else if (!strcmp(c, "gso-size-alone"))
        write1(64, 0, 0, 0, 1448, 0, 0);
    else if (!strcmp(c, "gso-no-csum"))
        write1(3000, 0, TSO, 54, 1448, 0, 0);
    else if (!strcmp(c, "gso-size-0"))
        write1(3000, CS, TSO, 54, 0, 34, 16);
    else if (!strcmp(c, "gso-size-big"))
        write1(3000, CS, TSO, 54, 9000, 34, 16);
    else if (!strcmp(c, "gso-huge"))
        write1(sizeof buf, CS, TSO, 54, 1448, 34, 16);
    else if (!strcmp(c, "tso-not-granted"))
        write1(3000, CS, TSO, 54, 1448, 34, 16);
    else if (!strcmp(c, "csum-not-granted"))
        write1(64, CS, 0, 0, 0, 34, 16);
    /* NET_POLL: the same checks, and its own fields. */
    else if (!strcmp(c, "poll-handle") || !strcmp(c, "poll-reserved") ||
             !strcmp(c, "poll-count") || !strcmp(c, "poll-rx-wild") || !strcmp(c, "poll-flags") ||
             !strcmp(c, "poll-ok")) {
        static struct mg_hvt_net_frame rx[1];
        fr[0] = (struct mg_hvt_net_frame){b, 64, {0, 0, 0, 0, 0, 0}, {0}};
        rx[0] = (struct mg_hvt_net_frame){b + 4096, 2048, {0, 0, 0, 0, 0, 0}, {0}};
        struct mg_hvt_net_poll a = {0, 0, 0, 0, (uint64_t)(uintptr_t)fr, 1, 1,
                                    (uint64_t)(uintptr_t)rx, 0, 0};
        if (!strcmp(c, "poll-handle"))
            a.handle = 5;
        else if (!strcmp(c, "poll-reserved"))
            a.reserved = 1;
        else if (!strcmp(c, "poll-count"))
            a.rx_count = MG_HVT_NET_BATCH_MAX + 1;
        else if (!strcmp(c, "poll-rx-wild"))
            rx[0].data = WILD;
        else if (!strcmp(c, "poll-flags"))
            fr[0].off.flags = MG_VNET_F_DATA_VALID;
        hvt_hypercall(MG_HVT_HC_NET_POLL, &a);
        if (!strcmp(c, "poll-ok")) {
            /* Written; /dev/null reads as readable and empty: nothing read. */
            if (a.tx_ret != 1 || a.rx_ret != 0)
                return 6;
            halt(0x1234);
        }
    } else if (!strcmp(c, "nr-retired")) {
        struct mg_hvt_net_batch a = {0, 1, (uint64_t)(uintptr_t)fr, 0, 0};
        hvt_hypercall(6, &a);
    }
    /* Good calls: a plain frame is taken, one too long is refused without
     * ending the VM, nothing waits to be read; then status 0x1234 -> 0x34. */
    else if (!strcmp(c, "ok")) {
        if (write1(64, 0, 0, 0, 0, 0, 0) != 1 || write1(1515, 0, 0, 0, 0, 0, 0) != MG_EINVAL)
            return 4;
        fr[0] = (struct mg_hvt_net_frame){b, 2048, {0, 0, 0, 0, 0, 0}, {0}};
        if (batch(MG_HVT_HC_NET_READV, 1, 0) != 0)
            return 5;
        halt(0x1234);
    } else
        return 2;
    return 3;
}

int mg_main(int argc, char **argv)
{
    int rc = run(argc > 1 ? argv[1] : "");
    const char *m = rc == 0 ? "" : rc == 2 ? "unknown case\n" : "SURVIVED\n";
    mg_plat_console_write(m, strlen(m));
    return rc;
}
