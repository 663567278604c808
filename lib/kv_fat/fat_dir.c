/* fat_dir.c: the entries of one folder's bytes: long-name runs checked and joined to their 8.3
 * entry. */
#include <string.h>

#include "fat_dir.h"

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* The 13 name units of a long-name entry, in their three places. */
static void lfn_units(const unsigned char *e, uint16_t *u)
{
    static const unsigned char at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
    for (int i = 0; i < 13; i++)
        u[i] = (uint16_t)le16(e + at[i]);
}

/* The long name being gathered, entry by entry, from its last part down. */
struct lfn {
    bool active;
    unsigned next;     /* the sequence number expected next (1-based) */
    unsigned char sum; /* the checksum every part carries */
    uint64_t at;       /* byte offset of its first entry */
    uint16_t units[FAT_LFN_UNITS];
};

static void orphan(struct fat *f, struct lfn *l, const char *dir, const char *why)
{
    if (l->active)
        mg_log_warn(&fat_log, "%s: folder '%s': the long name at byte %llu %s: ignored",
                    f->s.ro.name, dir, (unsigned long long)l->at, why);
    l->active = false;
}

int fat_dir_each(struct fat *f, const unsigned char *bytes, size_t len,
                 uint64_t (*where)(struct fat *f, const void *ctx, size_t pos), const void *ctx,
                 const char *dir, fat_dirent_fn fn, void *arg)
{
    struct lfn l = {0};
    char name[FAT_NAME_BUF];
    for (size_t pos = 0; pos + FAT_DIRENT <= len; pos += FAT_DIRENT) {
        const unsigned char *e = bytes + pos;
        if (e[0] == 0x00) /* no entry from here on */
            break;
        if (e[0] == 0xe5) {
            orphan(f, &l, dir, "is followed by a deleted entry");
            continue;
        }
        unsigned attr = e[11];
        if ((attr & 0x3f) == 0x0f) {
            unsigned seq = e[0] & 0x1f;
            bool last = e[0] & 0x40;
            bool ok = e[12] == 0 && le16(e + 26) == 0 && seq >= 1 && seq <= 20;
            if (last) {
                orphan(f, &l, dir, "is followed by another long name");
                if (!ok) {
                    l.active = true;
                    l.at = where(f, ctx, pos);
                    orphan(f, &l, dir, "has a bad first entry (sequence, type or cluster)");
                    continue;
                }
                l.active = true;
                l.at = where(f, ctx, pos);
                l.sum = e[13];
                memset(l.units, 0, sizeof l.units);
                l.next = seq;
            } else if (!l.active) {
                l.active = true;
                l.at = where(f, ctx, pos);
                orphan(f, &l, dir, "has a part without the part marked last before it");
                continue;
            } else if (!ok || seq != l.next || e[13] != l.sum) {
                orphan(f, &l, dir,
                       !ok             ? "has a bad entry (sequence, type or cluster)"
                       : seq != l.next ? "has its parts out of sequence"
                                       : "has parts with different checksums");
                continue;
            }
            lfn_units(e, l.units + (seq - 1) * 13);
            l.next = seq - 1;
            continue;
        }
        if (attr & 0x08) { /* the volume label */
            orphan(f, &l, dir, "is followed by the volume label");
            continue;
        }
        if (e[0] == '.' &&
            (memcmp(e, ".          ", 11) == 0 || memcmp(e, "..         ", 11) == 0)) {
            orphan(f, &l, dir, "is followed by a dot entry");
            continue;
        }
        struct fat_dirent d = {.raw = e, .off = where(f, ctx, pos)};
        int n = -1;
        if (l.active) {
            if (l.next != 0)
                orphan(f, &l, dir, "lacks parts");
            else if (fat_lfn_checksum(e) != l.sum)
                orphan(f, &l, dir, "does not match the checksum of the 8.3 entry after it");
            else if ((n = fat_ucs2_to_utf8(l.units, FAT_LFN_UNITS, name)) < 0)
                orphan(f, &l, dir,
                       "is not a valid name (a '/', a control character or a lone "
                       "surrogate)");
            l.active = false;
        }
        if (n < 0 && (n = fat_short_name(e, name)) < 0) {
            mg_log_warn(&fat_log,
                        "%s: folder '%s': the entry at byte %llu has an 8.3 name no key "
                        "can carry: left out",
                        f->s.ro.name, dir, (unsigned long long)d.off);
            continue;
        }
        d.name = name;
        d.namelen = (size_t)n;
        d.dir = attr & 0x10;
        d.cluster = le16(e + 26) | (f->v.type == 32 ? le16(e + 20) << 16 : 0);
        d.size = le16(e + 28) | le16(e + 30) << 16;
        d.mtime_ns = fat_time_ns((uint16_t)le16(e + 24), (uint16_t)le16(e + 22));
        int rc = fn(f, arg, &d);
        if (rc)
            return rc;
    }
    orphan(f, &l, dir, "ends the folder");
    return 0;
}
