/* describe.c: `mirage describe`: the unikernel in words, or its device graph for Graphviz. */
#include <string.h>

#include "engine.h"

static const char *stage_name(const struct key *k)
{
    bool rt = false;
    for (size_t i = 0; i < ed.nrkeys; i++)
        rt = rt || (ed.rkeys[i] == k && (k->stage & RUNTIME));
    bool cf = k->stage == CONFIGURE || k->configure_read;
    return cf && rt ? "configure, run time" : rt ? "run time" : "configure";
}

void ed_describe_keys(struct buf *b, const char *indent)
{
    struct key **keys;
    size_t n;
    ed_reachable_keys(&keys, &n);
    for (size_t i = 0; i < n; i++) {
        const char *v = ed_key_value(keys[i]);
        buf_printf(b, "%s--%s=%s  [%s; %s]\n", i ? indent : "", keys[i]->name, v ? v : "",
                   stage_name(keys[i]), ed_key_source(keys[i]));
    }
}

void ed_describe(struct buf *b)
{
    buf_printf(b, "name      %s\n", ed.reg.name);
    buf_printf(b, "target    %s\n", ed.target_name);
    buf_printf(b, "output    %s\n", ed_artefact());
    buf_puts(b, "keys      ");
    ed_describe_keys(b, "          ");
    buf_puts(b, "jobs      ");
    for (size_t i = 0; i < ed.njobs; i++)
        buf_printf(b, "%s%s", i ? ", " : "", ed.jobs[i]->head->name);
    buf_puts(b, ed.njobs ? "\n" : "(none)\n");
    buf_puts(b, "devices   ");
    for (size_t i = 0; i < ed.norder; i++)
        buf_printf(b, "%s%s", i ? ", " : "", ed.order[i]->head->name);
    buf_puts(b, "\n");
}

/* ---- the graph -------------------------------------------------------- */

static const char *vshow(const struct value *v)
{
    if (v->error)
        return "?";
    switch (v->kind) {
    case VK_KEY:
        return v->key->name;
    case VK_EQ:
        return ed_fmt("%s = %s", vshow(v->a), v->text);
    case VK_BOOL:
        return v->b ? "true" : "false";
    case VK_NOT:
        return ed_fmt("not %s", vshow(v->a));
    case VK_AND:
        return ed_fmt("(%s and %s)", vshow(v->a), vshow(v->b2));
    case VK_OR:
        return ed_fmt("(%s or %s)", vshow(v->a), vshow(v->b2));
    }
    return "?";
}

struct gnode {
    const char *canon;
    int id;
    struct gnode *next;
};
static struct gnode *gnodes;
static int gids;

/* Structurally equal nodes are drawn once: 0 if canon is new (id set). */
static bool seen(const char *canon, int *id)
{
    for (struct gnode *g = gnodes; g; g = g->next)
        if (strcmp(g->canon, canon) == 0) {
            *id = g->id;
            return true;
        }
    struct gnode *g = ed_alloc(sizeof *g);
    g->canon = canon;
    g->id = *id = ++gids;
    g->next = gnodes;
    gnodes = g;
    return false;
}

static void node_line(struct buf *b, int id, const char *label, const char *attrs)
{
    buf_printf(b, "  n%d [label=", id);
    buf_dotstr(b, label);
    buf_printf(b, "%s];\n", attrs);
}

static void edge(struct buf *b, int from, int to, const char *label, const char *attrs)
{
    buf_printf(b, "  n%d -> n%d [label=", from, to);
    buf_dotstr(b, label);
    buf_printf(b, "%s];\n", attrs);
}

static const char *shape_of(const struct impl *h, const struct typ *t)
{
    if (h->kind == IK_FOREIGN)
        return t == &mg_typ_job ? ", shape=box, style=bold" : ", shape=box, style=rounded";
    return ", shape=box";
}

/* The unevaluated graph: every branch, drawn from the impl nodes. */
static int draw_impl(struct buf *b, struct impl *i);

static int draw_head(struct buf *b, struct impl *h, struct impl *const *args, size_t nargs,
                     struct typ *t)
{
    struct buf c = {0};
    size_t na = nargs, nd = ed_list_len((const void *const *)h->deps);
    int *ids = ed_alloc((na + 1) * sizeof *ids), *dids = ed_alloc((nd + 1) * sizeof *dids);
    for (size_t k = 0; k < na; k++)
        ids[k] = draw_impl(b, args[k]);
    for (size_t k = 0; k < nd; k++)
        dids[k] = draw_impl(b, h->deps[k]);
    /* what makes two devices one (see graph.c) */
    buf_printf(&c, "%c:%s|%s|", h->kind == IK_FOREIGN ? 'F' : 'D', h->name, ed_typ_show(h->type));
    for (size_t k = 0; h->keys[k]; k++)
        buf_printf(&c, "%s,", h->keys[k]->name);
    for (size_t k = 0; h->runtime_keys[k]; k++)
        buf_printf(&c, "%s,", h->runtime_keys[k]->name);
    for (size_t k = 0; k < na; k++)
        buf_printf(&c, "a%d,", ids[k]);
    for (size_t k = 0; k < nd; k++)
        buf_printf(&c, "d%d,", dids[k]);
    int id;
    bool old = seen(ed_strdup(buf_str(&c)), &id);
    buf_free(&c);
    if (old)
        return id;
    node_line(b, id, ed_fmt("%s\n%s", h->name, ed_typ_show(t)), shape_of(h, t));
    for (size_t k = 0; k < na; k++)
        edge(b, id, ids[k], ed_fmt("%zu", k + 1), "");
    for (size_t k = 0; k < nd; k++)
        edge(b, id, dids[k], "dep", ", style=dashed");
    return id;
}

