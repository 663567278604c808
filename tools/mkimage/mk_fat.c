/* mk_fat.c: writes a folder as a FAT12, FAT16 or FAT32 image (layout, FATs, folders, data). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mkimage.h"

struct layout {
    int type;
    unsigned bps, spc, reserved, nfats, root_entries;
    uint32_t fatsz, clusters;
    uint64_t total; /* sectors */
};

static const uint32_t type_min[33] = {[12] = 1, [16] = 4085, [32] = 65525};
static const uint32_t type_max[33] = {[12] = 4084, [16] = 65524, [32] = 0x0ffffff5};

static uint64_t root_sectors(const struct layout *L)
{
    return ((uint64_t)L->root_entries * 32 + L->bps - 1) / L->bps;
}

/* FAT size and cluster count of a volume of L->total sectors. */
static void fit(struct layout *L)
{
    uint64_t meta0 = L->reserved + root_sectors(L);
    uint64_t fatsz = 1;
    for (int i = 0; i < 64; i++) {
        uint64_t used = meta0 + (uint64_t)L->nfats * fatsz;
        uint64_t clusters = L->total > used ? (L->total - used) / L->spc : 0;
        uint64_t bytes =
            L->type == 12 ? ((clusters + 2) * 3 + 1) / 2 : (clusters + 2) * (uint64_t)(L->type / 8);
        uint64_t need = (bytes + L->bps - 1) / L->bps;
        if (need <= fatsz) {
            L->fatsz = (uint32_t)fatsz;
            L->clusters = clusters > UINT32_MAX ? UINT32_MAX : (uint32_t)clusters;
            return;
        }
        fatsz = need;
    }
    L->fatsz = (uint32_t)fatsz;
    L->clusters = 0;
}

/* ---- how much room the tree takes -------------------------------------------- */

static uint64_t clusters_of(uint64_t bytes, uint64_t cb)
{
    return (bytes + cb - 1) / cb;
}

/* A folder's entries (32 bytes each): dot entries, long names, 8.3 entries. */
static int dir_entries(const struct mk_node *d, bool root, const char *label, uint64_t *out)
{
    uint64_t n = root ? (label ? 1 : 0) : 2;
    size_t k = 0;
    struct mk_node **kids = calloc(d->nkids + 1, sizeof *kids);
    struct mk_fat_name *names = malloc((d->nkids + 1) * sizeof *names);
    if (!kids || !names)
        abort();
    for (size_t i = 0; i < d->nkids; i++)
        if (d->kids[i]->kind != MK_LINK)
            kids[k++] = d->kids[i];
    int rc = mk_fat_names(kids, k, names);
    for (size_t i = 0; rc == 0 && i < k; i++)
        n += 1 + (names[i].needs_lfn ? (names[i].nunits + 12) / 13 : 0);
    free(kids);
    free(names);
    if (n > 65536) {
        mk_error("%s: more than 65536 folder entries", d->path);
        return -1;
    }
    *out = n;
    return rc;
}

/* Clusters the tree needs (the FAT12/16 root is not in clusters). */
static int need(const struct mk_node *n, bool root, const struct layout *L, const char *label,
                uint64_t *total, uint64_t *root_n)
{
    uint64_t cb = (uint64_t)L->bps * L->spc;
    if (n->kind == MK_FILE) {
        *total += clusters_of(n->size, cb);
        return 0;
    }
    if (n->kind != MK_DIR)
        return 0;
    uint64_t e;
    if (dir_entries(n, root, label, &e))
        return -1;
    if (root)
        *root_n = e;
    if (!root || L->type == 32)
        *total += clusters_of(e * 32, cb) ? clusters_of(e * 32, cb) : 1;
    for (size_t i = 0; i < n->nkids; i++)
        if (need(n->kids[i], false, L, label, total, root_n))
            return -1;
    return 0;
}

