/* gen_main.c: mirage/main.c: run-time keys, devices connected in order, jobs, the unikernel. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static const char *arg_kind(enum mg_key_kind k)
{
    switch (k) {
    case MG_KEY_BOOL:
        return "MG_ARG_BOOL";
    case MG_KEY_INT:
        return "MG_ARG_INT";
    case MG_KEY_INT64:
        return "MG_ARG_INT64";
    case MG_KEY_STRING:
        return "MG_ARG_STRING";
    case MG_KEY_ENUM:
        return "MG_ARG_ENUM";
    case MG_KEY_LIST:
        return "MG_ARG_LIST";
    case MG_KEY_IPV4:
        return "MG_ARG_IPV4";
    case MG_KEY_IPV4_PREFIX:
        return "MG_ARG_IPV4_PREFIX";
    case MG_KEY_IPV6:
        return "MG_ARG_IPV6";
    case MG_KEY_IPV6_PREFIX:
        return "MG_ARG_IPV6_PREFIX";
    case MG_KEY_IP:
        return "MG_ARG_IP";
    case MG_KEY_LOGS:
        return "MG_ARG_LOGS";
    }
    return "MG_ARG_STRING";
}

/* The kind's parser in <mirage/args.h>: naming it in the table is what
 * links it into the image, and only it (the runtime links the IP parsers
 * only when something names them). */
static const char *arg_parser(enum mg_key_kind k)
{
    switch (k) {
    case MG_KEY_BOOL:
        return "mg_arg_parse_bool";
    case MG_KEY_INT:
        return "mg_arg_parse_int";
    case MG_KEY_INT64:
        return "mg_arg_parse_int64";
    case MG_KEY_ENUM:
        return "mg_arg_parse_enum";
    case MG_KEY_IPV4:
        return "mg_arg_parse_ipv4";
    case MG_KEY_IPV4_PREFIX:
        return "mg_arg_parse_ipv4_prefix";
    case MG_KEY_IPV6:
        return "mg_arg_parse_ipv6";
    case MG_KEY_IPV6_PREFIX:
        return "mg_arg_parse_ipv6_prefix";
    case MG_KEY_IP:
        return "mg_arg_parse_ip";
    case MG_KEY_STRING:
    case MG_KEY_LIST:
    case MG_KEY_LOGS:
        break;
    }
    return "mg_arg_parse_text";
}

/* config.c as #line names it: absolute, so compiler messages point at it
 * from wherever make runs. */
static const char *config_path(const char *file)
{
    if (!ed.srcdir || !file || file[0] == '/')
        return file;
    const char *base = strrchr(file, '/');
    return ed_fmt("%s/%s", ed.srcdir, base ? base + 1 : file);
}

static void line_here(struct buf *b, const char *file, int line)
{
    buf_printf(b, "#line %d ", line);
    buf_cstr(b, config_path(file));
    buf_putc(b, '\n');
}

static void line_back(struct buf *b)
{
    /* #line N names the line that follows it. */
    buf_printf(b, "#line %zu \"mirage/main.c\"\n", buf_lines(b) + 2);
}

static bool is_runtime(const struct key *k)
{
    return k->stage & RUNTIME;
}

static void gen_keys(struct buf *b)
{
    size_t nrt = 0;
    if (ed.nrkeys)
        buf_puts(b, "/* run-time keys */\n");
    for (size_t i = 0; i < ed.nrkeys; i++) {
        struct key *k = ed.rkeys[i];
        const char *v = ed_key_value(k);
        char *var = ed_key_var(k);
        const char *ct = ed_key_ctype(k->kind);
        bool ptr = ct[strlen(ct) - 1] == '*';
        if (!is_runtime(k)) {
            /* configure-only: its value, fixed, for connect code that names it */
            buf_printf(b, "static %s%sconst %s __attribute__((unused)) = %s;\n", ct, ptr ? "" : " ",
                       var, ed_key_cinit(k->kind, v));
            continue;
        }
        nrt++;
        buf_printf(b, "static %s%s%s = %s;\n", ct, ptr ? "" : " ", var, ed_key_cinit(k->kind, v));
        if (!v)
            buf_printf(b, "static bool %s_present;\n", var);
        if (k->kind == MG_KEY_ENUM) {
            buf_printf(b, "static const char *const %s_choices[] = {", var);
            for (size_t c = 0; k->choices[c]; c++) {
                buf_cstr(b, k->choices[c]);
                buf_puts(b, ", ");
            }
            buf_puts(b, "NULL};\n");
        }
    }
    if (!nrt)
        return;
    buf_puts(b, "static const struct mg_arg mg_args[] = {\n");
    for (size_t i = 0; i < ed.nrkeys; i++) {
        struct key *k = ed.rkeys[i];
        if (!is_runtime(k))
            continue;
        const char *v = ed_key_value(k);
        char *var = ed_key_var(k);
        buf_puts(b, "    {.name = ");
        buf_cstr(b, k->name);
        if (k->short_name)
            buf_printf(b, ", .short_name = '%c'", k->short_name);
        buf_printf(b, ", .kind = %s, .parse = %s, .var = &%s", arg_kind(k->kind),
                   arg_parser(k->kind), var);
        if (!v)
            buf_printf(b, ", .present = &%s_present", var);
        buf_puts(b, ",\n     .doc = ");
        buf_cstr(b, k->doc ? k->doc : "");
        buf_puts(b, ", .docv = ");
        buf_cstr(b, ed_key_docv(k));
        if (v) {
            buf_puts(b, ", .dflt = ");
            buf_cstr(b, v);
        }
        if (k->env) {
            buf_puts(b, ", .env = ");
            buf_cstr(b, k->env);
        }
        if (k->kind == MG_KEY_ENUM)
            buf_printf(b, ", .choices = %s_choices", var);
        buf_puts(b, "},\n");
    }
    buf_puts(b, "};\n");
}

