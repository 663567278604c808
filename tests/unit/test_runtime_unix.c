/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c */
/* test_runtime_unix.c: the unix platform: console buffering and stdin kinds, waiting on epoll, watches, stacks. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>

#include "../../runtime/sched.h"
#include "check.h"
#include "platform.h"
#include "unix.h"

#define MS 1000000ull

#include "fiber_check.h"

static bool readable(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, 0) == 1;
}

static void console_is_buffered_until_wait(void)
{
    int p[2];
    CHECK(pipe(p) == 0);
    fflush(stdout);
    int saved = dup(1);
    dup2(p[1], 1);
    mg_plat_console_write("abc", 3);
    bool early = readable(p[0]);
    mg_plat_wait(0);
    bool later = readable(p[0]);
    static char big[20000];
    memset(big, 'b', sizeof big);
    mg_plat_console_write(big, sizeof big); /* larger than the buffer: goes out whole */
    mg_plat_console_flush();
    dup2(saved, 1);
    close(saved);
    close(p[1]);
    CHECK(!early && later);
    static char got[30000];
    size_t len = 0;
    ssize_t n;
    while ((n = read(p[0], got + len, sizeof got - len)) > 0)
        len += (size_t)n;
    close(p[0]);
    CHECK(len == 3 + sizeof big);
    CHECK(memcmp(got, "abc", 3) == 0 && got[len - 1] == 'b');
}

static void wait_never_early_and_deadlock(void)
{
    CHECK(mg_plat_wait(UINT64_MAX) == MG_EDEADLK);
    for (int i = 0; i < 5; i++) {
        uint64_t deadline = mg_plat_monotonic_ns() + (uint64_t)(i + 1) * 700000u;
        CHECK(mg_plat_wait(deadline) == 0);
        CHECK(mg_plat_monotonic_ns() >= deadline);
    }
    /* The same through epoll, with an fd watched that nobody waits on. */
    int p[2];
    struct mg_waitq q = MG_WAITQ_INIT;
    CHECK(pipe(p) == 0);
    CHECK(mg_unix_watch(p[0], EPOLLIN, &q) == 0);
    for (int i = 0; i < 5; i++) {
        uint64_t deadline = mg_plat_monotonic_ns() + (uint64_t)(i + 1) * 700000u;
        CHECK(mg_plat_wait(deadline) == 0);
        CHECK(mg_plat_monotonic_ns() >= deadline);
    }
    CHECK(mg_plat_wait(UINT64_MAX) == MG_EDEADLK); /* watched, but nobody to wake */
    CHECK(mg_unix_unwatch(p[0]) == 0);
    CHECK(mg_unix_unwatch(p[0]) == MG_ENOENT);
    close(p[0]);
    close(p[1]);
}

static int pipe_fds[2];
static struct mg_waitq pipe_q;

static int pipe_reader(void *arg)
{
    (void)arg;
    char c;
    FCHECK(read(pipe_fds[0], &c, 1) < 0 && errno == EAGAIN);
    uint64_t t0 = mg_clock_monotonic_ns();
    FCHECK(mg_wait(&pipe_q, t0 + 5000 * MS) == 0);
    FCHECK(mg_clock_monotonic_ns() - t0 < 2000 * MS);
    FCHECK(read(pipe_fds[0], &c, 1) == 1 && c == 'x');
    return 0;
}

static int pipe_writer(void *arg)
{
    (void)arg;
    mg_sleep_ns(5 * MS);
    return write(pipe_fds[1], "x", 1) == 1 ? 0 : -1;
}

static int pipe_boot(void *arg)
{
    (void)arg;
    FCHECK(mg_unix_watch(pipe_fds[0], EPOLLIN, &pipe_q) == 0);
    struct mg_fiber *fs[2] = {mg_spawn(pipe_reader, NULL), mg_spawn(pipe_writer, NULL)};
    int res[2];
    FCHECK(mg_join_all(fs, 2, res) == 0 && res[0] == 0 && res[1] == 0);
    FCHECK(mg_unix_unwatch(pipe_fds[0]) == 0);
    return 0;
}