static int draw_impl(struct buf *b, struct impl *i)
{
    int id;
    switch (i->kind) {
    case IK_DEP:
        return draw_impl(b, i->target);
    case IK_DEVICE:
    case IK_FOREIGN:
        return draw_head(b, i, NULL, 0, i->type);
    case IK_APP:
        if (i->fn->kind == IK_DEVICE || i->fn->kind == IK_FOREIGN)
            return draw_head(b, i->fn, i->args, i->nargs, i->type);
        {
            /* a functor chosen by a branch, then applied */
            int f = draw_impl(b, i->fn);
            size_t na = i->nargs;
            int *ids = ed_alloc((na + 1) * sizeof *ids);
            for (size_t k = 0; k < na; k++)
                ids[k] = draw_impl(b, i->args[k]);
            if (seen(ed_fmt("app%p", (void *)i), &id))
                return id;
            node_line(b, id, ed_fmt("apply\n%s", ed_typ_show(i->type)),
                      ", shape=box, style=dotted");
            edge(b, id, f, "functor", "");
            for (size_t k = 0; k < na; k++)
                edge(b, id, ids[k], ed_fmt("%zu", k + 1), "");
            return id;
        }
    case IK_IF: {
        int a = draw_impl(b, i->then_), c = draw_impl(b, i->else_);
        if (seen(ed_fmt("if%p", (void *)i), &id))
            return id;
        node_line(b, id, ed_fmt("if %s", vshow(i->cond)), ", shape=diamond");
        edge(b, id, a, "true", ", style=dotted");
        edge(b, id, c, "false", ", style=dotted");
        return id;
    }
    case IK_MATCH: {
        size_t n = 0;
        while (i->cases[n].impl)
            n++;
        int *ids = ed_alloc((n + 1) * sizeof *ids);
        for (size_t k = 0; k < n; k++)
            ids[k] = draw_impl(b, i->cases[k].impl);
        int d = draw_impl(b, i->else_);
        if (seen(ed_fmt("match%p", (void *)i), &id))
            return id;
        node_line(b, id, ed_fmt("match %s", vshow(i->cond)), ", shape=diamond");
        for (size_t k = 0; k < n; k++)
            edge(b, id, ids[k], i->cases[k].text, ", style=dotted");
        edge(b, id, d, "default", ", style=dotted");
        return id;
    }
    }
    return 0;
}

/* The selected graph: one node per device. */
static int draw_dnode(struct buf *b, struct dnode *d)
{
    size_t na = d->nargs, nd = d->ndeps;
    int *ids = ed_alloc((na + 1) * sizeof *ids), *dids = ed_alloc((nd + 1) * sizeof *dids);
    for (size_t k = 0; k < na; k++)
        ids[k] = draw_dnode(b, d->args[k]);
    for (size_t k = 0; k < nd; k++)
        dids[k] = draw_dnode(b, d->deps[k]);
    int id;
    if (seen(d->canon, &id))
        return id;
    node_line(b, id, ed_fmt("%s\n%s", d->head->name, ed_typ_show(d->type)),
              shape_of(d->head, d->type));
    for (size_t k = 0; k < na; k++)
        edge(b, id, ids[k], ed_fmt("%zu", k + 1), "");
    for (size_t k = 0; k < nd; k++)
        edge(b, id, dids[k], "dep", ", style=dashed");
    return id;
}

void ed_describe_dot(struct buf *b, bool eval)
{
    gnodes = NULL;
    gids = 0;
    buf_puts(b, "digraph ");
    buf_dotstr(b, ed.reg.name);
    buf_puts(b, " {\n  node [fontname=\"monospace\"];\n");
    if (eval) {
        draw_dnode(b, ed.reporter);
        if (ed.tracing)
            draw_dnode(b, ed.tracing);
        draw_dnode(b, ed.argv);
        for (size_t i = 0; i < ed.njobs; i++)
            draw_dnode(b, ed.jobs[i]);
    } else {
        struct ed_register *r = &ed.reg;
        draw_impl(b, r->reporter);
        if (r->tracing)
            draw_impl(b, r->tracing);
        draw_impl(b, r->argv);
        for (size_t i = 0; r->jobs[i]; i++)
            draw_impl(b, r->jobs[i]);
    }
    buf_puts(b, "}\n");
}
