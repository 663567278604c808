/* net.c: hvt network devices: batches per exit; small writes and the next reads ride on the wait's exit. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/fiber.h>

#include "hvt_guest.h"
#include "platform.h"

_Static_assert(MG_PLAT_NET_OFF_NEEDS_CSUM == MG_VNET_F_NEEDS_CSUM &&
                   MG_PLAT_NET_OFF_DATA_VALID == MG_VNET_F_DATA_VALID &&
                   MG_PLAT_NET_GSO_TCPV4 == MG_VNET_GSO_TCPV4,
               "the platform's offload values are virtio's");

/* The last read came back short and no poll has found the device readable since. */
static bool drained[MG_MFT_MAX_ENTRIES];

/* Small frames written wait here, copied, for the next exit: the wait's
 * (NET_POLL), or a write's. An answer and the wait for the next request
 * are then one exit. Large frames (bulk data) go at once, after these. */
#define TXP_FRAMES MG_HVT_NET_BATCH_MAX
#define TXP_BYTES (32u * 1024u)
#define TXP_SMALL 2048u
static struct {
    int handle; /* of the frames waiting, when n > 0 */
    uint32_t n;
    size_t used;
    struct mg_hvt_net_frame fr[TXP_FRAMES];
    uint8_t buf[TXP_BYTES] __attribute__((aligned(8)));
} txp; /* zero: in .bss, not in the image */

/* Frames the wait's exit read for the first net device opened, until the
 * device code reads them (copied into its buffers: the wait cannot know
 * them). Allocated when that device opens. */
#define RXS_FRAMES 4
static struct {
    int handle; /* when mem is set */
    uint8_t *mem;
    size_t slot; /* bytes per buffer: the device's largest frame */
    uint32_t n, pos;
    bool drained; /* the exit that filled it found no more */
    struct mg_hvt_net_frame fr[RXS_FRAMES];
} rxs;

int mg_plat_net_open(const char *name, int *handle, struct mg_plat_net_info *info)
{
    int i = plat_net_open(name, info);
    if (i < 0)
        return i;
    if (!rxs.mem) {
        size_t slot = (info->features & MG_PLAT_NET_F_TSO4) ? MG_NET_GSO_FRAME_MAX : 14u + info->mtu;
        slot = (slot + 63) & ~(size_t)63;
        /* Without the memory, reads just take their own exits. */
        if ((rxs.mem = malloc(slot * RXS_FRAMES))) {
            rxs.slot = slot;
            rxs.handle = i;
        }
    }
    *handle = i;
    return 0;
}

/* A frame the tender would take: else it would end the VM (or refuse the batch). */
static bool frame_ok(const struct mg_boot_dev *d, const struct mg_plat_frame *f)
{
    const struct mg_plat_net_offload *o = &f->off;
    bool gso = o->gso_type != 0;
    if (o->flags & ~MG_PLAT_NET_OFF_NEEDS_CSUM)
        return false;
    if ((o->flags & MG_PLAT_NET_OFF_NEEDS_CSUM) &&
        (!(d->flags & MG_BOOT_DEV_NET_CSUM) || (size_t)o->csum_start + o->csum_offset + 2 > f->len))
        return false;
    if (o->hdr_len > f->len)
        return false;
    if (!gso)
        return o->gso_size == 0 && f->len <= (size_t)d->mtu + 14;
    return o->gso_type == MG_PLAT_NET_GSO_TCPV4 && (d->flags & MG_BOOT_DEV_NET_TSO4) &&
           (o->flags & MG_PLAT_NET_OFF_NEEDS_CSUM) && o->gso_size != 0 && o->gso_size <= d->mtu &&
           f->len <= MG_NET_GSO_FRAME_MAX;
}

static struct mg_hvt_net_frame to_hvt(const struct mg_plat_frame *f)
{
    const struct mg_plat_net_offload *o = &f->off;
    return (struct mg_hvt_net_frame){
        (uint64_t)(uintptr_t)f->buf, f->len,
        {o->flags, o->gso_type, o->hdr_len, o->gso_size, o->csum_start, o->csum_offset}, {0}};
}

static void from_hvt(const struct mg_hvt_net_frame *h, struct mg_plat_frame *f)
{
    f->len = (size_t)h->len;
    f->off = (struct mg_plat_net_offload){h->off.flags,      h->off.gso_type,
                                          h->off.hdr_len,    h->off.gso_size,
                                          h->off.csum_start, h->off.csum_offset};
}

/* The waiting small frames went (taken of them): forget them all. Those not
 * taken are lost, as on a wire. */
static void txp_done(void)
{
    txp.n = 0;
    txp.used = 0;
}

/* Push the waiting small frames out now (before large ones, or at exit). */
void hvt_net_flush(void)
{
    if (txp.n == 0)
        return;
    struct mg_hvt_net_batch a = {(uint32_t)txp.handle, txp.n, (uint64_t)(uintptr_t)txp.fr, 0, 0};
    hvt_hypercall(MG_HVT_HC_NET_WRITEV, &a);
    txp_done();
}

