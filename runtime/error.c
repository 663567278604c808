/* error.c: mg_strerror, the text of each MG_E* code. */
#include <stddef.h>

#include <mirage/error.h>

#include "rt.h"

const char *mg_strerror_known(int code)
{
    switch (code) {
    case 0: return "success";
    case MG_EPERM: return "operation not permitted";
    case MG_ENOENT: return "not found";
    case MG_EIO: return "input/output error";
    case MG_E2BIG: return "too big";
    case MG_EBADF: return "bad descriptor";
    case MG_EAGAIN: return "try again";
    case MG_ENOMEM: return "out of memory";
    case MG_EBUSY: return "busy";
    case MG_EEXIST: return "already exists";
    case MG_ENOTDIR: return "not a directory";
    case MG_EISDIR: return "is a directory";
    case MG_EINVAL: return "invalid argument";
    case MG_ENOSPC: return "no space left";
    case MG_EROFS: return "read-only";
    case MG_EPIPE: return "broken pipe";
    case MG_ERANGE: return "out of range";
    case MG_EDEADLK: return "deadlock";
    case MG_ENAMETOOLONG: return "name too long";
    case MG_ENOSYS: return "not implemented";
    case MG_ENOTSUP: return "not supported";
    case MG_ECONNRESET: return "connection reset";
    case MG_ENOTCONN: return "not connected";
    case MG_ETIMEDOUT: return "timed out";
    case MG_ECONNREFUSED: return "connection refused";
    case MG_ECANCELED: return "cancelled";
    default: return NULL;
    }
}

const char *mg_strerror(int code)
{
    const char *s = mg_strerror_known(code);
    return s ? s : "unknown error";
}
