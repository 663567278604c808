/* fat_index.c: walks every folder from the root at connect, checking each chain, into the index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "../kv/kv_util.h"
#include "fat_dir.h"

/* A folder still to read. */
struct job {
    struct kvd_node *node;
    uint32_t cluster; /* 0: the fixed root of FAT12/16 */
    size_t keylen;    /* of its key, to bound its entries' keys */
};

/* The first clusters of the folders seen, so that a folder met twice (a
 * loop through a subfolder entry, or two entries sharing a folder) is an
 * error, not an endless walk. Open addressing, never more than half full. */
struct seen {
    uint32_t *v;
    size_t cap, n;
};

static int seen_add(struct seen *s, uint32_t c)
{
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        uint32_t *v = calloc(cap, sizeof *v);
        if (!v)
            return MG_ENOMEM;
        for (size_t i = 0; i < s->cap; i++)
            if (s->v[i])
                for (size_t j = (s->v[i] * 2654435761u) & (cap - 1);; j = (j + 1) & (cap - 1))
                    if (!v[j]) {
                        v[j] = s->v[i];
                        break;
                    }
        free(s->v);
        s->v = v;
        s->cap = cap;
    }
    for (size_t j = (c * 2654435761u) & (s->cap - 1);; j = (j + 1) & (s->cap - 1)) {
        if (s->v[j] == c)
            return 1;
        if (!s->v[j]) {
            s->v[j] = c;
            s->n++;
            return 0;
        }
    }
}

struct walk {
    struct fat *f;
    struct job *jobs;
    size_t njobs, cap;
    struct seen seen;
    struct job cur;
    char *dirkey; /* the current folder's key */
    char *key;    /* scratch: an entry's key */
};

static uint64_t where(struct fat *f, const void *ctx, size_t pos)
{
    const struct fat_extents *ex = ctx;
    if (!ex)
        return f->v.root_off + pos;
    /* The last run starting at or before the cluster of pos. */
    uint64_t ci = pos / f->v.cluster_bytes;
    uint32_t lo = 0, hi = ex->n;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ex->e[mid].index <= ci)
            lo = mid;
        else
            hi = mid;
    }
    const struct fat_extent *e = &ex->e[lo];
    return fat_cluster_off(&f->v, e->first) + (ci - e->index) * f->v.cluster_bytes +
           pos % f->v.cluster_bytes;
}

static int entry_error(struct walk *w, const struct fat_dirent *d, const char *what)
{
    mg_log_err(&fat_log, "%s: byte %llu: '%s': %s", w->f->s.ro.name, (unsigned long long)d->off,
               w->key, what);
    return MG_EIO;
}

static int push(struct walk *w, struct job j)
{
    if (w->njobs == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 16;
        struct job *v = realloc(w->jobs, cap * sizeof *v);
        if (!v)
            return MG_ENOMEM;
        w->jobs = v;
        w->cap = cap;
    }
    w->jobs[w->njobs++] = j;
    return 0;
}

