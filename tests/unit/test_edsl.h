/* test_edsl.h: helpers for the eDSL engine's unit tests (test_edsl_*.c). */
#ifndef TESTS_TEST_EDSL_H
#define TESTS_TEST_EDSL_H

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../edsl/engine.h"

/* The engine's program calls configure(); these tests drive the stages
 * themselves, so it is never run. */
void configure(void) {}

/* Start a fresh engine as if `mirage configure ARGS...` ran config.c =
 * this test file (so its lines are config.c lines). */
#define SETUP(...) edsl_setup(__FILE__, (const char *const[]){__VA_ARGS__, NULL})
static inline void edsl_setup(const char *file, const char *const *args)
{
    int n = 0;
    while (args[n])
        n++;
    ed_reset();
    ed_init(NULL, file, "/src");
    ed_cmdline_parse(n, (char *const *)args);
    CHECK(ed_cmdline_target() != NULL);
    key_target();
}

/* After the graph is built: bind the keys and resolve. 0 or -1. */
static inline int edsl_finish(void)
{
    ed_keys_bind();
    if (ed_nerrors())
        return -1;
    return ed_resolve();
}

/* Is there an error whose text contains s? */
static inline bool has_error(const char *s)
{
    for (int i = 0; i < ed_nerrors(); i++)
        if (strstr(ed_error_text(i), s))
            return true;
    return false;
}

/* The error at index i must be exactly "FILE:line: msg". */
#define CHECK_ERROR(i, line, msg)                                                                  \
    CHECK_EQ_STR(ed_error_text(i), ed_fmt("%s:%d: %s", __FILE__, (line), (msg)))

/* A generated artefact, kept in the arena. */
static inline const char *gen(void (*g)(struct buf *))
{
    struct buf b = {0};
    g(&b);
    const char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

/* A device with trivial connect code, for tests that need one of a type. */
static inline char *test_connect(struct info *i, struct impl *self, const char *var,
                                 const char *const *args)
{
    (void)i;
    (void)self;
    size_t n = 0;
    while (args && args[n])
        n++;
    return strf("test_connect(&%s, %zu%s%s)", var ? var : "NULL", n, n ? ", " : "",
                n ? args[0] : "");
}

/* The selected device named name (its head's name), or NULL. */
static inline struct dnode *ed_selected(const char *name)
{
    for (size_t i = 0; i < ed.nselected; i++)
        if (strcmp(ed.selected[i]->head->name, name) == 0)
            return ed.selected[i];
    return NULL;
}

/* Whether the unikernel links library lib. */
static inline bool ed_has_lib(const char *lib)
{
    for (size_t i = 0; ed.libs[i]; i++)
        if (strcmp(ed.libs[i], lib) == 0)
            return true;
    return false;
}

#endif
