/* kv.h: the KV_RO and KV_RW devices (Mirage_kv.RO and RW): stores of values under path keys.
 *
 * Keys are paths: "/a/b/c", segments separated by '/'. A leading '/' is
 * optional and empty segments are ignored ("a//b/" is "/a/b"); "/" (or "")
 * is the root dictionary. A segment "." or "..", a NUL, or a key longer
 * than MG_KV_KEY_MAX is a bad key. A key names either a value (bytes) or a
 * dictionary (a folder, which holds values and dictionaries); the root
 * always exists and is a dictionary.
 *
 * Errors (negative, <mirage/error.h>), the same in every store:
 *   MG_ENOENT     no such key                         (Mirage's `Not_found)
 *   MG_EISDIR     a value was expected, the key is a dictionary (`Value_expected)
 *   MG_ENOTDIR    a dictionary was expected, the key (or one of its
 *                 parents) is a value                 (`Dictionary_expected)
 *   MG_EINVAL     a bad key or argument
 *   MG_ENOSPC     (RW) no space left                  (`No_space)
 *   MG_EEXIST     (RW) allocate on a key that exists  (`Already_present)
 *   MG_EBUSY      (RW) rename of a dictionary into itself (`Rename_source_prefix)
 *   MG_EIO        the medium failed or holds something malformed (the store
 *                 logs what and where)
 *   MG_ENOMEM     out of memory
 *   MG_ENOTSUP    the store cannot do this (e.g. get_ref on a disk store)
 *
 * Buffers: every call copies into buffers the caller owns, except get()
 * (a malloc'd copy the caller frees with free()) and get_ref() (memory of
 * the store, valid while the device is connected, never to be written).
 * Calls may suspend the calling fiber (disk stores do I/O).
 */
#ifndef MIRAGE_KV_H
#define MIRAGE_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest key, in bytes, as written by the caller. */
#define MG_KV_KEY_MAX 4096

enum mg_kv_kind {
    MG_KV_VALUE = 1,
    MG_KV_DICTIONARY = 2,
};

/* Called by list() once per entry of a dictionary, in the store's order;
 * name is the entry's last segment (no '/'), valid during the call only.
 * Return 0 to go on, anything else to stop (list() then returns it). */
typedef int (*mg_kv_list_fn)(void *arg, const char *name, enum mg_kv_kind kind);

struct mg_kv_ro;
struct mg_kv_ro_ops {
    /* 0 with *kind set if key exists, MG_ENOENT if not, or MG_E*. */
    int (*exists)(struct mg_kv_ro *kv, const char *key, enum mg_kv_kind *kind);
    /* The value's size in bytes. */
    int (*size)(struct mg_kv_ro *kv, const char *key, uint64_t *size);
    /* Copy up to len bytes of the value from offset into buf: the count
     * (0 at or past the end), or MG_E*. */
    long (*get_partial)(struct mg_kv_ro *kv, const char *key, uint64_t offset, void *buf,
                        size_t len);
    /* The whole value, without a copy, if the store keeps it in memory
     * (crunch): 0 with *data, *len set; MG_ENOTSUP otherwise. May be NULL. */
    int (*get_ref)(struct mg_kv_ro *kv, const char *key, const void **data, size_t *len);
    /* The entries of a dictionary (see mg_kv_list_fn). 0 or MG_E*. */
    int (*list)(struct mg_kv_ro *kv, const char *key, mg_kv_list_fn fn, void *arg);
    /* POSIX time of the last change, in ns (the store's best knowledge: 0
     * when it keeps none). */
    int (*last_modified)(struct mg_kv_ro *kv, const char *key, int64_t *ns);
    /* A SHA-256 digest: of the value's bytes, or for a dictionary of its
     * sorted entries' names, kinds and digests. Stable across stores. */
    int (*digest)(struct mg_kv_ro *kv, const char *key, uint8_t out[32]);
    /* Stop using the store; later calls return MG_ENOTCONN. */
    int (*disconnect)(struct mg_kv_ro *kv);
};
struct mg_kv_ro {
    const struct mg_kv_ro_ops *ops;
    const char *name; /* as the device graph names it */
};

