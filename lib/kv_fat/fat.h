/* fat.h: the FAT12/16/32 format as the fat_ro store reads it (internal to lib/kv_fat).
 *
 * A volume is: reserved sectors (the boot sector and its BPB first), the
 * FATs (one entry per cluster: the next cluster of a chain, free, bad or
 * end of chain), on FAT12/16 a fixed root folder, then the data clusters,
 * numbered from 2. A folder is a chain of 32-byte entries: 8.3 entries,
 * each possibly preceded by the VFAT long-name entries that spell its name.
 */
#ifndef LIB_KV_FAT_H
#define LIB_KV_FAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/log.h>

#include "../kv_disk/kv_disk.h"

extern struct mg_log_src fat_log;

#define FAT_DIRENT 32u
/* A folder holds at most 65536 entries (the specification's limit), so a
 * folder chain longer than 2 MiB is damage. */
#define FAT_DIR_MAX_ENTRIES 65536u
/* A long name is at most 20 entries of 13 UCS-2 units, 255 of them used. */
#define FAT_LFN_UNITS 260u
#define FAT_NAME_MAX 255u
/* The longest name as UTF-8 (a unit is at most 3 bytes; a surrogate pair,
 * two units, is 4), with its NUL. */
#define FAT_NAME_BUF (FAT_NAME_MAX * 3 + 1)

struct fat_vol {
    int type;     /* 12, 16 or 32 */
    uint32_t bps; /* bytes per sector */
    uint32_t spc; /* sectors per cluster */
    uint32_t cluster_bytes;
    uint32_t clusters;     /* data clusters: numbers 2 .. clusters + 1 */
    uint64_t fat_off;      /* byte offset of the FAT read */
    uint64_t root_off;     /* FAT12/16: byte offset of the root folder */
    uint32_t root_entries; /* FAT12/16 */
    uint32_t root_cluster; /* FAT32 */
    uint64_t data_off;     /* byte offset of cluster 2 */
    uint64_t bytes;        /* the volume's size */
};

/* Check the boot sector bs (512 bytes) and fill v. 0, or -1 with msg (size
 * bytes) saying what is wrong and *at its byte offset. */
int fat_bpb_parse(const unsigned char *bs, uint64_t dev_bytes, struct fat_vol *v, char *msg,
                  size_t size, uint64_t *at);

/* A run of clusters of a chain: clusters first .. first + count - 1 hold the
 * chain's clusters index .. index + count - 1. */
struct fat_extent {
    uint32_t first, count;
    uint64_t index;
};
struct fat_extents {
    uint32_t n;
    struct fat_extent e[];
};

/* The store: a kvd_store, the volume, and the state of the walk at connect. */
struct fat {
    struct kvd_store s; /* first */
    struct fat_vol v;
    uint8_t *used; /* during connect: a bit per cluster, set once a chain holds it */
};

/* Walk the chain from cluster first: all of it (want == 0: a folder, at most
 * max_clusters long) or exactly want clusters then an end mark (a file).
 * Each cluster walked is marked in f->used: a chain that comes back to one
 * of its clusters (a loop) or to another chain's (a cross-link) is an
 * error, as are free, bad, reserved and out-of-range links; so the walks
 * of a whole volume take at most one step per cluster. *out: extents from
 * the index's arena. 0, MG_EIO (logged: what, which cluster), or MG_E*. */
int fat_chain(struct fat *f, uint32_t first, uint64_t want, uint64_t max_clusters, const char *what,
              struct fat_extents **out, uint64_t *nclusters);
/* Copy len bytes at offset of the chain ex into buf. */
int fat_extents_read(struct fat *f, const struct fat_extents *ex, uint64_t offset, void *buf,
                     size_t len);
/* The byte offset of cluster c (2 .. clusters + 1). */
uint64_t fat_cluster_off(const struct fat_vol *v, uint32_t c);

/* The checksum of an 8.3 name (11 bytes) that long-name entries carry. */
unsigned char fat_lfn_checksum(const unsigned char name[11]);
/* UCS-2/UTF-16 units (n of them, ended by 0x0000 or n) as UTF-8 in out
 * (FAT_NAME_BUF bytes). The length, or -1: a lone surrogate, a '/', a
 * control character, more than 255 units, empty, "." or "..". */
int fat_ucs2_to_utf8(const uint16_t *units, size_t n, char *out);
/* The 8.3 name of an entry as it is shown: base, '.', extension (none if
 * blank), trailing spaces dropped, lower-cased where the case flags (byte
 * 12: 0x08 base, 0x10 extension) say, code page 437 above 0x7f. The length,
 * or -1 for a name no key can carry ('/', control characters, empty). */
int fat_short_name(const unsigned char e[32], char *out);
/* A FAT date and time (as in a folder entry) as POSIX ns, read as UTC; 0
 * when the date is not a valid one. */
int64_t fat_time_ns(uint16_t date, uint16_t time);

/* Read every folder from the root into the index. 0 or MG_E* (logged). */
int fat_index(struct fat *f);

#endif
