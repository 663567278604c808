/* block.h: the BLOCK device (Mirage_block.S): a disk of fixed-size sectors.
 *
 * A disk is sectors 0 .. sectors-1 of sector_size bytes each. Every read and
 * write moves whole sectors, any number of them per call: buf holds
 * n * sector_size bytes, owned by the caller, who may reuse it as soon as
 * the call returns (the device keeps no reference). No alignment is needed.
 *
 * Calls finish the transfer before they return. They may suspend the calling
 * fiber while the I/O is in flight (a target with asynchronous I/O), or
 * complete synchronously without letting other fibers run (unix files,
 * spt, hvt, ramdisks); code must not rely on either. Calls of two fibers
 * on one device are not ordered against each other.
 *
 * A count of zero sectors is a no-op: it returns 0 before any check (buf
 * may be NULL). Otherwise errors (negative MG_E*, <mirage/error.h>) are
 * checked in this order:
 *   MG_ENOTCONN  the handle was disconnected;
 *   MG_EROFS     write to a read-only device (nothing transferred);
 *   MG_EINVAL    a range past the last sector (nothing transferred);
 *   MG_EIO       the medium failed (part of the range may have moved);
 *   MG_ENOMEM    ramdisk write with memory exhausted (nothing written).
 */
#ifndef MIRAGE_BLOCK_H
#define MIRAGE_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct mg_block_info {
    uint32_t sector_size; /* bytes per sector: a power of two (512 unless the platform says) */
    uint64_t sectors;     /* number of sectors (capacity / sector_size) */
    bool read_write;      /* false: writes fail with MG_EROFS */
};

struct mg_block;
struct mg_block_ops {
    /* What the disk is; fixed at connect, available even once disconnected. */
    void (*info)(struct mg_block *b, struct mg_block_info *out);
    /* Read n sectors from sector into buf (n * sector_size bytes). 0 or MG_E*. */
    int (*read)(struct mg_block *b, uint64_t sector, void *buf, uint64_t n);
    /* Write n sectors from buf at sector. 0 or MG_E*. */
    int (*write)(struct mg_block *b, uint64_t sector, const void *buf, uint64_t n);
    /* Make every write that returned 0 durable (a no-op for a ramdisk).
     * 0, MG_ENOTCONN or MG_EIO. */
    int (*flush)(struct mg_block *b);
    /* Stop using the device; later calls but info return MG_ENOTCONN.
     * Never fails but with MG_ENOTCONN when already disconnected. The handle
     * stays valid memory; the connect function allocated it with malloc. */
    int (*disconnect)(struct mg_block *b);
};
struct mg_block {
    const struct mg_block_ops *ops;
    const char *name; /* as the device graph names it: "disk", "storage" */
};

static inline void mg_block_info(struct mg_block *b, struct mg_block_info *out)
{
    b->ops->info(b, out);
}
static inline int mg_block_read(struct mg_block *b, uint64_t sector, void *buf, uint64_t n)
{
    return b->ops->read(b, sector, buf, n);
}
static inline int mg_block_write(struct mg_block *b, uint64_t sector, const void *buf, uint64_t n)
{
    return b->ops->write(b, sector, buf, n);
}
static inline int mg_block_flush(struct mg_block *b)
{
    return b->ops->flush(b);
}
static inline int mg_block_disconnect(struct mg_block *b)
{
    return b->ops->disconnect(b);
}

/* block_of_file(name): the platform's block device `name` (on unix the file
 * of that name relative to the current folder, opened read-write, or
 * read-only when it cannot be written; on spt/hvt what the tender attached
 * with --block:name=FILE). name is copied. 0 with *out set; MG_ENOENT if
 * the platform has no such device; MG_EIO if the platform describes a disk
 * that is not whole sectors; MG_ENOMEM; or the platform's MG_E*. */
int mg_block_of_file_connect(struct mg_block **out, const char *name);

/* ramdisk(name): a disk in memory, with 512-byte sectors, filled with zeroes.
 * Memory is taken only for the 4 KiB pages written with something other
 * than zeroes, so a large ramdisk costs nothing until it is written.
 * Ramdisks are named, as in MirageOS: connecting a name again gives a new
 * handle on the same data, which lives as long as the unikernel.
 * capacity is in bytes, a positive multiple of 512. 0 with *out set;
 * MG_EINVAL for a bad capacity; MG_EEXIST if a ramdisk of that name exists
 * with another capacity; MG_ENOMEM. */
int mg_ramdisk_connect(struct mg_block **out, const char *name, uint64_t capacity);
/* The same with the capacity in MiB (the unit of the --NAME-ramdisk-size
 * key): MG_EINVAL unless 1 <= mib <= MG_RAMDISK_MAX_MIB. */
#define MG_RAMDISK_DEFAULT_MIB 16     /* MirageOS's ramdisk: 32768 sectors */
#define MG_RAMDISK_MAX_MIB (1L << 30) /* 1 PiB: the page tables stay small */
int mg_ramdisk_connect_mib(struct mg_block **out, const char *name, long mib);
/* Bytes of memory the ramdisk named by b holds for its data (written pages,
 * page tables included); 0 for a handle that is not a ramdisk's. */
uint64_t mg_ramdisk_bytes_used(const struct mg_block *b);

#endif
