/* error.c: mg_strerror, the text of each MG_E* code. */
#include <stddef.h>
#include <string.h>

#include <mirage/error.h>

#include "rt.h"

/* One string, not a switch: GCC makes the switch a table of 126 pointers
 * (1 KB in every image). Each entry is the code's magnitude as one byte,
 * then its text and a NUL; the literal's own NUL ends the list. */
/* clang-format off */
static const char texts[] =
    "\x01" "operation not permitted\0" /* MG_EPERM */
    "\x02" "not found\0" /* MG_ENOENT */
    "\x05" "input/output error\0" /* MG_EIO */
    "\x07" "too big\0" /* MG_E2BIG */
    "\x09" "bad descriptor\0" /* MG_EBADF */
    "\x0b" "try again\0" /* MG_EAGAIN */
    "\x0c" "out of memory\0" /* MG_ENOMEM */
    "\x10" "busy\0" /* MG_EBUSY */
    "\x11" "already exists\0" /* MG_EEXIST */
    "\x14" "not a directory\0" /* MG_ENOTDIR */
    "\x15" "is a directory\0" /* MG_EISDIR */
    "\x16" "invalid argument\0" /* MG_EINVAL */
    "\x1c" "no space left\0" /* MG_ENOSPC */
    "\x1e" "read-only\0" /* MG_EROFS */
    "\x20" "broken pipe\0" /* MG_EPIPE */
    "\x22" "out of range\0" /* MG_ERANGE */
    "\x23" "deadlock\0" /* MG_EDEADLK */
    "\x24" "name too long\0" /* MG_ENAMETOOLONG */
    "\x26" "not implemented\0" /* MG_ENOSYS */
    "\x5f" "not supported\0" /* MG_ENOTSUP */
    "\x68" "connection reset\0" /* MG_ECONNRESET */
    "\x6b" "not connected\0" /* MG_ENOTCONN */
    "\x6e" "timed out\0" /* MG_ETIMEDOUT */
    "\x6f" "connection refused\0" /* MG_ECONNREFUSED */
    "\x7d" "cancelled\0" /* MG_ECANCELED */;
/* clang-format on */

const char *mg_strerror_known(int code)
{
    if (code == 0)
        return "success";
    for (const char *p = texts; *p; p += strlen(p) + 1)
        if (-code == (unsigned char)*p)
            return p + 1;
    return NULL;
}

const char *mg_strerror(int code)
{
    const char *s = mg_strerror_known(code);
    return s ? s : "unknown error";
}
