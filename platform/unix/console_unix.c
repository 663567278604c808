/* console_unix.c: the console on stdout (buffered) and stdin (readiness through epoll, never O_NONBLOCK). */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <mirage/error.h>
#include <mirage/fiber.h>

#include "platform.h"
#include "unix.h"

/* Output is flushed at every mg_plat_wait, when full, and at exit. */
#define CONSOLE_BUF 8192
static char out[CONSOLE_BUF];
static size_t out_len;

static void write_all(const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            /* Someone else made the shared fd non-blocking: wait for room. */
            struct pollfd pfd = {STDOUT_FILENO, POLLOUT, 0};
            poll(&pfd, 1, -1);
            continue;
        }
        if (n <= 0)
            return; /* closed or broken: output is lost, as the contract allows */
        p += n;
        len -= (size_t)n;
    }
}

void mg_plat_console_flush(void)
{
    size_t len = out_len;
    out_len = 0;
    write_all(out, len);
}

void mg_plat_console_write(const void *buf, size_t len)
{
    if (out_len + len > CONSOLE_BUF)
        mg_plat_console_flush();
    if (len >= CONSOLE_BUF) {
        write_all(buf, len);
        return;
    }
    memcpy(out + out_len, buf, len);
    out_len += len;
}

static struct mg_waitq in_q;
static enum { IN_UNKNOWN, IN_WATCHED, IN_ALWAYS_READY, IN_NONE } in_mode;

/* stdin is shared with the shell: it is polled, not made non-blocking. */
static void in_setup(void)
{
    if (in_mode != IN_UNKNOWN)
        return;
    int rc = mg_unix_watch(STDIN_FILENO, EPOLLIN | EPOLLRDHUP, &in_q);
    if (rc == 0)
        in_mode = IN_WATCHED;
    else if (rc == MG_ENOTSUP)
        in_mode = IN_ALWAYS_READY; /* a regular file or /dev/null */
    else
        in_mode = IN_NONE;
}

long mg_plat_console_read(void *buf, size_t len)
{
    in_setup();
    if (in_mode == IN_NONE)
        return MG_ENOTSUP;
    if (len == 0)
        return 0;
    if (in_mode == IN_WATCHED) {
        struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
        int r;
        while ((r = poll(&pfd, 1, 0)) < 0 && errno == EINTR)
            ;
        if (r <= 0)
            return 0;
    }
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, len)) < 0 && errno == EINTR)
        ;
    if (n > 0)
        return n;
    if (n == 0)
        return -1;
    return errno == EAGAIN ? 0 : mg_unix_error(errno);
}

struct mg_waitq *mg_plat_console_waitq(void)
{
    in_setup();
    return &in_q;
}
