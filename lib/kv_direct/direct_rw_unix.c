/* direct_rw_unix.c: direct_kv_rw's changes, each made so that a crash leaves the old or the new
 * state. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mirage/error.h>

#include "direct_unix.h"

static struct dkv *dw(struct mg_kv_rw *kv)
{
    return (struct dkv *)kv;
}

/* Before a change: open, and no other fiber's batch running (wait for it). */
static int begin(struct dkv *d)
{
    while (!d->closed && d->in_batch && !dkv_batching(d)) {
        int rc = mg_wait(&d->batch_end, UINT64_MAX);
        if (rc < 0)
            return rc;
    }
    return d->closed ? MG_ENOTCONN : 0;
}

/* After a change: a failure inside a batch fails the batch. */
static int end(struct dkv *d, int rc)
{
    if (rc < 0 && dkv_batching(d) && d->batch_err == 0)
        d->batch_err = rc;
    return rc;
}

static int write_all(int fd, const void *data, size_t len, off_t at)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return dkv_errno(errno);
        p += n;
        len -= (size_t)n;
        at += n;
    }
    return 0;
}

/* The end of every write: the temporary (fd, tmp in pfd) synced, renamed
 * over name, the folder synced. The temporary is gone either way. */
static int install(int pfd, int fd, const char *tmp, const char *name, const char *op)
{
    char step[32];
    int rc = dkv_sync(fd);
    close(fd);
    snprintf(step, sizeof step, "%s:synced", op);
    if (rc == 0)
        dkv_step(step);
    if (rc == 0 && renameat(pfd, tmp, pfd, name) < 0)
        rc = dkv_errno(errno);
    if (rc < 0) {
        unlinkat(pfd, tmp, 0);
        return rc;
    }
    snprintf(step, sizeof step, "%s:renamed", op);
    dkv_step(step);
    rc = dkv_sync(pfd);
    snprintf(step, sizeof step, "%s:dir-synced", op);
    if (rc == 0)
        dkv_step(step);
    return rc;
}

/* In a batch, keep the value at name (canon) before it is replaced. */
static int save_old(struct dkv *d, int pfd, const char *name, const char *canon, bool exists)
{
    if (!dkv_batching(d))
        return 0;
    if (!exists)
        return dkv_j_created(d, canon);
    uint32_t id;
    int rc = dkv_j_saved(d, canon, &id);
    return rc < 0 ? rc : dkv_backup_link(d, pfd, name, id);
}

static int set_value(struct dkv *d, const char *key, const void *data, size_t len)
{
    char canon[KV_KEY_BUF];
    int rc = dkv_key(key, canon);
    if (rc < 0)
        return rc;
    if (canon[1] == '\0')
        return MG_EISDIR;
    int pfd, fd;
    const char *name;
    rc = dkv_parent(d, canon, true, &pfd, &name);
    if (rc < 0)
        return rc;
    enum mg_kv_kind kind;
    struct stat old;
    int st = dkv_stat_at(pfd, name, &kind, &old);
    if (st == 0 && kind == MG_KV_DICTIONARY)
        rc = MG_EISDIR;
    if (rc == 0)
        rc = save_old(d, pfd, name, canon, st == 0);
    char tmp[DKV_TMP_NAME];
    if (rc == 0)
        rc = dkv_temp(pfd, tmp, &fd);
    if (rc == 0) {
        rc = write_all(fd, data, len, 0);
        if (rc == 0 && st == 0)
            fchmod(fd, old.st_mode & 07777);
        if (rc == 0) {
            dkv_step("set:written");
            rc = install(pfd, fd, tmp, name, "set");
        } else {
            close(fd);
            unlinkat(pfd, tmp, 0);
        }
    }
    close(pfd);
    return rc;
}

static int dkv_set(struct mg_kv_rw *kv, const char *key, const void *data, size_t len)
{
    struct dkv *d = dw(kv);
    int rc = begin(d);
    return rc < 0 ? rc : end(d, set_value(d, key, data, len));
}

