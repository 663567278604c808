/* err.c: error messages of the tenders (tn_fail, tn_die). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tn_err.h"

const char *tn_prog = "mirage-tender";

int tn_fail(struct tn_err *e, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

_Noreturn void tn_die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", tn_prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}
