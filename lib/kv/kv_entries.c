/* kv_entries.c: a dictionary's listing gathered into a sorted array. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "kv_util.h"

int kv_entries_add(struct kv_entries *e, const char *name, enum mg_kv_kind kind)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        struct kv_entry *v = realloc(e->v, cap * sizeof *v);
        if (!v)
            return MG_ENOMEM;
        e->v = v;
        e->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return MG_ENOMEM;
    e->v[e->n].name = copy;
    e->v[e->n].kind = kind;
    e->n++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct kv_entry *)a)->name, ((const struct kv_entry *)b)->name);
}

void kv_entries_sort(struct kv_entries *e)
{
    if (e->n > 1)
        qsort(e->v, e->n, sizeof *e->v, by_name);
}

void kv_entries_free(struct kv_entries *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].name);
    free(e->v);
    e->v = NULL;
    e->n = e->cap = 0;
}

/* The list callback's state: the first allocation failure stops the listing. */
static int collect_one(void *arg, const char *name, enum mg_kv_kind kind)
{
    return kv_entries_add(arg, name, kind);
}

int kv_entries_collect(struct mg_kv_ro *kv, const char *key, struct kv_entries *e)
{
    *e = (struct kv_entries){0};
    int rc = mg_kv_ro_list(kv, key, collect_one, e);
    if (rc != 0) {
        kv_entries_free(e);
        return rc < 0 ? rc : MG_EIO;
    }
    kv_entries_sort(e);
    return 0;
}
