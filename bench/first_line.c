/* first_line.c: times launch to first output line of a command, N runs, for start-up benchmarks.
 *
 * usage: first_line RUNS CMD [ARGS...]  -> prints the median in microseconds.
 * The child's stdout is a pipe; the clock stops at the first newline (or at
 * exit when the child prints nothing), then the child is killed and reaped.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: first_line RUNS CMD [ARGS...]\n");
        return 2;
    }
    int runs = atoi(argv[1]);
    double *t = calloc((size_t)runs, sizeof *t);
    if (runs <= 0 || !t)
        return 2;
    for (int i = 0; i < runs; i++) {
        int fd[2];
        if (pipe(fd) < 0)
            return 1;
        double start = now_us();
        pid_t pid = fork();
        if (pid == 0) {
            dup2(fd[1], 1);
            close(fd[0]);
            close(fd[1]);
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        close(fd[1]);
        char c;
        while (read(fd[0], &c, 1) == 1 && c != '\n')
            ;
        t[i] = now_us() - start;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(fd[0]);
    }
    qsort(t, (size_t)runs, sizeof *t, cmp);
    printf("%.0f\n", t[runs / 2]);
    return 0;
}
