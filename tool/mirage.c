/* mirage.c: the mirage command: configure, build, query, describe, clean, help. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

#ifndef MIRAGE_VERSION
#error "MIRAGE_VERSION comes from the VERSION file, through the Makefile"
#endif

static const char *const query_whats[] = {
    "name",   "packages", "libraries", "files",    "keys",       "Makefile", "makefile",
    "main.c", "header",   "context",   "manifest", "manifest.c", NULL};

static bool has_help(const struct argv *a)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->v[i], "--help") == 0 || strcmp(a->v[i], "-h") == 0)
            return true;
    return false;
}

/* Take -f FILE out of the arguments; the rest go to rest. */
static const char *split_file(int argc, char **argv, struct argv *rest)
{
    const char *config = "config.c";
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "-f") == 0 || strcmp(a, "--file") == 0) && i + 1 < argc)
            config = argv[++i];
        else if (strncmp(a, "--file=", 7) == 0)
            config = a + 7;
        else if (strncmp(a, "-f", 2) == 0 && a[2])
            config = a + 2;
        else
            argv_push(rest, a);
    }
    return config;
}

/* The installation, config.c and the engine built from it: 0, or the
 * status to exit with (the reason printed). */
static int prepare(const char *config, const char **prefix, struct project *p, char **exe)
{
    *prefix = tool_prefix();
    if (!*prefix)
        return 1;
    if (project_find(config, p))
        return 1;
    *exe = engine_build(*prefix, p);
    return *exe ? 0 : 1;
}

static int cmd_configure(int argc, char **argv)
{
    struct argv rest = {0};
    const char *config = split_file(argc, argv, &rest);
    const char *prefix;
    struct project p = {0};
    char *exe = NULL;
    if (has_help(&rest) && access(config, F_OK) < 0) {
        help_print("configure");
        printf("\n       (No %s here: its keys are not listed.)\n", config);
        argv_free(&rest);
        return 0;
    }
    int rc = prepare(config, &prefix, &p, &exe);
    if (rc == 0)
        rc = engine_run(exe, prefix, &p, "configure", NULL, &rest);
    free(exe);
    free(p.srcdir);
    argv_free(&rest);
    return rc;
}

/* The last configure's arguments, then the ones given now. */
static void with_context(const struct project *p, const struct argv *given, struct argv *out)
{
    struct context c;
    context_read(p, &c);
    for (int i = 0; i < c.args.n; i++)
        argv_push(out, c.args.v[i]);
    for (int i = 0; i < given->n; i++)
        argv_push(out, given->v[i]);
    context_free(&c);
}

/* Run the engine's sub-command cmd (with its own arguments sub) on config,
 * with the last configure's arguments followed by the ones given now. */
static int run_in_context(const char *config, const char *cmd, const struct argv *sub,
                          const struct argv *given)
{
    const char *prefix;
    struct project p = {0};
    struct argv args = {0};
    char *exe = NULL;
    int rc = prepare(config, &prefix, &p, &exe);
    if (rc == 0) {
        with_context(&p, given, &args);
        rc = engine_run(exe, prefix, &p, cmd, sub, &args);
    }
    free(exe);
    free(p.srcdir);
    argv_free(&args);
    return rc;
}

static int cmd_build(int argc, char **argv)
{
    struct argv rest = {0};
    const char *config = split_file(argc, argv, &rest);
    if (has_help(&rest)) {
        argv_free(&rest);
        return help_print("build");
    }
    const char *prefix;
    struct project p = {0};
    char *exe = NULL;
    int rc = prepare(config, &prefix, &p, &exe);
    if (rc == 0) {
        struct context c;
        context_read(&p, &c);
        char *ctx = path_join(p.srcdir, "mirage/context");
        char *mk = path_join(p.srcdir, "Makefile");
        char *lib = path_join(prefix, "lib/mirage/libmirage-edsl.a");
        long long t = mtime_ns(ctx);
        if (!c.found || mtime_ns(mk) < 0 || mtime_ns(config) > t || mtime_ns(lib) > t)
            rc = engine_run(exe, prefix, &p, "configure", NULL, &c.args);
        if (rc == 0) {
            struct argv make = {0};
            argv_push(&make, "make");
            argv_push(&make, "-C");
            argv_push(&make, p.srcdir);
            for (int i = 0; i < rest.n; i++)
                argv_push(&make, rest.v[i]);
            rc = run_wait(NULL, make.v);
            argv_free(&make);
        }
        context_free(&c);
        free(ctx);
        free(mk);
        free(lib);
    }
    free(exe);
    free(p.srcdir);
    argv_free(&rest);
    return rc;
}

