/* fiber.h: cooperative fibers on one core, the C counterpart of Lwt.
 *
 * Every call that waits suspends only the calling fiber; the scheduler runs
 * the others and, when none can run, asks the platform to wait for I/O until
 * the next timer. There are no threads and no locks: code between two
 * waiting calls runs alone.
 *
 * Cancellation is cooperative, as with Lwt: mg_cancel(f) marks f and wakes
 * it if it is waiting; the waiting call returns MG_ECANCELED, and so does
 * every later waiting call of f. A fiber sees it with mg_cancelled().
 */
#ifndef MIRAGE_FIBER_H
#define MIRAGE_FIBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mg_fiber;
typedef int (*mg_fiber_fn)(void *arg);

/* Default stack of a fiber: enough for formatted logging and device code. */
#define MG_FIBER_STACK_DEFAULT (64u * 1024u)

struct mg_spawn_opts {
    size_t stack_size; /* 0: MG_FIBER_STACK_DEFAULT */
    const char *name;  /* for logs and traps; not copied */
};

/* Start fn(arg) in a new fiber, runnable after the caller's next wait or
 * yield. Returns NULL when memory runs out. The fiber must be joined
 * (mg_join, mg_join_all, mg_pick, mg_choose) or detached. */
struct mg_fiber *mg_spawn(mg_fiber_fn fn, void *arg);
struct mg_fiber *mg_spawn_opts(mg_fiber_fn fn, void *arg, const struct mg_spawn_opts *opts);

/* The running fiber. */
struct mg_fiber *mg_self(void);
const char *mg_fiber_name(const struct mg_fiber *f);

/* Let the other runnable fibers run. 0, or MG_ECANCELED if cancelled. */
int mg_yield(void);

/* Sleep ns nanoseconds of the monotonic clock. 0, or MG_ECANCELED. */
int mg_sleep_ns(uint64_t ns);
/* Sleep until the monotonic clock reads deadline_ns. 0, or MG_ECANCELED. */
int mg_sleep_until_ns(uint64_t deadline_ns);

/* Wait for f to return, store its result in *result (if not NULL) and free
 * f. Returns 0, or MG_ECANCELED if the caller was cancelled while waiting
 * (f is then left running and still to be joined). */
int mg_join(struct mg_fiber *f, int *result);

/* Let f run on and free itself when it returns. */
void mg_detach(struct mg_fiber *f);

/* Ask f to stop (see above). Cancelling a finished fiber does nothing. */
void mg_cancel(struct mg_fiber *f);
bool mg_cancelled(void);
bool mg_fiber_done(const struct mg_fiber *f);

/* Lwt.join: wait for all n fibers, free them; results[i] (if results is
 * not NULL) gets fs[i]'s result. 0, or MG_ECANCELED (all still joined
 * before returning: the fibers are cancelled and awaited). */
int mg_join_all(struct mg_fiber *const *fs, size_t n, int *results);

/* Lwt.pick: wait for the first of n fibers to return, cancel the others
 * and wait for them too; all are freed. Returns the index of the first,
 * with its result in *result, or MG_ECANCELED. */
int mg_pick(struct mg_fiber *const *fs, size_t n, int *result);

/* Lwt.choose: wait for the first of n fibers to return and free it; the
 * others run on, still owned by the caller. Returns its index (result in
 * *result), or MG_ECANCELED. */
int mg_choose(struct mg_fiber *const *fs, size_t n, int *result);

/* Run fn(arg) in a fiber for at most ns nanoseconds. Returns 0 with fn's
 * result in *result, or MG_ETIMEDOUT after cancelling it and waiting for it
 * to stop, or MG_ECANCELED, or MG_ENOMEM. */
int mg_with_timeout(uint64_t ns, mg_fiber_fn fn, void *arg, int *result);

/* A wait queue: device and platform code park fibers here until an event.
 * Zero-initialised is empty. */
struct mg_waitq {
    struct mg_fiber *head, *tail;
};
#define MG_WAITQ_INIT {NULL, NULL}

/* Park the caller on q until woken or until the monotonic deadline
 * (UINT64_MAX: none). 0 if woken, MG_ETIMEDOUT, or MG_ECANCELED. */
int mg_wait(struct mg_waitq *q, uint64_t deadline_ns);
/* Make the first (or every) fiber parked on q runnable. Safe to call from
 * any code, including the platform's event dispatch. Returns how many. */
int mg_wake_one(struct mg_waitq *q);
int mg_wake_all(struct mg_waitq *q);

#endif