static void gen_info(struct buf *b)
{
    buf_puts(b, "\n/* what mirage configure knew, for app_info() */\n");
    if (ed.npkgs) {
        buf_puts(b, "static const struct mg_info_package mg_gen_packages[] = {\n");
        for (size_t i = 0; i < ed.npkgs; i++) {
            buf_puts(b, "    {");
            buf_cstr(b, ed.pkgs[i].name);
            buf_puts(b, ", ");
            buf_cstr(b, ed.pkgs[i].installed ? ed.pkgs[i].installed : "");
            buf_puts(b, "},\n");
        }
        buf_puts(b, "};\n");
    }
    size_t nlibs = ed_list_len((const void *const *)ed.libs);
    if (nlibs) {
        buf_puts(b, "static const char *const mg_gen_libraries[] = {");
        for (size_t i = 0; i < nlibs; i++) {
            buf_cstr(b, ed.libs[i]);
            buf_puts(b, i + 1 < nlibs ? ", " : "};\n");
        }
    }
    struct key **keys;
    size_t nkeys;
    ed_reachable_keys(&keys, &nkeys);
    buf_puts(b, "static const struct mg_info_key mg_gen_keys[] = {\n");
    for (size_t i = 0; i < nkeys; i++) {
        buf_puts(b, "    {");
        buf_cstr(b, keys[i]->name);
        buf_puts(b, ", ");
        buf_cstr(b, ed_key_value(keys[i]));
        buf_puts(b, "},\n");
    }
    buf_puts(b, "};\n");
    buf_puts(b, "static const struct mg_info mg_gen_info = {\n    .name = ");
    buf_cstr(b, ed.reg.name);
    buf_puts(b, ",\n    .target = ");
    buf_cstr(b, ed.target_name);
    buf_puts(b, ",\n    .mirage_version = ");
    buf_cstr(b, MIRAGE_VERSION);
    if (ed.npkgs)
        buf_printf(b, ",\n    .packages = mg_gen_packages,\n    .npackages = %zu", ed.npkgs);
    if (nlibs)
        buf_printf(b, ",\n    .libraries = mg_gen_libraries,\n    .nlibraries = %zu", nlibs);
    buf_printf(b, ",\n    .keys = mg_gen_keys,\n    .nkeys = %zu,\n};\n", nkeys);
}

/* The C expressions for d's arguments, cast where a polymorphic parameter
 * (IP, UDP, TCP) takes one of its versions. */
static char **arg_exprs(const struct dnode *d)
{
    char **a = ed_alloc((d->nargs + 1) * sizeof *a);
    struct typ *t = d->head->type;
    for (size_t i = 0; i < d->nargs; i++) {
        struct dnode *x = d->args[i];
        struct typ *p = t->params[i];
        if (!ed_typ_eq(p, x->type) && p->ctype)
            a[i] = ed_fmt("(%s *)%s", p->ctype, x->var);
        else
            a[i] = ed_strdup(x->var);
    }
    return a;
}

/* The call of a foreign start function: devices, run-time keys, and for a
 * device result the out-parameter. */