int mg_plat_net_write(int handle, const struct mg_plat_frame *frames, int n)
{
    const struct mg_boot_dev *d = plat_net_dev(handle);
    if (!d)
        return MG_EBADF;
    if (n <= 0)
        return 0;
    /* The tender checks what we write and ends the VM for a frame it would
     * refuse: those are stopped here (the good ones before go). */
    int ok = 0;
    size_t bytes = 0;
    bool small = true;
    while (ok < n && ok < MG_HVT_NET_BATCH_MAX && frame_ok(d, &frames[ok])) {
        small = small && frames[ok].len <= TXP_SMALL;
        bytes += (frames[ok].len + 7) & ~(size_t)7;
        ok++;
    }
    if (ok == 0)
        return MG_EINVAL;
    if (small && (txp.n == 0 || txp.handle == handle) && txp.n + (uint32_t)ok <= TXP_FRAMES &&
        txp.used + bytes <= TXP_BYTES) {
        for (int i = 0; i < ok; i++) {
            uint8_t *p = txp.buf + txp.used;
            memcpy(p, frames[i].buf, frames[i].len);
            txp.fr[txp.n] = to_hvt(&frames[i]);
            txp.fr[txp.n].data = (uint64_t)(uintptr_t)p;
            txp.n++;
            txp.used += (frames[i].len + 7) & ~(size_t)7;
        }
        txp.handle = handle;
        hvt_plat_exit_hook = hvt_net_flush;
        return ok;
    }
    /* The waiting frames first, in the same exit when they are for this
     * device and all fit one batch, else in one of their own. */
    struct mg_hvt_net_frame fr[MG_HVT_NET_BATCH_MAX];
    if (txp.n > 0 && (txp.handle != handle || txp.n + (uint32_t)ok > MG_HVT_NET_BATCH_MAX))
        hvt_net_flush();
    uint32_t k = 0;
    for (; k < txp.n; k++)
        fr[k] = txp.fr[k];
    for (int i = 0; i < ok; i++)
        fr[k + (uint32_t)i] = to_hvt(&frames[i]);
    struct mg_hvt_net_batch a = {(uint32_t)handle, k + (uint32_t)ok, (uint64_t)(uintptr_t)fr, 0, 0};
    hvt_hypercall(MG_HVT_HC_NET_WRITEV, &a);
    txp_done();
    if (a.ret < 0)
        return (int)a.ret;
    return a.ret > (int64_t)k ? (int)(a.ret - (int64_t)k) : 0;
}

/* One exit moves up to MG_HVT_NET_BATCH_MAX frames. A read after one that
 * came back short would find nothing (or what came since, which the next
 * poll reports): 0 without the exit. */
int mg_plat_net_read(int handle, struct mg_plat_frame *frames, int n)
{
    if (!plat_net_dev(handle))
        return MG_EBADF;
    if (n <= 0)
        return 0;
    if (rxs.mem && handle == rxs.handle && rxs.pos < rxs.n) {
        int got = 0;
        while (got < n && rxs.pos < rxs.n) {
            const struct mg_hvt_net_frame *h = &rxs.fr[rxs.pos++];
            if (h->len > frames[got].len)
                continue; /* dropped, as the contract says */
            memcpy(frames[got].buf, (const void *)(uintptr_t)h->data, (size_t)h->len);
            from_hvt(h, &frames[got]);
            got++;
        }
        if (rxs.pos == rxs.n && rxs.drained)
            drained[handle] = true;
        if (got > 0)
            return got;
    }
    if (drained[handle])
        return 0;
    if (n > MG_HVT_NET_BATCH_MAX)
        n = MG_HVT_NET_BATCH_MAX;
    struct mg_hvt_net_frame fr[MG_HVT_NET_BATCH_MAX];
    for (int i = 0; i < n; i++)
        fr[i] = (struct mg_hvt_net_frame){(uint64_t)(uintptr_t)frames[i].buf, frames[i].len,
                                          {0, 0, 0, 0, 0, 0}, {0}};
    struct mg_hvt_net_batch a = {(uint32_t)handle, (uint32_t)n, (uint64_t)(uintptr_t)fr, 0, 0};
    hvt_hypercall(MG_HVT_HC_NET_READV, &a);
    for (int i = 0; i < (int)a.ret; i++)
        from_hvt(&fr[i], &frames[i]);
    if (a.ret >= 0 && a.ret < n)
        drained[handle] = true;
    return (int)a.ret;
}


/* Frames read during the wait go to the stash only when the device code
 * has found nothing to read (it waits for input, a request perhaps): in a
 * burst its own reads take them without the copy. */
static bool rx_armable(void)
{
    return rxs.mem && rxs.pos == rxs.n && drained[rxs.handle];
}

bool hvt_net_poll_wanted(void)
{
    return txp.n > 0 || rx_armable();
}

uint64_t hvt_net_poll(uint64_t timeout_ns)
{
    struct mg_hvt_net_poll a = {timeout_ns, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    a.handle = (uint32_t)(txp.n > 0 ? txp.handle : rxs.handle);
    a.tx_frames = (uint64_t)(uintptr_t)txp.fr;
    a.tx_count = txp.n;
    bool arm = rxs.mem && (int)a.handle == rxs.handle && rx_armable();
    if (arm) {
        for (uint32_t i = 0; i < RXS_FRAMES; i++)
            rxs.fr[i] = (struct mg_hvt_net_frame){(uint64_t)(uintptr_t)(rxs.mem + i * rxs.slot),
                                                  rxs.slot, {0, 0, 0, 0, 0, 0}, {0}};
        a.rx_frames = (uint64_t)(uintptr_t)rxs.fr;
        a.rx_count = RXS_FRAMES;
    }
    hvt_hypercall(MG_HVT_HC_NET_POLL, &a);
    txp_done();
    if (arm) {
        rxs.pos = 0;
        rxs.n = a.rx_ret > 0 ? (uint32_t)a.rx_ret : 0;
        rxs.drained = a.rx_ret < (int64_t)RXS_FRAMES;
    }
    return a.ready;
}

void hvt_net_readable(unsigned dev)
{
    if (dev < MG_MFT_MAX_ENTRIES)
        drained[dev] = false;
}
