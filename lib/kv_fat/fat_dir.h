/* fat_dir.h: reading one folder's entries (internal to lib/kv_fat). */
#ifndef LIB_KV_FAT_DIR_H
#define LIB_KV_FAT_DIR_H

#include "fat.h"

/* One entry of a folder, with its name decoded. */
struct fat_dirent {
    const char *name; /* UTF-8, NUL-terminated, valid during the call */
    size_t namelen;
    const unsigned char *raw; /* its 32-byte 8.3 entry */
    uint64_t off;             /* the entry's byte offset on the device */
    bool dir;
    uint32_t cluster;
    uint32_t size;
    int64_t mtime_ns;
};
typedef int (*fat_dirent_fn)(struct fat *f, void *arg, const struct fat_dirent *d);

/* Call fn for each entry of a folder whose bytes are bytes[0..len) (up to
 * the first free-from-here entry), skipping deleted entries, dot entries
 * and the volume label; where(f, ctx, pos) gives the device offset of
 * bytes[pos], for messages. Long names that do not check are ignored with a
 * warning (the 8.3 name is used). dir is the folder's key, for messages.
 * Stops at fn's first non-zero result and returns it; else 0. */
int fat_dir_each(struct fat *f, const unsigned char *bytes, size_t len,
                 uint64_t (*where)(struct fat *f, const void *ctx, size_t pos), const void *ctx,
                 const char *dir, fat_dirent_fn fn, void *arg);

#endif
