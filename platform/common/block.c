/* block.c: block devices: what the tender attached, and the checks before each transfer. */
#include <mirage/error.h>

#include "plat.h"
#include "platform.h"

int mg_plat_block_open(const char *name, int *handle, struct mg_plat_block_info *info)
{
    int i = plat_dev_find(name, MG_MFT_BLOCK);
    if (i < 0)
        return i;
    const struct mg_boot_dev *d = &plat_boot->devs[i];
    *handle = i;
    info->capacity = d->capacity;
    info->sector_size = d->sector_size;
    info->read_only = (d->flags & MG_BOOT_DEV_RO) != 0;
    return 0;
}

static const struct mg_boot_dev *dev(int handle)
{
    if (handle < 0 || (unsigned)handle >= plat_boot->ndevs ||
        plat_boot->devs[handle].type != MG_MFT_BLOCK)
        return NULL;
    return &plat_boot->devs[handle];
}

/* Ranges are checked here, against what the tender said: a transfer past
 * the device never reaches the host (hvt's tender ends the VM for one). */
static int io(int handle, bool write, uint64_t sector, void *buf, uint64_t n)
{
    const struct mg_boot_dev *d = dev(handle);
    if (!d)
        return MG_EBADF;
    if (write && (d->flags & MG_BOOT_DEV_RO))
        return MG_EROFS;
    uint64_t total = d->capacity / d->sector_size;
    if (sector > total || n > total - sector)
        return MG_EINVAL;
    if (n == 0)
        return 0; /* nothing to move, whatever buf is */
    return plat_block_io(handle, d, write, sector, buf, n);
}

int mg_plat_block_read(int handle, uint64_t sector, void *buf, uint64_t n)
{
    return io(handle, false, sector, buf, n);
}

/* The buffer is only read: plat_block_io takes one pointer for both ways. */
int mg_plat_block_write(int handle, uint64_t sector, const void *buf, uint64_t n)
{
    return io(handle, true, sector, (void *)(uintptr_t)buf, n);
}

int mg_plat_block_flush(int handle)
{
    const struct mg_boot_dev *d = dev(handle);
    if (!d)
        return MG_EBADF;
    if (d->flags & MG_BOOT_DEV_RO)
        return 0; /* nothing was written */
    return plat_block_sync(handle, d);
}
