/* hvt_module_netv.c: the batched net hypercalls (frames with their offloads), and NET_POLL: writes, a wait, reads in one exit. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/uio.h>

#include <mirage/error.h>

#include "hvt.h"

#define ETH_HEADER 14 /* a frame is at most mtu + this (no FCS, no VLAN tag), GSO aside */

/* A frame list in guest memory, checked and copied in: count frames at
 * gaddr into fr, *gframes its host address. HVT_RESUME or the status of a
 * guest error. */
static int frames_in(struct hvt *h, const struct hvt_hypercall *hc, uint64_t gaddr,
                     uint32_t count, struct mg_hvt_net_frame *fr, uint8_t **gframes)
{
    if (count > MG_HVT_NET_BATCH_MAX)
        return hvt_guest_error(hc, "%u frames, more than %u", count, MG_HVT_NET_BATCH_MAX);
    uint64_t bytes = (uint64_t)count * sizeof *fr;
    *gframes = hvt_guest_ptr(h, gaddr, bytes);
    if (!*gframes && count > 0)
        return hvt_guest_error(hc, "frame list [0x%llx, +%llu) is outside guest memory",
                               (unsigned long long)gaddr, (unsigned long long)bytes);
    if (count > 0)
        memcpy(fr, *gframes, bytes);
    return HVT_RESUME;
}

static bool vnet(const struct tn_dev *d) { return (d->net_flags & MG_BOOT_DEV_NET_VNET) != 0; }

/* The count read buffers listed at gaddr, checked: the list copied into fr,
 * its host address in *gframes, each buffer's in data. Every buffer is
 * checked whether or not a frame comes for it. HVT_RESUME or a guest
 * error's status. */
static int rx_in(struct hvt *h, const struct hvt_hypercall *hc, uint64_t gaddr, uint32_t count,
                 struct mg_hvt_net_frame *fr, uint8_t **gframes, uint8_t **data)
{
    int status = frames_in(h, hc, gaddr, count, fr, gframes);
    if (status != HVT_RESUME)
        return status;
    for (uint32_t i = 0; i < count; i++) {
        data[i] = hvt_guest_ptr(h, fr[i].data, fr[i].len);
        if (!data[i])
            return hvt_guest_error(hc, "buffer %u [0x%llx, +%llu) is outside guest memory", i,
                                   (unsigned long long)fr[i].data, (unsigned long long)fr[i].len);
    }
    return HVT_RESUME;
}

/* Read frames into the count buffers listed at gaddr, until count or until
 * none waits: *ret as the readv hypercall's. HVT_RESUME or a guest error's
 * status. */
static int read_frames(struct hvt *h, const struct hvt_hypercall *hc, struct tn_dev *d,
                       uint64_t gaddr, uint32_t count, int64_t *ret)
{
    struct mg_hvt_net_frame fr[MG_HVT_NET_BATCH_MAX];
    uint8_t *gframes = NULL, *data[MG_HVT_NET_BATCH_MAX];
    int status = rx_in(h, hc, gaddr, count, fr, &gframes, data);
    if (status != HVT_RESUME)
        return status;
    size_t hlen = vnet(d) ? sizeof(struct mg_vnet_hdr) : 0;
    int64_t got = 0;
    uint32_t i = 0;
    while (i < count) {
        struct mg_vnet_hdr vh;
        memset(&vh, 0, sizeof vh);
        struct iovec iov[2] = {{&vh, hlen}, {data[i], fr[i].len}};
        ssize_t n = hlen ? readv(d->fd, iov, 2) : readv(d->fd, iov + 1, 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && got == 0)
                got = MG_EIO;
            break;
        }
        if (n == 0) /* not a tap after all (an @FD at its end): nothing more comes */
            break;
        /* The tap says how long the frame was, even when it had to cut it. */
        if ((size_t)n <= hlen || (uint64_t)n - hlen > fr[i].len)
            continue;
        /* Only what we out: the length and what the host said of the frame
         * (a header from the kernel, which only offers what it was granted). */
        uint64_t len = (uint64_t)n - hlen;
        uint8_t *g = gframes + i * sizeof fr[0];
        memcpy(g + offsetof(struct mg_hvt_net_frame, len), &len, sizeof len);
        memcpy(g + offsetof(struct mg_hvt_net_frame, off), &vh, sizeof vh);
        got++;
        i++;
    }
    *ret = got;
    return HVT_RESUME;
}

/* Frame i's offload metadata against its length and the device's grants:
 * HVT_RESUME when right, else the guest error's status. What the metadata
 * says is checked before whether the device may have it, so every check
 * shows on any device. */
