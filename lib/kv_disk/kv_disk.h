/* kv_disk.h: what the KV_RO stores over a BLOCK device (archive, fat_ro) share (internal).
 *
 * Three pieces:
 *  - kvd_dev: reads of any byte range of a block device (which reads whole
 *    sectors), and a window cache for the small reads of metadata;
 *  - kvd_index: the names of a store, indexed once at connect: a tree of
 *    nodes (dictionaries and values) found by (parent, name) through a hash
 *    table, with per-node data for the store (where the bytes are);
 *  - kvd_store: the mg_kv_ro_ops over an index, given one function that
 *    reads a value's bytes.
 * Nothing here logs: the stores name what is wrong and where.
 * Not safe for two fibers while an index is built (connect is one fiber);
 * once built, the index is only read (but for digests kept on nodes), and
 * reads of values share nothing. Disconnect frees the index once no call
 * that may suspend is inside the store.
 */
#ifndef LIB_KV_DISK_H
#define LIB_KV_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/block.h>
#include <mirage/kv.h>

/* ---- byte reads over a block device -------------------------------------- */

/* The metadata window: large enough that a directory cluster or a run of
 * tar headers is one device read, small enough for a unikernel's heap. */
#define KVD_WINDOW (64u * 1024u)

struct kvd_dev {
    struct mg_block *b;
    uint32_t ssize;     /* sector size of the device */
    uint64_t bytes;     /* capacity in bytes */
    unsigned char *win; /* KVD_WINDOW (or a few sectors, if larger) bytes */
    size_t win_cap;
    uint64_t win_off; /* device offset of win[0] (sector-aligned) */
    size_t win_len;   /* valid bytes in win; 0: empty */
};

/* Take b's geometry and allocate the window. 0, MG_ENOMEM, or MG_EIO for a
 * device whose capacity does not fit in 64 bits of bytes. */
int kvd_dev_init(struct kvd_dev *d, struct mg_block *b);
void kvd_dev_fini(struct kvd_dev *d);
/* Copy len bytes at byte offset off into buf, reading straight into buf
 * where whole sectors allow (values). MG_EINVAL if the range passes the end
 * of the device, else 0 or the device's MG_E*. Uses no shared state. */
int kvd_dev_read(struct kvd_dev *d, uint64_t off, void *buf, size_t len);
/* A pointer to len (<= KVD_WINDOW / 2) bytes at off, through the window:
 * valid until the next kvd_dev_map. NULL with *err set as kvd_dev_read. */
const unsigned char *kvd_dev_map(struct kvd_dev *d, uint64_t off, size_t len, int *err);

/* ---- the index of names -------------------------------------------------- */

/* Node kinds beyond enum mg_kv_kind: a symbolic link still to resolve. */
#define KVD_LINK 3

struct kvd_node {
    struct kvd_node *parent;  /* NULL for the root */
    struct kvd_node *child;   /* first entry of a dictionary */
    struct kvd_node *sibling; /* next entry of the parent */
    struct kvd_node *hnext;   /* next in the hash chain */
    unsigned char *digest;    /* 32 bytes once computed (the store is read-only) */
    void *aux;                /* the store's (tar: a link's target; fat: extents) */
    uint64_t size;            /* a value's bytes */
    uint64_t loc;             /* the store's (tar: device offset of the data) */
    int64_t mtime_ns;         /* 0 when unknown */
    uint32_t hash;
    uint32_t namelen;
    uint8_t kind; /* MG_KV_VALUE, MG_KV_DICTIONARY or KVD_LINK */
    char name[];  /* namelen bytes and a NUL; "" for the root */
};

struct kvd_chunk;
struct kvd_index {
    struct kvd_node *root;
    struct kvd_node **buckets;
    size_t nbuckets;
    size_t count;             /* nodes in the table (the root is not) */
    bool fold_case;           /* names match ASCII-case-insensitively (FAT) */
    struct kvd_chunk *chunks; /* the arena every node and aux comes from */
    size_t chunk_used;
};

/* An empty index (a root dictionary). 0 or MG_ENOMEM. */
int kvd_index_init(struct kvd_index *x, bool fold_case);
/* Free every node and every kvd_alloc'd block. */
void kvd_index_free(struct kvd_index *x);
/* len bytes from the index's arena (16-byte aligned), freed with it. NULL
 * when out of memory or len is absurd. */
void *kvd_alloc(struct kvd_index *x, size_t len);
/* The entry name (len bytes, no '/') of dictionary parent, or NULL. */
struct kvd_node *kvd_child(const struct kvd_index *x, const struct kvd_node *parent,
                           const char *name, size_t len);
/* A new entry of parent (which has none of that name): kind set, every
 * other field zero. NULL when out of memory. */
struct kvd_node *kvd_add(struct kvd_index *x, struct kvd_node *parent, const char *name, size_t len,
                         int kind);
/* Take n out of its parent and of the table (with everything below it). */
void kvd_unlink(struct kvd_index *x, struct kvd_node *n);
/* Sort every dictionary's entries by name (bytewise), as list() gives them.
 * 0 or MG_ENOMEM. Call once the index is complete. */
int kvd_index_finish(struct kvd_index *x);
/* The node of a key (parsed by mg_kv_key_normalize): 0 with *out set,
 * MG_ENOENT, MG_ENOTDIR (a parent is a value), MG_EINVAL (a bad key). */
int kvd_lookup(const struct kvd_index *x, const char *key, struct kvd_node **out);
/* n's key ("/a/b", "/" for the root) into buf (size bytes; a key too long
 * keeps its end, after "..."): for log lines. Returns buf. */
char *kvd_node_path(const struct kvd_node *n, char *buf, size_t size);
/* Does a name match a node's under x's case rule? */
bool kvd_name_eq(const struct kvd_index *x, const struct kvd_node *n, const char *name, size_t len);

/* ---- the KV_RO store over an index ---------------------------------------- */

struct kvd_store;
/* Copy len bytes of value n from offset (offset + len <= n->size) into buf.
 * 0 or MG_E* (logging what is wrong). */
typedef int (*kvd_read_fn)(struct kvd_store *s, const struct kvd_node *n, uint64_t offset,
                           void *buf, size_t len);

struct kvd_store {
    struct mg_kv_ro ro; /* first: the handle the unikernel sees */
    struct kvd_dev dev;
    struct kvd_index idx;
    kvd_read_fn read;
    bool connected;
    unsigned busy; /* calls inside the store that may suspend */
};

/* The KV_RO operations of every kvd_store (ro.ops). */
extern const struct mg_kv_ro_ops kvd_store_ops;
/* A zeroed store of size bytes (a struct that starts with a kvd_store)
 * whose ro.name, "<kind>:<b's name>", lives in the same allocation: one
 * free() of the handle frees both, once disconnected. NULL if out of memory. */
void *kvd_store_alloc(size_t size, const char *kind, struct mg_block *b);
/* Set s up over b (ro.ops, dev, an empty index). 0, MG_ENOMEM, or MG_EIO
 * for a device whose size in bytes does not fit in 64 bits. */
int kvd_store_init(struct kvd_store *s, struct mg_block *b, bool fold_case, kvd_read_fn read);
/* Free what kvd_store_init and the index hold (not s itself). */
void kvd_store_fini(struct kvd_store *s);

#endif
