/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c */
/* libs: -lm */
/* test_fiber.c: fibers: join results, cancellation, pick / choose / with_timeout, stacks, saved FP state. */
#include <fcntl.h>
#include <fenv.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "../../runtime/sched.h"
#include "check.h"
#include "platform.h"

#define MS 1000000ull

#include "fiber_check.h"

static int ret_arg(void *arg) { return (int)(intptr_t)arg; }

static int join_boot(void *arg)
{
    (void)arg;
    struct mg_fiber *f = mg_spawn(ret_arg, (void *)42);
    int r = 0;
    FCHECK(!mg_fiber_done(f));
    FCHECK(mg_join(f, &r) == 0 && r == 42);
    f = mg_spawn(ret_arg, (void *)-7);
    FCHECK(mg_yield() == 0);
    FCHECK(mg_join(f, NULL) == 0); /* already done; result not wanted */
    FCHECK(mg_join(mg_self(), &r) == MG_EINVAL);
    struct mg_spawn_opts o = {0, "named"};
    f = mg_spawn_opts(ret_arg, (void *)1, &o);
    FCHECK(strcmp(mg_fiber_name(f), "named") == 0);
    FCHECK(strcmp(mg_fiber_name(mg_self()), "test") == 0);
    FCHECK(mg_join(f, &r) == 0 && r == 1);
    return 0;
}

static void join_returns_results(void) { RUN(join_boot, NULL); }

/* Cancellation of a fiber in each kind of wait. */
struct victim {
    int how; /* 0 sleep, 1 wait, 2 yield */
    int first, later;
    bool saw_cancelled;
    int yields;
};
static struct mg_waitq vq;

static int victim(void *arg)
{
    struct victim *v = arg;
    if (v->how == 0)
        v->first = mg_sleep_ns(10000 * MS);
    else if (v->how == 1)
        v->first = mg_wait(&vq, UINT64_MAX);
    else
        while ((v->first = mg_yield()) == 0)
            v->yields++;
    v->saw_cancelled = mg_cancelled();
    v->later = mg_sleep_ns(1);
    return 5;
}

static int cancel_boot(void *arg)
{
    struct victim *v = arg;
    struct mg_fiber *f = mg_spawn(victim, v);
    for (int i = 0; i < 3; i++)
        FCHECK(mg_yield() == 0);
    FCHECK(!mg_cancelled());
    mg_cancel(f);
    int r = 0;
    FCHECK(mg_join(f, &r) == 0 && r == 5);
    return 0;
}

static void cancel_in_every_wait(void)
{
    for (int how = 0; how < 3; how++) {
        struct victim v = {how, 1, 1, false, 0};
        uint64_t t0 = mg_clock_monotonic_ns();
        RUN(cancel_boot, &v);
        CHECK(v.first == MG_ECANCELED);
        CHECK(v.later == MG_ECANCELED);
        CHECK(v.saw_cancelled);
        CHECK(mg_clock_monotonic_ns() - t0 < 2000 * MS);
        if (how == 2)
            CHECK(v.yields >= 2);
    }
    CHECK(vq.head == NULL);
}

struct racer {
    uint64_t sleep;
    int ret, rc;
};

static int racer(void *arg)
{
    struct racer *r = arg;
    r->rc = mg_sleep_ns(r->sleep);
    return r->ret;
}

static struct racer rs[3];

static int pick_boot(void *arg)
{
    (void)arg;
    struct mg_fiber *fs[3];
    for (int i = 0; i < 3; i++)
        fs[i] = mg_spawn(racer, &rs[i]);
    int r = 0;
    FCHECK(mg_pick(fs, 3, &r) == 1);
    FCHECK(r == 11);
    return 0;
}

static void pick_cancels_the_losers(void)
{
    rs[0] = (struct racer){10000 * MS, 10, 1};
    rs[1] = (struct racer){1 * MS, 11, 1};
    rs[2] = (struct racer){10000 * MS, 12, 1};
    uint64_t t0 = mg_clock_monotonic_ns();
    RUN(pick_boot, NULL);
    CHECK(rs[1].rc == 0);
    CHECK(rs[0].rc == MG_ECANCELED && rs[2].rc == MG_ECANCELED);
    CHECK(mg_clock_monotonic_ns() - t0 < 2000 * MS);
}

static int choose_boot(void *arg)
{
    (void)arg;
    struct mg_fiber *fs[3];
    for (int i = 0; i < 3; i++)
        fs[i] = mg_spawn(racer, &rs[i]);
    int r = 0;
    FCHECK(mg_choose(fs, 3, &r) == 2 && r == 22);
    struct mg_fiber *rest[2] = {fs[0], fs[1]};
    FCHECK(!mg_fiber_done(fs[0]) && !mg_fiber_done(fs[1]));
    FCHECK(mg_choose(rest, 2, &r) == 1 && r == 21);
    FCHECK(mg_join(fs[0], &r) == 0 && r == 20);
    return 0;
}

static void choose_leaves_the_others(void)
{
    rs[0] = (struct racer){30 * MS, 20, 1};
    rs[1] = (struct racer){15 * MS, 21, 1};
    rs[2] = (struct racer){1 * MS, 22, 1};
    RUN(choose_boot, NULL);
    for (int i = 0; i < 3; i++)
        CHECK(rs[i].rc == 0); /* nobody was cancelled */
}

static int join_all_cancelled_boot(void *arg)
{
    (void)arg;
    struct mg_fiber *fs[2] = {mg_spawn(racer, &rs[0]), mg_spawn(racer, &rs[1])};
    int res[2] = {0, 0};
    FCHECK(mg_join_all(fs, 2, res) == MG_ECANCELED);
    FCHECK(res[0] == 30 && res[1] == 31);
    return 0;
}

