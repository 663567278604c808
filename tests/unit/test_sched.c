/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c */
/* test_sched.c: the scheduler: FIFO order, timers, sleeping, wait queues, deadlock detection. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/random.h>

#include "../../runtime/sched.h"
#include "check.h"
#include "platform.h"

#define MS 1000000ull

#include "fiber_check.h"

static char trace[256];
static void note(const char *s) { strncat(trace, s, sizeof trace - strlen(trace) - 1); }

static int fifo_worker(void *arg)
{
    const char *name = arg;
    char s[8];
    snprintf(s, sizeof s, "%s1 ", name);
    note(s);
    FCHECK(mg_yield() == 0);
    snprintf(s, sizeof s, "%s2 ", name);
    note(s);
    return 0;
}

static int fifo_boot(void *arg)
{
    (void)arg;
    note("boot ");
    struct mg_fiber *fs[3] = {mg_spawn(fifo_worker, "a"), mg_spawn(fifo_worker, "b"),
                              mg_spawn(fifo_worker, "c")};
    note("spawned ");
    FCHECK(mg_join_all(fs, 3, NULL) == 0);
    note("joined");
    return 0;
}

static void fifo_order(void)
{
    trace[0] = 0;
    RUN(fifo_boot, NULL);
    CHECK_EQ_STR(trace, "boot spawned a1 b1 c1 a2 b2 c2 joined");
}

struct sleeper {
    uint64_t ns, deadline, woke;
    int rc;
};
static int order[8], norder;

static int sleeper(void *arg)
{
    struct sleeper *s = arg;
    s->deadline = mg_clock_monotonic_ns() + s->ns;
    s->rc = mg_sleep_ns(s->ns);
    s->woke = mg_clock_monotonic_ns();
    order[norder++] = (int)(s->ns / MS);
    return 0;
}

static int timers_boot(void *arg)
{
    struct sleeper *ss = arg;
    struct mg_fiber *fs[5];
    for (int i = 0; i < 5; i++)
        fs[i] = mg_spawn(sleeper, &ss[i]);
    FCHECK(mg_join_all(fs, 5, NULL) == 0);
    return 0;
}

static void timers_fire_in_order_never_early(void)
{
    struct sleeper ss[5] = {{30 * MS}, {10 * MS}, {50 * MS}, {20 * MS}, {40 * MS}};
    norder = 0;
    RUN(timers_boot, ss);
    CHECK(norder == 5);
    for (int i = 0; i < 5; i++) {
        CHECK(order[i] == 10 * (i + 1));
        CHECK(ss[i].rc == 0);
        CHECK(ss[i].woke >= ss[i].deadline);
    }
}

static int zero_other(void *arg)
{
    (void)arg;
    note("other ");
    return 0;
}

static int sleep_zero_boot(void *arg)
{
    (void)arg;
    struct mg_fiber *f = mg_spawn(zero_other, NULL);
    note("before ");
    FCHECK(mg_sleep_ns(0) == 0);
    note("after ");
    FCHECK(mg_join(f, NULL) == 0);
    return 0;
}

static void sleep_zero_lets_others_run(void)
{
    trace[0] = 0;
    RUN(sleep_zero_boot, NULL);
    CHECK_EQ_STR(trace, "before other after ");
}

static struct mg_waitq q;
static int waiter_rcs[3];

static int waiter(void *arg)
{
    int i = (int)(intptr_t)arg;
    waiter_rcs[i] = mg_wait(&q, UINT64_MAX);
    char s[4] = {(char)('0' + i), ' ', 0};
    note(s);
    return 0;
}

static int waitq_boot(void *arg)
{
    (void)arg;
    struct mg_fiber *fs[3];
    for (int i = 0; i < 3; i++)
        fs[i] = mg_spawn(waiter, (void *)(intptr_t)i);
    FCHECK(mg_yield() == 0); /* all three park */
    FCHECK(mg_wake_one(&q) == 1);
    FCHECK(mg_yield() == 0);
    note("| ");
    FCHECK(mg_wake_all(&q) == 2);
    FCHECK(mg_wake_all(&q) == 0);
    FCHECK(mg_join_all(fs, 3, NULL) == 0);

    /* A deadline with nobody to wake: MG_ETIMEDOUT, not early. */
    uint64_t t0 = mg_clock_monotonic_ns();
    FCHECK(mg_wait(&q, t0 + 20 * MS) == MG_ETIMEDOUT);
    FCHECK(mg_clock_monotonic_ns() >= t0 + 20 * MS);
    FCHECK(q.head == NULL && q.tail == NULL);
    return 0;
}

