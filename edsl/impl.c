/* impl.c: implementations: impl(), foreign(), apply(), dep(), if_impl(), match_impl(). */
#include <string.h>

#include "engine.h"

bool ed_is_config_file(const char *file)
{
    return !ed.config_file || (file && strcmp(file, ed.config_file) == 0);
}

/* Remember the first place config.c used i, to report i there when it was
 * made by a constructor written elsewhere. */
static void mark_use(struct impl *i, const char *file, int line)
{
    if (i && !i->use_file && ed_is_config_file(file)) {
        i->use_file = file;
        i->use_line = line;
    }
}

bool ed_impl_loc(const struct impl *i, const char **file, int *line)
{
    if (ed_is_config_file(i->file)) {
        *file = i->file;
        *line = i->line;
        return true;
    }
    if (i->use_file) {
        *file = i->use_file;
        *line = i->use_line;
        return true;
    }
    return false;
}

const char *ed_impl_label(const struct impl *i)
{
    switch (i->kind) {
    case IK_DEVICE:
    case IK_FOREIGN:
        return i->name;
    case IK_APP:
        return ed_impl_label(i->fn);
    case IK_IF:
        return "if_impl";
    case IK_MATCH:
        return "match_impl";
    case IK_DEP:
        return ed_fmt("dep(%s)", ed_impl_label(i->target));
    }
    return "?";
}

static struct impl *node(const char *file, int line, enum impl_kind kind, struct typ *t)
{
    struct impl *i = ed_alloc(sizeof *i);
    i->kind = kind;
    i->file = file;
    i->line = line;
    i->type = t ? t : &mg_typ_error;
    return i;
}

static struct impl *placeholder(const char *file, int line)
{
    struct impl *i = node(file, line, IK_DEVICE, &mg_typ_error);
    i->name = "?";
    return i;
}

