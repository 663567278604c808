/* tool.h: the mirage command's parts: installation, config compilation, context, help. */
#ifndef TOOL_TOOL_H
#define TOOL_TOOL_H

#include <stdbool.h>
#include <stddef.h>

/* A growable NULL-terminated argument vector. */
struct argv {
    char **v;
    int n, cap;
};
void argv_push(struct argv *a, const char *s);
void argv_free(struct argv *a);

/* The installation this mirage belongs to (../ of its bin/), checked:
 * NULL with a message printed if it is incomplete. */
const char *tool_prefix(void);

/* Where config.c lives: FILE as the user named it, its folder. */
struct project {
    const char *config; /* as given: "config.c", "../x/config.c" */
    char *srcdir;       /* as given: "." or "../x" */
};
/* 0, or 1 after printing why (missing file). */
int project_find(const char *config, struct project *p);
/* Compile config.c into srcdir/_build/config/configure unless it is up to
 * date; its path (malloc'd), or NULL after printing the compiler's messages
 * and one line saying it does not compile. */
char *engine_build(const char *prefix, const struct project *p);
/* Run the engine: sub-command, its options, then the configure arguments.
 * The exit status. */
int engine_run(const char *exe, const char *prefix, const struct project *p, const char *sub,
               const struct argv *subopts, const struct argv *args);

/* mirage/context: the arguments of the last configure and the files it wrote. */
struct context {
    bool found;
    struct argv args, files;
};
void context_read(const struct project *p, struct context *c);
void context_free(struct context *c);

/* Run argv[0] with argv, in dir (NULL: here); the exit status, or -1. */
int run_wait(const char *dir, char *const *argv);
/* path's modification time in ns, or -1 if it does not exist. */
long long mtime_ns(const char *path);
char *path_join(const char *dir, const char *name); /* malloc'd */

/* Help pages. topic NULL: the command's own. 0 if the topic is known. */
int help_print(const char *topic);
extern const char *const help_topics[];

#endif