/* Choose the layout: the requested or smallest type, then cluster size. */
static int choose(struct mk_node *root, const struct mk_fat_opts *o, struct layout *out)
{
    const int types[3] = {12, 16, 32};
    for (int t = 0; t < 3; t++) {
        if (o->type && o->type != types[t])
            continue;
        for (unsigned spc = 1; spc <= 128; spc *= 2) {
            if (o->cluster && (uint64_t)spc * o->sector != o->cluster)
                continue;
            struct layout L = {.type = types[t], .bps = o->sector, .spc = spc, .nfats = 2};
            L.reserved = L.type == 32 ? 32 : 1;
            L.root_entries = 0;
            uint64_t total = 0, root_n = 0;
            if (need(root, true, &L, o->label, &total, &root_n))
                return -1;
            if (L.type != 32) {
                unsigned per = L.bps / 32;
                uint64_t re = root_n > 512 ? root_n : 512;
                re = (re + per - 1) / per * per;
                if (re > 65535 - per + 1)
                    continue;
                L.root_entries = (unsigned)re;
            }
            uint64_t want = total > type_min[L.type] ? total : type_min[L.type];
            if (want > type_max[L.type])
                continue;
            if (o->size) {
                L.total = o->size / L.bps;
                fit(&L);
            } else {
                /* Grow from the data area until the count is right. */
                L.total = L.reserved + root_sectors(&L) + want * spc;
                for (int i = 0; i < 1000; i++) {
                    fit(&L);
                    if (L.clusters >= want)
                        break;
                    L.total += (want - L.clusters) * spc + spc;
                }
            }
            if (L.clusters >= total && L.clusters >= type_min[L.type] &&
                L.clusters <= type_max[L.type]) {
                *out = L;
                return 0;
            }
        }
    }
    mk_error("no FAT%s layout holds the folder%s%s",
             o->type == 12   ? "12"
             : o->type == 16 ? "16"
             : o->type == 32 ? "32"
                             : "",
             o->size ? " in the size given" : "", o->cluster ? " with the cluster size given" : "");
    return -1;
}

/* ---- writing ------------------------------------------------------------- */

struct fw {
    FILE *out;
    struct layout L;
    const struct mk_fat_opts *o;
    uint32_t *fat; /* clusters + 2 entries */
    uint32_t next; /* next free cluster */
    uint64_t data_off, root_off;
};

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}
static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

static int write_at(struct fw *w, uint64_t off, const void *p, size_t n)
{
    if (fseeko(w->out, (off_t)off, SEEK_SET) != 0 || fwrite(p, 1, n, w->out) != n) {
        mk_error("writing the image failed (at byte %llu)", (unsigned long long)off);
        return -1;
    }
    return 0;
}

static uint64_t cluster_off(const struct fw *w, uint32_t c)
{
    return w->data_off + (uint64_t)(c - 2) * w->L.bps * w->L.spc;
}

/* n clusters in a row, chained; the first (0 if n == 0). */
static uint32_t alloc(struct fw *w, uint64_t n)
{
    if (n == 0)
        return 0;
    uint32_t first = w->next;
    for (uint64_t i = 0; i < n; i++)
        w->fat[first + i] = i + 1 < n ? (uint32_t)(first + i + 1) : 0x0fffffff;
    w->next += (uint32_t)n;
    return first;
}

/* FAT date and time of a POSIX time (UTC), within 1980 .. 2107. */
static void fat_time(int64_t t, unsigned *date, unsigned *time_)
{
    if (t < 315532800)
        t = 315532800; /* 1980-01-01 */
    if (t > 4354819198)
        t = 4354819198; /* 2107-12-31 23:59:58 */
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    *date = (unsigned)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
    *time_ = (unsigned)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
}

static void short_entry(struct fw *w, unsigned char *e, const unsigned char name[11],
                        unsigned char attr, unsigned char flags, uint32_t cluster, uint32_t size,
                        int64_t mtime)
{
    memset(e, 0, 32);
    memcpy(e, name, 11);
    e[11] = attr;
    e[12] = flags;
    unsigned d, t;
    fat_time(w->o->fixed_mtime ? w->o->mtime : mtime, &d, &t);
    put16(e + 14, t);
    put16(e + 16, d);
    put16(e + 18, d);
    put16(e + 20, w->L.type == 32 ? cluster >> 16 : 0);
    put16(e + 22, t);
    put16(e + 24, d);
    put16(e + 26, cluster & 0xffff);
    put32(e + 28, size);
}

/* The long-name entries of f before its 8.3 entry, last part first. */
static size_t lfn_entries(unsigned char *e, const struct mk_fat_name *f)
{
    size_t parts = (f->nunits + 12) / 13;
    unsigned char sum = mk_lfn_sum(f->short_name);
    static const unsigned char at[13] = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
    for (size_t p = parts; p > 0; p--) {
        unsigned char *x = e + (parts - p) * 32;
        memset(x, 0, 32);
        x[0] = (unsigned char)(p | (p == parts ? 0x40 : 0));
        x[11] = 0x0f;
        x[13] = sum;
        for (size_t i = 0; i < 13; i++) {
            size_t u = (p - 1) * 13 + i;
            unsigned v = u < f->nunits ? f->units[u] : u == f->nunits ? 0 : 0xffff;
            put16(x + at[i], v);
        }
    }
    return parts;
}

static int copy_file(struct fw *w, const struct mk_node *n)
{
    FILE *in = fopen(n->path, "rb");
    if (!in) {
        mk_error("%s: cannot open it", n->path);
        return -1;
    }
    char buf[65536];
    uint64_t left = n->size, off = cluster_off(w, n->cluster);
    int rc = 0;
    while (rc == 0 && left) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
        if (fread(buf, 1, want, in) != want) {
            mk_error("%s: shorter than when it was listed", n->path);
            rc = -1;
        } else {
            rc = write_at(w, off, buf, want);
        }
        off += want;
        left -= want;
    }
    fclose(in);
    return rc;
}

