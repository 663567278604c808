/* gen_header.c: mirage/NAME.h: the start functions' prototypes, from the functor types. */
#include <ctype.h>
#include <string.h>

#include "engine.h"

char *ed_header_name(void)
{
    return ed_fmt("%s.h", ed.reg.name);
}

static void add(const char ***l, size_t *n, const char *s)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*l)[i], s) == 0)
            return;
    const char **nl = ed_alloc((*n + 2) * sizeof *nl);
    if (*n)
        memcpy(nl, *l, *n * sizeof *nl);
    nl[(*n)++] = s;
    *l = nl;
}

static bool is_struct(const char *ctype)
{
    return strncmp(ctype, "struct ", 7) == 0;
}

/* The types a foreign's prototype names: its parameters, then its result. */
static size_t ntypes(const struct typ *t)
{
    return t->is_fn ? t->nparams + 1 : 1;
}
static const struct typ *type_at(const struct typ *t, size_t i)
{
    return !t->is_fn ? t : i < t->nparams ? t->params[i] : t->result;
}

void ed_gen_header(struct buf *b)
{
    const struct dnode **fs = ed_alloc((ed.nselected + 1) * sizeof *fs);
    size_t nf = 0;
    for (size_t i = 0; i < ed.nselected; i++) {
        const struct dnode *d = ed.selected[i];
        if (d->head->kind != IK_FOREIGN)
            continue;
        size_t j = 0;
        while (j < nf && strcmp(fs[j]->head->name, d->head->name) != 0)
            j++;
        if (j == nf)
            fs[nf++] = d;
    }
    const char **decls = NULL, **incs = NULL;
    size_t ndecls = 0, nincs = 0;
    for (size_t i = 0; i < nf; i++) {
        const struct typ *t = fs[i]->head->type;
        for (size_t k = 0; k < ntypes(t); k++) {
            const struct typ *u = type_at(t, k);
            if (!u->ctype)
                continue;
            if (is_struct(u->ctype))
                add(&decls, &ndecls, u->ctype);
            else if (u->header)
                add(&incs, &nincs, u->header);
        }
    }

    char *guard = ed_fmt("MIRAGE_GEN_%s_H", ed.reg.name);
    for (char *p = guard; *p; p++)
        *p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
    buf_printf(b, "/* %s */\n", ed_generated_banner);
    buf_printf(b,
               "/* %s: the start functions config.c declares; the build force-includes it\n"
               " * into every source of the unikernel, so a mismatch is a compile error. */\n",
               ed_header_name());
    buf_printf(b, "#ifndef %s\n#define %s\n\n#include <mirage/runtime.h>\n", guard, guard);
    for (size_t i = 0; i < nincs; i++)
        buf_printf(b, "#include <%s>\n", incs[i]);
    if (ndecls)
        buf_putc(b, '\n');
    for (size_t i = 0; i < ndecls; i++)
        buf_printf(b, "%s;\n", decls[i]);
    buf_putc(b, '\n');
    for (size_t i = 0; i < nf; i++) {
        const struct impl *h = fs[i]->head;
        const struct typ *t = h->type;
        buf_printf(b, "int %s(", h->name);
        const char *sep = "";
        size_t np = t->is_fn ? t->nparams : 0;
        for (size_t k = 0; k < np; k++, sep = ", ")
            buf_printf(b, "%s%s *", sep, t->params[k]->ctype);
        for (size_t k = 0; h->runtime_keys[k]; k++, sep = ", ") {
            const char *ct = ed_key_ctype(h->runtime_keys[k]->kind);
            buf_printf(b, "%s%s", sep, ct);
        }
        const struct typ *r = type_at(t, ntypes(t) - 1);
        if (r != &mg_typ_job)
            buf_printf(b, "%s%s **", sep, r->ctype), sep = ", ";
        if (!*sep)
            buf_puts(b, "void");
        buf_puts(b, ");\n");
    }
    buf_printf(b, "\n#endif\n");
}
