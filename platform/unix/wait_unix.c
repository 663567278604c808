/* wait_unix.c: mg_plat_wait on epoll, and the fd watches device code registers through unix.h. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include <mirage/error.h>
#include <mirage/fiber.h>

#include "platform.h"
#include "unix.h"

struct watch {
    struct mg_waitq *rq, *wq;
    bool on;
};

static struct watch *watches; /* indexed by fd */
static int watches_cap;
static int nwatched;
static int epfd = -1;
static bool no_pwait2; /* the kernel lacks epoll_pwait2: wait in ms, rounded up */

#define EVENTS_MAX 64

static int epoll_fd(void)
{
    if (epfd < 0) {
        epfd = epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0)
            mg_plat_abort("mirage: epoll_create1 failed");
    }
    return epfd;
}

static int watch(int fd, uint32_t events, struct mg_waitq *rq, struct mg_waitq *wq)
{
    if (fd < 0)
        return MG_EBADF;
    if (fd >= watches_cap) {
        int cap = watches_cap ? watches_cap : 64;
        while (cap <= fd)
            cap *= 2;
        struct watch *w = realloc(watches, (size_t)cap * sizeof *w);
        if (!w)
            return MG_ENOMEM;
        memset(w + watches_cap, 0, (size_t)(cap - watches_cap) * sizeof *w);
        watches = w;
        watches_cap = cap;
    }
    struct watch *w = &watches[fd];
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events | EPOLLET;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_fd(), w->on ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0)
        return errno == EPERM ? MG_ENOTSUP : mg_unix_error(errno);
    if (!w->on)
        nwatched++;
    w->rq = rq;
    w->wq = wq;
    w->on = true;
    return 0;
}

int mg_unix_watch(int fd, uint32_t events, struct mg_waitq *q) { return watch(fd, events, q, q); }

int mg_unix_watch_rw(int fd, struct mg_waitq *rq, struct mg_waitq *wq)
{
    return watch(fd, (rq ? EPOLLIN | EPOLLRDHUP : 0) | (wq ? EPOLLOUT : 0), rq, wq);
}

int mg_unix_unwatch(int fd)
{
    if (fd < 0 || fd >= watches_cap || !watches[fd].on)
        return MG_ENOENT;
    /* The fd may already be closed, which removed it from the set. */
    epoll_ctl(epoll_fd(), EPOLL_CTL_DEL, fd, NULL);
    watches[fd] = (struct watch){NULL, NULL, false};
    nwatched--;
    return 0;
}

/* Could a watched fd wake anyone? A watch nobody waits on cannot. */
static bool anyone_waits(void)
{
    for (int fd = 0; fd < watches_cap; fd++) {
        struct watch *w = &watches[fd];
        if (w->on && ((w->rq && w->rq->head) || (w->wq && w->wq->head)))
            return true;
    }
    return false;
}

static void dispatch(const struct epoll_event *evs, int n)
{
    for (int i = 0; i < n; i++) {
        int fd = evs[i].data.fd;
        if (fd < 0 || fd >= watches_cap || !watches[fd].on)
            continue;
        struct watch *w = &watches[fd];
        uint32_t e = evs[i].events;
        if (w->rq && (e & (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
            mg_wake_all(w->rq);
        if (w->wq && (e & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
            mg_wake_all(w->wq);
    }
}

static int epoll_until(uint64_t deadline_ns)
{
    struct epoll_event evs[EVENTS_MAX];
    uint64_t rel = 0;
    if (deadline_ns != UINT64_MAX) {
        uint64_t now = mg_plat_monotonic_ns();
        rel = deadline_ns > now ? deadline_ns - now : 0;
    }
    int n = -1;
    if (!no_pwait2) {
        struct timespec ts = {(time_t)(rel / 1000000000u), (long)(rel % 1000000000u)};
        n = epoll_pwait2(epoll_fd(), evs, EVENTS_MAX, deadline_ns == UINT64_MAX ? NULL : &ts, NULL);
        if (n < 0 && errno == ENOSYS)
            no_pwait2 = true;
    }
    if (no_pwait2) {
        /* Rounded up, so that a timer never fires early. */
        uint64_t ms = (rel + 999999u) / 1000000u;
        int timeout = deadline_ns == UINT64_MAX ? -1 : ms > INT_MAX ? INT_MAX : (int)ms;
        n = epoll_wait(epoll_fd(), evs, EVENTS_MAX, timeout);
    }
    if (n < 0)
        return errno == EINTR ? 0 : mg_unix_error(errno);
    dispatch(evs, n);
    return 0;
}

int mg_plat_wait(uint64_t deadline_ns)
{
    mg_plat_console_flush();
    if (deadline_ns == UINT64_MAX && !anyone_waits())
        return MG_EDEADLK;
    if (nwatched > 0)
        return epoll_until(deadline_ns);
    uint64_t now = mg_plat_monotonic_ns();
    if (deadline_ns <= now)
        return 0;
    struct timespec ts = {(time_t)(deadline_ns / 1000000000u), (long)(deadline_ns % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
    return 0;
}
