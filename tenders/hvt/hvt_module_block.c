/* hvt_module_block.c: the block read, write and flush hypercalls, on the --block files. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <mirage/error.h>

#include "hvt.h"

/* pread or pwrite of the whole range: 0 or MG_EIO. */
static int64_t transfer(int fd, int write, uint8_t *p, uint64_t len, uint64_t off)
{
    while (len > 0) {
        ssize_t n = write ? pwrite(fd, p, len, (off_t)off) : pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return MG_EIO; /* an error, or the file shrank under us */
        p += n;
        len -= (uint64_t)n;
        off += (uint64_t)n;
    }
    return 0;
}

/* The guest's platform checks ranges against the capacity it was given
 * (mg_plat_block_* answer MG_EINVAL without a hypercall), so a range past
 * the device here is a broken or hostile guest: the VM ends. */
static int block_io(struct hvt *h, void *block, const struct hvt_hypercall *hc, int write)
{
    struct mg_hvt_block_io a;
    memcpy(&a, block, sizeof a);
    struct tn_dev *d = hvt_dev(h, a.handle, MG_MFT_BLOCK);
    if (!d)
        return hvt_guest_error(hc, "handle %u is not a block device", a.handle);
    if (a.reserved != 0)
        return hvt_guest_error(hc, "reserved field is 0x%x, not 0", a.reserved);
    uint64_t sectors = d->capacity / d->sector_size;
    if (a.nsectors > sectors || a.sector > sectors - a.nsectors)
        return hvt_guest_error(
            hc, "sectors [%llu, +%llu) are past the end of block device '%s' (%llu sectors)",
            (unsigned long long)a.sector, (unsigned long long)a.nsectors, d->name,
            (unsigned long long)sectors);
    uint64_t len = a.nsectors * d->sector_size; /* <= capacity: no overflow */
    uint8_t *data = hvt_guest_ptr(h, a.data, len);
    if (!data)
        return hvt_guest_error(hc, "buffer [0x%llx, +%llu) is outside guest memory",
                               (unsigned long long)a.data, (unsigned long long)len);
    int64_t ret;
    if (write && d->read_only)
        ret = MG_EROFS;
    else
        ret = transfer(d->fd, write, data, len, a.sector * d->sector_size);
    memcpy((uint8_t *)block + offsetof(struct mg_hvt_block_io, ret), &ret, sizeof ret);
    return HVT_RESUME;
}

static int block_read(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    return block_io(h, block, hc, 0);
}

static int block_write(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    return block_io(h, block, hc, 1);
}

static int block_flush(struct hvt *h, void *block, const struct hvt_hypercall *hc)
{
    struct mg_hvt_block_flush a;
    memcpy(&a, block, sizeof a);
    struct tn_dev *d = hvt_dev(h, a.handle, MG_MFT_BLOCK);
    if (!d)
        return hvt_guest_error(hc, "handle %u is not a block device", a.handle);
    if (a.reserved != 0)
        return hvt_guest_error(hc, "reserved field is 0x%x, not 0", a.reserved);
    int64_t ret = 0;
    if (!d->read_only && fdatasync(d->fd) != 0)
        ret = MG_EIO;
    memcpy((uint8_t *)block + offsetof(struct mg_hvt_block_flush, ret), &ret, sizeof ret);
    return HVT_RESUME;
}

HVT_HYPERCALL(hc_block_read) = {MG_HVT_HC_BLOCK_READ, sizeof(struct mg_hvt_block_io), "block read",
                                block_read};
HVT_HYPERCALL(hc_block_write) = {MG_HVT_HC_BLOCK_WRITE, sizeof(struct mg_hvt_block_io),
                                 "block write", block_write};
HVT_HYPERCALL(hc_block_flush) = {MG_HVT_HC_BLOCK_FLUSH, sizeof(struct mg_hvt_block_flush),
                                 "block flush", block_flush};
