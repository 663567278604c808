/* net.c: spt network devices: reads and writes on the tap fds the tender opened, a batch per call. */
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "platform.h"
#include "spt.h"
#include "sys.h"

/* Each net device's queue, by boot device index: mg_plat_wait wakes it. */
static struct mg_waitq queues[MG_MFT_MAX_ENTRIES];

static const struct mg_boot_dev *dev(int handle)
{
    if (handle < 0 || (unsigned)handle >= spt_boot->ndevs ||
        spt_boot->devs[handle].type != MG_MFT_NET)
        return NULL;
    return &spt_boot->devs[handle];
}

int mg_plat_net_open(const char *name, int *handle, struct mg_plat_net_info *info)
{
    int i = spt_dev_find(name, MG_MFT_NET);
    if (i < 0)
        return i;
    const struct mg_boot_dev *d = &spt_boot->devs[i];
    for (int k = 0; k < 6; k++)
        info->mac[k] = d->mac[k];
    info->mtu = d->mtu;
    info->features = 0; /* the tender's taps carry no virtio-net header */
    int rc = spt_net_watch((unsigned)i, &queues[i]);
    if (rc < 0)
        return rc;
    *handle = i;
    return 0;
}

/* The fds are non-blocking: the tap answers EAGAIN when no frame waits, and
 * then mg_plat_wait's ppoll is what waits. One read(2) a frame (the tap
 * has nothing that moves more), but no ppoll between them. */
int mg_plat_net_read(int handle, struct mg_plat_frame *frames, int n)
{
    const struct mg_boot_dev *d = dev(handle);
    if (!d)
        return MG_EBADF;
    int got = 0;
    while (got < n) {
        struct mg_plat_frame *f = &frames[got];
        long r = spt_sys3(SPT_NR_READ, (long)d->handle, (long)f->buf, (long)f->len);
        if (r == -SPT_EINTR)
            continue;
        if (r == -SPT_EAGAIN)
            break;
        if (r < 0)
            return got > 0 ? got : MG_EIO;
        /* The tap says how long the frame was, even when it had to cut it. */
        if (r == 0 || (unsigned long)r > f->len)
            continue;
        f->len = (size_t)r;
        f->off = (struct mg_plat_net_offload){0, 0, 0, 0, 0, 0};
        got++;
    }
    return got;
}

int mg_plat_net_write(int handle, const struct mg_plat_frame *frames, int n)
{
    const struct mg_boot_dev *d = dev(handle);
    if (!d)
        return MG_EBADF;
    int sent = 0;
    while (sent < n) {
        const struct mg_plat_frame *f = &frames[sent];
        if (f->len > (size_t)d->mtu + 14)
            return sent > 0 ? sent : MG_EINVAL;
        long r = spt_sys3(SPT_NR_WRITE, (long)d->handle, (long)f->buf, (long)f->len);
        if (r == -SPT_EINTR)
            continue;
        if (r == -SPT_EAGAIN)
            break;
        if (r < 0)
            return sent > 0 ? sent : MG_EIO;
        sent++;
    }
    return sent;
}

struct mg_waitq *mg_plat_net_waitq(int handle)
{
    return dev(handle) ? &queues[handle] : NULL;
}
