/* fcntl.h: open(), which always fails with ENOSYS (see unistd.h). */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2

int open(const char *path, int flags, ...);

#endif
