/* config.c: compiling the user's config.c against the eDSL engine, and running it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool.h"

int project_find(const char *config, struct project *p)
{
    p->config = config;
    struct stat st;
    int rc = stat(config, &st);
    if (rc < 0 || !S_ISREG(st.st_mode)) {
        if ((rc < 0 && errno == ENOENT) || rc == 0)
            fprintf(stderr,
                    "mirage: %s: no such file (a unikernel is described by config.c; "
                    "give another file with -f FILE)\n",
                    config);
        else
            fprintf(stderr, "mirage: %s: %s\n", config, strerror(errno));
        return 1;
    }
    const char *slash = strrchr(config, '/');
    p->srcdir = slash ? strndup(config, (size_t)(slash - config) + (slash == config)) : strdup(".");
    return 0;
}

static int mkdirs(const char *path)
{
    char *p = strdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        mkdir(p, 0777);
        *s = '/';
    }
    int rc = mkdir(p, 0777) < 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *s = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&s, &n);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, m);
    fclose(m);
    fclose(f);
    return s;
}

char *engine_build(const char *prefix, const struct project *p)
{
    char *dir = path_join(p->srcdir, "_build/config");
    char *exe = path_join(dir, "configure");
    char *cmdfile = path_join(dir, "command");
    char *lib = path_join(prefix, "lib/mirage/libmirage-edsl.a");
    char *inc = path_join(prefix, "include");
    char *hdr = path_join(prefix, "include/mirage.h");
    const char *cc = getenv("CC") && *getenv("CC") ? getenv("CC") : "cc";

    struct argv cmd = {0};
    const char *words[] = {cc,  "-std=gnu11", "-g", "-Wall",   "-Wextra", "-I",
                           inc, "-o",         exe,  p->config, lib};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        argv_push(&cmd, words[i]);
    char *line = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&line, &len);
    for (int i = 0; i < cmd.n; i++)
        fprintf(m, "%s%s", i ? " " : "", cmd.v[i]);
    fputc('\n', m);
    fclose(m);

    /* Up to date: newer than config.c, the engine and its header, and
     * built by the same command. */
    long long t = mtime_ns(exe);
    char *old = read_all(cmdfile);
    bool fresh = t >= 0 && t >= mtime_ns(p->config) && t >= mtime_ns(lib) && t >= mtime_ns(hdr) &&
                 old && strcmp(old, line) == 0;
    free(old);
    char *result = exe;
    if (!fresh) {
        if (mkdirs(dir) < 0) {
            fprintf(stderr, "mirage: cannot create %s: %s\n", dir, strerror(errno));
            result = NULL;
        } else if (unlink(cmdfile), run_wait(NULL, cmd.v) != 0) {
            fprintf(stderr, "mirage: %s does not compile\n", p->config);
            result = NULL;
        } else {
            FILE *f = fopen(cmdfile, "w");
            if (f) {
                fputs(line, f);
                fclose(f);
            }
        }
    }
    if (!result)
        free(exe);
    argv_free(&cmd);
    free(line);
    free(dir);
    free(cmdfile);
    free(lib);
    free(inc);
    free(hdr);
    return result;
}

int engine_run(const char *exe, const char *prefix, const struct project *p, const char *sub,
               const struct argv *subopts, const struct argv *args)
{
    struct argv a = {0};
    argv_push(&a, exe);
    argv_push(&a, prefix);
    argv_push(&a, p->config);
    argv_push(&a, sub);
    for (int i = 0; subopts && i < subopts->n; i++)
        argv_push(&a, subopts->v[i]);
    argv_push(&a, "--");
    for (int i = 0; args && i < args->n; i++)
        argv_push(&a, args->v[i]);
    /* run it by path, even when it has no slash */
    char *path = exe[0] == '/' || strchr(exe, '/') ? strdup(exe) : path_join(".", exe);
    free(a.v[0]);
    a.v[0] = path;
    int rc = run_wait(NULL, a.v);
    argv_free(&a);
    return rc;
}
