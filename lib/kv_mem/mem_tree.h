/* mem_tree.h: kv_rw_mem's tree: reference-counted nodes, copied on write when shared.
 *
 * A version of the store is a root node. Nodes are shared between versions
 * (a batch keeps the version from before it) and by listings in progress;
 * a change first makes every node on its path private (mem_own), so a
 * shared node is never written. Names live in the parent's entries, so a
 * rename moves a node without copying it.
 */
#ifndef KV_MEM_TREE_H
#define KV_MEM_TREE_H

#include <stddef.h>
#include <stdint.h>

#include <mirage/kv.h>

struct mem_node;
struct mem_entry {
    char *name; /* malloc'd */
    struct mem_node *node;
};
struct mem_node {
    unsigned refs;
    enum mg_kv_kind kind;
    int64_t mtime_ns;
    /* a value */
    unsigned char *data;
    size_t len;
    /* a dictionary: entries sorted bytewise by name */
    struct mem_entry *kids;
    size_t n, cap;
};

/* A new node with one reference, or NULL (out of memory). A value takes
 * its len bytes from data (or zeroes if data is NULL). */
struct mem_node *mem_dict_new(int64_t mtime_ns);
struct mem_node *mem_value_new(const void *data, size_t len, int64_t mtime_ns);
/* Drop one reference; the last frees the node and drops its children's. */
void mem_unref(struct mem_node *n);
static inline struct mem_node *mem_ref(struct mem_node *n)
{
    n->refs++;
    return n;
}
/* Make *slot private: if it is shared, replace it by a copy (a dictionary's
 * copy shares the children). The private node, or NULL (out of memory,
 * *slot unchanged). */
struct mem_node *mem_own(struct mem_node **slot);

/* The index of the entry named seg[0..len) in dictionary d, or -1; *at gets
 * where it would be inserted. */
long mem_find(const struct mem_node *d, const char *seg, size_t len, size_t *at);
/* Insert (name copied) at index at of private d, taking node's reference. 0 or MG_ENOMEM. */
int mem_insert(struct mem_node *d, size_t at, const char *seg, size_t len, struct mem_node *node);
/* Remove entry i of private d; its node's reference goes to the caller. */
struct mem_node *mem_take(struct mem_node *d, size_t i);

#endif