static void watch_wakes_a_waiting_fiber(void)
{
    CHECK(pipe2(pipe_fds, O_NONBLOCK) == 0);
    RUN(pipe_boot, NULL);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static int sp[2];
static struct mg_waitq rq, wq;

static int filler(void *arg)
{
    (void)arg;
    static char chunk[4096];
    long sent = 0;
    ssize_t n;
    while ((n = write(sp[0], chunk, sizeof chunk)) > 0)
        sent += n;
    FCHECK(errno == EAGAIN && sent > 0);
    FCHECK(mg_wait(&wq, mg_clock_monotonic_ns() + 5000 * MS) == 0); /* room again */
    FCHECK(write(sp[0], chunk, 1) == 1);
    return 0;
}

static int drainer(void *arg)
{
    (void)arg;
    mg_sleep_ns(5 * MS);
    static char buf[1 << 16];
    ssize_t n;
    while ((n = read(sp[1], buf, sizeof buf)) > 0)
        ;
    return 0;
}

static int rw_boot(void *arg)
{
    (void)arg;
    FCHECK(mg_unix_watch_rw(sp[0], &rq, &wq) == 0);
    struct mg_fiber *fs[2] = {mg_spawn(filler, NULL), mg_spawn(drainer, NULL)};
    FCHECK(mg_join_all(fs, 2, NULL) == 0);
    FCHECK(rq.head == NULL);
    FCHECK(mg_unix_unwatch(sp[0]) == 0);
    return 0;
}

static void watch_rw_wakes_writers(void)
{
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sp) == 0);
    RUN(rw_boot, NULL);
    close(sp[0]);
    close(sp[1]);
}

static void regular_files_cannot_be_watched(void)
{
    FILE *t = tmpfile();
    struct mg_waitq q = MG_WAITQ_INIT;
    CHECK(mg_unix_watch(fileno(t), EPOLLIN, &q) == MG_ENOTSUP);
    CHECK(mg_unix_watch(-1, EPOLLIN, &q) == MG_EBADF);
    fclose(t);
}

/* Console input: one child per kind of stdin, as the mode is set once. */
enum stdin_kind { IN_FILE, IN_DEVNULL, IN_PIPE, IN_CLOSED };
static int in_pipe_w;

static int pipe_feeder(void *arg)
{
    (void)arg;
    mg_sleep_ns(5 * MS);
    FCHECK(write(in_pipe_w, "typed", 5) == 5);
    mg_sleep_ns(5 * MS);
    close(in_pipe_w);
    return 0;
}

static int console_reader(void *arg)
{
    (void)arg;
    char buf[16];
    struct mg_fiber *f = mg_spawn(pipe_feeder, NULL);
    FCHECK(mg_plat_console_read(buf, sizeof buf) == 0); /* nothing yet, and no waiting */
    FCHECK(mg_wait(mg_plat_console_waitq(), mg_clock_monotonic_ns() + 5000 * MS) == 0);
    FCHECK(mg_plat_console_read(buf, sizeof buf) == 5 && memcmp(buf, "typed", 5) == 0);
    long n;
    while ((n = mg_plat_console_read(buf, sizeof buf)) == 0)
        FCHECK(mg_wait(mg_plat_console_waitq(), mg_clock_monotonic_ns() + 5000 * MS) == 0);
    FCHECK(n == -1);
    FCHECK(!(fcntl(0, F_GETFL) & O_NONBLOCK));
    FCHECK(mg_join(f, NULL) == 0);
    return 0;
}