bool ed_valid_ident(const char *s)
{
    if (!s || !*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_'))
            return false;
    return true;
}

static struct key **copy_keys(const char *file, int line, const char *who, struct key *const *l,
                              bool runtime)
{
    struct key **ks = (struct key **)ed_copy_list((void *const *)l);
    for (size_t i = 0; ks[i]; i++)
        if (runtime && ks[i]->stage == CONFIGURE)
            ed_error(file, line,
                     "%s: runtime key --%s is CONFIGURE only; a start-function parameter needs "
                     "a RUNTIME or BOTH key",
                     who, ks[i]->name);
    return ks;
}

static struct impl **copy_deps(const char *file, int line, struct impl *const *l)
{
    struct impl **ds = (struct impl **)ed_copy_list((void *const *)l);
    for (size_t i = 0; ds[i]; i++)
        mark_use(ds[i], file, line);
    return ds;
}

struct impl *mg_edsl_impl(const char *file, int line, const char *name, struct typ *t,
                          struct impl_opts o)
{
    if (!name || !*name) {
        ed_error(file, line, "impl: a device needs a name");
        return placeholder(file, line);
    }
    if (!t) {
        ed_error(file, line, "impl: device %s has no type", name);
        return placeholder(file, line);
    }
    struct impl *i = node(file, line, IK_DEVICE, t);
    i->name = ed_strdup(name);
    i->packages = (struct package **)ed_copy_list((void *const *)o.packages);
    i->keys = copy_keys(file, line, name, o.keys, false);
    i->runtime_keys = copy_keys(file, line, name, o.runtime_keys, true);
    i->deps = copy_deps(file, line, o.extra_deps);
    i->connect = o.connect;
    i->configure = o.configure;
    i->files = ed_copy_strings(o.files);
    i->build = o.build;
    i->libs = ed_copy_strings(o.libs);
    i->headers = ed_copy_strings(o.headers);
    i->sources = ed_copy_strings(o.sources);
    i->unsupported = o.unsupported;
    i->data = o.data;
    i->plat_device = o.plat_device;
    i->plat_name = ed_strdup(o.plat_name);
    if (o.plat_device != PLAT_DEVICE_NONE && o.plat_device != PLAT_DEVICE_BLOCK &&
        o.plat_device != PLAT_DEVICE_NET)
        ed_error(file, line, "impl: device %s: .plat_device %d is not a kind of platform device",
                 name, (int)o.plat_device);
    else if (o.plat_device != PLAT_DEVICE_NONE && (!o.plat_name || !*o.plat_name))
        ed_error(file, line, "impl: device %s: a platform device needs a .plat_name", name);
    else if (o.plat_device == PLAT_DEVICE_NONE && o.plat_name)
        ed_error(file, line, "impl: device %s: .plat_name without .plat_device", name);
    if (i->runtime_keys[0])
        ed_error(file, line,
                 "impl: .runtime_keys is for foreign(); a device reads keys with .keys");
    return i;
}

struct impl *mg_edsl_foreign(const char *file, int line, const char *fname, struct typ *t,
                             struct foreign_opts o)
{
    if (!ed_valid_ident(fname)) {
        ed_error(file, line, "foreign: \"%s\" is not a C function name", fname ? fname : "(null)");
        return placeholder(file, line);
    }
    if (!t) {
        ed_error(file, line, "foreign: %s has no type", fname);
        return placeholder(file, line);
    }
    struct impl *i = node(file, line, IK_FOREIGN, t);
    i->name = ed_strdup(fname);
    i->packages = (struct package **)ed_copy_list((void *const *)o.packages);
    i->keys = copy_keys(file, line, fname, o.keys, false);
    i->runtime_keys = copy_keys(file, line, fname, o.runtime_keys, true);
    i->deps = copy_deps(file, line, o.deps);
    i->libs = ed_copy_strings(o.libs);
    i->headers = ed_copy_strings(o.headers);
    i->files = ed_copy_strings(NULL);
    i->sources = ed_copy_strings(NULL);
    return i;
}

struct impl *mg_edsl_apply(const char *file, int line, struct impl *f, struct impl *const *args)
{
    size_t n = ed_list_len((const void *const *)args);
    if (!f) {
        ed_error(file, line, "apply: the functor is NULL");
        return placeholder(file, line);
    }
    mark_use(f, file, line);
    struct impl *head = f->kind == IK_APP ? f->fn : f;
    size_t prior = f->kind == IK_APP ? f->nargs : 0;
    const char *label = ed_impl_label(head);
    if (n == 0) {
        ed_error(file, line, "apply: argument %zu of %s is NULL", prior + 1, label);
        return placeholder(file, line);
    }
    if (f->kind == IK_DEP) {
        ed_error(file, line, "apply: %s is a dependency, not a functor", label);
        return placeholder(file, line);
    }
    if (f->type->error)
        return placeholder(file, line);
    if (!f->type->is_fn) {
        ed_error(file, line, "apply: %s is not a functor (its type is %s)", label,
                 ed_typ_show(f->type));
        return placeholder(file, line);
    }
    struct typ *ht = head->type;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        size_t p = prior + i;
        mark_use(args[i], file, line);
        if (p >= ht->nparams) {
            ed_error(file, line, "apply: %s takes %zu argument%s, given %zu", label, ht->nparams,
                     ht->nparams == 1 ? "" : "s", prior + n);
            return placeholder(file, line);
        }
        if (args[i]->kind == IK_DEP) {
            ed_error(file, line, "apply: argument %zu of %s: %s is a dependency, not a device",
                     p + 1, label, ed_impl_label(args[i]));
            ok = false;
        } else if (!ed_typ_accepts(ht->params[p], args[i]->type)) {
            ed_error(file, line, "apply: argument %zu of %s: expected %s, got %s", p + 1, label,
                     ed_typ_show(ht->params[p]), ed_typ_show(args[i]->type));
            ok = false;
        }
    }
    struct impl *a = node(file, line, IK_APP, ok ? ed_typ_drop(ht, prior + n) : &mg_typ_error);
    a->fn = head;
    a->nargs = prior + n;
    a->args = ed_alloc((a->nargs + 1) * sizeof *a->args);
    for (size_t i = 0; i < prior; i++)
        a->args[i] = f->args[i];
    for (size_t i = 0; i < n; i++)
        a->args[prior + i] = args[i];
    return a;
}

