/* error.h: the error codes every device call returns (0 or a negative MG_E*). */
#ifndef MIRAGE_ERROR_H
#define MIRAGE_ERROR_H

/* Values follow Linux errno numbers, negated, so they read the same in logs. */
#define MG_EPERM (-1)
#define MG_ENOENT (-2)
#define MG_EIO (-5)
#define MG_E2BIG (-7)
#define MG_EBADF (-9)
#define MG_EAGAIN (-11)
#define MG_ENOMEM (-12)
#define MG_EBUSY (-16)
#define MG_EEXIST (-17)
#define MG_ENOTDIR (-20)
#define MG_EISDIR (-21)
#define MG_EINVAL (-22)
#define MG_ENOSPC (-28)
#define MG_EROFS (-30)
#define MG_EPIPE (-32)
#define MG_ERANGE (-34)
#define MG_EDEADLK (-35)
#define MG_ENAMETOOLONG (-36)
#define MG_ENOSYS (-38)
#define MG_ENOTSUP (-95)
#define MG_ECONNRESET (-104)
#define MG_ENOTCONN (-107)
#define MG_ETIMEDOUT (-110)
#define MG_ECONNREFUSED (-111)
#define MG_ECANCELED (-125)

/* A constant description of code ("cancelled", "timed out", ...); never NULL. */
const char *mg_strerror(int code);

#endif
