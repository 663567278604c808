/* kv_mem.c: kv_rw_mem: the KV_RW store in memory, with isolated all-or-nothing batches. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/kv_stores.h>

#include "../kv/kv_util.h"
#include "mem_tree.h"

struct mem {
    struct mg_kv_rw base; /* first: the handle the unikernel sees */
    struct mg_pclock *clock;
    struct mem_node *root; /* the store; during a batch, the batch's version */
    /* During a batch: the version from before it (one reference), the
     * batch's fiber, and the first change of the batch that failed. */
    struct mem_node *before;
    struct mg_fiber *owner;
    int batch_err;
    struct mg_waitq batch_end; /* other fibers' writes wait here */
    bool closed;
};

static struct mem *mm(struct mg_kv_ro *kv)
{
    return (struct mem *)kv;
}
static struct mem *mw(struct mg_kv_rw *kv)
{
    return (struct mem *)kv;
}

static int64_t now(struct mem *m)
{
    return m->clock ? mg_pclock_now_ns(m->clock) : mg_clock_wall_ns();
}

static bool in_batch_of_other(struct mem *m)
{
    return m->before && mg_self() != m->owner;
}

/* The version this fiber reads: a batch's changes are its own until it ends. */
static struct mem_node *view(struct mem *m)
{
    return in_batch_of_other(m) ? m->before : m->root;
}

static int normalize(const char *key, char *canon)
{
    int rc = mg_kv_key_normalize(key, canon, KV_KEY_BUF);
    return rc == MG_ENAMETOOLONG ? MG_EINVAL : rc;
}

static bool is_root(const char *canon)
{
    return canon[1] == '\0';
}

/* The node of canon under root: 0, MG_ENOENT or MG_ENOTDIR. */
static int lookup(struct mem_node *root, const char *canon, struct mem_node **out)
{
    struct mem_node *n = root;
    size_t pos = 0, len;
    const char *seg;
    while (kv_key_next(canon, &pos, &seg, &len)) {
        if (n->kind != MG_KV_DICTIONARY)
            return MG_ENOTDIR;
        long i = mem_find(n, seg, len, NULL);
        if (i < 0)
            return MG_ENOENT;
        n = n->kids[i].node;
    }
    *out = n;
    return 0;
}

static int find(struct mg_kv_ro *kv, const char *key, struct mem_node **out)
{
    struct mem *m = mm(kv);
    if (m->closed)
        return MG_ENOTCONN;
    char canon[KV_KEY_BUF];
    int rc = normalize(key, canon);
    return rc < 0 ? rc : lookup(view(m), canon, out);
}

static int find_value(struct mg_kv_ro *kv, const char *key, struct mem_node **out)
{
    int rc = find(kv, key, out);
    return rc == 0 && (*out)->kind != MG_KV_VALUE ? MG_EISDIR : rc;
}

/* ---- reading ------------------------------------------------------------ */

static int mem_exists(struct mg_kv_ro *kv, const char *key, enum mg_kv_kind *kind)
{
    struct mem_node *n;
    int rc = find(kv, key, &n);
    if (rc == 0)
        *kind = n->kind;
    return rc;
}

static int mem_size(struct mg_kv_ro *kv, const char *key, uint64_t *size)
{
    struct mem_node *n;
    int rc = find_value(kv, key, &n);
    if (rc == 0)
        *size = n->len;
    return rc;
}

static long mem_get_partial(struct mg_kv_ro *kv, const char *key, uint64_t offset, void *buf,
                            size_t len)
{
    struct mem_node *n;
    int rc = find_value(kv, key, &n);
    if (rc < 0)
        return rc;
    if (offset >= n->len)
        return 0;
    size_t count = n->len - (size_t)offset < len ? n->len - (size_t)offset : len;
    if (count > (size_t)LONG_MAX)
        count = (size_t)LONG_MAX;
    memcpy(buf, n->data + offset, count);
    return (long)count;
}