static int check_off(const struct hvt_hypercall *hc, const struct tn_dev *d, uint32_t i,
                     const struct mg_hvt_net_frame *f)
{
    const struct mg_vnet_hdr *o = &f->off;
    for (size_t k = 0; k < sizeof f->reserved; k++)
        if (f->reserved[k])
            return hvt_guest_error(hc, "frame %u: reserved byte %zu is 0x%x, not 0", i, k,
                                   f->reserved[k]);
    if (o->flags & ~MG_VNET_F_NEEDS_CSUM)
        return hvt_guest_error(hc, "frame %u: offload flags 0x%x (only NEEDS_CSUM may be asked)",
                               i, o->flags);
    if (o->gso_type != MG_VNET_GSO_NONE && o->gso_type != MG_VNET_GSO_TCPV4)
        return hvt_guest_error(hc, "frame %u: GSO type %u (only TCPV4 is known)", i, o->gso_type);
    if ((o->flags & MG_VNET_F_NEEDS_CSUM) &&
        (uint64_t)o->csum_start + o->csum_offset + 2 > f->len)
        return hvt_guest_error(hc, "frame %u: checksum at %u + %u is outside its %llu bytes", i,
                               o->csum_start, o->csum_offset, (unsigned long long)f->len);
    if (o->hdr_len > f->len)
        return hvt_guest_error(hc, "frame %u: header length %u is past its %llu bytes", i,
                               o->hdr_len, (unsigned long long)f->len);
    if (o->gso_type == MG_VNET_GSO_NONE && o->gso_size != 0)
        return hvt_guest_error(hc, "frame %u: GSO size %u without a GSO type", i, o->gso_size);
    if (o->gso_type != MG_VNET_GSO_NONE) {
        if (!(o->flags & MG_VNET_F_NEEDS_CSUM))
            return hvt_guest_error(hc, "frame %u: GSO without NEEDS_CSUM", i);
        if (o->gso_size == 0 || o->gso_size > d->mtu)
            return hvt_guest_error(hc, "frame %u: GSO size %u (1 to the MTU %u)", i, o->gso_size,
                                   d->mtu);
        if (f->len > MG_NET_GSO_FRAME_MAX)
            return hvt_guest_error(hc, "frame %u: %llu bytes, more than a GSO frame's %u", i,
                                   (unsigned long long)f->len, MG_NET_GSO_FRAME_MAX);
    }
    if (o->gso_type != MG_VNET_GSO_NONE && !(d->net_flags & MG_BOOT_DEV_NET_TSO4))
        return hvt_guest_error(hc, "frame %u: asks for TSO, which '%s' was not granted", i,
                               d->name);
    if ((o->flags & MG_VNET_F_NEEDS_CSUM) && !(d->net_flags & MG_BOOT_DEV_NET_CSUM))
        return hvt_guest_error(hc,
                               "frame %u: asks for checksum offload, which '%s' was not granted", i,
                               d->name);
    return HVT_RESUME;
}

/* Write the count frames listed at gaddr: *ret as the writev hypercall's.
 * HVT_RESUME or a guest error's status. */
static int write_frames(struct hvt *h, const struct hvt_hypercall *hc, struct tn_dev *d,
                        uint64_t gaddr, uint32_t count, int64_t *ret)
{
    struct mg_hvt_net_frame fr[MG_HVT_NET_BATCH_MAX];
    uint8_t *gframes = NULL;
    int status = frames_in(h, hc, gaddr, count, fr, &gframes);
    if (status != HVT_RESUME)
        return status;
    uint8_t *data[MG_HVT_NET_BATCH_MAX];
    bool too_long = false;
    for (uint32_t i = 0; i < count; i++) {
        data[i] = hvt_guest_ptr(h, fr[i].data, fr[i].len);
        if (!data[i])
            return hvt_guest_error(hc, "frame %u [0x%llx, +%llu) is outside guest memory", i,
                                   (unsigned long long)fr[i].data, (unsigned long long)fr[i].len);
        if ((status = check_off(hc, d, i, &fr[i])) != HVT_RESUME)
            return status;
        if (fr[i].off.gso_type == MG_VNET_GSO_NONE && fr[i].len > (uint64_t)d->mtu + ETH_HEADER)
            too_long = true;
    }
    if (too_long) {
        *ret = MG_EINVAL;
        return HVT_RESUME;
    }
    size_t hlen = vnet(d) ? sizeof(struct mg_vnet_hdr) : 0;
    int64_t taken = 0;
    for (uint32_t i = 0; i < count;) {
        /* Checked above: the header goes to the kernel as the guest wrote it. */
        struct iovec iov[2] = {{&fr[i].off, hlen}, {data[i], fr[i].len}};
        ssize_t n = hlen ? writev(d->fd, iov, 2) : writev(d->fd, iov + 1, 1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == ENOBUFS)
                break;
            /* A frame the kernel refuses (a GSO frame that is not TCP after
             * all, the link gone) is dropped; the batch goes on. */
            if (errno != EINVAL) {
                if (taken == 0)
                    taken = MG_EIO;
                break;
            }
        }
        taken++;
        i++;
    }
    *ret = taken;
    return HVT_RESUME;
}

