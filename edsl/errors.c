/* errors.c: errors found while configuring, collected and printed together. */
#include <stdio.h>
#include <string.h>

#include "engine.h"

struct err {
    char *text;
    struct err *next;
};
static struct err *errs, **tail = &errs;
static int nerrs;

void ed_verror(const char *file, int line, const char *fmt, va_list ap)
{
    char *msg = ed_vfmt(fmt, ap);
    struct err *e = ed_alloc(sizeof *e);
    if (file)
        e->text = ed_fmt("%s:%d: %s", file, line, msg);
    else
        e->text = ed_fmt("mirage: %s", msg);
    /* The same mistake reached twice (a shared node) is said once. */
    for (struct err *o = errs; o; o = o->next)
        if (strcmp(o->text, e->text) == 0)
            return;
    *tail = e;
    tail = &e->next;
    nerrs++;
}

void ed_error(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ed_verror(file, line, fmt, ap);
    va_end(ap);
}

int ed_nerrors(void)
{
    return nerrs;
}

const char *ed_error_text(int i)
{
    struct err *e = errs;
    while (e && i-- > 0)
        e = e->next;
    return e ? e->text : NULL;
}

void ed_print_errors(FILE *f)
{
    for (struct err *e = errs; e; e = e->next)
        fprintf(f, "%s\n", e->text);
}

/* Called by ed_reset (the arena holds the texts). */
void ed_errors_forget(void)
{
    errs = NULL;
    tail = &errs;
    nerrs = 0;
}