static int stdin_child(enum stdin_kind kind)
{
    char buf[16];
    if (kind == IN_FILE) {
        FILE *t = tmpfile();
        fputs("hello\n", t);
        fflush(t);
        rewind(t);
        dup2(fileno(t), 0);
        if (mg_plat_console_read(buf, sizeof buf) != 6 || memcmp(buf, "hello\n", 6) != 0)
            return 10;
        return mg_plat_console_read(buf, sizeof buf) == -1 ? 0 : 11;
    }
    if (kind == IN_DEVNULL) {
        dup2(open("/dev/null", O_RDONLY), 0);
        return mg_plat_console_read(buf, sizeof buf) == -1 ? 0 : 20;
    }
    if (kind == IN_CLOSED) {
        close(0);
        return mg_plat_console_read(buf, sizeof buf) == MG_ENOTSUP ? 0 : 30;
    }
    int p[2];
    if (pipe(p) != 0)
        return 40;
    dup2(p[0], 0);
    close(p[0]);
    in_pipe_w = p[1];
    fiber_fail_line = 0;
    mg_sched_run(console_reader, NULL, "reader");
    return fiber_fail_line ? 41 : 0;
}

static void console_read_every_kind_of_stdin(void)
{
    for (int k = IN_FILE; k <= IN_CLOSED; k++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0)
            _exit(stdin_child(k));
        int status;
        CHECK(waitpid(pid, &status, 0) == pid);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            snprintf(check_msg, sizeof check_msg, "stdin kind %d: status %d (fiber line %d)", k,
                     WEXITSTATUS(status), WEXITSTATUS(status) == 41 ? -1 : 0);
            longjmp(check_jmp, 1);
        }
    }
}

static void stacks_have_a_guard_page(void)
{
    size_t size = 1;
    char *s = mg_plat_stack_alloc(&size);
    CHECK(s != NULL && size == (size_t)sysconf(_SC_PAGESIZE));
    s[0] = 1;
    s[size - 1] = 1;
    mg_plat_stack_free(s, size);
    size = 3 * 4096 + 5;
    s = mg_plat_stack_alloc(&size);
    CHECK(s != NULL && size == 4 * 4096);
    mg_plat_stack_free(s, size);

    int p[2];
    CHECK(pipe(p) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 2);
        size_t sz = 8192;
        volatile char *st = mg_plat_stack_alloc(&sz);
        st[-1] = 1; /* must fault */
        _exit(7);
    }
    close(p[1]);
    static char out[16384];
    size_t len = 0;
    ssize_t n;
    while ((n = read(p[0], out + len, sizeof out - 1 - len)) > 0)
        len += (size_t)n;
    out[len] = 0;
    close(p[0]);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    bool faulted = (WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) ||
                   (WIFEXITED(status) && WEXITSTATUS(status) != 7 && strstr(out, "SEGV"));
    CHECK(faulted);
}

static void entropy_env_name_errors(void)
{
    unsigned char a[32] = {0}, b[32] = {0};
    CHECK(mg_plat_entropy(a, sizeof a) == 0 && mg_plat_entropy(b, sizeof b) == 0);
    CHECK(memcmp(a, b, sizeof a) != 0);
    setenv("MG_TEST_VAR", "value", 1);
    CHECK_EQ_STR(mg_plat_getenv("MG_TEST_VAR"), "value");
    CHECK(mg_plat_getenv("MG_TEST_VAR_UNSET") == NULL);
    CHECK_EQ_STR(mg_plat_name(), "unix");
    CHECK(mg_unix_error(ECONNREFUSED) == MG_ECONNREFUSED);
    CHECK(mg_unix_error(EAGAIN) == MG_EAGAIN);
    CHECK(mg_unix_error(EXDEV) == MG_EIO);
    CHECK(mg_plat_clock_period_ns() > 0);
}

static const struct check_case cases[] = {
    CASE_ENTRY(console_is_buffered_until_wait),
    CASE_ENTRY(wait_never_early_and_deadlock),
    CASE_ENTRY(watch_wakes_a_waiting_fiber),
    CASE_ENTRY(watch_rw_wakes_writers),
    CASE_ENTRY(regular_files_cannot_be_watched),
    CASE_ENTRY(console_read_every_kind_of_stdin),
    CASE_ENTRY(stacks_have_a_guard_page),
    CASE_ENTRY(entropy_env_name_errors),
};
CHECK_MAIN(cases)
