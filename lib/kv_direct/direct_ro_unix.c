/* direct_ro_unix.c: direct_kv_ro: reading a host folder (the ops both direct stores share). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bearssl.h>

#include <mirage/error.h>
#include <mirage/kv_stores.h>

#include "direct_unix.h"

static struct dkv *dk(struct mg_kv_ro *kv)
{
    return (struct dkv *)kv;
}

/* Open key's value for reading: 0 with *fd and *st, or MG_E*. */
static int open_value(struct dkv *d, const char *key, int *fd, struct stat *st)
{
    char canon[KV_KEY_BUF];
    int rc = dkv_key(key, canon);
    if (rc < 0)
        return rc;
    /* O_NONBLOCK: a FIFO put there must not stall the unikernel. */
    rc = dkv_open(d, canon, O_RDONLY | O_NONBLOCK, fd);
    if (rc < 0)
        return rc;
    if (fstat(*fd, st) < 0) {
        rc = dkv_errno(errno);
    } else if (S_ISDIR(st->st_mode)) {
        rc = MG_EISDIR;
    } else if (!S_ISREG(st->st_mode)) {
        rc = MG_ENOENT;
    }
    if (rc < 0)
        close(*fd);
    return rc;
}

static int dkv_exists(struct mg_kv_ro *kv, const char *key, enum mg_kv_kind *kind)
{
    char canon[KV_KEY_BUF];
    int rc = dkv_key(key, canon);
    return rc < 0 ? rc : dkv_stat(dk(kv), canon, kind, NULL);
}

static int dkv_size(struct mg_kv_ro *kv, const char *key, uint64_t *size)
{
    char canon[KV_KEY_BUF];
    int rc = dkv_key(key, canon);
    if (rc < 0)
        return rc;
    enum mg_kv_kind kind;
    struct stat st;
    rc = dkv_stat(dk(kv), canon, &kind, &st);
    if (rc == 0 && kind != MG_KV_VALUE)
        rc = MG_EISDIR;
    if (rc == 0)
        *size = (uint64_t)st.st_size;
    return rc;
}

static long dkv_get_partial(struct mg_kv_ro *kv, const char *key, uint64_t offset, void *buf,
                            size_t len)
{
    int fd;
    struct stat st;
    int rc = open_value(dk(kv), key, &fd, &st);
    if (rc < 0)
        return rc;
    if (len > (size_t)LONG_MAX)
        len = (size_t)LONG_MAX;
    size_t got = 0;
    while (got < len && offset + got < (uint64_t)INT64_MAX) {
        ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close(fd);
            return dkv_errno(e);
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    return (long)got;
}

/* A listing is read whole, then given: fn may change the folder. */
static int dkv_list(struct mg_kv_ro *kv, const char *key, mg_kv_list_fn fn, void *arg)
{
    struct dkv *d = dk(kv);
    char canon[KV_KEY_BUF];
    int rc = dkv_key(key, canon);
    if (rc < 0)
        return rc;
    int fd;
    rc = dkv_open(d, canon, O_RDONLY | O_DIRECTORY, &fd);
    if (rc < 0)
        return rc;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return MG_ENOMEM;
    }
    struct kv_entries e = {0};
    struct dirent *ent;
    errno = 0;
    while (rc == 0 && (ent = readdir(dir))) {
        const char *name = ent->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || dkv_reserved(name))
            continue;
        enum mg_kv_kind kind;
        if (ent->d_type == DT_REG)
            kind = MG_KV_VALUE;
        else if (ent->d_type == DT_DIR)
            kind = MG_KV_DICTIONARY;
        else if (ent->d_type != DT_UNKNOWN || dkv_stat_at(dirfd(dir), name, &kind, NULL) < 0)
            continue; /* links and special files are not part of the store */
        rc = kv_entries_add(&e, name, kind);
        errno = 0;
    }
    if (rc == 0 && errno)
        rc = dkv_errno(errno);
    closedir(dir);
    kv_entries_sort(&e);
    for (size_t i = 0; i < e.n && rc == 0; i++)
        rc = fn(arg, e.v[i].name, e.v[i].kind);
    kv_entries_free(&e);
    return rc;
}

static int dkv_last_modified(struct mg_kv_ro *kv, const char *key, int64_t *ns)
{
    char canon[KV_KEY_BUF];
    int rc = dkv_key(key, canon);
    if (rc < 0)
        return rc;
    enum mg_kv_kind kind;
    struct stat st;
    rc = dkv_stat(dk(kv), canon, &kind, &st);
    if (rc == 0)
        *ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    return rc;
}

#define DIGEST_CHUNK (64u * 1024u)

static int dkv_digest(struct mg_kv_ro *kv, const char *key, uint8_t out[32])
{
    int fd;
    struct stat st;
    int rc = open_value(dk(kv), key, &fd, &st);
    if (rc == MG_EISDIR)
        return mg_kv_digest_generic(kv, key, out);
    if (rc < 0)
        return rc;
    char *buf = malloc(DIGEST_CHUNK);
    if (!buf) {
        close(fd);
        return MG_ENOMEM;
    }
    br_sha256_context c;
    br_sha256_init(&c);
    for (;;) {
        ssize_t n = read(fd, buf, DIGEST_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = dkv_errno(errno);
            break;
        }
        if (n == 0)
            break;
        br_sha256_update(&c, buf, (size_t)n);
    }
    free(buf);
    close(fd);
    if (rc == 0)
        br_sha256_out(&c, out);
    return rc;
}

static int dkv_disconnect(struct mg_kv_ro *kv)
{
    struct dkv *d = dk(kv);
    if (d->closed)
        return MG_ENOTCONN;
    d->closed = true;
    close(d->root);
    d->root = -1;
    mg_wake_all(&d->batch_end);
    return 0;
}

const struct mg_kv_ro_ops dkv_ro_ops = {
    .exists = dkv_exists,
    .size = dkv_size,
    .get_partial = dkv_get_partial,
    .get_ref = NULL, /* on disk: no reference to give */
    .list = dkv_list,
    .last_modified = dkv_last_modified,
    .digest = dkv_digest,
    .disconnect = dkv_disconnect,
};

static int connect(struct dkv **out, const char *dir, bool rw)
{
    if (!dir || !*dir)
        return MG_EINVAL;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        mg_log_err(&kv_direct_log, "cannot open the folder %s: %s", dir, strerror(e));
        return dkv_errno(e);
    }
    struct dkv *d = calloc(1, sizeof *d);
    if (!d) {
        close(fd);
        return MG_ENOMEM;
    }
    d->root = fd;
    d->rw = rw;
    d->journal = d->backups = -1;
    d->base.ro.ops = &dkv_ro_ops;
    d->base.ro.name = dir;
    *out = d;
    return 0;
}

int mg_direct_kv_ro_connect(struct mg_kv_ro **out, const char *dir)
{
    struct dkv *d;
    int rc = connect(&d, dir, false);
    if (rc == 0)
        *out = &d->base.ro;
    return rc;
}

int mg_direct_kv_rw_connect(struct mg_kv_rw **out, const char *dir)
{
    struct dkv *d;
    int rc = connect(&d, dir, true);
    if (rc < 0)
        return rc;
    d->base.rw_ops = &dkv_rw_ops;
    rc = dkv_recover(d);
    if (rc < 0) {
        mg_log_err(&kv_direct_log, "%s: cannot recover from an interrupted write: %s", dir,
                   mg_strerror(rc));
        close(d->root);
        free(d);
        return rc;
    }
    *out = &d->base;
    return 0;
}
