/* context.c: reading mirage/context, the record of the last `mirage configure`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static char *unescape(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    if (!out)
        return NULL;
    for (; *s; s++) {
        if (*s == '\\' && s[1] == 'n') {
            *o++ = '\n';
            s++;
        } else if (*s == '\\' && s[1] == '\\') {
            *o++ = '\\';
            s++;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

void context_read(const struct project *p, struct context *c)
{
    memset(c, 0, sizeof *c);
    char *path = path_join(p->srcdir, "mirage/context");
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return;
    c->found = true;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        struct argv *dst = strncmp(line, "arg ", 4) == 0    ? &c->args
                           : strncmp(line, "file ", 5) == 0 ? &c->files
                                                            : NULL;
        if (!dst)
            continue;
        char *v = unescape(strchr(line, ' ') + 1);
        argv_push(dst, v);
        free(v);
    }
    free(line);
    fclose(f);
}

void context_free(struct context *c)
{
    argv_free(&c->args);
    argv_free(&c->files);
}
