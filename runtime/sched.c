/* sched.c: fibers and the scheduler loop: spawn, switch, run queue, timers firing, deadlock report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/log.h>

#include "ctx.h"
#include "platform.h"
#include "san.h"
#include "sched.h"

struct mg_sched mg_sched;

/* Stacks of the default size are kept for reuse: spawning per connection
 * or per request must not cost two system calls each time. */
#define STACK_CACHE_MAX 16
static void *stack_cache[STACK_CACHE_MAX];
static size_t stack_cache_len, stack_cache_size;

static void *stack_get(size_t *size)
{
    if (*size == stack_cache_size && stack_cache_len > 0)
        return stack_cache[--stack_cache_len];
    size_t want = *size;
    void *s = mg_plat_stack_alloc(size);
    if (s && want == MG_FIBER_STACK_DEFAULT && stack_cache_size == 0)
        stack_cache_size = *size;
    return s;
}

static void stack_put(void *stack, size_t size)
{
    mg_san_stack_release(stack, size);
    if (size == stack_cache_size && stack_cache_len < STACK_CACHE_MAX)
        stack_cache[stack_cache_len++] = stack;
    else
        mg_plat_stack_free(stack, size);
}

struct mg_fiber *mg_sched_need_fiber(const char *call)
{
    if (!mg_sched.current) {
        char msg[128];
        snprintf(msg, sizeof msg, "mirage: %s called outside a fiber", call);
        mg_plat_abort(msg);
    }
    return mg_sched.current;
}

void mg_sched_enqueue(struct mg_fiber *f)
{
    f->state = MG_FIBER_RUNNABLE;
    f->run_next = NULL;
    if (mg_sched.run_tail)
        mg_sched.run_tail->run_next = f;
    else
        mg_sched.run_head = f;
    mg_sched.run_tail = f;
    mg_sched.run_len++;
}

static struct mg_fiber *dequeue(void)
{
    struct mg_fiber *f = mg_sched.run_head;
    if (f) {
        mg_sched.run_head = f->run_next;
        if (!mg_sched.run_head)
            mg_sched.run_tail = NULL;
        mg_sched.run_len--;
        f->run_next = NULL;
    }
    return f;
}

void mg_sched_suspend(void)
{
    struct mg_fiber *f = mg_sched.current;
    bool finished = f->state == MG_FIBER_DONE;
    mg_san_switch_begin(finished ? NULL : &f->san_fake, mg_sched.main_bottom, mg_sched.main_size);
    mg_ctx_switch(&f->sp, mg_sched.sched_sp);
    mg_san_switch_end(f->san_fake, NULL, NULL);
}

static void fiber_entry(void)
{
    mg_san_switch_end(NULL, &mg_sched.main_bottom, &mg_sched.main_size);
    struct mg_fiber *f = mg_sched.current;
    f->result = f->fn(f->arg);
    f->state = MG_FIBER_DONE;
    f->done_seq = ++mg_sched.done_seq;
    if (f->on_done)
        mg_wake_all(f->on_done);
    mg_sched_suspend();
    mg_plat_abort("mirage: a finished fiber was resumed");
}

struct mg_fiber *mg_spawn_opts(mg_fiber_fn fn, void *arg, const struct mg_spawn_opts *opts)
{
    size_t size = opts && opts->stack_size ? opts->stack_size : MG_FIBER_STACK_DEFAULT;
    struct mg_fiber *f = malloc(sizeof *f);
    if (!f)
        return NULL;
    memset(f, 0, sizeof *f);
    f->stack = stack_get(&size);
    if (!f->stack) {
        free(f);
        return NULL;
    }
    f->stack_size = size;
    f->sp = mg_ctx_init(f->stack, size, fiber_entry);
    f->fn = fn;
    f->arg = arg;
    f->name = opts ? opts->name : NULL;
    f->id = ++mg_sched.next_id;
    f->heap_idx = MG_TIMER_NONE;
    f->all_next = mg_sched.all;
    if (mg_sched.all)
        mg_sched.all->all_prev = f;
    mg_sched.all = f;
    mg_sched_enqueue(f);
    return f;
}

