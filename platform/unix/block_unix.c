/* block_unix.c: the unix platform's block devices: files named relative to the current folder. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mirage/error.h>

#include "platform.h"
#include "unix.h"

#define BLK_SECTOR 512u
/* One pread/pwrite moves at most this much: Linux stops at 2 GiB - 4 KiB
 * anyway, and a count above SSIZE_MAX is undefined. */
#define BLK_CHUNK (1u << 30)

struct blk_dev {
    char *name;
    int fd;
    uint64_t capacity;
    bool read_only;
};

/* Open devices; a handle is an index. Names are opened once: a second open
 * of a name gives the same handle, as a tender's attached device would. */
static struct blk_dev *devs;
static size_t ndevs;

static int open_file(const char *name, bool *read_only)
{
    int fd;
    do
        fd = open(name, O_RDWR | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    *read_only = false;
    if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
        do
            fd = open(name, O_RDONLY | O_CLOEXEC);
        while (fd < 0 && errno == EINTR);
        *read_only = true;
    }
    return fd < 0 ? mg_unix_error(errno) : fd;
}

int mg_plat_block_open(const char *name, int *handle, struct mg_plat_block_info *info)
{
    if (!name || !*name)
        return MG_ENOENT;
    for (size_t i = 0; i < ndevs; i++) {
        if (strcmp(devs[i].name, name) == 0) {
            *handle = (int)i;
            info->capacity = devs[i].capacity;
            info->sector_size = BLK_SECTOR;
            info->read_only = devs[i].read_only;
            return 0;
        }
    }
    bool ro;
    int fd = open_file(name, &ro);
    if (fd < 0)
        return fd;
    struct stat st;
    int rc = 0;
    off_t end = -1;
    if (fstat(fd, &st) < 0)
        rc = mg_unix_error(errno);
    else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        rc = MG_EINVAL;                          /* a directory, a FIFO, a terminal: not a disk */
    else if ((end = lseek(fd, 0, SEEK_END)) < 0) /* a host block device's size too */
        rc = mg_unix_error(errno);
    struct blk_dev *grown = NULL;
    char *copy = NULL;
    if (rc == 0 && (ndevs >= (size_t)INT32_MAX || !(copy = strdup(name)) ||
                    !(grown = realloc(devs, (ndevs + 1) * sizeof *devs))))
        rc = MG_ENOMEM;
    if (rc < 0) {
        free(copy);
        close(fd);
        return rc;
    }
    devs = grown;
    /* A tail shorter than a sector is not part of the disk. */
    devs[ndevs] = (struct blk_dev){copy, fd, (uint64_t)end / BLK_SECTOR * BLK_SECTOR, ro};
    *handle = (int)ndevs++;
    info->capacity = devs[*handle].capacity;
    info->sector_size = BLK_SECTOR;
    info->read_only = ro;
    return 0;
}

/* The device of handle if [sector, sector + n) is inside it, else NULL. */
static struct blk_dev *dev_range(int handle, uint64_t sector, uint64_t n)
{
    if (handle < 0 || (size_t)handle >= ndevs)
        return NULL;
    struct blk_dev *d = &devs[handle];
    uint64_t sectors = d->capacity / BLK_SECTOR;
    if (sector > sectors || n > sectors - sector)
        return NULL;
    return d;
}

int mg_plat_block_read(int handle, uint64_t sector, void *buf, uint64_t n)
{
    if (handle < 0 || (size_t)handle >= ndevs)
        return MG_EBADF; /* as spt and hvt say */
    struct blk_dev *d = dev_range(handle, sector, n);
    if (!d)
        return MG_EINVAL;
    char *p = buf;
    uint64_t off = sector * BLK_SECTOR, left = n * BLK_SECTOR;
    while (left > 0) {
        ssize_t got = pread(d->fd, p, left < BLK_CHUNK ? left : BLK_CHUNK, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) /* an error, or the file shrank under us */
            return MG_EIO;
        p += got;
        off += (uint64_t)got;
        left -= (uint64_t)got;
    }
    return 0;
}

int mg_plat_block_write(int handle, uint64_t sector, const void *buf, uint64_t n)
{
    if (handle < 0 || (size_t)handle >= ndevs)
        return MG_EBADF; /* as spt and hvt say */
    struct blk_dev *d = dev_range(handle, sector, n);
    if (!d)
        return MG_EINVAL;
    if (d->read_only)
        return MG_EROFS;
    const char *p = buf;
    uint64_t off = sector * BLK_SECTOR, left = n * BLK_SECTOR;
    while (left > 0) {
        ssize_t put = pwrite(d->fd, p, left < BLK_CHUNK ? left : BLK_CHUNK, (off_t)off);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return MG_EIO;
        p += put;
        off += (uint64_t)put;
        left -= (uint64_t)put;
    }
    return 0;
}

int mg_plat_block_flush(int handle)
{
    if (handle < 0 || (size_t)handle >= ndevs)
        return MG_EIO;
    while (fdatasync(devs[handle].fd) < 0)
        if (errno != EINTR)
            return MG_EIO;
    return 0;
}
