/* kvd_store.c: the KV_RO operations of the disk stores, over their index and read function. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include <mirage/error.h>

#include "kv_disk.h"

/* Values are hashed in pieces of this size (one device read each). */
#define KVD_HASH_PIECE (64u * 1024u)

static struct kvd_store *store(struct mg_kv_ro *kv)
{
    return (struct kvd_store *)kv;
}

/* Free the index once disconnected and no call is inside the store: a
 * call that suspends (a device read, a list callback) still holds nodes. */
static void release(struct kvd_store *s)
{
    if (!s->connected && s->busy == 0 && s->idx.root) {
        kvd_dev_fini(&s->dev);
        kvd_index_free(&s->idx);
    }
}

static void leave(struct kvd_store *s)
{
    s->busy--;
    release(s);
}

/* The node of key in a connected store, or MG_E*. */
static int find(struct mg_kv_ro *kv, const char *key, struct kvd_node **n)
{
    struct kvd_store *s = store(kv);
    if (!s->connected)
        return MG_ENOTCONN;
    if (!key)
        return MG_EINVAL;
    return kvd_lookup(&s->idx, key, n);
}

static int kvd_exists(struct mg_kv_ro *kv, const char *key, enum mg_kv_kind *kind)
{
    struct kvd_node *n;
    int rc = find(kv, key, &n);
    if (rc == 0)
        *kind = (enum mg_kv_kind)n->kind;
    return rc;
}

static int kvd_size(struct mg_kv_ro *kv, const char *key, uint64_t *size)
{
    struct kvd_node *n;
    int rc = find(kv, key, &n);
    if (rc)
        return rc;
    if (n->kind != MG_KV_VALUE)
        return MG_EISDIR;
    *size = n->size;
    return 0;
}

static long get_partial(struct mg_kv_ro *kv, const char *key, uint64_t offset, void *buf,
                        size_t len)
{
    struct kvd_node *n;
    int rc = find(kv, key, &n);
    if (rc)
        return rc;
    if (n->kind != MG_KV_VALUE)
        return MG_EISDIR;
    if (len && !buf)
        return MG_EINVAL;
    if (offset >= n->size)
        return 0;
    uint64_t avail = n->size - offset;
    if (len > avail)
        len = (size_t)avail;
    if (len > (size_t)LONG_MAX)
        len = (size_t)LONG_MAX;
    if (len == 0)
        return 0;
    rc = store(kv)->read(store(kv), n, offset, buf, len);
    return rc ? rc : (long)len;
}

static long kvd_get_partial(struct mg_kv_ro *kv, const char *key, uint64_t offset, void *buf,
                            size_t len)
{
    store(kv)->busy++;
    long rc = get_partial(kv, key, offset, buf, len);
    leave(store(kv));
    return rc;
}

static int list(struct mg_kv_ro *kv, const char *key, mg_kv_list_fn fn, void *arg)
{
    struct kvd_node *n;
    int rc = find(kv, key, &n);
    if (rc)
        return rc;
    if (n->kind != MG_KV_DICTIONARY)
        return MG_ENOTDIR;
    for (struct kvd_node *c = n->child; c; c = c->sibling) {
        rc = fn(arg, c->name, (enum mg_kv_kind)c->kind);
        if (rc)
            return rc;
    }
    return 0;
}

static int kvd_list(struct mg_kv_ro *kv, const char *key, mg_kv_list_fn fn, void *arg)
{
    store(kv)->busy++;
    int rc = list(kv, key, fn, arg);
    leave(store(kv));
    return rc;
}

static int kvd_last_modified(struct mg_kv_ro *kv, const char *key, int64_t *ns)
{
    struct kvd_node *n;
    int rc = find(kv, key, &n);
    if (rc == 0)
        *ns = n->mtime_ns;
    return rc;
}

/* SHA-256 of a value's bytes, read in pieces. */
static int value_digest(struct kvd_store *s, const struct kvd_node *n, uint8_t out[32])
{
    size_t piece = n->size < KVD_HASH_PIECE ? (size_t)n->size : KVD_HASH_PIECE;
    unsigned char *buf = piece ? malloc(piece) : NULL;
    if (piece && !buf)
        return MG_ENOMEM;
    br_sha256_context c;
    br_sha256_init(&c);
    for (uint64_t off = 0; off < n->size;) {
        size_t len = n->size - off < piece ? (size_t)(n->size - off) : piece;
        int rc = s->read(s, n, off, buf, len);
        if (rc) {
            free(buf);
            return rc;
        }
        br_sha256_update(&c, buf, len);
        off += len;
    }
    br_sha256_out(&c, out);
    free(buf);
    return 0;
}

/* Keep a computed digest on its node (the store never changes). Two fibers
 * may race here; the loser's copy is simply not kept. */
