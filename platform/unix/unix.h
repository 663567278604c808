/* unix.h: the unix platform's internal API, for device code of the unix target (sockets, files, tap).
 *
 * Readiness is edge-triggered: a device reads or writes its non-blocking fd
 * until the call fails with EAGAIN, and only then waits on the fd's queue
 * (mg_wait); mg_plat_wait wakes the queue when the fd becomes ready again.
 */
#ifndef MIRAGE_PLATFORM_UNIX_H
#define MIRAGE_PLATFORM_UNIX_H

#include <stdint.h>

struct mg_waitq;

/* Once at start-up (main calls it; tests may too): ignores SIGPIPE and
 * makes sure the console is flushed at exit. Idempotent. */
void mg_unix_init(void);

/* Watch fd for events (EPOLLIN, EPOLLOUT, ...; EPOLLERR and EPOLLHUP are
 * always reported) and wake every fiber parked on q when one occurs. One
 * watch per fd: watching it again replaces the previous watch. q must live
 * until mg_unix_unwatch. 0, MG_ENOTSUP for an fd that cannot be polled
 * (a regular file: always ready), or MG_E* from epoll. */
int mg_unix_watch(int fd, uint32_t events, struct mg_waitq *q);
/* The same with one queue for input (EPOLLIN) and one for output
 * (EPOLLOUT); errors and hang-ups wake both. Either may be NULL. */
int mg_unix_watch_rw(int fd, struct mg_waitq *rq, struct mg_waitq *wq);
/* Stop watching fd (call before closing it). 0, or MG_ENOENT if not watched. */
int mg_unix_unwatch(int fd);

/* The negative MG_E* code for an errno value (MG_EIO when none fits). */
int mg_unix_error(int err);

#endif
