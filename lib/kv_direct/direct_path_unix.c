/* direct_path_unix.c: keys to descriptors beneath the store's folder, never through a link. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mirage/error.h>

#include "direct_unix.h"

MG_LOG_SRC(kv_direct_log, "kv_direct", "key-value stores over a host folder");

bool dkv_no_openat2;
static bool openat2_missing; /* the kernel said ENOSYS once */

int dkv_errno(int e)
{
    switch (e) {
    case ENOENT:
    case ELOOP: /* a symbolic link: not part of the store */
        return MG_ENOENT;
    case ENOTDIR:
        return MG_ENOTDIR;
    case EISDIR:
        return MG_EISDIR;
    case EEXIST:
    case ENOTEMPTY:
        return MG_EEXIST;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return MG_ENOSPC;
    case ENOMEM:
        return MG_ENOMEM;
    case ENAMETOOLONG:
    case EINVAL:
    case EXDEV:
        return MG_EINVAL;
    case EROFS:
        return MG_EROFS;
    case EACCES:
    case EPERM:
        return MG_EPERM;
    default:
        return MG_EIO;
    }
}

bool dkv_reserved(const char *name)
{
    return strncmp(name, DKV_RESERVED, sizeof DKV_RESERVED - 1) == 0;
}

int dkv_key(const char *key, char canon[KV_KEY_BUF])
{
    int rc = mg_kv_key_normalize(key, canon, KV_KEY_BUF);
    if (rc < 0)
        return MG_EINVAL;
    size_t pos = 0, len;
    const char *seg;
    while (kv_key_next(canon, &pos, &seg, &len))
        if (len >= sizeof DKV_RESERVED - 1 && dkv_reserved(seg))
            return MG_EINVAL;
    return rc;
}

/* Why the walk could not open seg in fd: a file on the way is MG_ENOTDIR,
 * a link or a special file is not part of the store (MG_ENOENT). */
static int walk_error(int fd, const char *seg, int e, bool last)
{
    struct stat st;
    if (fstatat(fd, seg, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return dkv_errno(errno);
    if (S_ISREG(st.st_mode))
        return last ? dkv_errno(e) : MG_ENOTDIR;
    if (S_ISDIR(st.st_mode))
        return dkv_errno(e);
    return MG_ENOENT;
}

/* The walk: each segment opened from the previous one with O_NOFOLLOW. */
static int walk(struct dkv *d, const char *canon, int flags, int *out)
{
    int fd = openat(d->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return dkv_errno(errno);
    char seg[256 + 1];
    size_t pos = 0, len;
    const char *s;
    while (kv_key_next(canon, &pos, &s, &len)) {
        if (len >= sizeof seg) {
            close(fd);
            return MG_ENOENT; /* no host file system has such a name */
        }
        memcpy(seg, s, len);
        seg[len] = '\0';
        size_t next = pos, nlen;
        const char *ns;
        bool last = !kv_key_next(canon, &next, &ns, &nlen);
        int f = last ? flags : O_RDONLY | O_DIRECTORY;
        int nfd = openat(fd, seg, f | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0) {
            int rc = walk_error(fd, seg, errno, last);
            close(fd);
            return rc;
        }
        close(fd);
        fd = nfd;
    }
    if (canon[1] == '\0' && flags != (O_RDONLY | O_DIRECTORY)) {
        /* the root itself, opened with the caller's flags */
        int nfd = openat(fd, ".", flags | O_CLOEXEC);
        close(fd);
        if (nfd < 0)
            return dkv_errno(errno);
        fd = nfd;
    }
    *out = fd;
    return 0;
}

int dkv_open(struct dkv *d, const char *canon, int flags, int *fd)
{
    if (d->closed)
        return MG_ENOTCONN;
    if (!dkv_no_openat2 && !openat2_missing) {
        struct open_how how = {
            .flags = (uint64_t)(flags | O_CLOEXEC),
            .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
        };
        const char *rel = canon[1] ? canon + 1 : ".";
        long r = syscall(SYS_openat2, d->root, rel, &how, sizeof how);
        if (r >= 0) {
            *fd = (int)r;
            return 0;
        }
        if (errno == ENOSYS)
            openat2_missing = true;
        /* A failure is rare: the walk says exactly why. */
    }
    return walk(d, canon, flags, fd);
}

static int classify(const struct stat *s, enum mg_kv_kind *kind)
{
    if (S_ISREG(s->st_mode))
        *kind = MG_KV_VALUE;
    else if (S_ISDIR(s->st_mode))
        *kind = MG_KV_DICTIONARY;
    else
        return MG_ENOENT;
    return 0;
}

int dkv_stat_at(int pfd, const char *name, enum mg_kv_kind *kind, struct stat *st)
{
    struct stat s;
    if (fstatat(pfd, name, &s, AT_SYMLINK_NOFOLLOW) < 0)
        return dkv_errno(errno);
    if (st)
        *st = s;
    return classify(&s, kind);
}

int dkv_stat(struct dkv *d, const char *canon, enum mg_kv_kind *kind, struct stat *st)
{
    int fd;
    /* O_PATH opens without reading: a FIFO does not block it, and a link
     * reached by the walk is opened as itself (then refused). */
    int rc = dkv_open(d, canon, O_PATH, &fd);
    if (rc < 0)
        return rc;
    struct stat s;
    rc = fstat(fd, &s) < 0 ? dkv_errno(errno) : 0;
    close(fd);
    if (rc < 0)
        return rc;
    if (st)
        *st = s;
    return classify(&s, kind);
}

int dkv_parent(struct dkv *d, const char *canon, bool create, int *pfd, const char **name)
{
    const char *last = kv_key_base(canon);
    *name = last;
    size_t plen = (size_t)(last - canon) - 1;
    char parent[KV_KEY_BUF];
    memcpy(parent, canon, plen);
    parent[plen] = '\0';
    if (plen == 0)
        strcpy(parent, "/");
    int rc = dkv_open(d, parent, O_RDONLY | O_DIRECTORY, pfd);
    if (rc != MG_ENOENT || !create)
        return rc;
    /* Make the missing folders, one at a time from the deepest that exists. */
    int fd = openat(d->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return dkv_errno(errno);
    char sofar[KV_KEY_BUF] = "";
    size_t n = 0, pos = 0, len;
    const char *s;
    while (pos < plen && kv_key_next(parent, &pos, &s, &len)) {
        char seg[256 + 1];
        if (len >= sizeof seg) {
            close(fd);
            return MG_EINVAL;
        }
        memcpy(seg, s, len);
        seg[len] = '\0';
        sofar[n] = '/';
        memcpy(sofar + n + 1, s, len);
        n += 1 + len;
        sofar[n] = '\0';
        int nfd = openat(fd, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0 && errno == ENOENT) {
            if (dkv_batching(d) && (rc = dkv_j_created(d, sofar)) < 0) {
                close(fd);
                return rc;
            }
            if (mkdirat(fd, seg, 0777) < 0 && errno != EEXIST) {
                rc = dkv_errno(errno);
                close(fd);
                return rc;
            }
            /* the new entry is durable before anything goes in it */
            if ((rc = dkv_sync(fd)) < 0) {
                close(fd);
                return rc;
            }
            nfd = openat(fd, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (nfd < 0) {
            rc = walk_error(fd, seg, errno, false);
            close(fd);
            return rc;
        }
        close(fd);
        fd = nfd;
    }
    *pfd = fd;
    return 0;
}
