/* unistd.h: file-descriptor calls; a unikernel has no files, so they fail with ENOSYS.
 *
 * They exist because prebuilt libraries (BearSSL's system seeder, zlib's gz*
 * functions) reference them: such code links and then reports an error. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <sys/types.h>

ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);
int close(int fd);
off_t lseek(int fd, off_t off, int whence);
off_t lseek64(int fd, off_t off, int whence);

#endif