static int cmd_query(int argc, char **argv)
{
    struct argv rest = {0}, given = {0}, sub = {0};
    const char *config = split_file(argc, argv, &rest);
    if (has_help(&rest)) {
        argv_free(&rest);
        return help_print("query");
    }
    bool have_what = false;
    for (int i = 0; i < rest.n; i++) {
        bool is_what = false;
        for (size_t k = 0; !have_what && query_whats[k]; k++)
            is_what = is_what || strcmp(rest.v[i], query_whats[k]) == 0;
        if (is_what || (!have_what && i == 0 && rest.v[i][0] != '-')) {
            argv_push(&sub, rest.v[i]);
            have_what = true;
        } else {
            argv_push(&given, rest.v[i]);
        }
    }
    int rc = run_in_context(config, "query", &sub, &given);
    argv_free(&rest);
    argv_free(&given);
    argv_free(&sub);
    return rc;
}

static int cmd_describe(int argc, char **argv)
{
    struct argv rest = {0}, given = {0}, sub = {0};
    const char *config = split_file(argc, argv, &rest);
    if (has_help(&rest)) {
        argv_free(&rest);
        return help_print("describe");
    }
    for (int i = 0; i < rest.n; i++) {
        const char *a = rest.v[i];
        if (strcmp(a, "--dot") == 0 || strcmp(a, "--eval") == 0) {
            argv_push(&sub, a);
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) && i + 1 < rest.n) {
            char *o = malloc(strlen(rest.v[i + 1]) + 10);
            sprintf(o, "--output=%s", rest.v[++i]);
            argv_push(&sub, o);
            free(o);
        } else if (strncmp(a, "--output=", 9) == 0) {
            argv_push(&sub, a);
        } else {
            argv_push(&given, a);
        }
    }
    int rc = run_in_context(config, "describe", &sub, &given);
    argv_free(&rest);
    argv_free(&given);
    argv_free(&sub);
    return rc;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int rc = flag == FTW_DP ? rmdir(path) : unlink(path);
    if (rc < 0 && errno != ENOENT)
        fprintf(stderr, "mirage: cannot remove %s: %s\n", path, strerror(errno));
    return 0;
}

static void rm_rf(const char *path)
{
    if (access(path, F_OK) == 0 || errno != ENOENT)
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool generated_makefile(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[128] = "";
    bool ours = fgets(line, sizeof line, f) &&
                strncmp(line, "# Generated by mirage configure; do not edit.", 45) == 0;
    fclose(f);
    return ours;
}

static int cmd_clean(int argc, char **argv)
{
    struct argv rest = {0};
    const char *config = split_file(argc, argv, &rest);
    if (has_help(&rest) || rest.n) {
        int known = has_help(&rest);
        if (!known)
            fprintf(stderr, "mirage: clean takes no argument but -f FILE\n");
        argv_free(&rest);
        return known ? help_print("clean") : 2;
    }
    argv_free(&rest);
    struct project p = {0};
    const char *slash = strrchr(config, '/');
    p.config = config;
    p.srcdir = slash ? strndup(config, (size_t)(slash - config) + (slash == config)) : strdup(".");
    struct context c;
    context_read(&p, &c);
    for (int i = 0; i < c.files.n; i++) {
        const char *f = c.files.v[i];
        if (f[0] == '/' || strstr(f, "..") || strcmp(f, "Makefile") == 0)
            continue; /* only below the project; the Makefile is checked below */
        char *path = path_join(p.srcdir, f);
        rm_rf(path);
        free(path);
    }
    context_free(&c);
    const char *dirs[] = {"mirage", "_build", "dist"};
    for (size_t i = 0; i < 3; i++) {
        char *path = path_join(p.srcdir, dirs[i]);
        rm_rf(path);
        free(path);
    }
    char *mk = path_join(p.srcdir, "Makefile");
    if (generated_makefile(mk))
        unlink(mk);
    free(mk);
    free(p.srcdir);
    return 0;
}

static int cmd_help_keys(int argc, char **argv)
{
    struct argv rest = {0};
    const char *config = split_file(argc, argv, &rest);
    if (access(config, F_OK) < 0) {
        /* no unikernel here: the general page */
        argv_free(&rest);
        return help_print("keys");
    }
    int rc = run_in_context(config, "keys", NULL, &rest);
    argv_free(&rest);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return help_print(NULL);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("%s\n", MIRAGE_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(argv[2], "keys") == 0)
            return cmd_help_keys(argc - 3, argv + 3);
        if (argc > 2 && help_print(argv[2]) != 0) {
            fprintf(stderr,
                    "mirage: no help on \"%s\"; topics: configure, build, query, "
                    "describe, clean, keys\n",
                    argv[2]);
            return 2;
        }
        return argc > 2 ? 0 : help_print(NULL);
    }
    if (strcmp(cmd, "configure") == 0)
        return cmd_configure(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0)
        return cmd_build(argc - 2, argv + 2);
    if (strcmp(cmd, "query") == 0)
        return cmd_query(argc - 2, argv + 2);
    if (strcmp(cmd, "describe") == 0)
        return cmd_describe(argc - 2, argv + 2);
    if (strcmp(cmd, "clean") == 0)
        return cmd_clean(argc - 2, argv + 2);
    fprintf(stderr, "mirage: unknown command \"%s\"; see `mirage help`\n", cmd);
    return 2;
}