/* Copy the whole of from into to (both at offset 0). */
static int copy_file(int from, int to, uint64_t size)
{
    uint64_t done = 0;
    while (done < size) {
        ssize_t n = copy_file_range(from, NULL, to, NULL, size - done, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* not supported here, or the file shrank: read and write */
        done += (uint64_t)n;
    }
    char *buf = NULL;
    int rc = 0;
    while (done < size) {
        if (!buf && !(buf = malloc(64 * 1024))) {
            rc = MG_ENOMEM;
            break;
        }
        ssize_t n = pread(from, buf, 64 * 1024, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = dkv_errno(errno);
            break;
        }
        if (n == 0)
            break;
        if ((rc = write_all(to, buf, (size_t)n, (off_t)done)) < 0)
            break;
        done += (uint64_t)n;
    }
    free(buf);
    return rc;
}

static int set_partial(struct dkv *d, const char *key, uint64_t offset, const void *data,
                       size_t len)
{
    char canon[KV_KEY_BUF];
    int rc = dkv_key(key, canon);
    if (rc < 0)
        return rc;
    if (offset > (uint64_t)INT64_MAX - len)
        return MG_ENOSPC;
    int src, pfd, fd;
    rc = dkv_open(d, canon, O_RDONLY | O_NONBLOCK, &src);
    if (rc < 0)
        return rc;
    struct stat old;
    if (fstat(src, &old) < 0)
        rc = dkv_errno(errno);
    else if (S_ISDIR(old.st_mode))
        rc = MG_EISDIR;
    else if (!S_ISREG(old.st_mode))
        rc = MG_ENOENT;
    const char *name;
    if (rc == 0)
        rc = dkv_parent(d, canon, false, &pfd, &name);
    if (rc < 0) {
        close(src);
        return rc;
    }
    rc = save_old(d, pfd, name, canon, true);
    char tmp[DKV_TMP_NAME];
    if (rc == 0)
        rc = dkv_temp(pfd, tmp, &fd);
    if (rc == 0) {
        rc = copy_file(src, fd, (uint64_t)old.st_size);
        if (rc == 0) {
            dkv_step("partial:copied");
            /* past the end, the file grows with zeroes up to offset */
            rc = write_all(fd, data, len, (off_t)offset);
            if (rc == 0 && offset > (uint64_t)old.st_size && len == 0 &&
                ftruncate(fd, (off_t)offset) < 0)
                rc = dkv_errno(errno);
        }
        if (rc == 0) {
            fchmod(fd, old.st_mode & 07777);
            dkv_step("partial:patched");
            rc = install(pfd, fd, tmp, name, "partial");
        } else {
            close(fd);
            unlinkat(pfd, tmp, 0);
        }
    }
    close(src);
    close(pfd);
    return rc;
}

static int dkv_set_partial(struct mg_kv_rw *kv, const char *key, uint64_t offset, const void *data,
                           size_t len)
{
    struct dkv *d = dw(kv);
    int rc = begin(d);
    return rc < 0 ? rc : end(d, set_partial(d, key, offset, data, len));
}

/* A fresh name for a folder on its way out (no file is made for it). */
static void away_name(char tmp[DKV_TMP_NAME])
{
    static unsigned counter;
    snprintf(tmp, DKV_TMP_NAME, "%s%ld.d%u", DKV_TMP, (long)getpid(), ++counter);
}

/* Remove name (kind) of pfd, canon its key. */
static int remove_entry(struct dkv *d, int pfd, const char *name, enum mg_kv_kind kind,
                        const char *canon)
{
    if (dkv_batching(d)) {
        uint32_t id;
        int rc = dkv_j_moved_away(d, canon, &id);
        return rc < 0 ? rc : dkv_backup_move(d, pfd, name, id);
    }
    if (kind == MG_KV_VALUE) {
        if (unlinkat(pfd, name, 0) < 0)
            return dkv_errno(errno);
        dkv_step("remove:unlinked");
        return dkv_sync(pfd);
    }
    /* A folder vanishes at once (renamed away), then is deleted. */
    char tmp[DKV_TMP_NAME];
    int tries = 0, r;
    do {
        away_name(tmp);
        r = renameat2(pfd, name, pfd, tmp, RENAME_NOREPLACE);
    } while (r < 0 && errno == EEXIST && ++tries < 100);
    if (r < 0)
        return dkv_errno(errno);
    dkv_step("remove:renamed");
    int rc = dkv_sync(pfd);
    if (rc < 0)
        return rc;
    dkv_step("remove:dir-synced");
    return dkv_rm_tree(pfd, tmp);
}

static int remove_root(struct dkv *d)
{
    int fd;
    int rc = dkv_open(d, "/", O_RDONLY | O_DIRECTORY, &fd);
    if (rc < 0)
        return rc;
    struct kv_entries e;
    rc = kv_entries_collect(&d->base.ro, "/", &e);
    for (size_t i = 0; i < e.n && rc == 0; i++) {
        char canon[KV_KEY_BUF];
        kv_key_join("/", e.v[i].name, canon, sizeof canon);
        rc = remove_entry(d, fd, e.v[i].name, e.v[i].kind, canon);
    }
    kv_entries_free(&e);
    close(fd);
    return rc;
}

static int remove_key(struct dkv *d, const char *key)
{
    char canon[KV_KEY_BUF];
    int rc = dkv_key(key, canon);
    if (rc < 0)
        return rc;
    enum mg_kv_kind kind;
    rc = dkv_stat(d, canon, &kind, NULL);
    if (rc < 0)
        return rc;
    if (canon[1] == '\0')
        return remove_root(d);
    int pfd;
    const char *name;
    rc = dkv_parent(d, canon, false, &pfd, &name);
    if (rc < 0)
        return rc;
    rc = remove_entry(d, pfd, name, kind, canon);
    close(pfd);
    return rc;
}

static int dkv_remove(struct mg_kv_rw *kv, const char *key)
{
    struct dkv *d = dw(kv);
    int rc = begin(d);
    return rc < 0 ? rc : end(d, remove_key(d, key));
}

static int rename_key(struct dkv *d, const char *source, const char *dest)
{
    char src[KV_KEY_BUF], dst[KV_KEY_BUF];
    int rc = dkv_key(source, src);
    if (rc >= 0)
        rc = dkv_key(dest, dst);
    if (rc < 0)
        return rc;
    enum mg_kv_kind skind, dkind;
    rc = dkv_stat(d, src, &skind, NULL);
    if (rc < 0)
        return rc;
    if (src[1] == '\0' ||
        (skind == MG_KV_DICTIONARY && strcmp(src, dst) != 0 && kv_key_below(dst, src)))
        return MG_EBUSY;
    if (strcmp(src, dst) == 0)
        return 0;
    if (dst[1] == '\0')
        return MG_EISDIR;
    int drc = dkv_stat(d, dst, &dkind, NULL);
    if (drc == 0 && dkind == MG_KV_DICTIONARY)
        return MG_EISDIR;
    if (drc < 0 && drc != MG_ENOENT)
        return drc;
    int spfd, dpfd;
    const char *sname, *dname;
    rc = dkv_parent(d, dst, true, &dpfd, &dname);
    if (rc < 0)
        return rc;
    rc = dkv_parent(d, src, false, &spfd, &sname);
    if (rc < 0) {
        close(dpfd);
        return rc;
    }
    /* rename(2) replaces a file by a file, not by a folder: the value goes
     * first (to the batch's backups, or away to be deleted). */
    bool dir_over_value = drc == 0 && skind == MG_KV_DICTIONARY;
    char away[DKV_TMP_NAME] = "";
    if (dkv_batching(d)) {
        uint32_t id;
        if (drc == 0 && !dir_over_value) {
            rc = dkv_j_saved(d, dst, &id);
            if (rc == 0)
                rc = dkv_backup_link(d, dpfd, dname, id);
        } else if (dir_over_value) {
            rc = dkv_j_moved_away(d, dst, &id);
            if (rc == 0)
                rc = dkv_backup_move(d, dpfd, dname, id);
        }
        if (rc == 0)
            rc = dkv_j_moved(d, src, dst);
    } else if (dir_over_value) {
        away_name(away);
        if (renameat(dpfd, dname, dpfd, away) < 0)
            rc = dkv_errno(errno);
        else
            dkv_step("rename:value-away");
    }
    if (rc == 0 && renameat(spfd, sname, dpfd, dname) < 0)
        rc = dkv_errno(errno);
    if (rc == 0) {
        dkv_step("rename:renamed");
        rc = dkv_sync(dpfd);
        if (rc == 0)
            rc = dkv_sync(spfd);
        if (rc == 0)
            dkv_step("rename:dir-synced");
        if (away[0])
            unlinkat(dpfd, away, 0);
    } else if (away[0]) {
        renameat(dpfd, away, dpfd, dname); /* put the value back */
    }
    close(spfd);
    close(dpfd);
    return rc;
}

static int dkv_rename(struct mg_kv_rw *kv, const char *source, const char *dest)
{
    struct dkv *d = dw(kv);
    int rc = begin(d);
    return rc < 0 ? rc : end(d, rename_key(d, source, dest));
}

static int allocate(struct dkv *d, const char *key, uint64_t size, const int64_t *mtime)
{
    char canon[KV_KEY_BUF];
    int rc = dkv_key(key, canon);
    if (rc < 0)
        return rc;
    enum mg_kv_kind kind;
    rc = dkv_stat(d, canon, &kind, NULL);
    if (rc == 0)
        return MG_EEXIST;
    if (rc != MG_ENOENT)
        return rc;
    if (size > (uint64_t)INT64_MAX)
        return MG_ENOSPC;
    int pfd, fd;
    const char *name;
    rc = dkv_parent(d, canon, true, &pfd, &name);
    if (rc < 0)
        return rc;
    if (dkv_batching(d))
        rc = dkv_j_created(d, canon);
    char tmp[DKV_TMP_NAME];
    if (rc == 0)
        rc = dkv_temp(pfd, tmp, &fd);
    if (rc < 0) {
        close(pfd);
        return rc;
    }
    /* The space is reserved now (MG_ENOSPC here, not at a later write),
     * where the file system can. */
    if (size > 0 && fallocate(fd, 0, 0, (off_t)size) < 0 && errno != EOPNOTSUPP)
        rc = dkv_errno(errno);
    if (rc == 0 && ftruncate(fd, (off_t)size) < 0)
        rc = dkv_errno(errno);
    if (rc == 0 && mtime) {
        int64_t s = *mtime / 1000000000, ns = *mtime % 1000000000;
        if (ns < 0) {
            ns += 1000000000;
            s--;
        }
        struct timespec t[2] = {{.tv_nsec = UTIME_OMIT}, {.tv_sec = s, .tv_nsec = ns}};
        if (futimens(fd, t) < 0)
            rc = dkv_errno(errno);
    }
    if (rc == 0)
        dkv_step("allocate:sized");
    if (rc == 0)
        rc = dkv_sync(fd);
    close(fd);
    if (rc == 0 && renameat2(pfd, tmp, pfd, name, RENAME_NOREPLACE) < 0)
        rc = dkv_errno(errno);
    if (rc < 0) {
        unlinkat(pfd, tmp, 0);
    } else {
        dkv_step("allocate:renamed");
        rc = dkv_sync(pfd);
    }
    close(pfd);
    return rc;
}

static int dkv_allocate(struct mg_kv_rw *kv, const char *key, uint64_t size, const int64_t *mtime)
{
    struct dkv *d = dw(kv);
    int rc = begin(d);
    return rc < 0 ? rc : end(d, allocate(d, key, size, mtime));
}

static int dkv_batch_op(struct mg_kv_rw *kv, mg_kv_batch_fn fn, void *arg)
{
    struct dkv *d = dw(kv);
    if (dkv_batching(d))
        return MG_EBUSY;
    int rc = begin(d);
    return rc < 0 ? rc : dkv_batch(kv, fn, arg);
}

const struct mg_kv_rw_ops dkv_rw_ops = {
    .set = dkv_set,
    .set_partial = dkv_set_partial,
    .remove = dkv_remove,
    .rename = dkv_rename,
    .allocate = dkv_allocate,
    .batch = dkv_batch_op,
};
