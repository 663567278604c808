/* fuzz_kv_walk.h: for the disk store harnesses: fuzz bytes as a read-only disk, and a bounded walk
 * of what a store holds. */
#ifndef TESTS_FUZZ_KV_WALK_H
#define TESTS_FUZZ_KV_WALK_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/block.h>
#include <mirage/error.h>
#include <mirage/kv.h>

/* ---- the bytes as a disk of 512-byte sectors (the tail zero-padded) ----- */

struct fz_disk {
    struct mg_block b;
    unsigned char *data;
    uint64_t sectors;
};

static void fz_info(struct mg_block *b, struct mg_block_info *out)
{
    out->sector_size = 512;
    out->sectors = ((struct fz_disk *)b)->sectors;
    out->read_write = false;
}
static int fz_read(struct mg_block *b, uint64_t sector, void *buf, uint64_t n)
{
    struct fz_disk *d = (struct fz_disk *)b;
    if (n == 0)
        return 0;
    if (sector > d->sectors || n > d->sectors - sector)
        return MG_EINVAL;
    memcpy(buf, d->data + sector * 512, n * 512);
    return 0;
}
static int fz_write(struct mg_block *b, uint64_t sector, const void *buf, uint64_t n)
{
    (void)b, (void)sector, (void)buf;
    return n ? MG_EROFS : 0;
}
static int fz_flush(struct mg_block *b)
{
    (void)b;
    return 0;
}
static int fz_disconnect(struct mg_block *b)
{
    (void)b;
    return 0;
}
static const struct mg_block_ops fz_ops = {fz_info, fz_read, fz_write, fz_flush, fz_disconnect};

static struct fz_disk *fz_disk(const uint8_t *data, size_t size)
{
    struct fz_disk *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->sectors = (size + 511) / 512;
    d->data = calloc(d->sectors ? d->sectors : 1, 512);
    if (!d->data)
        abort();
    memcpy(d->data, data, size);
    d->b.ops = &fz_ops;
    d->b.name = "fuzz";
    return d;
}

static void fz_disk_free(struct fz_disk *d)
{
    free(d->data);
    free(d);
}

/* ---- a bounded walk: every call of the store on what it lists ----------- */

struct fz_list {
    char *name[64];
    enum mg_kv_kind kind[64];
    int n;
};

static int fz_collect(void *arg, const char *name, enum mg_kv_kind kind)
{
    struct fz_list *l = arg;
    if (l->n == 64)
        return 1; /* enough: the walk is bounded */
    if (!name[0] || strchr(name, '/'))
        abort(); /* a listed name must be one segment */
    l->name[l->n] = strdup(name);
    l->kind[l->n++] = kind;
    return 0;
}

static int fz_budget;

static void fz_walk(struct mg_kv_ro *kv, const char *key, int depth)
{
    struct fz_list l = {0};
    int rc = mg_kv_ro_list(kv, key, fz_collect, &l);
    if (rc < 0 && rc != MG_EINVAL)
        abort(); /* a listed folder lists, unless its key is too long */
    for (int i = 0; i < l.n; i++) {
        size_t kl = strlen(key), nl = strlen(l.name[i]);
        char *child = malloc(kl + nl + 2);
        memcpy(child, key, kl);
        child[kl] = '/';
        memcpy(child + kl + 1, l.name[i], nl + 1);
        enum mg_kv_kind kind = 0;
        rc = mg_kv_ro_exists(kv, child, &kind);
        if (rc == 0 && kind != l.kind[i])
            abort(); /* exists and list agree */
        if (rc == 0 && kind == MG_KV_VALUE && fz_budget > 0) {
            fz_budget--;
            uint64_t size = 0;
            unsigned char buf[300];
            if (mg_kv_ro_size(kv, child, &size) != 0)
                abort();
            long n = mg_kv_ro_get_partial(kv, child, 0, buf, sizeof buf);
            if (n < 0 || (uint64_t)n != (size < sizeof buf ? size : sizeof buf))
                abort();
            if (size > 100)
                mg_kv_ro_get_partial(kv, child, size - 100, buf, sizeof buf);
            int64_t t;
            mg_kv_ro_last_modified(kv, child, &t);
        } else if (rc == 0 && kind == MG_KV_DICTIONARY && depth < 16) {
            fz_walk(kv, child, depth + 1);
        }
        free(child);
        free(l.name[i]);
    }
}

/* Connect with connect() over data; if it connects, walk it, hash it (when
 * small), disconnect. */
static void fz_run(int (*connect)(struct mg_kv_ro **, struct mg_block *), const uint8_t *data,
                   size_t size)
{
    struct fz_disk *d = fz_disk(data, size);
    struct mg_kv_ro *kv = NULL;
    if (connect(&kv, &d->b) == 0) {
        fz_budget = 64;
        fz_walk(kv, "", 0);
        uint8_t out[32];
        if (size <= 65536)
            mg_kv_ro_digest(kv, "/", out);
        if (mg_kv_ro_disconnect(kv) != 0)
            abort();
        free(kv);
    }
    fz_disk_free(d);
}

#endif
