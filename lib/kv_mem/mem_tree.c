/* mem_tree.c: kv_rw_mem's copy-on-write tree nodes (see mem_tree.h). */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "mem_tree.h"

struct mem_node *mem_dict_new(int64_t mtime_ns)
{
    struct mem_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->refs = 1;
    n->kind = MG_KV_DICTIONARY;
    n->mtime_ns = mtime_ns;
    return n;
}

struct mem_node *mem_value_new(const void *data, size_t len, int64_t mtime_ns)
{
    struct mem_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    /* One byte more: malloc(0) may be NULL, and a NULL data is a value too. */
    n->data = data ? malloc(len + 1) : calloc(len + 1, 1);
    if (!n->data || len == SIZE_MAX) {
        free(n->data);
        free(n);
        return NULL;
    }
    if (data && len)
        memcpy(n->data, data, len);
    n->refs = 1;
    n->kind = MG_KV_VALUE;
    n->len = len;
    n->mtime_ns = mtime_ns;
    return n;
}

/* Without recursion (a deep tree must not exhaust a fiber's stack): the
 * children of freed dictionaries go on a work list. */
void mem_unref(struct mem_node *n)
{
    struct mem_node **work = NULL;
    size_t nw = 0, cap = 0;
    while (n) {
        if (--n->refs == 0) {
            if (n->kind == MG_KV_DICTIONARY) {
                for (size_t i = 0; i < n->n; i++) {
                    free(n->kids[i].name);
                    if (nw == cap) {
                        size_t c = cap ? cap * 2 : 16;
                        struct mem_node **w = realloc(work, c * sizeof *w);
                        if (!w) {
                            /* No memory to go on without recursion: leak
                             * the rest rather than crash. */
                            continue;
                        }
                        work = w;
                        cap = c;
                    }
                    work[nw++] = n->kids[i].node;
                }
                free(n->kids);
            } else {
                free(n->data);
            }
            free(n);
        }
        n = nw ? work[--nw] : NULL;
    }
    free(work);
}

static struct mem_node *clone(const struct mem_node *n)
{
    if (n->kind == MG_KV_VALUE)
        return mem_value_new(n->data, n->len, n->mtime_ns);
    struct mem_node *c = mem_dict_new(n->mtime_ns);
    if (!c)
        return NULL;
    c->kids = malloc((n->n ? n->n : 1) * sizeof *c->kids);
    if (!c->kids) {
        free(c);
        return NULL;
    }
    c->cap = n->n ? n->n : 1;
    for (size_t i = 0; i < n->n; i++) {
        c->kids[i].name = strdup(n->kids[i].name);
        if (!c->kids[i].name) {
            c->n = i;
            mem_unref(c);
            return NULL;
        }
        c->kids[i].node = mem_ref(n->kids[i].node);
        c->n = i + 1;
    }
    return c;
}

struct mem_node *mem_own(struct mem_node **slot)
{
    struct mem_node *n = *slot;
    if (n->refs == 1)
        return n;
    struct mem_node *c = clone(n);
    if (!c)
        return NULL;
    n->refs--; /* shared: never the last reference */
    *slot = c;
    return c;
}

static int cmp_seg(const char *name, const char *seg, size_t len)
{
    int c = strncmp(name, seg, len);
    if (c == 0 && name[len] != '\0')
        c = 1;
    return c;
}

long mem_find(const struct mem_node *d, const char *seg, size_t len, size_t *at)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_seg(d->kids[mid].name, seg, len);
        if (c == 0) {
            if (at)
                *at = mid;
            return (long)mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (at)
        *at = lo;
    return -1;
}

int mem_insert(struct mem_node *d, size_t at, const char *seg, size_t len, struct mem_node *node)
{
    if (d->n == d->cap) {
        size_t c = d->cap ? d->cap * 2 : 8;
        struct mem_entry *k = realloc(d->kids, c * sizeof *k);
        if (!k)
            return MG_ENOMEM;
        d->kids = k;
        d->cap = c;
    }
    char *name = malloc(len + 1);
    if (!name)
        return MG_ENOMEM;
    memcpy(name, seg, len);
    name[len] = '\0';
    memmove(&d->kids[at + 1], &d->kids[at], (d->n - at) * sizeof *d->kids);
    d->kids[at].name = name;
    d->kids[at].node = node;
    d->n++;
    return 0;
}

struct mem_node *mem_take(struct mem_node *d, size_t i)
{
    struct mem_node *n = d->kids[i].node;
    free(d->kids[i].name);
    memmove(&d->kids[i], &d->kids[i + 1], (d->n - i - 1) * sizeof *d->kids);
    d->n--;
    return n;
}
