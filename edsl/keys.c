/* keys.c: key constructors, the built-in target key, and each key's configure-time value. */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "targets.h"

/* Names the tool and the unikernel use for themselves. */
static const char *const reserved[] = {"help", "version", "output", "file", "target", NULL};

static bool valid_key_name(const char *s)
{
    if (!s || !*s || *s == '-')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return false;
    return true;
}

static void add_key(struct key *k)
{
    *ed.keys_tail_ptr = k;
    ed.keys_tail_ptr = &k->next;
}

static struct key *make_key(const char *file, int line, enum mg_key_kind kind, const char *name,
                            const char *dflt, struct key_opts o)
{
    struct key *k = ed_alloc(sizeof *k);
    k->file = file;
    k->line = line;
    k->kind = kind;
    k->doc = ed_strdup(o.doc);
    k->docv = ed_strdup(o.docv);
    k->env = ed_strdup(o.env);
    k->group = ed_strdup(o.group);
    k->short_name = o.short_name;
    k->stage = o.stage == STAGE_DEFAULT ? BOTH : o.stage;
    k->choices = ed_copy_strings(o.choices);
    const char *base = name ? name : "";
    k->name = o.group && *o.group ? ed_fmt("%s-%s", o.group, base) : ed_strdup(base);
    if (!valid_key_name(name) || (o.group && !valid_key_name(o.group)))
        ed_error(file, line,
                 "key \"%s\": a key name is letters, digits, - and _, not starting with -",
                 k->name);
    for (size_t i = 0; reserved[i]; i++)
        if (strcmp(k->name, reserved[i]) == 0)
            ed_error(file, line, "key \"%s\": the name is reserved for the tool", k->name);
    if (o.stage < STAGE_DEFAULT || o.stage > BOTH)
        ed_error(file, line, "key \"%s\": stage must be CONFIGURE, RUNTIME or BOTH", k->name);
    if (kind == MG_KEY_ENUM && !k->choices[0])
        ed_error(file, line, "key \"%s\": key_enum needs .choices = CHOICES(...)", k->name);
    if (kind != MG_KEY_ENUM && k->choices[0])
        ed_error(file, line, "key \"%s\": .choices is for key_enum only", k->name);
    if (k->short_name && !((k->short_name >= 'a' && k->short_name <= 'z') ||
                           (k->short_name >= 'A' && k->short_name <= 'Z') ||
                           (k->short_name >= '0' && k->short_name <= '9')))
        ed_error(file, line, "key \"%s\": a short name is a letter or a digit", k->name);
    if (k->short_name == 'f' || k->short_name == 'o' || k->short_name == 't')
        ed_error(file, line, "key \"%s\": -%c is reserved for the tool", k->name, k->short_name);
    if (dflt) {
        const char *canon, *why;
        if (ed_key_check(kind, (const char *const *)k->choices, dflt, &canon, &why) < 0)
            ed_error(file, line, "key \"%s\": default \"%s\": %s", k->name, dflt, why);
        else
            k->dflt = ed_strdup(canon);
    }
    add_key(k);
    return k;
}

struct key *mg_edsl_key_bool(const char *file, int line, const char *name, bool dflt,
                             struct key_opts o)
{
    return make_key(file, line, MG_KEY_BOOL, name, dflt ? "true" : "false", o);
}

struct key *mg_edsl_key_int(const char *file, int line, const char *name, long dflt,
                            struct key_opts o)
{
    return make_key(file, line, MG_KEY_INT, name, ed_fmt("%ld", dflt), o);
}

struct key *mg_edsl_key_text(const char *file, int line, enum mg_key_kind kind, const char *name,
                             const char *dflt, struct key_opts o)
{
    if (kind < MG_KEY_BOOL || kind > MG_KEY_LOGS) {
        ed_error(file, line, "key \"%s\": unknown kind", name ? name : "");
        kind = MG_KEY_STRING;
    }
    return make_key(file, line, kind, name, dflt, o);
}

static struct key *target_key;

struct key *key_target(void)
{
    if (target_key)
        return target_key;
    struct buf doc = {0};
    buf_puts(&doc, "Target platform to compile the unikernel for. Valid values: ");
    const char **choices = ed_alloc((ed_ntargets + 1) * sizeof *choices);
    for (size_t i = 0; i < ed_ntargets; i++) {
        choices[i] = ed_known_targets[i].name;
        buf_printf(&doc, "%s%s", i ? ", " : "", choices[i]);
    }
    buf_putc(&doc, '.');
    struct key *k = ed_alloc(sizeof *k);
    k->file = __FILE__;
    k->line = __LINE__;
    k->kind = MG_KEY_ENUM;
    k->name = "target";
    k->dflt = "unix";
    k->doc = ed_strdup(buf_str(&doc));
    k->docv = "TARGET";
    k->env = "MIRAGE_DEFAULT_TARGET";
    k->short_name = 't';
    k->choices = choices;
    k->stage = CONFIGURE;
    k->target = true;
    buf_free(&doc);
    add_key(k);
    target_key = k;
    return k;
}

void ed_keys_forget(void)
{
    target_key = NULL;
}

/* The last command-line option naming k, if any. */
static const struct ed_opt *given(const struct key *k)
{
    const struct ed_opt *last = NULL;
    for (const struct ed_opt *o = ed.opts; o; o = o->next)
        if ((o->name && strcmp(o->name, k->name) == 0) ||
            (!o->name && k->short_name && o->short_name == k->short_name))
            last = o;
    return last;
}

static const char *raw_value(const struct key *k, const char **source)
{
    const struct ed_opt *o = given(k);
    if (o) {
        *source = "command line";
        return o->value ? o->value : "true";
    }
    const char *e = k->env ? getenv(k->env) : NULL;
    if (e && *e) {
        *source = "environment";
        return e;
    }
    *source = "default";
    return k->dflt;
}

const char *ed_key_value(const struct key *k)
{
    const char *source, *canon, *why;
    const char *v = raw_value(k, &source);
    if (!v)
        return NULL;
    if (ed_key_check(k->kind, (const char *const *)k->choices, v, &canon, &why) < 0)
        return k->dflt; /* reported by ed_keys_bind */
    return canon;
}

const char *ed_key_source(const struct key *k)
{
    const char *source;
    raw_value(k, &source);
    return source;
}

char *ed_key_var(const struct key *k)
{
    char *v = ed_fmt("mg_key_%s", k->name);
    for (char *p = v; *p; p++)
        if (*p == '-')
            *p = '_';
    return v;
}
