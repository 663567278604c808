/* net.c: what opening a net device is on both spt and hvt: the boot device, its facts, its wait queue. */
#include <mirage/fiber.h>

#include "plat.h"
#include "platform.h"

/* Each net device's queue, by boot device index: mg_plat_wait wakes it. */
static struct mg_waitq queues[MG_MFT_MAX_ENTRIES];

const struct mg_boot_dev *plat_net_dev(int handle)
{
    if (handle < 0 || (unsigned)handle >= plat_boot->ndevs ||
        plat_boot->devs[handle].type != MG_MFT_NET)
        return NULL;
    return &plat_boot->devs[handle];
}

int plat_net_open(const char *name, struct mg_plat_net_info *info)
{
    int i = plat_dev_find(name, MG_MFT_NET);
    if (i < 0)
        return i;
    const struct mg_boot_dev *d = &plat_boot->devs[i];
    for (int k = 0; k < 6; k++)
        info->mac[k] = d->mac[k];
    info->mtu = d->mtu;
    info->features = 0;
    if (d->flags & MG_BOOT_DEV_NET_CSUM)
        info->features |= MG_PLAT_NET_F_CSUM;
    if ((d->flags & MG_BOOT_DEV_NET_CSUM) && (d->flags & MG_BOOT_DEV_NET_TSO4))
        info->features |= MG_PLAT_NET_F_TSO4;
    int rc = plat_net_watch((unsigned)i, &queues[i]);
    return rc < 0 ? rc : i;
}

struct mg_waitq *mg_plat_net_waitq(int handle)
{
    return plat_net_dev(handle) ? &queues[handle] : NULL;
}