struct impl *mg_edsl_dep(const char *file, int line, struct impl *i)
{
    if (!i) {
        ed_error(file, line, "dep: the implementation is NULL");
        return placeholder(file, line);
    }
    mark_use(i, file, line);
    struct impl *d = node(file, line, IK_DEP, i->type);
    d->target = i->kind == IK_DEP ? i->target : i;
    return d;
}

struct impl *mg_edsl_if(const char *file, int line, struct value *v, struct impl *a, struct impl *b)
{
    if (!v || !a || !b) {
        ed_error(file, line, "if_impl: the %s is NULL",
                 !v   ? "value"
                 : !a ? "first branch"
                      : "second branch");
        return placeholder(file, line);
    }
    mark_use(a, file, line);
    mark_use(b, file, line);
    struct typ *t = a->type;
    if (!ed_value_is_bool(v)) {
        ed_error(file, line, "if_impl: expected a bool value, got %s", ed_value_show(v));
        t = &mg_typ_error;
    }
    if (!a->type->error && !b->type->error && !ed_typ_eq(a->type, b->type)) {
        ed_error(file, line, "if_impl: the branches have different types: %s and %s",
                 ed_typ_show(a->type), ed_typ_show(b->type));
        t = &mg_typ_error;
    }
    if (a->kind == IK_DEP || b->kind == IK_DEP) {
        ed_error(file, line, "if_impl: a branch is a dependency, not a device");
        t = &mg_typ_error;
    }
    struct impl *i = node(file, line, IK_IF, t);
    i->cond = v;
    i->then_ = a;
    i->else_ = b;
    return i;
}

struct impl *mg_edsl_match(const char *file, int line, struct value *v, struct impl *dflt,
                           const struct mg_case *cases)
{
    if (!v || !dflt) {
        ed_error(file, line, "match_impl: the %s is NULL", !v ? "value" : "default");
        return placeholder(file, line);
    }
    mark_use(dflt, file, line);
    struct typ *t = dflt->type;
    size_t n = 0;
    while (cases && (cases[n].text || cases[n].impl))
        n++;
    struct impl *m = node(file, line, IK_MATCH, t);
    m->cond = v;
    m->else_ = dflt;
    m->cases = ed_alloc((n + 1) * sizeof *m->cases);
    for (size_t i = 0; i < n; i++) {
        if (!cases[i].text || !cases[i].impl) {
            ed_error(file, line, "match_impl: case %zu has a NULL %s", i + 1,
                     cases[i].text ? "implementation" : "text");
            m->type = &mg_typ_error;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (m->cases[j].text && strcmp(m->cases[j].text, cases[i].text) == 0)
                ed_error(file, line, "match_impl: case \"%s\" is given twice", cases[i].text);
        mark_use(cases[i].impl, file, line);
        if (!cases[i].impl->type->error && !dflt->type->error &&
            !ed_typ_eq(cases[i].impl->type, dflt->type)) {
            ed_error(file, line, "match_impl: case \"%s\" has type %s, the default has type %s",
                     cases[i].text, ed_typ_show(cases[i].impl->type), ed_typ_show(dflt->type));
            m->type = &mg_typ_error;
        }
        m->cases[i].text = ed_strdup(cases[i].text);
        m->cases[i].impl = cases[i].impl;
    }
    /* A key with choices: a case outside them can never be chosen. */
    if (v->kind == VK_KEY && v->key->kind == MG_KEY_ENUM)
        for (size_t i = 0; i < n; i++) {
            bool known = false;
            for (size_t j = 0; v->key->choices[j]; j++)
                known = known || (cases[i].text && strcmp(v->key->choices[j], cases[i].text) == 0);
            if (cases[i].text && !known)
                ed_error(file, line, "match_impl: case \"%s\" is not a value of --%s",
                         cases[i].text, v->key->name);
        }
    return m;
}

const void *impl_data(const struct impl *i)
{
    return i ? i->data : NULL;
}