static int canceller(void *arg)
{
    mg_sleep_ns(2 * MS);
    mg_cancel(arg);
    return 0;
}

static int outer_boot(void *arg)
{
    struct mg_fiber *inner = mg_spawn(join_all_cancelled_boot, arg);
    struct mg_fiber *c = mg_spawn(canceller, inner);
    FCHECK(mg_join(inner, NULL) == 0);
    FCHECK(mg_join(c, NULL) == 0);
    return 0;
}

static void join_all_cancelled_cancels_and_awaits(void)
{
    rs[0] = (struct racer){10000 * MS, 30, 1};
    rs[1] = (struct racer){10000 * MS, 31, 1};
    uint64_t t0 = mg_clock_monotonic_ns();
    RUN(outer_boot, NULL);
    CHECK(rs[0].rc == MG_ECANCELED && rs[1].rc == MG_ECANCELED);
    CHECK(mg_clock_monotonic_ns() - t0 < 2000 * MS);
}

static int timed_rc;

static int slow_fn(void *arg)
{
    timed_rc = mg_sleep_ns((uint64_t)(uintptr_t)arg);
    return 9;
}

static int timeout_boot(void *arg)
{
    (void)arg;
    int r = 0;
    timed_rc = 1;
    FCHECK(mg_with_timeout(1000 * MS, slow_fn, (void *)(uintptr_t)(1 * MS), &r) == 0 && r == 9);
    FCHECK(timed_rc == 0);
    r = 0;
    timed_rc = 1;
    uint64_t t0 = mg_clock_monotonic_ns();
    FCHECK(mg_with_timeout(10 * MS, slow_fn, (void *)(uintptr_t)(10000 * MS), &r) == MG_ETIMEDOUT);
    uint64_t took = mg_clock_monotonic_ns() - t0;
    FCHECK(took >= 10 * MS && took < 2000 * MS);
    FCHECK(timed_rc == MG_ECANCELED); /* it was cancelled, and awaited */
    FCHECK(r == 0);
    return 0;
}

static void with_timeout_both_ways(void) { RUN(timeout_boot, NULL); }

static int detached_ran;
static int detached_fn(void *arg)
{
    (void)arg;
    mg_sleep_ns(1 * MS);
    detached_ran = 1;
    return 0;
}

static int detach_boot(void *arg)
{
    (void)arg;
    mg_detach(mg_spawn(detached_fn, NULL));
    struct mg_fiber *done = mg_spawn(ret_arg, NULL);
    mg_yield();
    mg_detach(done); /* already finished: freed now */
    return mg_sleep_ns(5 * MS);
}

static void detached_fibers_free_themselves(void)
{
    detached_ran = 0;
    RUN(detach_boot, NULL);
    CHECK(detached_ran == 1);
}

/* About 40 KiB of frames, within the 64 KiB default even under ASan. */
static int deep(int n)
{
    volatile char frame[1024];
    memset((char *)frame, n, sizeof frame);
    if (n == 0)
        return frame[5];
    return deep(n - 1) + frame[7] - n + 1;
}

static int deep_boot(void *arg)
{
    (void)arg;
    FCHECK(deep(36) == 36);
    return 0;
}

static void deep_stack_within_default(void) { RUN(deep_boot, NULL); }

/* The rounding mode lives in MXCSR and the x87 control word, which the
 * switch saves per fiber. */
static int rounding_a(void *arg)
{
    (void)arg;
    fesetround(FE_TOWARDZERO);
    mg_yield();
    FCHECK(fegetround() == FE_TOWARDZERO);
    volatile double x = 2.0;
    FCHECK((float)(x / 3.0) * 3.0f < 2.0f);
    return 0;
}

static int rounding_b(void *arg)
{
    (void)arg;
    FCHECK(fegetround() == FE_TONEAREST);
    fesetround(FE_UPWARD);
    mg_yield();
    FCHECK(fegetround() == FE_UPWARD);
    fesetround(FE_TONEAREST);
    return 0;
}

static int rounding_boot(void *arg)
{
    (void)arg;
    struct mg_fiber *fs[2] = {mg_spawn(rounding_a, NULL), mg_spawn(rounding_b, NULL)};
    FCHECK(mg_join_all(fs, 2, NULL) == 0);
    FCHECK(fegetround() == FE_TONEAREST);
    return 0;
}

static void fp_control_state_is_per_fiber(void)
{
    RUN(rounding_boot, NULL);
    CHECK(fegetround() == FE_TONEAREST);
}

static volatile int overflow_limit = 1 << 30;
static int overflow(int n)
{
    volatile char frame[4096];
    frame[0] = (char)n;
    if (n >= overflow_limit)
        return 0;
    return overflow(n + 1) + frame[0];
}

static int overflow_boot(void *arg)
{
    (void)arg;
    return overflow(0);
}

/* Running off the stack must fault on the guard page, in a child. */
static void stack_overflow_faults(void)
{
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1);
        dup2(fd, 2);
        mg_sched_run(overflow_boot, NULL, "overflow");
        _exit(0);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(!(WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

static const struct check_case cases[] = {
    CASE_ENTRY(join_returns_results),
    CASE_ENTRY(cancel_in_every_wait),
    CASE_ENTRY(pick_cancels_the_losers),
    CASE_ENTRY(choose_leaves_the_others),
    CASE_ENTRY(join_all_cancelled_cancels_and_awaits),
    CASE_ENTRY(with_timeout_both_ways),
    CASE_ENTRY(detached_fibers_free_themselves),
    CASE_ENTRY(deep_stack_within_default),
    CASE_ENTRY(fp_control_state_is_per_fiber),
    CASE_ENTRY(stack_overflow_faults),
};
CHECK_MAIN(cases)
