/* kv_fat.c: fat_ro(block): the KV_RO store over a FAT12/16/32 file system on a block device. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/kv_block.h>

#include "fat.h"

MG_LOG_SRC(fat_log, "fat", "FAT file systems on a block device");

static int fat_read(struct kvd_store *s, const struct kvd_node *n, uint64_t offset, void *buf,
                    size_t len)
{
    return fat_extents_read((struct fat *)s, n->aux, offset, buf, len);
}

int mg_kv_fat_connect(struct mg_kv_ro **out, struct mg_block *b)
{
    struct fat *f = kvd_store_alloc(sizeof *f, "fat", b);
    if (!f)
        return MG_ENOMEM;
    int rc = kvd_store_init(&f->s, b, true, fat_read);
    if (rc) {
        if (rc == MG_EIO)
            mg_log_err(&fat_log, "%s: the device's size does not fit in 64 bits", f->s.ro.name);
        free(f);
        return rc;
    }
    unsigned char bs[512];
    rc = f->s.dev.bytes < sizeof bs ? MG_EIO : kvd_dev_read(&f->s.dev, 0, bs, sizeof bs);
    if (rc) {
        mg_log_err(&fat_log, "%s: reading the boot sector: %s", f->s.ro.name,
                   rc == MG_EIO && f->s.dev.bytes < sizeof bs ? "the device is smaller than one"
                                                              : mg_strerror(rc));
    } else {
        char msg[256];
        uint64_t at;
        if (fat_bpb_parse(bs, f->s.dev.bytes, &f->v, msg, sizeof msg, &at) < 0) {
            mg_log_err(&fat_log, "%s: byte %llu: %s", f->s.ro.name, (unsigned long long)at, msg);
            rc = MG_EIO;
        }
    }
    if (rc == 0)
        rc = fat_index(f);
    if (rc == 0)
        rc = kvd_index_finish(&f->s.idx);
    /* The window served the FAT and folders; values are read straight into
     * the caller's buffers. */
    kvd_dev_fini(&f->s.dev);
    if (rc) {
        kvd_store_fini(&f->s);
        free(f);
        return rc;
    }
    f->s.connected = true;
    mg_log_debug(&fat_log, "%s: FAT%d, %u clusters of %u bytes, %zu entries", f->s.ro.name,
                 f->v.type, f->v.clusters, f->v.cluster_bytes, f->s.idx.count);
    *out = &f->s.ro;
    return 0;
}