struct mg_fiber *mg_spawn(mg_fiber_fn fn, void *arg) { return mg_spawn_opts(fn, arg, NULL); }

void mg_sched_free(struct mg_fiber *f)
{
    mg_sched_waitq_unlink(f);
    mg_timer_remove(f);
    if (f->all_prev)
        f->all_prev->all_next = f->all_next;
    else
        mg_sched.all = f->all_next;
    if (f->all_next)
        f->all_next->all_prev = f->all_prev;
    stack_put(f->stack, f->stack_size);
    free(f);
}

struct mg_fiber *mg_self(void) { return mg_sched.current; }

const char *mg_fiber_name(const struct mg_fiber *f)
{
    if (!f)
        return "scheduler";
    return f->name ? f->name : "fiber";
}

bool mg_fiber_done(const struct mg_fiber *f) { return f->state == MG_FIBER_DONE; }

static void run(struct mg_fiber *f)
{
    void *fake = NULL;
    mg_sched.current = f;
    f->state = MG_FIBER_RUNNING;
    mg_san_switch_begin(&fake, f->stack, f->stack_size);
    mg_ctx_switch(&mg_sched.sched_sp, f->sp);
    mg_san_switch_end(fake, NULL, NULL);
    mg_sched.current = NULL;
    if (f->state == MG_FIBER_DONE && f->detached)
        mg_sched_free(f);
}

static void fire_timers(void)
{
    struct mg_fiber *f = mg_timer_first();
    if (!f)
        return;
    uint64_t now = mg_plat_monotonic_ns();
    while ((f = mg_timer_first()) && f->deadline <= now)
        mg_sched_wake(f, MG_ETIMEDOUT);
}

static void say(const char *s) { mg_plat_console_write(s, strlen(s)); }

_Noreturn static void deadlock(void)
{
    char line[256];
    say("mirage: deadlock: every fiber is blocked and nothing can wake one\n");
    for (struct mg_fiber *f = mg_sched.all; f; f = f->all_next) {
        if (f->state != MG_FIBER_WAITING)
            continue;
        snprintf(line, sizeof line, "mirage:   fiber %lu '%s' waits in %s\n", f->id, mg_fiber_name(f),
                 f->waits_in ? f->waits_in : "?");
        say(line);
    }
    mg_log_dump_ring();
    mg_plat_exit(1);
}

int mg_sched_run(mg_fiber_fn boot_fn, void *arg, const char *name)
{
    if (mg_sched.running)
        mg_plat_abort("mirage: the scheduler was started twice");
    struct mg_spawn_opts opts = {0, name};
    struct mg_fiber *boot = mg_spawn_opts(boot_fn, arg, &opts);
    if (!boot)
        return MG_ENOMEM;
    mg_sched.running = true;
    while (boot->state != MG_FIBER_DONE) {
        fire_timers();
        if (!mg_sched.run_head) {
            struct mg_fiber *t = mg_timer_first();
            int rc = mg_plat_wait(t ? t->deadline : UINT64_MAX);
            if (rc == MG_EDEADLK && !mg_sched.run_head && !mg_timer_first())
                deadlock();
            continue;
        }
        /* Only the fibers queued now: a fiber that yields in a loop must
         * not keep timers and I/O from being looked at. */
        for (size_t n = mg_sched.run_len; n > 0 && mg_sched.run_head; n--)
            run(dequeue());
        if (boot->state != MG_FIBER_DONE)
            mg_plat_wait(0);
    }
    int result = boot->result;
    /* Unlink first: a queue may live on the stack of another abandoned fiber. */
    for (struct mg_fiber *f = mg_sched.all; f; f = f->all_next) {
        mg_sched_waitq_unlink(f);
        mg_timer_remove(f);
    }
    while (mg_sched.all)
        mg_sched_free(mg_sched.all);
    mg_sched.run_head = mg_sched.run_tail = NULL;
    mg_sched.run_len = 0;
    mg_sched.running = false;
    return result;
}