static char *foreign_call(const struct dnode *d)
{
    struct buf b = {0};
    char **a = arg_exprs(d);
    buf_printf(&b, "%s(", d->head->name);
    const char *sep = "";
    for (size_t i = 0; i < d->nargs; i++, sep = ", ")
        buf_printf(&b, "%s%s", sep, a[i]);
    for (size_t i = 0; d->head->runtime_keys[i]; i++, sep = ", ")
        buf_printf(&b, "%s%s", sep, ed_key_var(d->head->runtime_keys[i]));
    if (d->var)
        buf_printf(&b, "%s&%s", sep, d->var);
    buf_putc(&b, ')');
    char *s = ed_strdup(buf_str(&b));
    buf_free(&b);
    return s;
}

/* The device's connect expression (arena), or NULL if it has none. */
static char *connect_expr(const struct dnode *d)
{
    if (d->head->kind == IK_FOREIGN)
        return foreign_call(d);
    if (!d->head->connect)
        return NULL;
    char *c = d->head->connect(&ed.info, d->head, d->var, (const char *const *)arg_exprs(d));
    char *s = ed_strdup(c);
    free(c);
    return s;
}

void ed_gen_main(struct buf *b)
{
    buf_printf(b, "/* %s */\n", ed_generated_banner);
    buf_printf(b, "/* main.c: the unikernel %s for target %s: keys, devices, jobs. */\n",
               ed.reg.name, ed.target_name);
    buf_puts(b, "#include <mirage/runtime.h>\n");
    for (size_t i = 0; ed.headers[i]; i++)
        buf_printf(b, "#include <%s>\n", ed.headers[i]);
    buf_printf(b, "#include \"%s\"\n\n", ed_header_name());

    gen_keys(b);

    buf_puts(b, ed.nrkeys ? "\n/* devices */\n" : "/* devices */\n");
    for (size_t i = 0; i < ed.norder; i++) {
        struct dnode *d = ed.order[i];
        const char *ct = d->type->ctype ? d->type->ctype : "void";
        buf_printf(b, "static %s *%s;\n", ct, d->var);
    }

    gen_info(b);

    char **exprs = ed_alloc((ed.norder + 1) * sizeof *exprs);
    bool any = false;
    for (size_t i = 0; i < ed.norder; i++) {
        exprs[i] = connect_expr(ed.order[i]);
        any = any || exprs[i];
    }
    buf_puts(b, "\nstatic int mg_connect(void)\n{\n");
    if (any)
        buf_puts(b, "    int rc;\n");
    for (size_t i = 0; i < ed.norder; i++) {
        struct dnode *d = ed.order[i];
        if (!exprs[i])
            continue;
        line_here(b, d->file, d->line);
        buf_printf(b, "    if ((rc = (%s)) < 0)\n        return mg_connect_failed(", exprs[i]);
        buf_cstr(b, d->head->name);
        buf_puts(b, ", rc);\n");
    }
    if (any)
        line_back(b);
    buf_puts(b, "    return 0;\n}\n");

    for (size_t i = 0; i < ed.njobs; i++) {
        struct dnode *d = ed.jobs[i];
        char *e = connect_expr(d);
        buf_printf(b, "\nstatic int mg_job_%zu(void *arg)\n{\n    (void)arg;\n", i);
        line_here(b, d->file, d->line);
        buf_printf(b, "    return %s;\n", e ? e : "0");
        line_back(b);
        buf_puts(b, "}\n");
    }
    if (ed.njobs) {
        buf_puts(b, "\nstatic const struct mg_job mg_jobs[] = {\n");
        for (size_t i = 0; i < ed.njobs; i++) {
            buf_puts(b, "    {");
            buf_cstr(b, ed.jobs[i]->head->name);
            buf_printf(b, ", mg_job_%zu},\n", i);
        }
        buf_puts(b, "};\n");
    }

    bool has_args = false;
    for (size_t i = 0; i < ed.nrkeys; i++)
        has_args = has_args || is_runtime(ed.rkeys[i]);
    buf_puts(b, "\nstatic const struct mg_unikernel mg_unikernel = {\n    .name = ");
    buf_cstr(b, ed.reg.name);
    buf_puts(b, ",\n    .version = ");
    buf_cstr(b, MIRAGE_VERSION);
    buf_puts(b, ",\n");
    if (has_args)
        buf_puts(b, "    .args = mg_args,\n    .nargs = sizeof mg_args / sizeof mg_args[0],\n");
    buf_printf(b, "    .parse_argv = %s,\n", ed.parse_argv ? "true" : "false");
    buf_puts(b, "    .connect = mg_connect,\n");
    if (ed.njobs)
        buf_printf(b, "    .jobs = mg_jobs,\n    .njobs = %zu,\n", ed.njobs);
    buf_puts(b, "    .info = &mg_gen_info,\n};\n\n");
    buf_puts(b, "int mg_main(int argc, char **argv) { return mg_unikernel_run(&mg_unikernel, argc, "
                "argv); }\n");
}