static int on_entry(struct fat *f, void *arg, const struct fat_dirent *d)
{
    struct walk *w = arg;
    struct kvd_index *x = &f->s.idx;
    if (kv_key_join(w->dirkey, d->name, w->key, KV_KEY_BUF) < 0 ||
        w->cur.keylen + 1 + d->namelen > MG_KV_KEY_MAX) {
        mg_log_warn(&fat_log,
                    "%s: byte %llu: '%s' in '%s': its key would be longer than %d "
                    "bytes: left out",
                    f->s.ro.name, (unsigned long long)d->off, d->name, w->dirkey, MG_KV_KEY_MAX);
        return 0;
    }
    if (kvd_child(x, w->cur.node, d->name, d->namelen))
        return entry_error(w, d, "a second entry of this name (names match whatever their case)");
    char what[64 + KV_KEY_BUF];
    if (d->dir) {
        if (d->cluster == 0 || d->cluster == 1)
            return entry_error(w, d, "a folder without a cluster");
        int s = seen_add(&w->seen, d->cluster);
        if (s < 0)
            return s;
        if (s)
            return entry_error(w, d,
                               "a folder whose cluster is already another folder's "
                               "(a loop or a cross-link)");
        struct kvd_node *n = kvd_add(x, w->cur.node, d->name, d->namelen, MG_KV_DICTIONARY);
        if (!n)
            return MG_ENOMEM;
        n->mtime_ns = d->mtime_ns;
        return push(w, (struct job){n, d->cluster, w->cur.keylen + 1 + d->namelen});
    }
    const struct fat_vol *v = &f->v;
    uint64_t want = ((uint64_t)d->size + v->cluster_bytes - 1) / v->cluster_bytes;
    struct fat_extents *ex = NULL;
    if (d->size == 0 && d->cluster != 0)
        return entry_error(w, d, "an empty file with a cluster chain");
    if (d->size != 0 && d->cluster == 0)
        return entry_error(w, d, "a file of some bytes without a cluster");
    if (want > v->clusters)
        return entry_error(w, d, "a file larger than the volume's data area");
    if (want) {
        snprintf(what, sizeof what, "byte %llu: file '%s' (%u bytes)", (unsigned long long)d->off,
                 w->key, d->size);
        uint64_t n;
        int rc = fat_chain(f, d->cluster, want, want, what, &ex, &n);
        if (rc)
            return rc;
    }
    struct kvd_node *n = kvd_add(x, w->cur.node, d->name, d->namelen, MG_KV_VALUE);
    if (!n)
        return MG_ENOMEM;
    n->size = d->size;
    n->aux = ex;
    n->mtime_ns = d->mtime_ns;
    return 0;
}

/* Read the current folder's bytes and its entries. */
static int read_folder(struct walk *w)
{
    struct fat *f = w->f;
    const struct fat_vol *v = &f->v;
    kvd_node_path(w->cur.node, w->dirkey, KV_KEY_BUF);
    unsigned char *bytes;
    size_t len;
    struct fat_extents *ex = NULL;
    int rc;
    if (w->cur.cluster == 0) {
        len = (size_t)v->root_entries * FAT_DIRENT;
        bytes = malloc(len);
        if (!bytes)
            return MG_ENOMEM;
        rc = kvd_dev_read(&f->s.dev, v->root_off, bytes, len);
        if (rc) {
            mg_log_err(&fat_log, "%s: byte %llu: reading the root folder: %s", f->s.ro.name,
                       (unsigned long long)v->root_off, mg_strerror(rc));
            free(bytes);
            return rc;
        }
    } else {
        char what[64 + KV_KEY_BUF];
        snprintf(what, sizeof what, "folder '%s'", w->dirkey);
        uint64_t max =
            ((uint64_t)FAT_DIR_MAX_ENTRIES * FAT_DIRENT + v->cluster_bytes - 1) / v->cluster_bytes;
        uint64_t n;
        rc = fat_chain(f, w->cur.cluster, 0, max, what, &ex, &n);
        if (rc)
            return rc;
        len = (size_t)(n * v->cluster_bytes);
        bytes = malloc(len);
        if (!bytes)
            return MG_ENOMEM;
        rc = fat_extents_read(f, ex, 0, bytes, len);
        if (rc) {
            free(bytes);
            return rc;
        }
    }
    rc = fat_dir_each(f, bytes, len, where, ex, w->dirkey, on_entry, w);
    free(bytes);
    return rc;
}

int fat_index(struct fat *f)
{
    struct walk w = {.f = f};
    w.dirkey = malloc(KV_KEY_BUF);
    w.key = malloc(KV_KEY_BUF);
    f->used = calloc(((size_t)f->v.clusters + 2 + 7) / 8, 1);
    int rc = w.dirkey && w.key && f->used ? 0 : MG_ENOMEM;
    uint32_t root = f->v.type == 32 ? f->v.root_cluster : 0;
    if (rc == 0 && root)
        rc = seen_add(&w.seen, root) < 0 ? MG_ENOMEM : 0;
    if (rc == 0)
        rc = push(&w, (struct job){f->s.idx.root, root, 0});
    while (rc == 0 && w.njobs) {
        w.cur = w.jobs[--w.njobs];
        rc = read_folder(&w);
    }
    free(w.jobs);
    free(w.seen.v);
    free(f->used);
    f->used = NULL;
    free(w.dirkey);
    free(w.key);
    return rc;
}
