/* direct_fs_unix.c: the direct stores' file-system chores: sync, temporaries, tree removal,
 * recovery. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mirage/error.h>

#include "direct_unix.h"

void (*dkv_step_hook)(const char *step);

int dkv_sync(int fd)
{
    while (fsync(fd) < 0) {
        if (errno == EINTR)
            continue;
        /* A folder on a file system that cannot sync folders is not an
         * error: there is nothing more to make durable. */
        if (errno == EINVAL || errno == EROFS)
            return 0;
        return errno == ENOSPC || errno == EDQUOT ? MG_ENOSPC : MG_EIO;
    }
    return 0;
}

int dkv_temp(int pfd, char tmp[DKV_TMP_NAME], int *fd)
{
    static unsigned counter;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    for (int tries = 0; tries < 100; tries++) {
        snprintf(tmp, DKV_TMP_NAME, "%s%ld.%u.%lx", DKV_TMP, (long)getpid(), ++counter,
                 (unsigned long)ts.tv_nsec);
        int f = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (f >= 0) {
            *fd = f;
            return 0;
        }
        if (errno != EEXIST)
            return dkv_errno(errno);
    }
    return MG_EIO;
}

/* A fresh descriptor on folder fd, for a listing from its start. */
static DIR *open_listing(int fd)
{
    int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return NULL;
    DIR *d = fdopendir(dfd);
    if (!d)
        close(dfd);
    return d;
}

/* Delete the files of folder fd; the name of one subfolder (malloc'd) if
 * it has any, else NULL with *rc 0 (or an error). */
static char *empty_files(int fd, int *rc)
{
    *rc = 0;
    DIR *d = open_listing(fd);
    if (!d) {
        *rc = dkv_errno(errno);
        return NULL;
    }
    char *sub = NULL;
    struct dirent *e;
    while (!sub && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            sub = strdup(e->d_name);
            if (!sub)
                *rc = MG_ENOMEM;
        } else if (unlinkat(fd, e->d_name, 0) < 0 && errno != ENOENT) {
            *rc = dkv_errno(errno);
            break;
        }
    }
    closedir(d);
    return sub;
}

int dkv_rm_tree(int pfd, const char *name)
{
    int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : dkv_errno(errno);
    /* Down into the first subfolder until one has none, emptied on the
     * way; remove it from its parent and go on from there. The names of
     * the path are kept on the heap: the depth is the host's. */
    char **names = NULL;
    size_t depth = 0, cap = 0;
    int rc = 0;
    for (;;) {
        char *sub = empty_files(fd, &rc);
        if (rc < 0) {
            free(sub);
            break;
        }
        if (sub) {
            if (depth == cap) {
                size_t c = cap ? cap * 2 : 16;
                char **nn = realloc(names, c * sizeof *nn);
                if (!nn) {
                    rc = MG_ENOMEM;
                    free(sub);
                    break;
                }
                names = nn;
                cap = c;
            }
            int nfd = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (nfd < 0) {
                rc = dkv_errno(errno);
                free(sub);
                break;
            }
            names[depth++] = sub;
            close(fd);
            fd = nfd;
            continue;
        }
        if (depth == 0)
            break;
        int up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (up < 0) {
            rc = dkv_errno(errno);
            break;
        }
        close(fd);
        fd = up;
        depth--;
        if (unlinkat(fd, names[depth], AT_REMOVEDIR) < 0 && errno != ENOENT) {
            rc = dkv_errno(errno);
            free(names[depth]);
            break;
        }
        free(names[depth]);
    }
    while (depth > 0)
        free(names[--depth]);
    free(names);
    close(fd);
    if (rc == 0 && unlinkat(pfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        rc = dkv_errno(errno);
    return rc;
}

/* Remove the temporaries a crash left in every folder of the store. */
static int clean_temporaries(struct dkv *d)
{
    struct kv_entries todo = {0};
    int rc = kv_entries_add(&todo, "/", MG_KV_DICTIONARY);
    for (size_t i = 0; rc == 0 && i < todo.n; i++) {
        int fd;
        if (dkv_open(d, todo.v[i].name, O_RDONLY | O_DIRECTORY, &fd) < 0)
            continue; /* changed under us: nothing of ours to clean there */
        DIR *dir = fdopendir(fd);
        if (!dir) {
            close(fd);
            rc = MG_ENOMEM;
            break;
        }
        struct dirent *e;
        while (rc == 0 && (e = readdir(dir))) {
            const char *name = e->d_name;
            if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
                continue;
            struct stat st;
            if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                continue;
            if (strncmp(name, DKV_TMP, sizeof DKV_TMP - 1) == 0) {
                rc = S_ISDIR(st.st_mode)
                         ? dkv_rm_tree(fd, name)
                         : (unlinkat(fd, name, 0) < 0 && errno != ENOENT ? dkv_errno(errno) : 0);
                continue;
            }
            if (!S_ISDIR(st.st_mode) || dkv_reserved(name))
                continue;
            char sub[KV_KEY_BUF];
            if (kv_key_join(todo.v[i].name, name, sub, sizeof sub) < 0)
                continue; /* too deep to be a key: not part of the store */
            rc = kv_entries_add(&todo, sub, MG_KV_DICTIONARY);
        }
        closedir(dir);
    }
    kv_entries_free(&todo);
    return rc;
}

int dkv_recover(struct dkv *d)
{
    struct stat st;
    if (fstatat(d->root, DKV_BATCH, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        mg_log_warn(&kv_direct_log, "%s: undoing a batch that a crash interrupted",
                    d->base.ro.name);
        int rc = dkv_rollback(d);
        if (rc < 0)
            return rc;
    }
    return clean_temporaries(d);
}
