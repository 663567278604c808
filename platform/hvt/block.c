/* block.c: hvt block transfers: a hypercall per read, write or flush, of any number of sectors. */
#include "hvt_guest.h"

/* The hypercalls name a device by its boot device index: the handle. */
int plat_block_io(int handle, const struct mg_boot_dev *d, bool write, uint64_t sector, void *buf,
                  uint64_t n)
{
    (void)d;
    struct mg_hvt_block_io a = {(uint32_t)handle, 0, sector, (uint64_t)(uintptr_t)buf, n, 0};
    hvt_hypercall(write ? MG_HVT_HC_BLOCK_WRITE : MG_HVT_HC_BLOCK_READ, &a);
    return (int)a.ret;
}

int plat_block_sync(int handle, const struct mg_boot_dev *d)
{
    (void)d;
    struct mg_hvt_block_flush a = {(uint32_t)handle, 0, 0};
    hvt_hypercall(MG_HVT_HC_BLOCK_FLUSH, &a);
    return (int)a.ret;
}
