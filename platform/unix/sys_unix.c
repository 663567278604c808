/* sys_unix.c: the rest of the unix platform: start-up, entropy, environment, exit and abort, errno mapping. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <mirage/error.h>

#include "platform.h"
#include "unix.h"

static void flush_at_exit(void) { mg_plat_console_flush(); }

void mg_unix_init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    /* A peer closing a socket is an error code, not the end of the unikernel. */
    signal(SIGPIPE, SIG_IGN);
    atexit(flush_at_exit);
}

int mg_plat_entropy(void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == ENOSYS ? MG_ENOSYS : mg_unix_error(errno);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

const char *mg_plat_getenv(const char *name) { return getenv(name); }

const char *mg_plat_name(void) { return "unix"; }

_Noreturn void mg_plat_exit(int status)
{
    mg_plat_console_flush();
    exit(status);
}

_Noreturn void mg_plat_abort(const char *msg)
{
    mg_plat_console_flush();
    mg_plat_console_write(msg, strlen(msg));
    mg_plat_console_write("\n", 1);
    mg_plat_console_flush();
    abort();
}

int mg_unix_error(int err)
{
    switch (err) {
    case EPERM: return MG_EPERM;
    case ENOENT: return MG_ENOENT;
    case E2BIG: return MG_E2BIG;
    case EBADF: return MG_EBADF;
    case EAGAIN: return MG_EAGAIN;
    case ENOMEM: return MG_ENOMEM;
    case EBUSY: return MG_EBUSY;
    case EEXIST: return MG_EEXIST;
    case ENOTDIR: return MG_ENOTDIR;
    case EISDIR: return MG_EISDIR;
    case EINVAL: return MG_EINVAL;
    case ENOSPC: return MG_ENOSPC;
    case EROFS: return MG_EROFS;
    case EPIPE: return MG_EPIPE;
    case ERANGE: return MG_ERANGE;
    case EDEADLK: return MG_EDEADLK;
    case ENAMETOOLONG: return MG_ENAMETOOLONG;
    case ENOSYS: return MG_ENOSYS;
    case EOPNOTSUPP: return MG_ENOTSUP;
    case ECONNRESET: return MG_ECONNRESET;
    case ENOTCONN: return MG_ENOTCONN;
    case ETIMEDOUT: return MG_ETIMEDOUT;
    case ECONNREFUSED: return MG_ECONNREFUSED;
    case ECANCELED: return MG_ECANCELED;
    default: return MG_EIO;
    }
}
