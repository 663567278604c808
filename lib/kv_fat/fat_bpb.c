/* fat_bpb.c: the boot sector's BIOS parameter block, checked, and the volume's layout from it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fat.h"

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

static int why(char *msg, size_t size, uint64_t *at, uint64_t where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int why(char *msg, size_t size, uint64_t *at, uint64_t where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, size, fmt, ap);
    va_end(ap);
    *at = where;
    return -1;
}

static bool pow2(uint32_t x)
{
    return x && !(x & (x - 1));
}

int fat_bpb_parse(const unsigned char *bs, uint64_t dev_bytes, struct fat_vol *v, char *msg,
                  size_t size, uint64_t *at)
{
    memset(v, 0, sizeof *v);
    if (bs[510] != 0x55 || bs[511] != 0xaa)
        return why(msg, size, at, 510,
                   "boot sector signature is %02x %02x, not 55 aa: not a FAT volume", bs[510],
                   bs[511]);
    if (bs[0] != 0xeb && bs[0] != 0xe9)
        return why(msg, size, at, 0, "boot sector starts with %02x, not a jump (eb or e9)", bs[0]);
    uint32_t bps = le16(bs + 11), spc = bs[13], reserved = le16(bs + 14), nfats = bs[16];
    uint32_t root_entries = le16(bs + 17), media = bs[21];
    uint32_t tot16 = le16(bs + 19), tot32 = le32(bs + 32);
    uint32_t fatsz16 = le16(bs + 22), fatsz32 = le32(bs + 36);
    if (!pow2(bps) || bps < 512 || bps > 4096)
        return why(msg, size, at, 11, "BPB bytes per sector is %u, not 512, 1024, 2048 or 4096",
                   bps);
    if (!pow2(spc) || spc > 128)
        return why(msg, size, at, 13, "BPB sectors per cluster is %u, not a power of two up to 128",
                   spc);
    if (reserved == 0)
        return why(msg, size, at, 14, "BPB reserved sector count is 0 (the boot sector is one)");
    if (nfats == 0)
        return why(msg, size, at, 16, "BPB number of FATs is 0");
    if (media != 0xf0 && media < 0xf8)
        return why(msg, size, at, 21, "BPB media byte is %02x, not f0 or f8..ff", media);
    if (tot16 && tot32 && tot16 != tot32)
        return why(msg, size, at, 19,
                   "BPB total sectors: the 16-bit count (%u) and the 32-bit one (%u) differ", tot16,
                   tot32);
    uint64_t total = tot16 ? tot16 : tot32;
    if (total == 0)
        return why(msg, size, at, 19, "BPB total sectors is 0 (both counts)");
    /* Only FAT32 has no root entries and the 32-bit FAT size: the rest of
     * its BPB is something else on FAT12/16. */
    if (root_entries && !fatsz16)
        return why(msg, size, at, 22,
                   "BPB sectors per FAT is 0, but the root entry count (%u) says FAT12/16",
                   root_entries);
    uint32_t fatsz = fatsz16 ? fatsz16 : fatsz32;
    if (fatsz == 0)
        return why(msg, size, at, 22, "BPB sectors per FAT is 0 (both counts)");
    uint64_t root_sectors = ((uint64_t)root_entries * FAT_DIRENT + bps - 1) / bps;
    uint64_t meta = reserved + (uint64_t)nfats * fatsz + root_sectors;
    if (meta >= total)
        return why(msg, size, at, 14,
                   "BPB: the reserved sectors, FATs and root folder (%llu sectors) leave no "
                   "room for data in the volume's %llu sectors",
                   (unsigned long long)meta, (unsigned long long)total);
    uint64_t clusters = (total - meta) / spc;
    int type = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
    if (clusters == 0)
        return why(msg, size, at, 13, "BPB: the data area holds no whole cluster");
    if (type == 32 && (fatsz16 || root_entries))
        return why(msg, size, at, fatsz16 ? 22 : 17,
                   "BPB: %llu clusters make FAT32, but the 16-bit FAT size (%u) or the root "
                   "entry count (%u) is not 0 as FAT32 needs",
                   (unsigned long long)clusters, fatsz16, root_entries);
    if (type != 32 && (!fatsz16 || !root_entries))
        return why(msg, size, at, fatsz16 ? 17 : 22,
                   "BPB: %llu clusters make FAT%d, but the %s is 0 as only FAT32 has it",
                   (unsigned long long)clusters, type,
                   fatsz16 ? "root entry count" : "16-bit FAT size");
    if (clusters > 0x0ffffff5)
        return why(msg, size, at, 19, "BPB: %llu clusters, more than FAT32's 268435445",
                   (unsigned long long)clusters);
    uint64_t bits = (clusters + 2) * (uint64_t)(type == 12 ? 12 : type == 16 ? 16 : 32);
    if ((uint64_t)fatsz * bps * 8 < bits)
        return why(msg, size, at, fatsz16 ? 22 : 36,
                   "BPB: a FAT of %u sectors cannot hold the %llu entries of %llu clusters", fatsz,
                   (unsigned long long)(clusters + 2), (unsigned long long)clusters);
    if (total > dev_bytes / bps)
        return why(msg, size, at, tot16 ? 19 : 32,
                   "the volume has %llu sectors of %u bytes (%llu bytes) but the device only "
                   "%llu bytes: truncated",
                   (unsigned long long)total, bps, (unsigned long long)(total * bps),
                   (unsigned long long)dev_bytes);
    uint32_t active = 0;
    if (type == 32) {
        uint32_t flags = le16(bs + 40), version = le16(bs + 42);
        if (version != 0)
            return why(msg, size, at, 42, "BPB FAT32 version is %u.%u, not 0.0", version >> 8,
                       version & 0xff);
        if (flags & 0x80) /* mirroring off: only the active FAT is current */
            active = flags & 0x0f;
        if (active >= nfats)
            return why(msg, size, at, 40, "BPB: the active FAT is number %u of %u", active, nfats);
        v->root_cluster = le32(bs + 44);
        if (v->root_cluster < 2 || v->root_cluster > clusters + 1)
            return why(msg, size, at, 44, "BPB root cluster %u is not one of 2..%llu",
                       v->root_cluster, (unsigned long long)clusters + 1);
    }
    v->type = type;
    v->bps = bps;
    v->spc = spc;
    v->cluster_bytes = bps * spc;
    v->clusters = (uint32_t)clusters;
    v->fat_off = ((uint64_t)reserved + (uint64_t)active * fatsz) * bps;
    v->root_off = ((uint64_t)reserved + (uint64_t)nfats * fatsz) * bps;
    v->root_entries = root_entries;
    v->data_off = meta * bps;
    v->bytes = total * bps;
    return 0;
}
