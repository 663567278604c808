/* kv_stores.h: the key-value stores' connect functions (called by the generated main.c).
 *
 * Unikernel code sees a store only through <mirage/kv.h>. Every connect
 * function returns 0 with *out set, or a negative MG_E* (logged with the
 * reason). Disconnect releases what the store holds (memory, descriptors)
 * and makes later calls fail with MG_ENOTCONN; the handle itself stays
 * valid memory, allocated with malloc, which whoever connected it may free
 * once it is disconnected.
 *
 * Listing order: crunch, kv_rw_mem and the direct stores list a dictionary
 * sorted bytewise by name.
 */
#ifndef MIRAGE_KV_STORES_H
#define MIRAGE_KV_STORES_H

#include <stdint.h>

#include <mirage/kv.h>

struct mg_pclock;

/* ---- crunch: files embedded in the image ---------------------------------
 * `mirage configure` writes one table per crunch("dir") (mirage/crunch_*.c);
 * the values' bytes are the files themselves, assembled in with .incbin
 * into read-only memory, so get_ref gives them without a copy. */
struct mg_crunch_node {
    const char *name;                /* last segment; "" for the root */
    const unsigned char *data, *end; /* a value's bytes [data, end); NULL for a dictionary */
    int64_t mtime_ns;                /* the file's or folder's mtime when configured */
    uint32_t first, count;           /* a dictionary's children: nodes[first .. first+count),
                                        sorted bytewise by name */
    uint8_t kind;                    /* enum mg_kv_kind */
};
struct mg_crunch_tree {
    const struct mg_crunch_node *nodes; /* nodes[0] is the root dictionary */
    uint32_t n;
    const char *dir; /* the folder as crunch() named it, for logs */
};
/* name: the device's name (not copied). The tree is not copied either. */
int mg_crunch_connect(struct mg_kv_ro **out, const struct mg_crunch_tree *t, const char *name);

/* ---- kv_rw_mem: a tree in memory -----------------------------------------
 * Modification times come from clock (NULL: mg_clock_wall_ns()). Values are
 * in memory, so ENOMEM is the only lack of space; get_ref is MG_ENOTSUP (a
 * value may change under a reference). A batch is isolated and
 * all-or-nothing: its fiber changes a copy-on-write version of the tree
 * that replaces the store's only if the batch succeeds; other fibers read
 * the version from before the batch, and their changes wait until it ends. */
int mg_kv_mem_connect(struct mg_kv_rw **out, struct mg_pclock *clock);

/* ---- direct_kv_ro / direct_kv_rw: a host folder (unix only) --------------
 * dir is relative to the unikernel's current folder, or absolute; it must
 * exist at connect (MG_ENOENT otherwise). Keys never leave it: every path is
 * resolved beneath the folder's descriptor with no symbolic link followed
 * (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, or a walk with O_NOFOLLOW
 * where openat2 is missing). Symbolic links, devices, FIFOs and sockets are
 * not part of the store: they are not listed and reading one is MG_ENOENT.
 * A segment starting with ".mg-kv-" is reserved for the store's own
 * temporary files (MG_EINVAL, never listed).
 *
 * direct_kv_rw writes survive a crash: a value is written to a temporary
 * file in its folder, synced, renamed over the key and the folder synced,
 * so after a crash at any point the key holds the old or the new value.
 * set_partial copies the value, patches the copy and renames it the same
 * way. remove of a dictionary renames it away first (it vanishes at once),
 * then deletes it. rename is one rename(2), except that replacing a value by
 * a dictionary takes two (a crash between them loses the old value). A batch
 * keeps an undo journal (.mg-kv-batch/ at the root, synced before each
 * change): a failed batch is undone at once, one interrupted by a crash is
 * undone at the next connect, so batches are all-or-nothing across crashes
 * too. Other fibers' writes wait while a batch runs; their reads see its
 * changes as they are made. One unikernel at a time may write a folder. */
int mg_direct_kv_ro_connect(struct mg_kv_ro **out, const char *dir);
int mg_direct_kv_rw_connect(struct mg_kv_rw **out, const char *dir);

#endif