static void keep_digest(struct kvd_store *s, struct kvd_node *n, const uint8_t d[32])
{
    if (n->digest)
        return;
    unsigned char *p = kvd_alloc(&s->idx, 32);
    if (p) {
        memcpy(p, d, 32);
        n->digest = p;
    }
}

static int node_digest(struct kvd_store *s, struct kvd_node *n, uint8_t out[32]);

/* The digest of dictionary d whose sub-dictionaries all have theirs, in the
 * form of every store (lib/kv/kv_util.h): its entries in name order, each
 * as name, 0x00, kind, digest. */
static int dict_digest(struct kvd_store *s, struct kvd_node *d, uint8_t out[32])
{
    br_sha256_context sha;
    br_sha256_init(&sha);
    for (struct kvd_node *c = d->child; c; c = c->sibling) {
        uint8_t cd[32];
        int rc = node_digest(s, c, cd);
        if (rc)
            return rc;
        uint8_t tail[2] = {0, c->kind};
        br_sha256_update(&sha, c->name, c->namelen);
        br_sha256_update(&sha, tail, 2);
        br_sha256_update(&sha, cd, 32);
    }
    br_sha256_out(&sha, out);
    return 0;
}

/* A value's digest, or a dictionary's whose sub-dictionaries have theirs. */
static int node_digest(struct kvd_store *s, struct kvd_node *n, uint8_t out[32])
{
    if (n->digest) {
        memcpy(out, n->digest, 32);
        return 0;
    }
    int rc = n->kind == MG_KV_VALUE ? value_digest(s, n, out) : dict_digest(s, n, out);
    if (rc == 0)
        keep_digest(s, n, out);
    return rc;
}

/* A dictionary's digest needs its sub-dictionaries' first: walk the tree
 * below top in post-order without recursion (folders may be deep). */
static int tree_digest(struct kvd_store *s, struct kvd_node *top, uint8_t out[32])
{
    struct kvd_node *n = top, *resume = top->child;
    for (;;) {
        if (n == top && top->digest) {
            memcpy(out, top->digest, 32);
            return 0;
        }
        struct kvd_node *c = resume;
        while (c && (c->kind != MG_KV_DICTIONARY || c->digest))
            c = c->sibling;
        if (c) {
            n = c;
            resume = c->child;
            continue;
        }
        uint8_t d[32];
        int rc = node_digest(s, n, d);
        if (rc)
            return rc;
        if (n == top) {
            memcpy(out, d, 32);
            return 0;
        }
        if (!n->digest)
            return MG_ENOMEM; /* not kept: going up would come back here forever */
        resume = n->sibling;
        n = n->parent;
    }
}

static int digest(struct mg_kv_ro *kv, const char *key, uint8_t out[32])
{
    struct kvd_node *n;
    int rc = find(kv, key, &n);
    if (rc)
        return rc;
    if (n->kind == MG_KV_VALUE)
        return node_digest(store(kv), n, out);
    return tree_digest(store(kv), n, out);
}

static int kvd_digest(struct mg_kv_ro *kv, const char *key, uint8_t out[32])
{
    store(kv)->busy++;
    int rc = digest(kv, key, out);
    leave(store(kv));
    return rc;
}

static int kvd_disconnect(struct mg_kv_ro *kv)
{
    struct kvd_store *s = store(kv);
    if (!s->connected)
        return MG_ENOTCONN;
    s->connected = false;
    release(s);
    return 0;
}

const struct mg_kv_ro_ops kvd_store_ops = {
    .exists = kvd_exists,
    .size = kvd_size,
    .get_partial = kvd_get_partial,
    .get_ref = NULL,
    .list = kvd_list,
    .last_modified = kvd_last_modified,
    .digest = kvd_digest,
    .disconnect = kvd_disconnect,
};

void *kvd_store_alloc(size_t size, const char *kind, struct mg_block *b)
{
    const char *bname = b->name ? b->name : "?";
    size_t kl = strlen(kind), bl = strlen(bname);
    if (size < sizeof(struct kvd_store) || bl > SIZE_MAX / 2)
        return NULL;
    struct kvd_store *s = malloc(size + kl + 1 + bl + 1);
    if (!s)
        return NULL;
    memset(s, 0, size);
    char *name = (char *)s + size;
    memcpy(name, kind, kl);
    name[kl] = ':';
    memcpy(name + kl + 1, bname, bl + 1);
    s->ro.name = name;
    return s;
}

int kvd_store_init(struct kvd_store *s, struct mg_block *b, bool fold_case, kvd_read_fn read)
{
    s->ro.ops = &kvd_store_ops;
    s->read = read;
    int rc = kvd_dev_init(&s->dev, b);
    if (rc == 0)
        rc = kvd_index_init(&s->idx, fold_case);
    if (rc)
        kvd_store_fini(s);
    return rc;
}

void kvd_store_fini(struct kvd_store *s)
{
    kvd_dev_fini(&s->dev);
    kvd_index_free(&s->idx);
}
