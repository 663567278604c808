/* join.c: awaiting fibers: mg_join, mg_detach, mg_join_all, mg_pick, mg_choose, mg_with_timeout. */
#include <mirage/error.h>

#include "platform.h"
#include "sched.h"

enum until { ALL, ANY };

static bool satisfied(struct mg_fiber *const *fs, size_t n, enum until until)
{
    for (size_t i = 0; i < n; i++) {
        bool done = fs[i]->state == MG_FIBER_DONE;
        if (until == ANY && done)
            return true;
        if (until == ALL && !done)
            return false;
    }
    return until == ALL;
}

/* Wait until all or any of fs have returned, or deadline. 0, or the wait's
 * MG_ETIMEDOUT / MG_ECANCELED. */
static int await(struct mg_fiber *const *fs, size_t n, enum until until, uint64_t deadline,
                 bool cancellable, const char *what)
{
    struct mg_waitq q = MG_WAITQ_INIT;
    while (!satisfied(fs, n, until)) {
        for (size_t i = 0; i < n; i++)
            fs[i]->on_done = &q;
        int rc = mg_sched_park(&q, deadline, what, cancellable);
        for (size_t i = 0; i < n; i++)
            fs[i]->on_done = NULL;
        if (rc != 0 && !satisfied(fs, n, until))
            return rc;
    }
    return 0;
}

/* Cancel every fiber of fs and wait for all, whatever happens to the caller. */
static void cancel_and_await(struct mg_fiber *const *fs, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++)
        mg_cancel(fs[i]);
    await(fs, n, ALL, UINT64_MAX, false, what);
}

static int first_done(struct mg_fiber *const *fs, size_t n)
{
    int first = -1;
    for (size_t i = 0; i < n; i++)
        if (fs[i]->state == MG_FIBER_DONE && (first < 0 || fs[i]->done_seq < fs[first]->done_seq))
            first = (int)i;
    return first;
}

static bool valid(struct mg_fiber *const *fs, size_t n)
{
    struct mg_fiber *self = mg_sched.current;
    for (size_t i = 0; i < n; i++)
        if (!fs[i] || fs[i] == self || fs[i]->detached)
            return false;
    return true;
}

int mg_join(struct mg_fiber *f, int *result)
{
    mg_sched_need_fiber("mg_join");
    if (!valid(&f, 1))
        return MG_EINVAL;
    int rc = await(&f, 1, ALL, UINT64_MAX, true, "mg_join");
    if (rc)
        return rc;
    if (result)
        *result = f->result;
    mg_sched_free(f);
    return 0;
}

void mg_detach(struct mg_fiber *f)
{
    if (!f)
        return;
    if (f->state == MG_FIBER_DONE)
        mg_sched_free(f);
    else
        f->detached = true;
}

int mg_join_all(struct mg_fiber *const *fs, size_t n, int *results)
{
    mg_sched_need_fiber("mg_join_all");
    if (!valid(fs, n))
        return MG_EINVAL;
    int rc = await(fs, n, ALL, UINT64_MAX, true, "mg_join_all");
    if (rc)
        cancel_and_await(fs, n, "mg_join_all");
    for (size_t i = 0; i < n; i++) {
        if (results)
            results[i] = fs[i]->result;
        mg_sched_free(fs[i]);
    }
    return rc;
}

int mg_pick(struct mg_fiber *const *fs, size_t n, int *result)
{
    mg_sched_need_fiber("mg_pick");
    if (n == 0 || !valid(fs, n))
        return MG_EINVAL;
    int rc = await(fs, n, ANY, UINT64_MAX, true, "mg_pick");
    int first = rc ? -1 : first_done(fs, n);
    cancel_and_await(fs, n, "mg_pick");
    if (first >= 0 && result)
        *result = fs[first]->result;
    for (size_t i = 0; i < n; i++)
        mg_sched_free(fs[i]);
    return rc ? rc : first;
}

int mg_choose(struct mg_fiber *const *fs, size_t n, int *result)
{
    mg_sched_need_fiber("mg_choose");
    if (n == 0 || !valid(fs, n))
        return MG_EINVAL;
    int rc = await(fs, n, ANY, UINT64_MAX, true, "mg_choose");
    if (rc)
        return rc;
    int first = first_done(fs, n);
    if (result)
        *result = fs[first]->result;
    mg_sched_free(fs[first]);
    return first;
}

int mg_with_timeout(uint64_t ns, mg_fiber_fn fn, void *arg, int *result)
{
    mg_sched_need_fiber("mg_with_timeout");
    uint64_t now = mg_plat_monotonic_ns();
    uint64_t deadline = ns > UINT64_MAX - 1 - now ? UINT64_MAX - 1 : now + ns;
    struct mg_spawn_opts opts = {0, "with_timeout"};
    struct mg_fiber *f = mg_spawn_opts(fn, arg, &opts);
    if (!f)
        return MG_ENOMEM;
    int rc = await(&f, 1, ALL, deadline, true, "mg_with_timeout");
    if (rc)
        cancel_and_await(&f, 1, "mg_with_timeout");
    else if (result)
        *result = f->result;
    mg_sched_free(f);
    return rc;
}
