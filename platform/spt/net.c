/* net.c: spt network devices: reads and writes on the tap fds the tender opened, a batch per call. */
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "platform.h"
#include "spt.h"
#include "sys.h"

/* The last read met EAGAIN and no poll has found the device readable since. */
static bool drained[MG_MFT_MAX_ENTRIES];

void spt_net_readable(unsigned dev)
{
    if (dev < MG_MFT_MAX_ENTRIES)
        drained[dev] = false;
}

_Static_assert(sizeof(struct mg_vnet_hdr) <= MG_PLAT_NET_HEADROOM, "the header fits the headroom");
_Static_assert(MG_PLAT_NET_OFF_NEEDS_CSUM == MG_VNET_F_NEEDS_CSUM &&
                   MG_PLAT_NET_OFF_DATA_VALID == MG_VNET_F_DATA_VALID &&
                   MG_PLAT_NET_GSO_TCPV4 == MG_VNET_GSO_TCPV4,
               "the platform's offload values are virtio's");

int mg_plat_net_open(const char *name, int *handle, struct mg_plat_net_info *info)
{
    int i = plat_net_open(name, info);
    if (i < 0)
        return i;
    *handle = i;
    return 0;
}

/* The header, unaligned in the headroom: byte by byte, in the host's (little-endian) order. */
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* The fds are non-blocking: the tap answers EAGAIN when no frame waits, and
 * then mg_plat_wait's ppoll is what waits. One read(2) a frame (the tap
 * has nothing that moves more), but no ppoll between them, and none after
 * an EAGAIN until a ppoll says there is something. With the
 * virtio-net header, it is read into the headroom just before the frame
 * and written from there: still one call, no copy. */
int mg_plat_net_read(int handle, struct mg_plat_frame *frames, int n)
{
    const struct mg_boot_dev *d = plat_net_dev(handle);
    if (!d)
        return MG_EBADF;
    if (drained[handle])
        return 0;
    unsigned long hl = (d->flags & MG_BOOT_DEV_NET_VNET) ? sizeof(struct mg_vnet_hdr) : 0;
    int got = 0;
    while (got < n) {
        struct mg_plat_frame *f = &frames[got];
        uint8_t *h = (uint8_t *)f->buf - hl;
        long r = spt_sys3(SPT_NR_READ, (long)d->handle, (long)h, (long)(f->len + hl));
        if (r == -SPT_EINTR)
            continue;
        if (r == -SPT_EAGAIN) {
            drained[handle] = true;
            break;
        }
        if (r < 0)
            return got > 0 ? got : MG_EIO;
        /* The tap says how long the frame was, even when it had to cut it. */
        if ((unsigned long)r <= hl || (unsigned long)r - hl > f->len)
            continue;
        f->len = (size_t)r - hl;
        f->off = (struct mg_plat_net_offload){0, 0, 0, 0, 0, 0};
        if (hl) {
            f->off = (struct mg_plat_net_offload){h[0], h[1], get16(h + 2), get16(h + 4),
                                                  get16(h + 6), get16(h + 8)};
            /* Only TCP/IPv4 segmentation was asked for; anything else is not ours to read. */
            if (f->off.gso_type != 0 && f->off.gso_type != MG_PLAT_NET_GSO_TCPV4)
                continue;
        }
        got++;
    }
    return got;
}

int mg_plat_net_write(int handle, const struct mg_plat_frame *frames, int n)
{
    const struct mg_boot_dev *d = plat_net_dev(handle);
    if (!d)
        return MG_EBADF;
    unsigned long hl = (d->flags & MG_BOOT_DEV_NET_VNET) ? sizeof(struct mg_vnet_hdr) : 0;
    int sent = 0;
    while (sent < n) {
        const struct mg_plat_frame *f = &frames[sent];
        bool gso = f->off.gso_type != 0;
        if ((!gso && f->len > (size_t)d->mtu + 14) || (gso && f->len > MG_NET_GSO_FRAME_MAX) ||
            (!hl && (f->off.flags || gso)))
            return sent > 0 ? sent : MG_EINVAL;
        uint8_t *h = (uint8_t *)f->buf - hl;
        if (hl) {
            h[0] = f->off.flags;
            h[1] = f->off.gso_type;
            put16(h + 2, f->off.hdr_len);
            put16(h + 4, f->off.gso_size);
            put16(h + 6, f->off.csum_start);
            put16(h + 8, f->off.csum_offset);
        }
        long r = spt_sys3(SPT_NR_WRITE, (long)d->handle, (long)h, (long)(f->len + hl));
        if (r == -SPT_EINTR)
            continue;
        if (r == -SPT_EAGAIN || r == -SPT_ENOBUFS)
            break;
        /* A frame the kernel refuses is dropped; the batch goes on. */
        if (r < 0 && r != -SPT_EINVAL)
            return sent > 0 ? sent : MG_EIO;
        sent++;
    }
    return sent;
}

