/* arena.c: the engine's memory: everything lives until ed_reset() frees it at once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

union chunk {
    union chunk *next;
    max_align_t align;
};
static union chunk *chunks;

void *ed_alloc(size_t n)
{
    union chunk *c = calloc(1, sizeof *c + n);
    if (!c) {
        fputs("mirage: out of memory\n", stderr);
        exit(1);
    }
    c->next = chunks;
    chunks = c;
    return c + 1;
}

char *ed_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    return memcpy(ed_alloc(n), s, n);
}

char *ed_vfmt(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        n = 0;
    char *s = ed_alloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *ed_fmt(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = ed_vfmt(fmt, ap);
    va_end(ap);
    return s;
}

size_t ed_list_len(const void *const *list)
{
    size_t n = 0;
    while (list && list[n])
        n++;
    return n;
}

void **ed_copy_list(void *const *list)
{
    size_t n = ed_list_len((const void *const *)list);
    void **out = ed_alloc((n + 1) * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = list[i];
    return out;
}

const char **ed_copy_strings(const char *const *list)
{
    size_t n = ed_list_len((const void *const *)list);
    const char **out = ed_alloc((n + 1) * sizeof *out);
    for (size_t i = 0; i < n; i++)
        out[i] = ed_strdup(list[i]);
    return out;
}

void ed_arena_free(void)
{
    while (chunks) {
        union chunk *c = chunks;
        chunks = c->next;
        free(c);
    }
}

/* strf: the public printf-to-malloc of <mirage.h>, for connect code. */
char *strf(const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        n = 0;
    char *s = malloc((size_t)n + 1);
    if (!s) {
        fputs("mirage: out of memory\n", stderr);
        exit(1);
    }
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}
