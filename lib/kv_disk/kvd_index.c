/* kvd_index.c: the index of a disk store's names: an arena of nodes found by (parent, name). */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "../kv/kv_util.h"
#include "kv_disk.h"

/* Nodes come from chunks of this size (a larger block gets its own chunk),
 * so that an index of many small names costs few allocations. */
#define KVD_CHUNK (64u * 1024u)

struct kvd_chunk {
    struct kvd_chunk *next;
    size_t size;
    _Alignas(16) unsigned char data[];
};

void *kvd_alloc(struct kvd_index *x, size_t len)
{
    if (len > SIZE_MAX / 2)
        return NULL;
    len = (len + 15) & ~(size_t)15;
    struct kvd_chunk *c = x->chunks;
    if (!c || c->size - x->chunk_used < len) {
        size_t size = len > KVD_CHUNK / 4 ? len : KVD_CHUNK;
        struct kvd_chunk *n = malloc(sizeof *n + size);
        if (!n)
            return NULL;
        n->size = size;
        if (size == len && c) {
            /* A big block: keep filling the current chunk afterwards. */
            n->next = c->next;
            c->next = n;
            memset(n->data, 0, len);
            return n->data;
        }
        n->next = c;
        x->chunks = n;
        x->chunk_used = 0;
        c = n;
    }
    void *p = c->data + x->chunk_used;
    x->chunk_used += len;
    memset(p, 0, len);
    return p;
}

static unsigned char fold(const struct kvd_index *x, unsigned char c)
{
    return x->fold_case && c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* FNV-1a over the parent's address and the (folded) name. */
static uint32_t name_hash(const struct kvd_index *x, const struct kvd_node *parent,
                          const char *name, size_t len)
{
    uint32_t h = 2166136261u;
    uintptr_t p = (uintptr_t)parent;
    for (size_t i = 0; i < sizeof p; i++, p >>= 8)
        h = (h ^ (p & 0xff)) * 16777619u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ fold(x, (unsigned char)name[i])) * 16777619u;
    return h;
}

