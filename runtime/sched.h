/* sched.h: the scheduler's private state, shared by the files of the fiber runtime. */
#ifndef MG_RUNTIME_SCHED_H
#define MG_RUNTIME_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/fiber.h>

enum mg_fiber_state {
    MG_FIBER_RUNNABLE, /* on the run queue */
    MG_FIBER_RUNNING,
    MG_FIBER_WAITING, /* parked: on a wait queue, the timer heap, or both */
    MG_FIBER_DONE,
};

#define MG_TIMER_NONE SIZE_MAX /* heap_idx of a fiber without a timer */

struct mg_fiber {
    void *sp; /* saved stack pointer while not running */
    void *stack;
    size_t stack_size;
    void *san_fake; /* AddressSanitizer's state of this stack while switched out */
    mg_fiber_fn fn;
    void *arg;
    int result;
    const char *name;
    unsigned long id;
    enum mg_fiber_state state;
    bool cancelled;
    bool cancellable; /* while waiting: may mg_cancel interrupt the wait? */
    bool detached;
    int wake_reason;       /* what the last wait returns: 0, MG_ETIMEDOUT, MG_ECANCELED */
    const char *waits_in;  /* the waiting call, for the deadlock report */
    struct mg_fiber *run_next;
    struct mg_waitq *wq; /* the queue it is parked on, or NULL */
    struct mg_fiber *wq_next, *wq_prev;
    size_t heap_idx;
    uint64_t deadline, timer_seq;
    struct mg_waitq *on_done; /* woken when the fiber returns (set by whoever awaits it) */
    uint64_t done_seq;        /* order of return, for mg_pick / mg_choose */
    struct mg_fiber *all_next, *all_prev;
};

struct mg_sched {
    struct mg_fiber *current; /* NULL while the scheduler itself runs */
    void *sched_sp;
    const void *main_bottom; /* the scheduler's stack, for AddressSanitizer */
    size_t main_size;
    struct mg_fiber *run_head, *run_tail;
    size_t run_len;
    struct mg_fiber **heap;
    size_t heap_len, heap_cap;
    uint64_t timer_seq, done_seq;
    unsigned long next_id;
    struct mg_fiber *all; /* every fiber not yet freed */
    bool running;
};
extern struct mg_sched mg_sched;

/* Run boot(arg) as the first fiber, called name, and schedule every fiber
 * until boot returns; returns its result (MG_ENOMEM if it could not start).
 * Fibers still alive then are abandoned: unlinked from their queues and
 * freed without running again. Not reentrant. If every fiber is blocked
 * and the platform can wake none, prints the blocked fibers and exits 1. */
int mg_sched_run(mg_fiber_fn boot, void *arg, const char *name);

/* The running fiber; aborts with a message naming call outside a fiber. */
struct mg_fiber *mg_sched_need_fiber(const char *call);
/* Append f to the run queue. */
void mg_sched_enqueue(struct mg_fiber *f);
/* Switch from the running fiber to the scheduler; returns when resumed. */
void mg_sched_suspend(void);
/* Park the running fiber on q (may be NULL) until deadline (UINT64_MAX:
 * none); returns its wake reason. A cancellable park of a cancelled fiber
 * yields once and returns MG_ECANCELED. */
int mg_sched_park(struct mg_waitq *q, uint64_t deadline, const char *what, bool cancellable);
/* Make a waiting fiber runnable; its park returns reason. */
void mg_sched_wake(struct mg_fiber *f, int reason);
/* Take f off its wait queue, if any. */
void mg_sched_waitq_unlink(struct mg_fiber *f);
/* Free a finished (or abandoned) fiber and its stack. */
void mg_sched_free(struct mg_fiber *f);

/* The timer heap, keyed by (deadline, insertion order). */
void mg_timer_insert(struct mg_fiber *f, uint64_t deadline);
void mg_timer_remove(struct mg_fiber *f);
struct mg_fiber *mg_timer_first(void); /* NULL if none */

#endif
