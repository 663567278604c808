/* wait.c: parking and waking fibers: wait queues, sleeping, yielding, cancellation. */
#include <mirage/error.h>

#include "platform.h"
#include "sched.h"

static void waitq_push(struct mg_waitq *q, struct mg_fiber *f)
{
    f->wq = q;
    f->wq_next = NULL;
    f->wq_prev = q->tail;
    if (q->tail)
        q->tail->wq_next = f;
    else
        q->head = f;
    q->tail = f;
}

void mg_sched_waitq_unlink(struct mg_fiber *f)
{
    struct mg_waitq *q = f->wq;
    if (!q)
        return;
    if (f->wq_prev)
        f->wq_prev->wq_next = f->wq_next;
    else
        q->head = f->wq_next;
    if (f->wq_next)
        f->wq_next->wq_prev = f->wq_prev;
    else
        q->tail = f->wq_prev;
    f->wq = NULL;
    f->wq_next = f->wq_prev = NULL;
}

int mg_sched_park(struct mg_waitq *q, uint64_t deadline, const char *what, bool cancellable)
{
    struct mg_fiber *self = mg_sched_need_fiber(what);
    if (cancellable && self->cancelled) {
        /* Still a scheduling point, so a loop that ignores the result
         * cannot starve everyone else. */
        mg_sched_enqueue(self);
        mg_sched_suspend();
        return MG_ECANCELED;
    }
    if (q)
        waitq_push(q, self);
    if (deadline != UINT64_MAX)
        mg_timer_insert(self, deadline);
    self->state = MG_FIBER_WAITING;
    self->cancellable = cancellable;
    self->waits_in = what;
    self->wake_reason = 0;
    mg_sched_suspend();
    /* Cancelled after a wake-up made it runnable: the cancel still wins, so
     * the caller cannot go on with state its canceller has since freed. */
    if (cancellable && self->cancelled)
        return MG_ECANCELED;
    return self->wake_reason;
}

void mg_sched_wake(struct mg_fiber *f, int reason)
{
    if (f->state != MG_FIBER_WAITING)
        return;
    mg_sched_waitq_unlink(f);
    mg_timer_remove(f);
    f->wake_reason = reason;
    f->waits_in = NULL;
    mg_sched_enqueue(f);
}

int mg_wait(struct mg_waitq *q, uint64_t deadline_ns)
{
    return mg_sched_park(q, deadline_ns, "mg_wait", true);
}

int mg_wake_one(struct mg_waitq *q)
{
    if (!q->head)
        return 0;
    mg_sched_wake(q->head, 0);
    return 1;
}

int mg_wake_all(struct mg_waitq *q)
{
    int n = 0;
    while (q->head) {
        mg_sched_wake(q->head, 0);
        n++;
    }
    return n;
}

int mg_sleep_until_ns(uint64_t deadline_ns)
{
    int rc = mg_sched_park(NULL, deadline_ns, "mg_sleep", true);
    return rc == MG_ETIMEDOUT ? 0 : rc;
}

int mg_sleep_ns(uint64_t ns)
{
    uint64_t now = mg_plat_monotonic_ns();
    uint64_t deadline = ns > UINT64_MAX - 1 - now ? UINT64_MAX - 1 : now + ns;
    return mg_sleep_until_ns(deadline);
}

int mg_yield(void)
{
    struct mg_fiber *self = mg_sched_need_fiber("mg_yield");
    mg_sched_enqueue(self);
    mg_sched_suspend();
    return self->cancelled ? MG_ECANCELED : 0;
}

void mg_cancel(struct mg_fiber *f)
{
    if (!f || f->state == MG_FIBER_DONE)
        return;
    f->cancelled = true;
    if (f->state == MG_FIBER_WAITING && f->cancellable)
        mg_sched_wake(f, MG_ECANCELED);
}

bool mg_cancelled(void) { return mg_sched.current && mg_sched.current->cancelled; }
