/* crunch.c: the crunch store: KV_RO over a table of files embedded in the image. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/kv_stores.h>
#include <mirage/log.h>

#include "../kv/kv_util.h"

MG_LOG_SRC(crunch_log, "crunch", "files embedded in the image");

struct crunch {
    struct mg_kv_ro base; /* first: the handle the unikernel sees */
    const struct mg_crunch_tree *t;
    bool closed;
};

static struct crunch *cr(struct mg_kv_ro *kv)
{
    return (struct crunch *)kv;
}

/* The child of dictionary d named seg[0..len), or NULL. */
static const struct mg_crunch_node *
child(const struct mg_crunch_tree *t, const struct mg_crunch_node *d, const char *seg, size_t len)
{
    uint32_t lo = d->first, hi = d->first + d->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const char *name = t->nodes[mid].name;
        int c = strncmp(name, seg, len);
        if (c == 0 && name[len] != '\0')
            c = 1; /* name is longer: it sorts after seg */
        if (c == 0)
            return &t->nodes[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The node of key: 0 with *out, or MG_E* (the contract's errors). */
static int find(struct mg_kv_ro *kv, const char *key, const struct mg_crunch_node **out)
{
    struct crunch *c = cr(kv);
    if (c->closed)
        return MG_ENOTCONN;
    char canon[KV_KEY_BUF];
    int rc = mg_kv_key_normalize(key, canon, sizeof canon);
    if (rc < 0)
        return rc == MG_ENAMETOOLONG ? MG_EINVAL : rc;
    const struct mg_crunch_node *n = &c->t->nodes[0];
    size_t pos = 0, len;
    const char *seg;
    while (kv_key_next(canon, &pos, &seg, &len)) {
        if (n->kind != MG_KV_DICTIONARY)
            return MG_ENOTDIR;
        n = child(c->t, n, seg, len);
        if (!n)
            return MG_ENOENT;
    }
    *out = n;
    return 0;
}

static int find_value(struct mg_kv_ro *kv, const char *key, const struct mg_crunch_node **out)
{
    int rc = find(kv, key, out);
    if (rc == 0 && (*out)->kind != MG_KV_VALUE)
        return MG_EISDIR;
    return rc;
}

static size_t value_len(const struct mg_crunch_node *n)
{
    return (size_t)((uintptr_t)n->end - (uintptr_t)n->data);
}

static int crunch_exists(struct mg_kv_ro *kv, const char *key, enum mg_kv_kind *kind)
{
    const struct mg_crunch_node *n;
    int rc = find(kv, key, &n);
    if (rc == 0)
        *kind = (enum mg_kv_kind)n->kind;
    return rc;
}

static int crunch_size(struct mg_kv_ro *kv, const char *key, uint64_t *size)
{
    const struct mg_crunch_node *n;
    int rc = find_value(kv, key, &n);
    if (rc == 0)
        *size = value_len(n);
    return rc;
}

static long crunch_get_partial(struct mg_kv_ro *kv, const char *key, uint64_t offset, void *buf,
                               size_t len)
{
    const struct mg_crunch_node *n;
    int rc = find_value(kv, key, &n);
    if (rc < 0)
        return rc;
    size_t size = value_len(n);
    if (offset >= size)
        return 0;
    size_t count = size - (size_t)offset < len ? size - (size_t)offset : len;
    if (count > (size_t)LONG_MAX)
        count = (size_t)LONG_MAX;
    memcpy(buf, n->data + offset, count);
    return (long)count;
}

static int crunch_get_ref(struct mg_kv_ro *kv, const char *key, const void **data, size_t *len)
{
    const struct mg_crunch_node *n;
    int rc = find_value(kv, key, &n);
    if (rc == 0) {
        *data = n->data;
        *len = value_len(n);
    }
    return rc;
}

static int crunch_list(struct mg_kv_ro *kv, const char *key, mg_kv_list_fn fn, void *arg)
{
    const struct mg_crunch_node *d;
    int rc = find(kv, key, &d);
    if (rc < 0)
        return rc;
    if (d->kind != MG_KV_DICTIONARY)
        return MG_ENOTDIR;
    const struct mg_crunch_tree *t = cr(kv)->t;
    for (uint32_t i = d->first; i < d->first + d->count; i++) {
        rc = fn(arg, t->nodes[i].name, (enum mg_kv_kind)t->nodes[i].kind);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int crunch_last_modified(struct mg_kv_ro *kv, const char *key, int64_t *ns)
{
    const struct mg_crunch_node *n;
    int rc = find(kv, key, &n);
    if (rc == 0)
        *ns = n->mtime_ns;
    return rc;
}

static int crunch_digest(struct mg_kv_ro *kv, const char *key, uint8_t out[32])
{
    const struct mg_crunch_node *n;
    int rc = find(kv, key, &n);
    if (rc < 0)
        return rc;
    if (n->kind == MG_KV_VALUE) {
        kv_digest_bytes(n->data, value_len(n), out);
        return 0;
    }
    return mg_kv_digest_generic(kv, key, out);
}

static int crunch_disconnect(struct mg_kv_ro *kv)
{
    if (cr(kv)->closed)
        return MG_ENOTCONN;
    cr(kv)->closed = true;
    return 0;
}

static const struct mg_kv_ro_ops crunch_ops = {
    .exists = crunch_exists,
    .size = crunch_size,
    .get_partial = crunch_get_partial,
    .get_ref = crunch_get_ref,
    .list = crunch_list,
    .last_modified = crunch_last_modified,
    .digest = crunch_digest,
    .disconnect = crunch_disconnect,
};

/* A table the generator wrote is trusted for its shape, but a cheap check
 * turns a mismatched library and table into an error instead of a crash. */
static bool tree_ok(const struct mg_crunch_tree *t)
{
    if (!t || !t->nodes || t->n == 0 || t->nodes[0].kind != MG_KV_DICTIONARY)
        return false;
    for (uint32_t i = 0; i < t->n; i++) {
        const struct mg_crunch_node *n = &t->nodes[i];
        if (n->kind == MG_KV_DICTIONARY && (n->first > t->n || n->count > t->n - n->first))
            return false;
        if (n->kind == MG_KV_VALUE && (uintptr_t)n->end < (uintptr_t)n->data)
            return false;
        if (n->kind != MG_KV_VALUE && n->kind != MG_KV_DICTIONARY)
            return false;
    }
    return true;
}

int mg_crunch_connect(struct mg_kv_ro **out, const struct mg_crunch_tree *t, const char *name)
{
    if (!tree_ok(t)) {
        mg_log_err(&crunch_log, "%s: the embedded table is malformed", name ? name : "crunch");
        return MG_EINVAL;
    }
    struct crunch *c = calloc(1, sizeof *c);
    if (!c)
        return MG_ENOMEM;
    c->base.ops = &crunch_ops;
    c->base.name = name;
    c->t = t;
    mg_log_debug(&crunch_log, "%s: %u entries from %s", name ? name : "crunch", (unsigned)t->n,
                 t->dir ? t->dir : "?");
    *out = &c->base;
    return 0;
}
