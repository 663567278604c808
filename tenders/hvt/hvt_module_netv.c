/* hvt_module_netv.c: the batched net hypercalls: many frames per exit, to and from the --net taps. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <mirage/error.h>

#include "hvt.h"

#define ETH_HEADER 14 /* a frame is at most mtu + this (no FCS, no VLAN tag) */

/* The call's block and frame list, checked and copied in. NULL after a
 * guest error (*status set). */
static struct tn_dev *batch_in(struct hvt *h, void *block, const struct hvt_hypercall *hc,
                               struct mg_hvt_net_batch *a, struct mg_hvt_net_frame *fr,
                               uint8_t **gframes, int *status)
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
    if (a->count > MG_HVT_NET_BATCH_MAX) {
        *status = hvt_guest_error(hc, "%u frames, more than %u", a->count, MG_HVT_NET_BATCH_MAX);
        return NULL;
    }
    uint64_t bytes = (uint64_t)a->count * sizeof *fr;
    *gframes = hvt_guest_ptr(h, a->frames, bytes);
    if (!*gframes && a->count > 0) {
        *status = hvt_guest_error(hc, "frame list [0x%llx, +%llu) is outside guest memory",
                                  (unsigned long long)a->frames, (unsigned long long)bytes);
        return NULL;
    }
    if (a->count > 0)
        memcpy(fr, *gframes, bytes);
    return d;
}

static void set_ret(void *block, int64_t ret)
{
    memcpy((uint8_t *)block + offsetof(struct mg_hvt_net_batch, ret), &ret, sizeof ret);
}

static int netv_read(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    struct mg_hvt_net_batch a;
    struct mg_hvt_net_frame fr[MG_HVT_NET_BATCH_MAX];
    uint8_t *gframes = NULL;
    int status = HVT_RESUME;
    struct tn_dev *d = batch_in(h, block, hc, &a, fr, &gframes, &status);
    if (!d)
        return status;
    int64_t got = 0;
    uint32_t i = 0;
    while (i < a.count) {
        uint8_t *data = hvt_guest_ptr(h, fr[i].data, fr[i].len);
        if (!data)
            return hvt_guest_error(hc, "buffer %u [0x%llx, +%llu) is outside guest memory", i,
                                   (unsigned long long)fr[i].data, (unsigned long long)fr[i].len);
        ssize_t n = read(d->fd, data, fr[i].len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && got == 0)
                got = MG_EIO;
            break;
        }
        /* The tap says how long the frame was, even when it had to cut it. */
        if (n == 0 || (uint64_t)n > fr[i].len)
            continue;
        uint64_t len = (uint64_t)n;
        memcpy(gframes + i * sizeof fr[0] + offsetof(struct mg_hvt_net_frame, len), &len,
               sizeof len);
        got++;
        i++;
    }
    set_ret(block, got);
    return HVT_RESUME;
}

static int netv_write(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    struct mg_hvt_net_batch a;
    struct mg_hvt_net_frame fr[MG_HVT_NET_BATCH_MAX];
    uint8_t *gframes = NULL;
    int status = HVT_RESUME;
    struct tn_dev *d = batch_in(h, block, hc, &a, fr, &gframes, &status);
    if (!d)
        return status;
    uint8_t *data[MG_HVT_NET_BATCH_MAX];
    for (uint32_t i = 0; i < a.count; i++) {
        data[i] = hvt_guest_ptr(h, fr[i].data, fr[i].len);
        if (!data[i])
            return hvt_guest_error(hc, "frame %u [0x%llx, +%llu) is outside guest memory", i,
                                   (unsigned long long)fr[i].data, (unsigned long long)fr[i].len);
        if (fr[i].len > (uint64_t)d->mtu + ETH_HEADER) {
            set_ret(block, MG_EINVAL);
            return HVT_RESUME;
        }
    }
    int64_t taken = 0;
    for (uint32_t i = 0; i < a.count;) {
        ssize_t n = write(d->fd, data[i], fr[i].len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && taken == 0)
                taken = MG_EIO;
            break;
        }
        taken++;
        i++;
    }
    set_ret(block, taken);
    return HVT_RESUME;
}

HVT_HYPERCALL(hc_net_readv) = {MG_HVT_HC_NET_READV, sizeof(struct mg_hvt_net_batch), "net readv",
                               netv_read};
HVT_HYPERCALL(hc_net_writev) = {MG_HVT_HC_NET_WRITEV, sizeof(struct mg_hvt_net_batch),
                                "net writev", netv_write};
