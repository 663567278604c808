/* graph.c: selecting branches, sharing equal devices, ordering, collecting what they need. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static int ndnodes;

void ed_graph_forget(void)
{
    ndnodes = 0;
}

/* Append p to a NULL-terminated arena list if it is not there. */
static void add_unique(void ***list, size_t *n, void *p, bool by_string)
{
    for (size_t i = 0; i < *n; i++)
        if ((*list)[i] == p || (by_string && strcmp((*list)[i], p) == 0))
            return;
    void **l = ed_alloc((*n + 2) * sizeof *l);
    if (*n)
        memcpy(l, *list, *n * sizeof *l);
    l[(*n)++] = p;
    *list = l;
}

static struct dnode *intern(struct dnode *d)
{
    struct dnode **pp = &ed.dnodes;
    for (; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->canon, d->canon) == 0)
            return *pp;
    *pp = d;
    ndnodes++;
    return d;
}

static const char *canon_of(const struct dnode *d)
{
    struct buf b = {0};
    buf_printf(&b, "%c:%s|%s|", d->head->kind == IK_FOREIGN ? 'F' : 'D', d->head->name,
               ed_typ_show(d->head->type));
    struct key **ks[] = {d->head->keys, d->head->runtime_keys};
    for (size_t j = 0; j < 2; j++) {
        for (size_t i = 0; ks[j][i]; i++)
            buf_printf(&b, "%s,", ks[j][i]->name);
        buf_putc(&b, '|');
    }
    /* Arguments and dependencies are interned already: their canon
     * strings are unique, so their addresses stand for them. */
    for (size_t i = 0; i < d->nargs; i++)
        buf_printf(&b, "a%p,", (void *)d->args[i]);
    for (size_t i = 0; i < d->ndeps; i++)
        buf_printf(&b, "d%p,", (void *)d->deps[i]);
    const char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

static void add_vkeys(const struct value *v)
{
    ed_value_keys(v, &ed.vkeys, &ed.nvkeys);
}

static struct dnode *resolve(struct impl *i, const char *pf, int pl)
{
    const char *f;
    int l;
    if (!ed_impl_loc(i, &f, &l)) {
        f = pf;
        l = pl;
    }
    switch (i->kind) {
    case IK_IF:
        add_vkeys(i->cond);
        return resolve(ed_value_true(i->cond) ? i->then_ : i->else_, f, l);
    case IK_MATCH: {
        add_vkeys(i->cond);
        const char *t = ed_value_text(i->cond);
        for (size_t k = 0; i->cases[k].impl; k++)
            if (strcmp(i->cases[k].text, t) == 0)
                return resolve(i->cases[k].impl, f, l);
        return resolve(i->else_, f, l);
    }
    case IK_DEP:
        return resolve(i->target, f, l);
    case IK_APP: {
        struct dnode *r = resolve(i->fn, f, l);
        struct dnode *d = ed_alloc(sizeof *d);
        *d = *r;
        d->next = NULL;
        d->file = f;
        d->line = l;
        d->nargs = r->nargs + i->nargs;
        d->args = ed_alloc(d->nargs * sizeof *d->args);
        if (r->nargs)
            memcpy(d->args, r->args, r->nargs * sizeof *d->args);
        for (size_t k = 0; k < i->nargs; k++)
            d->args[r->nargs + k] = resolve(i->args[k], f, l);
        d->type = ed_typ_drop(d->head->type, d->nargs);
        d->canon = canon_of(d);
        return intern(d);
    }
    case IK_DEVICE:
    case IK_FOREIGN:
        break;
    }
    struct dnode *d = ed_alloc(sizeof *d);
    d->head = i;
    d->type = i->type;
    d->file = f;
    d->line = l;
    d->ndeps = ed_list_len((const void *const *)i->deps);
    d->deps = ed_alloc((d->ndeps + 1) * sizeof *d->deps);
    for (size_t k = 0; k < d->ndeps; k++) {
        d->deps[k] = resolve(i->deps[k], f, l);
        if (d->deps[k]->type == &mg_typ_job)
            ed_error(f, l, "%s: the dependency %s is a JOB; only devices can be dependencies",
                     i->name, d->deps[k]->head->name);
    }
    d->canon = canon_of(d);
    return intern(d);
}

static void place(struct dnode *d)
{
    if (d->placed)
        return;
    d->placed = true;
    for (size_t i = 0; i < d->ndeps; i++)
        place(d->deps[i]);
    for (size_t i = 0; i < d->nargs; i++)
        place(d->args[i]);
    if (d->type == &mg_typ_job)
        return;
    struct dnode **o = ed_alloc((ed.norder + 1) * sizeof *o);
    if (ed.norder)
        memcpy(o, ed.order, ed.norder * sizeof *o);
    o[ed.norder++] = d;
    ed.order = o;
    d->order = (int)ed.norder;
}

static char *var_name(const struct dnode *d)
{
    char *v = ed_fmt("mg_dev_%s_%d", d->head->name, d->order);
    for (char *p = v; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            *p = '_';
    return v;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp((*(struct key *const *)a)->name, (*(struct key *const *)b)->name);
}

static bool same_key(const struct key *a, const struct key *b)
{
    return a->kind == b->kind && a->stage == b->stage && a->short_name == b->short_name &&
           ((!a->dflt && !b->dflt) || (a->dflt && b->dflt && strcmp(a->dflt, b->dflt) == 0));
}

/* Keys of the selected graph, one per name; two different keys with one
 * name (or one variable) are an error. */
static void collect_keys(struct key **all, size_t n)
{
    struct key **u = ed_alloc((n + 1) * sizeof *u);
    size_t nu = 0;
    for (size_t i = 0; i < n; i++) {
        struct key *k = all[i];
        size_t j = 0;
        for (; j < nu; j++) {
            if (strcmp(u[j]->name, k->name) == 0) {
                if (!same_key(u[j], k))
                    ed_error(k->file, k->line,
                             "key --%s is declared differently here and at %s:%d (kind, stage, "
                             "short name or default)",
                             k->name, u[j]->file, u[j]->line);
                break;
            }
            if (strcmp(ed_key_var(u[j]), ed_key_var(k)) == 0) {
                ed_error(k->file, k->line, "keys --%s and --%s have the same C variable %s",
                         u[j]->name, k->name, ed_key_var(k));
                break;
            }
            if (k->short_name && k->short_name == u[j]->short_name)
                ed_error(k->file, k->line, "keys --%s and --%s have the same short name -%c",
                         u[j]->name, k->name, k->short_name);
        }
        if (j == nu)
            u[nu++] = k;
    }
    qsort(u, nu, sizeof *u, key_cmp);
    ed.rkeys = u;
    ed.nrkeys = nu;
}

/* One start function, one prototype. */
static void check_foreigns(void)
{
    for (struct dnode *a = ed.dnodes; a; a = a->next) {
        if (!a->placed || a->head->kind != IK_FOREIGN)
            continue;
        for (struct dnode *b = ed.dnodes; b != a; b = b->next) {
            if (!b->placed || b->head->kind != IK_FOREIGN || b->head == a->head ||
                strcmp(b->head->name, a->head->name) != 0)
                continue;
            if (ed_typ_eq(b->head->type, a->head->type) &&
                ed_list_len((const void *const *)b->head->runtime_keys) ==
                    ed_list_len((const void *const *)a->head->runtime_keys))
                continue;
            const char *fa = a->file, *fb = b->file;
            int la = a->line, lb = b->line;
            ed_impl_loc(a->head, &fa, &la);
            ed_impl_loc(b->head, &fb, &lb);
            ed_error(fa, la,
                     "foreign %s is declared with two different types (%s here, %s at %s:%d)",
                     a->head->name, ed_typ_show(a->head->type), ed_typ_show(b->head->type), fb, lb);
        }
    }
}

int ed_resolve(void)
{
    struct ed_register *r = &ed.reg;
    if (!r->done) {
        ed_error(NULL, 0, "%s: configure() did not call register_unikernel",
                 ed.config_file ? ed.config_file : "config.c");
        return -1;
    }
    if (ed_nerrors())
        return -1;
    ed.info.name = ed.output ? ed.output : r->name;
    ed.info.target = ed.target_name;
    ed.info.srcdir = ed.srcdir;
    ed.info.builddir = ed.srcdir ? ed_fmt("%s/mirage", ed.srcdir) : NULL;

    ed.reporter = resolve(r->reporter, r->file, r->line);
    ed.argv = resolve(r->argv, r->file, r->line);
    ed.tracing = r->tracing ? resolve(r->tracing, r->file, r->line) : NULL;
    size_t nj = ed_list_len((const void *const *)r->jobs);
    ed.jobs = ed_alloc((nj + 1) * sizeof *ed.jobs);
    ed.njobs = 0;
    for (size_t i = 0; i < nj; i++)
        add_unique((void ***)&ed.jobs, &ed.njobs, resolve(r->jobs[i], r->file, r->line), false);

    /* The reporter first, so that logs work while the others connect. */
    place(ed.reporter);
    if (ed.tracing)
        place(ed.tracing);
    place(ed.argv);
    for (size_t i = 0; i < ed.njobs; i++)
        place(ed.jobs[i]);

    ed.nselected = 0;
    for (size_t i = 0; i < ed.norder; i++)
        add_unique((void ***)&ed.selected, &ed.nselected, ed.order[i], false);
    for (size_t i = 0; i < ed.njobs; i++)
        add_unique((void ***)&ed.selected, &ed.nselected, ed.jobs[i], false);

    struct key **keys = NULL;
    size_t nkeys = 0, nlibs = 0, nheaders = 0, nsources = 0, nfiles = 0, npk = 0;
    struct package **pk = NULL;
    ed.libs = ed.headers = ed.sources = ed.files = NULL;
    for (size_t i = 0; i < ed.nselected; i++) {
        struct dnode *d = ed.selected[i];
        struct impl *h = d->head;
        d->var = d->type == &mg_typ_job ? NULL : var_name(d);
        if (d->type->is_fn)
            ed_error(d->file, d->line, "%s is not fully applied: next argument %s", h->name,
                     ed_typ_show(d->type->params[0]));
        for (size_t k = 0; h->keys[k]; k++)
            add_unique((void ***)&keys, &nkeys, h->keys[k], false);
        for (size_t k = 0; h->runtime_keys[k]; k++)
            add_unique((void ***)&keys, &nkeys, h->runtime_keys[k], false);
        for (size_t k = 0; h->packages[k]; k++)
            add_unique((void ***)&pk, &npk, h->packages[k], false);
        for (size_t k = 0; h->libs[k]; k++)
            add_unique((void ***)&ed.libs, &nlibs, (void *)h->libs[k], true);
        for (size_t k = 0; h->headers[k]; k++)
            add_unique((void ***)&ed.headers, &nheaders, (void *)h->headers[k], true);
        for (size_t k = 0; h->sources[k]; k++)
            add_unique((void ***)&ed.sources, &nsources, (void *)h->sources[k], true);
        for (size_t k = 0; h->files[k]; k++)
            add_unique((void ***)&ed.files, &nfiles, (void *)h->files[k], true);
        /* user types bring their own headers */
        struct typ *t = h->type;
        for (size_t k = 0; k <= (t->is_fn ? t->nparams : 0); k++) {
            struct typ *u = t->is_fn ? (k < t->nparams ? t->params[k] : t->result) : t;
            if (!u->builtin && u->header)
                add_unique((void ***)&ed.headers, &nheaders, (void *)u->header, true);
        }
        if (h->unsupported) {
            const char *why = h->unsupported(&ed.info, h);
            if (why)
                ed_error(d->file, d->line, "%s cannot be used on target %s: %s", h->name,
                         ed.target_name, why);
        }
    }
    for (size_t k = 0; r->keys[k]; k++)
        add_unique((void ***)&keys, &nkeys, r->keys[k], false);
    for (size_t k = 0; r->packages[k]; k++)
        add_unique((void ***)&pk, &npk, r->packages[k], false);
    /* empty lists rather than NULL */
    void ***lists[] = {(void ***)&ed.libs, (void ***)&ed.headers, (void ***)&ed.sources,
                       (void ***)&ed.files};
    for (size_t i = 0; i < 4; i++)
        if (!*lists[i])
            *lists[i] = ed_alloc(sizeof(void *));
    collect_keys(keys, nkeys);
    check_foreigns();
    ed_packages_merge(pk, npk, &ed.pkgs, &ed.npkgs);
    ed.parse_argv = strcmp(ed.argv->head->name, "no_argv") != 0;
    ed_manifest_collect();
    return ed_nerrors() ? -1 : 0;
}

void ed_reachable_keys(struct key ***out, size_t *n)
{
    struct key **all = ed_alloc((ed.nrkeys + ed.nvkeys + 2) * sizeof *all);
    size_t na = 0;
    all[na++] = key_target();
    for (size_t i = 0; i < ed.nrkeys; i++)
        all[na++] = ed.rkeys[i];
    for (size_t i = 0; i < ed.nvkeys; i++)
        all[na++] = ed.vkeys[i];
    struct key **u = ed_alloc((na + 1) * sizeof *u);
    size_t nu = 0;
    for (size_t i = 0; i < na; i++) {
        size_t j = 0;
        while (j < nu && strcmp(u[j]->name, all[i]->name) != 0)
            j++;
        if (j == nu)
            u[nu++] = all[i];
    }
    qsort(u, nu, sizeof *u, key_cmp);
    *out = u;
    *n = nu;
}