/* Allocate and write folder d (parent: its parent's cluster, 0 for the root). */
static int write_dir(struct fw *w, struct mk_node *d, bool root, uint32_t parent)
{
    uint64_t cb = (uint64_t)w->L.bps * w->L.spc;
    uint64_t n;
    if (dir_entries(d, root, w->o->label, &n))
        return -1;
    uint64_t bytes = root && w->L.type != 32
                         ? (uint64_t)w->L.root_entries * 32
                         : (clusters_of(n * 32, cb) ? clusters_of(n * 32, cb) : 1) * cb;
    if (!root || w->L.type == 32) {
        d->nclusters = (uint32_t)(bytes / cb);
        d->cluster = alloc(w, d->nclusters);
    }
    unsigned char *buf = calloc(1, bytes);
    struct mk_node **kids = calloc(d->nkids + 1, sizeof *kids);
    struct mk_fat_name *names = malloc((d->nkids + 1) * sizeof *names);
    if (!buf || !kids || !names)
        abort();
    size_t k = 0;
    for (size_t i = 0; i < d->nkids; i++) {
        if (d->kids[i]->kind == MK_LINK)
            mk_warn("%s: a symbolic link: FAT has none, skipped", d->kids[i]->path);
        else
            kids[k++] = d->kids[i];
    }
    int rc = mk_fat_names(kids, k, names);
    size_t at = 0;
    if (rc == 0 && root && w->o->label) {
        unsigned char lab[11];
        memset(lab, ' ', 11);
        for (size_t i = 0; i < 11 && w->o->label[i]; i++)
            lab[i] = (unsigned char)w->o->label[i];
        short_entry(w, buf, lab, 0x08, 0, 0, 0, d->mtime_s);
        at++;
    }
    if (rc == 0 && !root) {
        unsigned char dot[11], dotdot[11];
        memset(dot, ' ', 11), dot[0] = '.';
        memset(dotdot, ' ', 11), dotdot[0] = dotdot[1] = '.';
        short_entry(w, buf, dot, 0x10, 0, d->cluster, 0, d->mtime_s);
        short_entry(w, buf + 32, dotdot, 0x10, 0, parent, 0, d->parent->mtime_s);
        at = 2;
    }
    /* Files first get their clusters in folder order, then subfolders. */
    for (size_t i = 0; rc == 0 && i < k; i++)
        if (kids[i]->kind == MK_FILE) {
            if (kids[i]->size > UINT32_MAX) {
                mk_error("%s: larger than FAT's 4 GiB - 1", kids[i]->path);
                rc = -1;
                break;
            }
            kids[i]->nclusters = (uint32_t)clusters_of(kids[i]->size, cb);
            kids[i]->cluster = alloc(w, kids[i]->nclusters);
            rc = copy_file(w, kids[i]);
        }
    for (size_t i = 0; rc == 0 && i < k; i++)
        if (kids[i]->kind == MK_DIR)
            rc = write_dir(w, kids[i], false, root ? 0 : d->cluster);
    for (size_t i = 0; rc == 0 && i < k; i++) {
        if (names[i].needs_lfn)
            at += lfn_entries(buf + at * 32, &names[i]);
        bool dir = kids[i]->kind == MK_DIR;
        short_entry(w, buf + at * 32, names[i].short_name, dir ? 0x10 : 0x20, names[i].case_flags,
                    kids[i]->cluster, dir ? 0 : (uint32_t)kids[i]->size, kids[i]->mtime_s);
        at++;
    }
    if (rc == 0)
        rc = write_at(w, root && w->L.type != 32 ? w->root_off : cluster_off(w, d->cluster), buf,
                      bytes);
    free(buf);
    free(kids);
    free(names);
    return rc;
}