static inline int mg_kv_ro_exists(struct mg_kv_ro *kv, const char *key, enum mg_kv_kind *kind)
{
    return kv->ops->exists(kv, key, kind);
}
static inline int mg_kv_ro_size(struct mg_kv_ro *kv, const char *key, uint64_t *size)
{
    return kv->ops->size(kv, key, size);
}
static inline long mg_kv_ro_get_partial(struct mg_kv_ro *kv, const char *key, uint64_t offset,
                                        void *buf, size_t len)
{
    return kv->ops->get_partial(kv, key, offset, buf, len);
}
static inline int mg_kv_ro_list(struct mg_kv_ro *kv, const char *key, mg_kv_list_fn fn, void *arg)
{
    return kv->ops->list(kv, key, fn, arg);
}
static inline int mg_kv_ro_last_modified(struct mg_kv_ro *kv, const char *key, int64_t *ns)
{
    return kv->ops->last_modified(kv, key, ns);
}
static inline int mg_kv_ro_digest(struct mg_kv_ro *kv, const char *key, uint8_t out[32])
{
    return kv->ops->digest(kv, key, out);
}
static inline int mg_kv_ro_disconnect(struct mg_kv_ro *kv) { return kv->ops->disconnect(kv); }
/* The whole value in a new malloc'd buffer (*len bytes, plus a NUL not
 * counted in *len), which the caller frees. 0 or MG_E*. */
int mg_kv_ro_get(struct mg_kv_ro *kv, const char *key, void **data, size_t *len);
/* get_ref where the store has it, else MG_ENOTSUP. */
int mg_kv_ro_get_ref(struct mg_kv_ro *kv, const char *key, const void **data, size_t *len);

struct mg_kv_rw;
/* Called by batch(): the changes it makes through rw are applied together. */
typedef int (*mg_kv_batch_fn)(struct mg_kv_rw *rw, void *arg);

struct mg_kv_rw_ops {
    /* Make key hold data (len bytes, copied), creating the dictionaries on
     * its path; replaces a value, refuses a dictionary (MG_EISDIR). */
    int (*set)(struct mg_kv_rw *kv, const char *key, const void *data, size_t len);
    /* Write data at offset into an existing value, growing it (with zeroes
     * between its end and offset) if needed. */
    int (*set_partial)(struct mg_kv_rw *kv, const char *key, uint64_t offset, const void *data,
                       size_t len);
    /* Remove a value, or a dictionary and everything below it. Removing the
     * root empties the store. MG_ENOENT if there is nothing. */
    int (*remove)(struct mg_kv_rw *kv, const char *key);
    /* Move source (value or dictionary) to dest, replacing a value there. */
    int (*rename)(struct mg_kv_rw *kv, const char *source, const char *dest);
    /* Create a value of size zero bytes at key (MG_EEXIST if key exists),
     * last modified at *last_modified_ns if not NULL. */
    int (*allocate)(struct mg_kv_rw *kv, const char *key, uint64_t size,
                    const int64_t *last_modified_ns);
    /* Run fn; what it changes is applied together: if fn returns non-zero
     * (or a change fails), the store is as before the batch and that value
     * is returned. Batches do not nest (MG_EBUSY). */
    int (*batch)(struct mg_kv_rw *kv, mg_kv_batch_fn fn, void *arg);
};
struct mg_kv_rw {
    struct mg_kv_ro ro; /* reading: mg_kv_ro_*(&kv->ro, ...) */
    const struct mg_kv_rw_ops *rw_ops;
};

static inline int mg_kv_rw_set(struct mg_kv_rw *kv, const char *key, const void *data, size_t len)
{
    return kv->rw_ops->set(kv, key, data, len);
}
static inline int mg_kv_rw_set_partial(struct mg_kv_rw *kv, const char *key, uint64_t offset,
                                       const void *data, size_t len)
{
    return kv->rw_ops->set_partial(kv, key, offset, data, len);
}
static inline int mg_kv_rw_remove(struct mg_kv_rw *kv, const char *key)
{
    return kv->rw_ops->remove(kv, key);
}
static inline int mg_kv_rw_rename(struct mg_kv_rw *kv, const char *source, const char *dest)
{
    return kv->rw_ops->rename(kv, source, dest);
}
static inline int mg_kv_rw_allocate(struct mg_kv_rw *kv, const char *key, uint64_t size,
                                    const int64_t *last_modified_ns)
{
    return kv->rw_ops->allocate(kv, key, size, last_modified_ns);
}
static inline int mg_kv_rw_batch(struct mg_kv_rw *kv, mg_kv_batch_fn fn, void *arg)
{
    return kv->rw_ops->batch(kv, fn, arg);
}

/* Parse key into its canonical form "/a/b" (the root is "/") in out
 * (size bytes). The length, or MG_EINVAL for a bad key, MG_ENAMETOOLONG if
 * out is too small. Every store uses it. */
int mg_kv_key_normalize(const char *key, char *out, size_t size);

#endif
