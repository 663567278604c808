/* block_file.c: block_of_file: the BLOCK device over the platform's named block devices. */
#include <stdlib.h>
#include <string.h>

#include <mirage/block.h>
#include <mirage/error.h>

#include "block_range.h"
#include "platform.h"

struct block_file {
    struct mg_block base; /* first: the handle the unikernel sees */
    struct mg_block_info info;
    int handle; /* the platform's */
    bool disconnected;
    char name[]; /* base.name points here */
};

static struct block_file *bf(struct mg_block *b)
{
    return (struct block_file *)b;
}

static void file_info(struct mg_block *b, struct mg_block_info *out)
{
    *out = bf(b)->info;
}

static int file_read(struct mg_block *b, uint64_t sector, void *buf, uint64_t n)
{
    struct block_file *f = bf(b);
    if (n == 0)
        return 0;
    if (f->disconnected)
        return MG_ENOTCONN;
    if (!blk_range_ok(f->info.sectors, sector, n))
        return MG_EINVAL;
    return mg_plat_block_read(f->handle, sector, buf, n);
}

static int file_write(struct mg_block *b, uint64_t sector, const void *buf, uint64_t n)
{
    struct block_file *f = bf(b);
    if (n == 0)
        return 0;
    if (f->disconnected)
        return MG_ENOTCONN;
    if (!f->info.read_write)
        return MG_EROFS;
    if (!blk_range_ok(f->info.sectors, sector, n))
        return MG_EINVAL;
    return mg_plat_block_write(f->handle, sector, buf, n);
}

static int file_flush(struct mg_block *b)
{
    struct block_file *f = bf(b);
    if (f->disconnected)
        return MG_ENOTCONN;
    return mg_plat_block_flush(f->handle) < 0 ? MG_EIO : 0;
}

static int file_disconnect(struct mg_block *b)
{
    struct block_file *f = bf(b);
    if (f->disconnected)
        return MG_ENOTCONN;
    f->disconnected = true;
    /* The platform has no close: the device stays attached (on spt/hvt the
     * tender owns it) and a later connect of the name finds it again. What
     * was written is made durable, as a disk unplugged cleanly would be. */
    (void)mg_plat_block_flush(f->handle);
    return 0;
}

static const struct mg_block_ops file_ops = {
    .info = file_info,
    .read = file_read,
    .write = file_write,
    .flush = file_flush,
    .disconnect = file_disconnect,
};

int mg_block_of_file_connect(struct mg_block **out, const char *name)
{
    int handle;
    struct mg_plat_block_info pi;
    int rc = mg_plat_block_open(name, &handle, &pi);
    if (rc < 0)
        return rc;
    /* The platform is trusted to describe whole sectors, but a wrong
     * description would make every range check wrong: refuse it. */
    if (pi.sector_size == 0 || (pi.sector_size & (pi.sector_size - 1)) != 0 ||
        pi.capacity % pi.sector_size != 0)
        return MG_EIO;
    size_t len = strlen(name);
    struct block_file *f = malloc(sizeof *f + len + 1);
    if (!f)
        return MG_ENOMEM;
    memcpy(f->name, name, len + 1);
    f->base.ops = &file_ops;
    f->base.name = f->name;
    f->info.sector_size = pi.sector_size;
    f->info.sectors = pi.capacity / pi.sector_size;
    f->info.read_write = !pi.read_only;
    f->handle = handle;
    f->disconnected = false;
    *out = &f->base;
    return 0;
}