static int write_boot(struct fw *w)
{
    const struct layout *L = &w->L;
    unsigned char *bs = calloc(1, L->bps);
    if (!bs)
        abort();
    bs[0] = 0xeb, bs[1] = 0x3c, bs[2] = 0x90;
    memcpy(bs + 3, "MIRAGEMK", 8);
    put16(bs + 11, L->bps);
    bs[13] = (unsigned char)L->spc;
    put16(bs + 14, L->reserved);
    bs[16] = (unsigned char)L->nfats;
    put16(bs + 17, L->root_entries);
    put16(bs + 19, L->total < 65536 ? (unsigned)L->total : 0);
    bs[21] = 0xf8;
    put16(bs + 22, L->type == 32 ? 0 : L->fatsz);
    put16(bs + 24, 32);
    put16(bs + 26, 64);
    put32(bs + 32, L->total < 65536 ? 0 : (uint32_t)L->total);
    unsigned char *ext = bs + 36;
    if (L->type == 32) {
        put32(bs + 36, L->fatsz);
        put32(bs + 44, 2); /* the root is the first cluster given out */
        put16(bs + 48, 1); /* FSInfo */
        put16(bs + 50, 6); /* the boot sector's backup */
        ext = bs + 64;
    }
    unsigned char label[11];
    memset(label, ' ', 11);
    const char *l = w->o->label ? w->o->label : "NO NAME";
    for (size_t i = 0; i < 11 && l[i]; i++)
        label[i] = (unsigned char)l[i];
    ext[0] = 0x80; /* drive number */
    ext[2] = 0x29; /* the next three fields are there */
    put32(ext + 3, w->o->volume_id);
    memcpy(ext + 7, label, 11);
    memcpy(ext + 18, L->type == 12 ? "FAT12   " : L->type == 16 ? "FAT16   " : "FAT32   ", 8);
    bs[510] = 0x55, bs[511] = 0xaa;
    int rc = write_at(w, 0, bs, L->bps);
    if (rc == 0 && L->type == 32) {
        rc = write_at(w, 6ull * L->bps, bs, L->bps);
        unsigned char *fi = calloc(1, L->bps);
        if (!fi)
            abort();
        put32(fi, 0x41615252);
        put32(fi + 484, 0x61417272);
        put32(fi + 488, L->clusters + 2 - w->next); /* free clusters */
        put32(fi + 492, w->next);
        put32(fi + 508, 0xaa550000);
        if (rc == 0)
            rc = write_at(w, 1ull * L->bps, fi, L->bps);
        if (rc == 0)
            rc = write_at(w, 7ull * L->bps, fi, L->bps);
        free(fi);
    }
    free(bs);
    return rc;
}

static int write_fats(struct fw *w)
{
    const struct layout *L = &w->L;
    size_t bytes = (size_t)L->fatsz * L->bps;
    unsigned char *f = calloc(1, bytes);
    if (!f)
        abort();
    w->fat[0] = 0x0fffff00 | 0xf8;
    w->fat[1] = 0x0fffffff;
    for (uint64_t c = 0; c < (uint64_t)L->clusters + 2; c++) {
        uint32_t v = w->fat[c];
        if (L->type == 12) {
            v &= 0xfff;
            unsigned char *p = f + c + c / 2;
            if (c & 1) {
                p[0] = (unsigned char)((p[0] & 0x0f) | (v << 4));
                p[1] = (unsigned char)(v >> 4);
            } else {
                p[0] = (unsigned char)v;
                p[1] = (unsigned char)((p[1] & 0xf0) | (v >> 8));
            }
        } else if (L->type == 16) {
            put16(f + c * 2, v & 0xffff);
        } else {
            put32(f + c * 4, v & 0x0fffffff);
        }
    }
    int rc = 0;
    for (unsigned k = 0; rc == 0 && k < L->nfats; k++)
        rc = write_at(w, ((uint64_t)L->reserved + (uint64_t)k * L->fatsz) * L->bps, f, bytes);
    free(f);
    return rc;
}

int mk_fat_write(struct mk_node *root, FILE *out, const struct mk_fat_opts *o)
{
    struct fw w = {.out = out, .o = o, .next = 2};
    if (choose(root, o, &w.L))
        return -1;
    w.root_off = ((uint64_t)w.L.reserved + (uint64_t)w.L.nfats * w.L.fatsz) * w.L.bps;
    w.data_off = w.root_off + root_sectors(&w.L) * w.L.bps;
    w.fat = calloc((size_t)w.L.clusters + 2, sizeof *w.fat);
    if (!w.fat)
        abort();
    /* The image's full size first: what is not written reads as zeroes. */
    uint64_t size = w.L.total * w.L.bps;
    int rc = fseeko(out, (off_t)(size - 1), SEEK_SET) == 0 && fputc(0, out) != EOF ? 0 : -1;
    if (rc)
        mk_error("the output must be a file that can be %llu bytes long", (unsigned long long)size);
    if (rc == 0)
        rc = write_dir(&w, root, true, 0);
    if (rc == 0)
        rc = write_fats(&w);
    if (rc == 0)
        rc = write_boot(&w);
    if (rc == 0 && fflush(out) != 0) {
        mk_error("writing the image failed");
        rc = -1;
    }
    if (rc == 0)
        fprintf(
            stderr,
            "mirage-mkimage: FAT%d, %llu sectors of %u bytes, %u clusters of %u bytes, %u used\n",
            w.L.type, (unsigned long long)w.L.total, w.L.bps, w.L.clusters, w.L.bps * w.L.spc,
            w.next - 2);
    free(w.fat);
    return rc;
}