/* The batch block, checked: its device, or NULL after a guest error (*status set). */
static struct tn_dev *batch_in(struct hvt *h, void *block, const struct hvt_hypercall *hc,
                               struct mg_hvt_net_batch *a, int *status)
{
    memcpy(a, block, sizeof *a);
    struct tn_dev *d = hvt_dev(h, a->handle, MG_MFT_NET);
    if (!d) {
        *status = hvt_guest_error(hc, "handle %u is not a network device", a->handle);
        return NULL;
    }
    if (a->reserved != 0) {
        *status = hvt_guest_error(hc, "reserved field is 0x%llx, not 0",
                                  (unsigned long long)a->reserved);
        return NULL;
    }
    return d;
}

static void set_i64(void *block, size_t off, int64_t v)
{
    memcpy((uint8_t *)block + off, &v, sizeof v);
}

/* NET_READV and NET_WRITEV: one checked batch, then its frames one way. */
static int netv_batch(struct hvt *h, void *block, const struct hvt_hypercall *hc, bool write)
{
    struct mg_hvt_net_batch a;
    int status = HVT_RESUME;
    struct tn_dev *d = batch_in(h, block, hc, &a, &status);
    if (!d)
        return status;
    int64_t ret;
    status = write ? write_frames(h, hc, d, a.frames, a.count, &ret)
                   : read_frames(h, hc, d, a.frames, a.count, &ret);
    if (status != HVT_RESUME)
        return status;
    set_i64(block, offsetof(struct mg_hvt_net_batch, ret), ret);
    return HVT_RESUME;
}

static int netv_read(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    return netv_batch(h, block, hc, false);
}

static int netv_write(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    return netv_batch(h, block, hc, true);
}

static int net_poll(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    struct mg_hvt_net_poll a;
    memcpy(&a, block, sizeof a);
    struct tn_dev *d = hvt_dev(h, a.handle, MG_MFT_NET);
    if (!d)
        return hvt_guest_error(hc, "handle %u is not a network device", a.handle);
    if (a.reserved != 0)
        return hvt_guest_error(hc, "reserved field is 0x%x, not 0", a.reserved);
    /* The read buffers are checked before anything is written (the writes
     * check their own first): a bad call does nothing. */
    struct mg_hvt_net_frame scratch[MG_HVT_NET_BATCH_MAX];
    uint8_t *g, *data[MG_HVT_NET_BATCH_MAX];
    int status;
    if ((status = rx_in(h, hc, a.rx_frames, a.rx_count, scratch, &g, data)) != HVT_RESUME)
        return status;
    int64_t tx_ret = 0, rx_ret = 0;
    if ((status = write_frames(h, hc, d, a.tx_frames, a.tx_count, &tx_ret)) != HVT_RESUME)
        return status;
    if (a.rx_count > 0 &&
        (status = read_frames(h, hc, d, a.rx_frames, a.rx_count, &rx_ret)) != HVT_RESUME)
        return status;
    uint64_t ready;
    if ((status = hvt_poll_wait(h, hc, rx_ret > 0 ? 0 : a.timeout_ns, &ready)) != HVT_RESUME)
        return status;
    if (rx_ret > 0)
        ready |= 1ull << a.handle;
    else if (a.rx_count > 0 && rx_ret == 0 && (ready >> a.handle & 1) &&
             (status = read_frames(h, hc, d, a.rx_frames, a.rx_count, &rx_ret)) != HVT_RESUME)
        return status;
    memcpy((uint8_t *)block + offsetof(struct mg_hvt_net_poll, ready), &ready, sizeof ready);
    set_i64(block, offsetof(struct mg_hvt_net_poll, tx_ret), tx_ret);
    set_i64(block, offsetof(struct mg_hvt_net_poll, rx_ret), rx_ret);
    return HVT_RESUME;
}

HVT_HYPERCALL(hc_net_readv) = {MG_HVT_HC_NET_READV, sizeof(struct mg_hvt_net_batch), "net readv",
                               netv_read};
HVT_HYPERCALL(hc_net_writev) = {MG_HVT_HC_NET_WRITEV, sizeof(struct mg_hvt_net_batch),
                                "net writev", netv_write};
HVT_HYPERCALL(hc_net_poll) = {MG_HVT_HC_NET_POLL, sizeof(struct mg_hvt_net_poll), "net poll",
                              net_poll};
