/* register.c: register_unikernel: the unikernel's name, jobs, argv, reporter and extras. */
#include <string.h>

#include "engine.h"

static bool valid_name(const char *s)
{
    if (!s || !*s || *s == '-' || *s == '.')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

/* Note where config.c handed i over, and check its type. */
static void expect(const char *file, int line, const char *what, struct impl *i, struct typ *t)
{
    if (!i->use_file && ed_is_config_file(file)) {
        i->use_file = file;
        i->use_line = line;
    }
    if (i->kind == IK_DEP)
        ed_error(file, line, "register_unikernel: %s: %s is a dependency, not a device", what,
                 ed_impl_label(i));
    else if (!ed_typ_accepts(t, i->type))
        ed_error(file, line, "register_unikernel: %s: expected %s, got %s", what, ed_typ_show(t),
                 ed_typ_show(i->type));
}

void mg_edsl_register(const char *file, int line, const char *name, struct impl *const *jobs,
                      struct register_opts o)
{
    struct ed_register *r = &ed.reg;
    if (r->done) {
        ed_error(file, line, "register_unikernel: called a second time (first at %s:%d)", r->file,
                 r->line);
        return;
    }
    r->done = true;
    r->file = file;
    r->line = line;
    r->name = ed_strdup(name ? name : "");
    if (!valid_name(name))
        ed_error(file, line,
                 "register_unikernel: \"%s\" is not a valid unikernel name (letters, digits, "
                 "-, _ and .)",
                 r->name);
    r->jobs = (struct impl **)ed_copy_list((void *const *)jobs);
    for (size_t i = 0; r->jobs[i]; i++) {
        struct impl *j = r->jobs[i];
        if (!j->use_file && ed_is_config_file(file)) {
            j->use_file = file;
            j->use_line = line;
        }
        if (j->type->error)
            continue;
        if (j->type->is_fn && j->type->result == &mg_typ_job)
            ed_error(file, line, "register_unikernel: %s is not fully applied: next argument %s",
                     ed_impl_label(j), ed_typ_show(j->type->params[0]));
        else if (j->type != &mg_typ_job || j->kind == IK_DEP)
            ed_error(file, line, "register_unikernel: job %zu (%s) has type %s, expected JOB",
                     i + 1, ed_impl_label(j), ed_typ_show(j->type));
    }
    r->argv = o.argv ? o.argv : default_argv();
    expect(file, line, ".argv", r->argv, ARGV);
    r->reporter =
        o.reporter ? o.reporter : mg_edsl_default_reporter(file, line, (struct reporter_opts){0});
    expect(file, line, ".reporter", r->reporter, REPORTER);
    r->tracing = o.tracing;
    if (r->tracing)
        expect(file, line, ".tracing", r->tracing, TRACING);
    r->keys = (struct key **)ed_copy_list((void *const *)o.keys);
    r->packages = (struct package **)ed_copy_list((void *const *)o.packages);
    r->sources = o.sources ? ed_copy_strings(o.sources) : NULL;
    r->cflags = ed_copy_strings(o.cflags);
    r->ldflags = ed_copy_strings(o.ldflags);
}
