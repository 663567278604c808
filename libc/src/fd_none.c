/* fd_none.c: the file-descriptor calls of a system without files: each fails with ENOSYS. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int open(const char *path, int flags, ...)
{
    (void)path, (void)flags;
    errno = ENOSYS;
    return -1;
}

ssize_t read(int fd, void *buf, size_t len)
{
    (void)fd, (void)buf, (void)len;
    errno = ENOSYS;
    return -1;
}

ssize_t write(int fd, const void *buf, size_t len)
{
    (void)fd, (void)buf, (void)len;
    errno = ENOSYS;
    return -1;
}

int close(int fd)
{
    (void)fd;
    errno = ENOSYS;
    return -1;
}

off_t lseek(int fd, off_t off, int whence)
{
    (void)fd, (void)off, (void)whence;
    errno = ENOSYS;
    return -1;
}

off_t lseek64(int fd, off_t off, int whence)
{
    return lseek(fd, off, whence);
}
