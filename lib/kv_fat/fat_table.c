/* fat_table.c: FAT entries, cluster chains walked with loop detection, and reads through extents.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "fat.h"

uint64_t fat_cluster_off(const struct fat_vol *v, uint32_t c)
{
    return v->data_off + (uint64_t)(c - 2) * v->cluster_bytes;
}

/* The FAT's entry for cluster c. */
static int fat_entry(struct fat *f, uint32_t c, uint32_t *val)
{
    const struct fat_vol *v = &f->v;
    uint64_t off = v->fat_off + (v->type == 12   ? (uint64_t)c + c / 2
                                 : v->type == 16 ? (uint64_t)c * 2
                                                 : (uint64_t)c * 4);
    size_t len = v->type == 32 ? 4 : 2;
    int err;
    const unsigned char *p = kvd_dev_map(&f->s.dev, off, len, &err);
    if (!p) {
        mg_log_err(&fat_log, "%s: byte %llu: reading the FAT entry of cluster %u: %s", f->s.ro.name,
                   (unsigned long long)off, c, mg_strerror(err));
        return err;
    }
    uint32_t x = (uint32_t)p[0] | (uint32_t)p[1] << 8;
    if (v->type == 12)
        x = c & 1 ? x >> 4 : x & 0xfff;
    else if (v->type == 32)
        x = (x | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) & 0x0fffffff;
    *val = x;
    return 0;
}

static bool fat_used(const struct fat *f, uint32_t c)
{
    return f->used[c >> 3] & (1u << (c & 7));
}

static uint32_t bad_mark(const struct fat_vol *v)
{
    return v->type == 12 ? 0xff7 : v->type == 16 ? 0xfff7 : 0x0ffffff7;
}

static int chain_error(struct fat *f, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int chain_error(struct fat *f, const char *what, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mg_log_err(&fat_log, "%s: %s: %s", f->s.ro.name, what, msg);
    return MG_EIO;
}

/* Append cluster c to the run list v (n runs, cap allocated). */
static int extend(struct fat_extent **v, uint32_t *n, uint32_t *cap, uint32_t c, uint64_t index)
{
    if (*n && (*v)[*n - 1].first + (*v)[*n - 1].count == c) {
        (*v)[*n - 1].count++;
        return 0;
    }
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 8;
        struct fat_extent *nv = realloc(*v, (size_t)nc * sizeof *nv);
        if (!nv)
            return MG_ENOMEM;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = (struct fat_extent){.first = c, .count = 1, .index = index};
    return 0;
}

int fat_chain(struct fat *f, uint32_t first, uint64_t want, uint64_t max_clusters, const char *what,
              struct fat_extents **out, uint64_t *nclusters)
{
    const struct fat_vol *v = &f->v;
    uint32_t last = v->clusters + 1, bad = bad_mark(v);
    if (first < 2 || first > last)
        return chain_error(f, what, "its first cluster, %u, is not one of 2..%u", first, last);
    if (max_clusters > v->clusters)
        max_clusters = v->clusters;
    if (fat_used(f, first))
        return chain_error(f, what,
                           "its first cluster, %u, is already part of another file or folder "
                           "(cross-linked)",
                           first);
    struct fat_extent *runs = NULL;
    uint32_t nruns = 0, cap = 0;
    uint32_t c = first;
    uint64_t n = 0;
    int rc = 0;
    for (;;) {
        if ((rc = extend(&runs, &nruns, &cap, c, n)))
            break;
        f->used[c >> 3] |= (uint8_t)(1u << (c & 7));
        n++;
        uint32_t next = 0;
        if ((rc = fat_entry(f, c, &next)))
            break;
        bool end = next > bad;
        if (want && n == want) {
            if (!end)
                rc = chain_error(f, what,
                                 "its size needs %llu clusters, but the chain goes on after "
                                 "cluster %u (to %u)",
                                 (unsigned long long)want, c, next);
            break;
        }
        if (end) {
            if (want)
                rc = chain_error(f, what,
                                 "its chain ends at cluster %u after %llu clusters, but its "
                                 "size needs %llu",
                                 c, (unsigned long long)n, (unsigned long long)want);
            break;
        }
        if (n >= max_clusters) {
            rc = chain_error(f, what, "its chain is longer than %llu clusters (at cluster %u)",
                             (unsigned long long)max_clusters, c);
            break;
        }
        if (next == 0 || next == 1 || next == bad || next > last) {
            const char *kind = next == 0     ? "a free cluster (0)"
                               : next == 1   ? "a reserved cluster (1)"
                               : next == bad ? "the bad-cluster mark"
                                             : "a cluster past the volume's last";
            rc = chain_error(f, what, "cluster %u links to %s: %u", c, kind, next);
            break;
        }
        /* Every cluster is walked once at connect: one seen again is a
         * loop (if this chain has it) or a cross-link (another chain). */
        if (fat_used(f, next)) {
            bool mine = false;
            for (uint32_t r = 0; r < nruns && !mine; r++)
                mine = next >= runs[r].first && next - runs[r].first < runs[r].count;
            if (mine)
                rc = chain_error(f, what, "its chain loops: cluster %u links back to cluster %u", c,
                                 next);
            else
                rc = chain_error(f, what,
                                 "cluster %u links to cluster %u, already part of another file "
                                 "or folder (cross-linked)",
                                 c, next);
            break;
        }
        c = next;
    }
    if (rc == 0) {
        struct fat_extents *ex = kvd_alloc(&f->s.idx, sizeof *ex + (size_t)nruns * sizeof *runs);
        if (!ex) {
            rc = MG_ENOMEM;
        } else {
            ex->n = nruns;
            memcpy(ex->e, runs, (size_t)nruns * sizeof *runs);
            *out = ex;
            *nclusters = n;
        }
    }
    free(runs);
    return rc;
}

int fat_extents_read(struct fat *f, const struct fat_extents *ex, uint64_t offset, void *buf,
                     size_t len)
{
    const struct fat_vol *v = &f->v;
    uint64_t ci = offset / v->cluster_bytes;
    /* The last run starting at or before cluster index ci. */
    uint32_t lo = 0, hi = ex->n;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ex->e[mid].index <= ci)
            lo = mid;
        else
            hi = mid;
    }
    unsigned char *out = buf;
    uint64_t within = offset % v->cluster_bytes;
    for (uint32_t r = lo; len; r++) {
        if (r >= ex->n)
            return MG_EIO; /* the caller checked the size: cannot happen */
        const struct fat_extent *e = &ex->e[r];
        uint64_t skip = ci - e->index; /* clusters of this run before ci */
        uint64_t avail = (e->count - skip) * v->cluster_bytes - within;
        size_t n = avail < len ? (size_t)avail : len;
        uint64_t at = fat_cluster_off(v, e->first) + skip * v->cluster_bytes + within;
        int rc = kvd_dev_read(&f->s.dev, at, out, n);
        if (rc) {
            mg_log_err(&fat_log, "%s: reading %zu bytes at byte %llu: %s", f->s.ro.name, n,
                       (unsigned long long)at, mg_strerror(rc));
            return rc;
        }
        out += n;
        len -= n;
        ci = e->index + e->count;
        within = 0;
    }
    return 0;
}
