/* util.c: argument vectors, running programs, file times and paths for the mirage command. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool.h"

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("mirage: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

void argv_push(struct argv *a, const char *s)
{
    if (a->n + 2 > a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->v = xrealloc(a->v, (size_t)a->cap * sizeof *a->v);
    }
    a->v[a->n++] = s ? strdup(s) : NULL;
    a->v[a->n] = NULL;
}

void argv_free(struct argv *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    a->v = NULL;
    a->n = a->cap = 0;
}

int run_wait(const char *dir, char *const *argv)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "mirage: cannot run %s: %s\n", argv[0], strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (dir && chdir(dir) < 0) {
            fprintf(stderr, "mirage: cannot enter %s: %s\n", dir, strerror(errno));
            _exit(127);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "mirage: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    fprintf(stderr, "mirage: %s was killed by signal %d\n", argv[0], WTERMSIG(st));
    return 128 + WTERMSIG(st);
}

long long mtime_ns(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    return (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *s = xrealloc(NULL, n);
    if (strcmp(dir, ".") == 0)
        snprintf(s, n, "%s", name);
    else
        snprintf(s, n, "%s/%s", dir, name);
    return s;
}
