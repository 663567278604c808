/* net.c: hvt network devices: a batch of frames per exit through the readv/writev hypercalls. */
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "hvt_guest.h"
#include "platform.h"

/* Each net device's queue, by boot device index: mg_plat_wait wakes it. */
static struct mg_waitq queues[MG_MFT_MAX_ENTRIES];

static const struct mg_boot_dev *dev(int handle)
{
    if (handle < 0 || (unsigned)handle >= hvt_boot->ndevs ||
        hvt_boot->devs[handle].type != MG_MFT_NET)
        return NULL;
    return &hvt_boot->devs[handle];
}

int mg_plat_net_open(const char *name, int *handle, struct mg_plat_net_info *info)
{
    int i = hvt_dev_find(name, MG_MFT_NET);
    if (i < 0)
        return i;
    const struct mg_boot_dev *d = &hvt_boot->devs[i];
    for (int k = 0; k < 6; k++)
        info->mac[k] = d->mac[k];
    info->mtu = d->mtu;
    info->features = 0; /* the tender's taps carry no virtio-net header */
    int rc = hvt_net_watch((unsigned)i, &queues[i]);
    if (rc < 0)
        return rc;
    *handle = i;
    return 0;
}

/* One exit moves up to MG_HVT_NET_BATCH_MAX frames. */
static int batch(unsigned nr, int handle, struct mg_plat_frame *frames, int n)
{
    if (!dev(handle))
        return MG_EBADF;
    if (n > MG_HVT_NET_BATCH_MAX)
        n = MG_HVT_NET_BATCH_MAX;
    if (n <= 0)
        return 0;
    struct mg_hvt_net_frame fr[MG_HVT_NET_BATCH_MAX];
    for (int i = 0; i < n; i++)
        fr[i] = (struct mg_hvt_net_frame){(uint64_t)(uintptr_t)frames[i].buf, frames[i].len};
    struct mg_hvt_net_batch a = {(uint32_t)handle, (uint32_t)n, (uint64_t)(uintptr_t)fr, 0, 0};
    hvt_hypercall(nr, &a);
    if (a.ret > 0 && nr == MG_HVT_HC_NET_READV) {
        for (int i = 0; i < (int)a.ret; i++) {
            frames[i].len = (size_t)fr[i].len;
            frames[i].off = (struct mg_plat_net_offload){0, 0, 0, 0, 0, 0};
        }
    }
    return (int)a.ret;
}

int mg_plat_net_read(int handle, struct mg_plat_frame *frames, int n)
{
    return batch(MG_HVT_HC_NET_READV, handle, frames, n);
}

int mg_plat_net_write(int handle, const struct mg_plat_frame *frames, int n)
{
    /* The hypercall writes nothing back for a write: the frames stay as they are. */
    return batch(MG_HVT_HC_NET_WRITEV, handle, (struct mg_plat_frame *)(uintptr_t)frames, n);
}

struct mg_waitq *mg_plat_net_waitq(int handle)
{
    return dev(handle) ? &queues[handle] : NULL;
}