static int mem_list(struct mg_kv_ro *kv, const char *key, mg_kv_list_fn fn, void *arg)
{
    struct mem_node *d;
    int rc = find(kv, key, &d);
    if (rc < 0)
        return rc;
    if (d->kind != MG_KV_DICTIONARY)
        return MG_ENOTDIR;
    /* Held while fn runs: a change fn makes copies the dictionary instead
     * of moving the entries under this loop. */
    mem_ref(d);
    for (size_t i = 0; i < d->n && rc == 0; i++)
        rc = fn(arg, d->kids[i].name, d->kids[i].node->kind);
    mem_unref(d);
    return rc;
}

static int mem_last_modified(struct mg_kv_ro *kv, const char *key, int64_t *ns)
{
    struct mem_node *n;
    int rc = find(kv, key, &n);
    if (rc == 0)
        *ns = n->mtime_ns;
    return rc;
}

static int mem_digest(struct mg_kv_ro *kv, const char *key, uint8_t out[32])
{
    struct mem_node *n;
    int rc = find(kv, key, &n);
    if (rc < 0)
        return rc;
    if (n->kind == MG_KV_VALUE) {
        kv_digest_bytes(n->data, n->len, out);
        return 0;
    }
    return mg_kv_digest_generic(kv, key, out);
}

static int mem_disconnect(struct mg_kv_ro *kv)
{
    struct mem *m = mm(kv);
    if (m->closed)
        return MG_ENOTCONN;
    m->closed = true;
    /* A batch in progress still holds the tree: it goes when the batch ends. */
    if (!m->before) {
        mem_unref(m->root);
        m->root = NULL;
    }
    mg_wake_all(&m->batch_end);
    return 0;
}

/* ---- writing ------------------------------------------------------------ */

/* Before a change: the store is open and no other fiber's batch runs
 * (waiting for it to end if one does). */
static int begin(struct mem *m)
{
    while (!m->closed && in_batch_of_other(m)) {
        int rc = mg_wait(&m->batch_end, UINT64_MAX);
        if (rc < 0)
            return rc;
    }
    return m->closed ? MG_ENOTCONN : 0;
}

/* After a change: a failure inside a batch fails the batch. */
static int end(struct mem *m, int rc)
{
    if (rc < 0 && m->before && mg_self() == m->owner && m->batch_err == 0)
        m->batch_err = rc;
    return rc;
}

/* Make the path to the parent of canon's last segment private, creating
 * missing dictionaries if create; *d gets the parent, *last and *last_len the last segment. */
static int own_parent(struct mem *m, const char *canon, bool create, struct mem_node **d,
                      const char **last, size_t *last_len)
{
    struct mem_node *n = mem_own(&m->root);
    if (!n)
        return MG_ENOMEM;
    size_t pos = 0, len;
    const char *seg;
    kv_key_next(canon, &pos, &seg, &len);
    for (;;) {
        size_t next = pos, nlen;
        const char *nseg;
        if (!kv_key_next(canon, &next, &nseg, &nlen))
            break; /* seg is the last segment */
        size_t at;
        long i = mem_find(n, seg, len, &at);
        if (i < 0) {
            if (!create)
                return MG_ENOENT;
            int64_t t = now(m);
            struct mem_node *c = mem_dict_new(t);
            if (!c || mem_insert(n, at, seg, len, c) < 0) {
                if (c)
                    mem_unref(c);
                return MG_ENOMEM;
            }
            n->mtime_ns = t;
            n = c;
        } else {
            if (n->kids[i].node->kind != MG_KV_DICTIONARY)
                return MG_ENOTDIR;
            n = mem_own(&n->kids[i].node);
            if (!n)
                return MG_ENOMEM;
        }
        pos = next;
        seg = nseg;
        len = nlen;
    }
    *d = n;
    *last = seg;
    *last_len = len;
    return 0;
}

/* Put node (its reference taken) at canon, whose parents may be created,
 * replacing a value there; a new entry dates its folder t. */
static int place(struct mem *m, const char *canon, struct mem_node *node, int64_t t)
{
    struct mem_node *d;
    const char *seg;
    size_t len, at;
    int rc = own_parent(m, canon, true, &d, &seg, &len);
    if (rc < 0)
        return rc;
    long i = mem_find(d, seg, len, &at);
    if (i >= 0) {
        mem_unref(d->kids[i].node);
        d->kids[i].node = node;
        return 0;
    }
    rc = mem_insert(d, at, seg, len, node);
    if (rc == 0)
        d->mtime_ns = t;
    return rc;
}