bool kvd_name_eq(const struct kvd_index *x, const struct kvd_node *n, const char *name, size_t len)
{
    if (n->namelen != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (fold(x, (unsigned char)n->name[i]) != fold(x, (unsigned char)name[i]))
            return false;
    return true;
}

int kvd_index_init(struct kvd_index *x, bool fold_case)
{
    memset(x, 0, sizeof *x);
    x->fold_case = fold_case;
    x->nbuckets = 64;
    x->buckets = calloc(x->nbuckets, sizeof *x->buckets);
    x->root = x->buckets ? kvd_alloc(x, sizeof *x->root + 1) : NULL;
    if (!x->root) {
        kvd_index_free(x);
        return MG_ENOMEM;
    }
    x->root->kind = MG_KV_DICTIONARY;
    return 0;
}

void kvd_index_free(struct kvd_index *x)
{
    free(x->buckets);
    x->buckets = NULL;
    while (x->chunks) {
        struct kvd_chunk *n = x->chunks->next;
        free(x->chunks);
        x->chunks = n;
    }
    x->root = NULL;
    x->count = 0;
}

struct kvd_node *kvd_child(const struct kvd_index *x, const struct kvd_node *parent,
                           const char *name, size_t len)
{
    uint32_t h = name_hash(x, parent, name, len);
    for (struct kvd_node *n = x->buckets[h & (x->nbuckets - 1)]; n; n = n->hnext)
        if (n->hash == h && n->parent == parent && kvd_name_eq(x, n, name, len))
            return n;
    return NULL;
}

/* Double the table when it holds more nodes than buckets. */
static void grow(struct kvd_index *x)
{
    size_t nb = x->nbuckets * 2;
    struct kvd_node **b = nb > x->nbuckets ? calloc(nb, sizeof *b) : NULL;
    if (!b)
        return; /* longer chains, still correct */
    for (size_t i = 0; i < x->nbuckets; i++)
        for (struct kvd_node *n = x->buckets[i], *next; n; n = next) {
            next = n->hnext;
            n->hnext = b[n->hash & (nb - 1)];
            b[n->hash & (nb - 1)] = n;
        }
    free(x->buckets);
    x->buckets = b;
    x->nbuckets = nb;
}

struct kvd_node *kvd_add(struct kvd_index *x, struct kvd_node *parent, const char *name, size_t len,
                         int kind)
{
    if (len > UINT32_MAX - 1)
        return NULL;
    struct kvd_node *n = kvd_alloc(x, sizeof *n + len + 1);
    if (!n)
        return NULL;
    memcpy(n->name, name, len);
    n->namelen = (uint32_t)len;
    n->kind = (uint8_t)kind;
    n->parent = parent;
    n->hash = name_hash(x, parent, name, len);
    n->sibling = parent->child;
    parent->child = n;
    if (x->count >= x->nbuckets)
        grow(x);
    struct kvd_node **slot = &x->buckets[n->hash & (x->nbuckets - 1)];
    n->hnext = *slot;
    *slot = n;
    x->count++;
    return n;
}

/* Take one node out of the table. */
static void unhash(struct kvd_index *x, struct kvd_node *n)
{
    for (struct kvd_node **p = &x->buckets[n->hash & (x->nbuckets - 1)]; *p; p = &(*p)->hnext)
        if (*p == n) {
            *p = n->hnext;
            x->count--;
            return;
        }
}

void kvd_unlink(struct kvd_index *x, struct kvd_node *n)
{
    for (struct kvd_node **p = &n->parent->child; *p; p = &(*p)->sibling)
        if (*p == n) {
            *p = n->sibling;
            break;
        }
    /* Everything below n leaves the table too, walked without recursion. */
    struct kvd_node *top = n;
    n->sibling = NULL;
    while (n) {
        unhash(x, n);
        if (n->child) {
            n = n->child;
            continue;
        }
        while (n != top && !n->sibling)
            n = n->parent;
        n = n == top ? NULL : n->sibling;
    }
}

static int by_name(const void *a, const void *b)
{
    const struct kvd_node *x = *(struct kvd_node *const *)a, *y = *(struct kvd_node *const *)b;
    size_t n = x->namelen < y->namelen ? x->namelen : y->namelen;
    int c = memcmp(x->name, y->name, n);
    return c ? c : (x->namelen > y->namelen) - (x->namelen < y->namelen);
}

int kvd_index_finish(struct kvd_index *x)
{
    /* The largest dictionary sets the size of the one sorting array. */
    size_t max = 0;
    for (size_t i = 0; i <= x->nbuckets; i++) {
        struct kvd_node *d = i < x->nbuckets ? x->buckets[i] : x->root;
        for (; d; d = i < x->nbuckets ? d->hnext : NULL) {
            size_t k = 0;
            for (struct kvd_node *c = d->child; c; c = c->sibling)
                k++;
            if (k > max)
                max = k;
        }
    }
    if (max < 2)
        return 0;
    struct kvd_node **v = malloc(max * sizeof *v);
    if (!v)
        return MG_ENOMEM;
    for (size_t i = 0; i <= x->nbuckets; i++) {
        struct kvd_node *d = i < x->nbuckets ? x->buckets[i] : x->root;
        for (; d; d = i < x->nbuckets ? d->hnext : NULL) {
            size_t k = 0;
            for (struct kvd_node *c = d->child; c; c = c->sibling)
                v[k++] = c;
            if (k < 2)
                continue;
            qsort(v, k, sizeof *v, by_name);
            for (size_t j = 0; j + 1 < k; j++)
                v[j]->sibling = v[j + 1];
            v[k - 1]->sibling = NULL;
            d->child = v[0];
        }
    }
    free(v);
    return 0;
}

int kvd_lookup(const struct kvd_index *x, const char *key, struct kvd_node **out)
{
    char canon[KV_KEY_BUF];
    int rc = mg_kv_key_normalize(key, canon, sizeof canon);
    if (rc < 0)
        return rc == MG_ENAMETOOLONG ? MG_EINVAL : rc;
    struct kvd_node *n = x->root;
    size_t pos = 0, len;
    const char *seg;
    while (kv_key_next(canon, &pos, &seg, &len)) {
        if (n->kind != MG_KV_DICTIONARY)
            return MG_ENOTDIR;
        n = kvd_child(x, n, seg, len);
        if (!n)
            return MG_ENOENT;
    }
    *out = n;
    return 0;
}

char *kvd_node_path(const struct kvd_node *n, char *buf, size_t size)
{
    if (size == 0)
        return buf;
    /* Lay the segments out from the end of buf, then move them to the front. */
    size_t at = size - 1;
    buf[at] = '\0';
    bool cut = false;
    for (; n && n->parent; n = n->parent) {
        if (n->namelen + 1 > at) {
            cut = true;
            break;
        }
        at -= n->namelen;
        memcpy(buf + at, n->name, n->namelen);
        buf[--at] = '/';
    }
    if (at == size - 1) {
        if (size >= 2)
            buf[--at] = '/';
    }
    memmove(buf, buf + at, size - at);
    if (cut && size >= 4) {
        size_t len = strlen(buf);
        /* The end was kept; mark the cut at the front instead. */
        if (len + 3 < size) {
            memmove(buf + 3, buf, len + 1);
        } else {
            memmove(buf + 3, buf, size - 4);
            buf[size - 1] = '\0';
        }
        memcpy(buf, "...", 3);
    }
    return buf;
}
