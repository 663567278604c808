/* values.c: configure-time values over keys, for if_impl and match_impl. */
#include <string.h>

#include "engine.h"

static struct value *make(const char *file, int line, enum value_kind kind)
{
    struct value *v = ed_alloc(sizeof *v);
    v->kind = kind;
    v->file = file;
    v->line = line;
    return v;
}

static struct value *bad(const char *file, int line)
{
    struct value *v = make(file, line, VK_BOOL);
    v->error = true;
    return v;
}

struct value *mg_edsl_value_of(const char *file, int line, struct key *k)
{
    if (!k) {
        ed_error(file, line, "value_of: the key is NULL");
        return bad(file, line);
    }
    if (k->stage == RUNTIME) {
        ed_error(file, line,
                 "value_of: key --%s is RUNTIME only; a value needs a CONFIGURE or BOTH key",
                 k->name);
        return bad(file, line);
    }
    k->configure_read = true;
    struct value *v = make(file, line, VK_KEY);
    v->key = k;
    return v;
}

struct value *mg_edsl_value_eq(const char *file, int line, struct value *a, const char *text)
{
    if (!a || !text) {
        ed_error(file, line, "value_eq: %s is NULL", a ? "the text" : "the value");
        return bad(file, line);
    }
    struct value *v = make(file, line, VK_EQ);
    v->a = a;
    v->text = ed_strdup(text);
    return v;
}

struct value *mg_edsl_value_bool(const char *file, int line, bool b)
{
    struct value *v = make(file, line, VK_BOOL);
    v->b = b;
    return v;
}

static bool need_bool(const char *file, int line, const char *what, struct value *a)
{
    if (!a) {
        ed_error(file, line, "%s: the value is NULL", what);
        return false;
    }
    if (!ed_value_is_bool(a)) {
        ed_error(file, line, "%s: expected a bool value, got %s", what, ed_value_show(a));
        return false;
    }
    return true;
}

struct value *mg_edsl_value_not(const char *file, int line, struct value *a)
{
    if (!need_bool(file, line, "value_not", a))
        return bad(file, line);
    struct value *v = make(file, line, VK_NOT);
    v->a = a;
    return v;
}

static struct value *binop(const char *file, int line, enum value_kind kind, const char *what,
                           struct value *a, struct value *b)
{
    bool ok = need_bool(file, line, what, a);
    ok = need_bool(file, line, what, b) && ok;
    if (!ok)
        return bad(file, line);
    struct value *v = make(file, line, kind);
    v->a = a;
    v->b2 = b;
    return v;
}

struct value *mg_edsl_value_and(const char *file, int line, struct value *a, struct value *b)
{
    return binop(file, line, VK_AND, "value_and", a, b);
}

struct value *mg_edsl_value_or(const char *file, int line, struct value *a, struct value *b)
{
    return binop(file, line, VK_OR, "value_or", a, b);
}

bool ed_value_is_bool(const struct value *v)
{
    if (v->kind == VK_KEY)
        return v->key->kind == MG_KEY_BOOL;
    return true;
}

const char *ed_value_text(const struct value *v)
{
    if (v->kind == VK_KEY) {
        const char *t = ed_key_value(v->key);
        return t ? t : "";
    }
    return ed_value_true(v) ? "true" : "false";
}

bool ed_value_true(const struct value *v)
{
    if (v->error)
        return false;
    switch (v->kind) {
    case VK_KEY:
        return strcmp(ed_value_text(v), "true") == 0;
    case VK_EQ:
        return strcmp(ed_value_text(v->a), v->text) == 0;
    case VK_BOOL:
        return v->b;
    case VK_NOT:
        return !ed_value_true(v->a);
    case VK_AND:
        return ed_value_true(v->a) && ed_value_true(v->b2);
    case VK_OR:
        return ed_value_true(v->a) || ed_value_true(v->b2);
    }
    return false;
}

char *ed_value_show(const struct value *v)
{
    if (v->error)
        return ed_strdup("?");
    switch (v->kind) {
    case VK_KEY:
        return ed_fmt("the %s key --%s", ed_key_kind_name(v->key->kind), v->key->name);
    case VK_EQ:
        return ed_fmt("%s = %s", v->a->kind == VK_KEY ? v->a->key->name : ed_value_show(v->a),
                      v->text);
    case VK_BOOL:
        return ed_strdup(v->b ? "true" : "false");
    case VK_NOT:
        return ed_fmt("not (%s)", ed_value_show(v->a));
    case VK_AND:
        return ed_fmt("(%s) and (%s)", ed_value_show(v->a), ed_value_show(v->b2));
    case VK_OR:
        return ed_fmt("(%s) or (%s)", ed_value_show(v->a), ed_value_show(v->b2));
    }
    return ed_strdup("?");
}

void ed_value_keys(const struct value *v, struct key ***list, size_t *n)
{
    if (!v || v->error)
        return;
    if (v->kind == VK_KEY) {
        for (size_t i = 0; i < *n; i++)
            if ((*list)[i] == v->key)
                return;
        struct key **l = ed_alloc((*n + 2) * sizeof *l);
        if (*n)
            memcpy(l, *list, *n * sizeof *l);
        l[(*n)++] = v->key;
        *list = l;
        return;
    }
    if (v->a)
        ed_value_keys(v->a, list, n);
    if (v->b2)
        ed_value_keys(v->b2, list, n);
}