/* Where a new value may go: 0 (absent), 1 (a value to replace), or MG_E*. */
static int writable_value_at(struct mem *m, const char *canon)
{
    if (is_root(canon))
        return MG_EISDIR;
    struct mem_node *n;
    int rc = lookup(m->root, canon, &n);
    if (rc == MG_ENOENT)
        return 0;
    if (rc < 0)
        return rc;
    return n->kind == MG_KV_DICTIONARY ? MG_EISDIR : 1;
}

static int set_value(struct mem *m, const char *key, const void *data, size_t len, bool must_be_new,
                     const int64_t *mtime)
{
    char canon[KV_KEY_BUF];
    int rc = normalize(key, canon);
    if (rc < 0)
        return rc;
    if (must_be_new) {
        struct mem_node *n;
        rc = lookup(m->root, canon, &n);
        if (rc == 0)
            return MG_EEXIST;
        if (rc != MG_ENOENT)
            return rc;
    } else {
        rc = writable_value_at(m, canon);
        if (rc < 0)
            return rc;
    }
    int64_t t = now(m);
    struct mem_node *v = mem_value_new(data, len, mtime ? *mtime : t);
    if (!v)
        return MG_ENOMEM;
    rc = place(m, canon, v, t);
    if (rc < 0)
        mem_unref(v);
    return rc;
}

static int mem_set(struct mg_kv_rw *kv, const char *key, const void *data, size_t len)
{
    struct mem *m = mw(kv);
    int rc = begin(m);
    return rc < 0 ? rc : end(m, set_value(m, key, data, len, false, NULL));
}

static int mem_allocate(struct mg_kv_rw *kv, const char *key, uint64_t size, const int64_t *mtime)
{
    struct mem *m = mw(kv);
    int rc = begin(m);
    if (rc < 0)
        return rc;
    if (size >= SIZE_MAX)
        return end(m, MG_ENOMEM);
    return end(m, set_value(m, key, NULL, (size_t)size, true, mtime));
}

static int set_partial(struct mem *m, const char *key, uint64_t offset, const void *data,
                       size_t len)
{
    char canon[KV_KEY_BUF];
    int rc = normalize(key, canon);
    if (rc < 0)
        return rc;
    struct mem_node *n;
    rc = lookup(m->root, canon, &n);
    if (rc < 0)
        return rc;
    if (n->kind != MG_KV_VALUE)
        return MG_EISDIR;
    if (offset > SIZE_MAX - 1 - len)
        return MG_ENOMEM;
    size_t need = (size_t)offset + len;
    struct mem_node *d;
    const char *seg;
    size_t slen;
    rc = own_parent(m, canon, false, &d, &seg, &slen);
    if (rc < 0)
        return rc;
    long i = mem_find(d, seg, slen, NULL);
    struct mem_node *v = mem_own(&d->kids[i].node);
    if (!v)
        return MG_ENOMEM;
    if (need > v->len) {
        unsigned char *p = realloc(v->data, need + 1);
        if (!p)
            return MG_ENOMEM;
        memset(p + v->len, 0, need - v->len);
        v->data = p;
        v->len = need;
    }
    if (len)
        memcpy(v->data + offset, data, len);
    v->mtime_ns = now(m);
    return 0;
}

static int mem_set_partial(struct mg_kv_rw *kv, const char *key, uint64_t offset, const void *data,
                           size_t len)
{
    struct mem *m = mw(kv);
    int rc = begin(m);
    return rc < 0 ? rc : end(m, set_partial(m, key, offset, data, len));
}

static int remove_key(struct mem *m, const char *key)
{
    char canon[KV_KEY_BUF];
    int rc = normalize(key, canon);
    if (rc < 0)
        return rc;
    struct mem_node *n;
    rc = lookup(m->root, canon, &n);
    if (rc < 0)
        return rc;
    if (is_root(canon)) {
        struct mem_node *r = mem_dict_new(now(m));
        if (!r)
            return MG_ENOMEM;
        mem_unref(m->root);
        m->root = r;
        return 0;
    }
    struct mem_node *d;
    const char *seg;
    size_t len;
    rc = own_parent(m, canon, false, &d, &seg, &len);
    if (rc < 0)
        return rc;
    mem_unref(mem_take(d, (size_t)mem_find(d, seg, len, NULL)));
    d->mtime_ns = now(m);
    return 0;
}