static void wait_queues_fifo_and_deadlines(void)
{
    trace[0] = 0;
    memset(&q, 0, sizeof q);
    RUN(waitq_boot, NULL);
    CHECK_EQ_STR(trace, "0 | 1 2 ");
    for (int i = 0; i < 3; i++)
        CHECK(waiter_rcs[i] == 0);
}

static int late_waker(void *arg)
{
    (void)arg;
    mg_sleep_ns(5 * MS);
    return mg_wake_one(&q);
}

static int woken_before_deadline_boot(void *arg)
{
    (void)arg;
    struct mg_fiber *f = mg_spawn(late_waker, NULL);
    uint64_t t0 = mg_clock_monotonic_ns();
    FCHECK(mg_wait(&q, t0 + 5000 * MS) == 0);
    FCHECK(mg_clock_monotonic_ns() - t0 < 2000 * MS);
    int woke = 0;
    FCHECK(mg_join(f, &woke) == 0 && woke == 1);
    return 0;
}

static void wait_woken_before_deadline(void)
{
    memset(&q, 0, sizeof q);
    RUN(woken_before_deadline_boot, NULL);
}

#define NFIBERS 1000
static struct sleeper many[NFIBERS];

static int many_sleeper(void *arg)
{
    struct sleeper *s = arg;
    s->deadline = mg_clock_monotonic_ns() + s->ns;
    s->rc = mg_sleep_ns(s->ns);
    s->woke = mg_clock_monotonic_ns();
    return (int)(s - many);
}

static int many_boot(void *arg)
{
    (void)arg;
    static struct mg_fiber *fs[NFIBERS];
    static int results[NFIBERS];
    for (int i = 0; i < NFIBERS; i++) {
        many[i].ns = mg_random_uniform(20 * MS);
        fs[i] = mg_spawn(many_sleeper, &many[i]);
        FCHECK(fs[i] != NULL);
    }
    FCHECK(mg_join_all(fs, NFIBERS, results) == 0);
    for (int i = 0; i < NFIBERS; i++)
        FCHECK(results[i] == i);
    return 0;
}

static void thousand_fibers_sleep_and_join(void)
{
    uint64_t t0 = mg_clock_monotonic_ns();
    RUN(many_boot, NULL);
    for (int i = 0; i < NFIBERS; i++) {
        CHECK(many[i].rc == 0);
        CHECK(many[i].woke >= many[i].deadline);
    }
    CHECK(mg_clock_monotonic_ns() - t0 < 5000 * MS);
}

/* Deadlock: run in a child, whose console goes to a pipe. */
static int stuck(void *arg)
{
    (void)arg;
    static struct mg_waitq never;
    return mg_wait(&never, UINT64_MAX);
}

static int deadlock_boot(void *arg)
{
    (void)arg;
    struct mg_spawn_opts o = {0, "stuck-fiber"};
    struct mg_fiber *f = mg_spawn_opts(stuck, NULL, &o);
    mg_join(f, NULL);
    return 0;
}

static void deadlock_is_reported(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        mg_sched_run(deadlock_boot, NULL, "boot");
        _exit(99); /* not reached: the deadlock ends the process */
    }
    close(p[1]);
    char buf[2048];
    size_t len = 0;
    ssize_t n;
    while ((n = read(p[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = 0;
    close(p[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    CHECK(strstr(buf, "deadlock") != NULL);
    CHECK(strstr(buf, "'stuck-fiber' waits in mg_wait") != NULL);
    CHECK(strstr(buf, "'boot' waits in mg_join") != NULL);
}

static int timer_then_nothing(void *arg)
{
    (void)arg;
    /* Timers pending: not a deadlock even though nothing else can run. */
    return mg_sleep_ns(30 * MS);
}

static void sleeping_is_not_deadlock(void) { RUN(timer_then_nothing, NULL); }

static const struct check_case cases[] = {
    CASE_ENTRY(fifo_order),
    CASE_ENTRY(timers_fire_in_order_never_early),
    CASE_ENTRY(sleep_zero_lets_others_run),
    CASE_ENTRY(wait_queues_fifo_and_deadlines),
    CASE_ENTRY(wait_woken_before_deadline),
    CASE_ENTRY(thousand_fibers_sleep_and_join),
    CASE_ENTRY(deadlock_is_reported),
    CASE_ENTRY(sleeping_is_not_deadlock),
};
CHECK_MAIN(cases)
