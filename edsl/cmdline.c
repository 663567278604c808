/* cmdline.c: `mirage configure` arguments: the target first, then every key option. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "targets.h"

void ed_cmdline_parse(int argc, char *const *argv)
{
    ed.cargc = argc;
    ed.cargv = ed_alloc(((size_t)argc + 1) * sizeof *ed.cargv);
    for (int i = 0; i < argc; i++)
        ed.cargv[i] = ed_strdup(argv[i]);
}

/* The target as the command line, else the environment, else unix, says. */
static const char *target_text(void)
{
    const char *t = NULL;
    for (int i = 0; i < ed.cargc; i++) {
        const char *a = ed.cargv[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "-t") == 0 || strcmp(a, "--target") == 0)
            t = i + 1 < ed.cargc ? ed.cargv[++i] : "";
        else if (strncmp(a, "--target=", 9) == 0)
            t = a + 9;
        else if (strncmp(a, "-t", 2) == 0)
            t = a + 2;
        else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)
            i++; /* its value is not an option */
    }
    if (!t)
        t = getenv("MIRAGE_DEFAULT_TARGET");
    return t && *t ? t : "unix";
}

static bool available(const char *name)
{
    const struct ed_known_target *k = ed_find_target(name);
    if (!k || !k->target)
        return false;
    if (!ed.prefix)
        return true;
    struct stat st;
    return stat(ed_fmt("%s/lib/mirage/%s", ed.prefix, name), &st) == 0 && S_ISDIR(st.st_mode);
}

const char *ed_cmdline_target(void)
{
    const char *t = target_text();
    struct buf known = {0}, avail = {0};
    for (size_t i = 0; i < ed_ntargets; i++) {
        const char *n = ed_known_targets[i].name;
        buf_printf(&known, "%s%s", i ? ", " : "", n);
        if (available(n))
            buf_printf(&avail, "%s%s", avail.len ? ", " : "", n);
    }
    const struct ed_known_target *k = ed_find_target(t);
    if (!k)
        ed_error(NULL, 0, "unknown target \"%s\"; known targets: %s", t, buf_str(&known));
    else if (!available(t))
        ed_error(NULL, 0, "target %s is not available in this installation (available: %s)", t,
                 avail.len ? buf_str(&avail) : "none");
    buf_free(&known);
    buf_free(&avail);
    if (!k || !available(t))
        return NULL;
    ed.target_name = k->name;
    ed.target = k->target;
    return k->name;
}

static struct key *find_key(const char *name, char short_name)
{
    for (struct key *k = ed.keys; k; k = k->next)
        if ((name && strcmp(k->name, name) == 0) ||
            (!name && short_name && k->short_name == short_name))
            return k;
    return NULL;
}

static void push(const char *name, char short_name, const char *value)
{
    struct ed_opt *o = ed_alloc(sizeof *o), **pp = &ed.opts;
    o->name = name;
    o->short_name = short_name;
    o->value = value;
    while (*pp)
        pp = &(*pp)->next;
    *pp = o;
}

/* Check value against every key that bears the option's name. */
static void check_value(const char *name, char short_name, const char *value, const char *shown)
{
    for (struct key *k = ed.keys; k; k = k->next) {
        if (!((name && strcmp(k->name, name) == 0) ||
              (!name && short_name && k->short_name == short_name)))
            continue;
        const char *canon, *why;
        if (ed_key_check(k->kind, (const char *const *)k->choices, value ? value : "true", &canon,
                         &why) < 0) {
            ed_error(NULL, 0, "%s: invalid value \"%s\": %s", shown, value ? value : "", why);
            return;
        }
    }
}

static const char *unknown_hint = "`mirage configure --help` lists the keys";

void ed_keys_bind(void)
{
    for (int i = 0; i < ed.cargc; i++) {
        const char *a = ed.cargv[i];
        if (strcmp(a, "--help") == 0) {
            ed.help = true;
        } else if (strncmp(a, "--", 2) == 0 && a[2]) {
            const char *eq = strchr(a, '=');
            const char *name = eq ? ed_fmt("%.*s", (int)(eq - a - 2), a + 2) : a + 2;
            const char *value = eq ? eq + 1 : NULL;
            bool is_output = strcmp(name, "output") == 0;
            struct key *k = is_output ? NULL : find_key(name, 0);
            if (!k && !is_output) {
                ed_error(NULL, 0, "unknown option --%s; %s", name, unknown_hint);
                continue;
            }
            if (!value && (is_output || k->kind != MG_KEY_BOOL)) {
                if (i + 1 >= ed.cargc || strncmp(ed.cargv[i + 1], "--", 2) == 0) {
                    ed_error(NULL, 0, "option --%s needs a value", name);
                    continue;
                }
                value = ed.cargv[++i];
            }
            if (is_output) {
                ed.output = value;
                continue;
            }
            check_value(name, 0, value, ed_fmt("--%s", name));
            push(name, 0, value);
        } else if (a[0] == '-' && a[1] && a[1] != '-') {
            char c = a[1];
            const char *value = a[2] ? a + 2 : NULL;
            struct key *k = c == 'o' ? NULL : find_key(NULL, c);
            if (!k && c != 'o') {
                ed_error(NULL, 0, "unknown option -%c; %s", c, unknown_hint);
                continue;
            }
            if (!value && (c == 'o' || k->kind != MG_KEY_BOOL)) {
                if (i + 1 >= ed.cargc) {
                    ed_error(NULL, 0, "option -%c needs a value", c);
                    continue;
                }
                value = ed.cargv[++i];
            }
            if (c == 'o') {
                ed.output = value;
                continue;
            }
            check_value(NULL, c, value, ed_fmt("-%c", c));
            push(NULL, c, value);
        } else {
            ed_error(NULL, 0, "unexpected argument \"%s\"; keys are given as --NAME=VALUE", a);
        }
    }
    if (ed.output && !ed_valid_ident(ed.output)) {
        /* a file name in dist/: no path, no spaces */
        for (const char *p = ed.output; *p; p++)
            if (*p == '/' || *p == ' ' || *p == '\t') {
                ed_error(NULL, 0, "-o %s: the output name is a file name in dist/", ed.output);
                break;
            }
    }
}

/* Values that come from the environment are checked where they are read. */
void ed_keys_check_env(struct key **keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct key *k = keys[i];
        if (strcmp(ed_key_source(k), "environment") != 0)
            continue;
        const char *v = getenv(k->env), *canon, *why;
        if (ed_key_check(k->kind, (const char *const *)k->choices, v, &canon, &why) < 0)
            ed_error(NULL, 0, "--%s: invalid value \"%s\" in the environment variable %s: %s",
                     k->name, v, k->env, why);
    }
}