static int mem_remove(struct mg_kv_rw *kv, const char *key)
{
    struct mem *m = mw(kv);
    int rc = begin(m);
    return rc < 0 ? rc : end(m, remove_key(m, key));
}

static int rename_key(struct mem *m, const char *source, const char *dest)
{
    char src[KV_KEY_BUF], dst[KV_KEY_BUF];
    int rc = normalize(source, src);
    if (rc >= 0)
        rc = normalize(dest, dst);
    if (rc < 0)
        return rc;
    struct mem_node *n;
    rc = lookup(m->root, src, &n);
    if (rc < 0)
        return rc;
    if (is_root(src) ||
        (n->kind == MG_KV_DICTIONARY && strcmp(src, dst) != 0 && kv_key_below(dst, src)))
        return MG_EBUSY;
    if (strcmp(src, dst) == 0)
        return 0;
    rc = writable_value_at(m, dst);
    if (rc < 0)
        return rc;
    /* Two changes made as one: on a failure between them (memory), the
     * version from before is put back. */
    struct mem_node *before = mem_ref(m->root);
    struct mem_node *d;
    const char *seg;
    size_t len;
    rc = own_parent(m, src, false, &d, &seg, &len);
    if (rc == 0) {
        struct mem_node *moving = mem_take(d, (size_t)mem_find(d, seg, len, NULL));
        int64_t t = now(m);
        d->mtime_ns = t;
        rc = place(m, dst, moving, t);
        if (rc < 0)
            mem_unref(moving);
    }
    if (rc < 0) {
        mem_unref(m->root);
        m->root = before;
    } else {
        mem_unref(before);
    }
    return rc;
}

static int mem_rename(struct mg_kv_rw *kv, const char *source, const char *dest)
{
    struct mem *m = mw(kv);
    int rc = begin(m);
    return rc < 0 ? rc : end(m, rename_key(m, source, dest));
}

static int mem_batch(struct mg_kv_rw *kv, mg_kv_batch_fn fn, void *arg)
{
    struct mem *m = mw(kv);
    if (m->before && mg_self() == m->owner)
        return MG_EBUSY;
    int rc = begin(m);
    if (rc < 0)
        return rc;
    m->before = mem_ref(m->root);
    m->owner = mg_self();
    m->batch_err = 0;
    rc = fn(kv, arg);
    if (rc == 0)
        rc = m->batch_err;
    if (rc != 0) {
        mem_unref(m->root);
        m->root = m->before;
    } else {
        mem_unref(m->before);
    }
    m->before = NULL;
    if (m->closed) {
        mem_unref(m->root);
        m->root = NULL;
    }
    m->owner = NULL;
    mg_wake_all(&m->batch_end);
    return rc;
}

static const struct mg_kv_ro_ops mem_ro_ops = {
    .exists = mem_exists,
    .size = mem_size,
    .get_partial = mem_get_partial,
    .get_ref = NULL, /* a value may change under a reference */
    .list = mem_list,
    .last_modified = mem_last_modified,
    .digest = mem_digest,
    .disconnect = mem_disconnect,
};

static const struct mg_kv_rw_ops mem_rw_ops = {
    .set = mem_set,
    .set_partial = mem_set_partial,
    .remove = mem_remove,
    .rename = mem_rename,
    .allocate = mem_allocate,
    .batch = mem_batch,
};

int mg_kv_mem_connect(struct mg_kv_rw **out, struct mg_pclock *clock)
{
    struct mem *m = calloc(1, sizeof *m);
    if (!m)
        return MG_ENOMEM;
    m->clock = clock;
    m->root = mem_dict_new(now(m));
    if (!m->root) {
        free(m);
        return MG_ENOMEM;
    }
    m->base.ro.ops = &mem_ro_ops;
    m->base.ro.name = "kv_rw_mem";
    m->base.rw_ops = &mem_rw_ops;
    *out = &m->base;
    return 0;
}
