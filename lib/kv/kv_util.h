/* kv_util.h: what every key-value store shares (lib/kv): keys, sorted listings, digests.
 *
 * Private to the stores (lib/crunch, lib/kv_mem, lib/kv_direct, lib/kv_tar,
 * lib/kv_fat): include it as "../kv/kv_util.h" and link libmirage-kv.a
 * (with -lbearssl for the digests). Nothing here suspends the fiber except
 * through the store's own ops, which may.
 *
 * Digests (the same in every store, so equal content gives equal digests):
 *   value:      SHA-256 of its bytes (what `sha256sum FILE` prints);
 *   dictionary: SHA-256 over its entries sorted bytewise by name (strcmp),
 *               each entry fed as  name bytes, one 0x00 byte, one kind byte
 *               (1 value, 2 dictionary = enum mg_kv_kind), its 32-byte digest.
 *   An empty dictionary is the SHA-256 of nothing.
 */
#ifndef MIRAGE_KV_UTIL_H
#define MIRAGE_KV_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/kv.h>

/* A buffer that holds any normalized key, with its NUL. */
#define KV_KEY_BUF (MG_KV_KEY_MAX + 2)

/* Segment iteration over a normalized key ("/a/b" or "/"): *seg and *len
 * the next segment after *pos (start with pos = 0); false at the end. */
bool kv_key_next(const char *canon, size_t *pos, const char **seg, size_t *len);
/* Does canon (normalized) equal prefix or lie below it? "/a/b" is below "/a",
 * "/ab" is not; everything is below "/". */
bool kv_key_below(const char *canon, const char *prefix);
/* The parent of a normalized key, in place ("/a/b" -> "/a", "/a" -> "/",
 * "/" stays "/"); returns the new length. */
size_t kv_key_parent(char *canon);
/* The last segment of a normalized key ("" for the root). */
const char *kv_key_base(const char *canon);
/* dir (normalized) + "/" + name into out (size bytes): the length, or
 * MG_ENAMETOOLONG / MG_EINVAL (name empty, "." "..", or holds '/'). */
int kv_key_join(const char *dir, const char *name, char *out, size_t size);

/* One entry of a dictionary, as list() gave it. */
struct kv_entry {
    char *name; /* malloc'd */
    enum mg_kv_kind kind;
};
struct kv_entries {
    struct kv_entry *v;
    size_t n, cap;
};
/* Add a copy of name. 0 or MG_ENOMEM. */
int kv_entries_add(struct kv_entries *e, const char *name, enum mg_kv_kind kind);
/* Sort bytewise by name (the order the digest and the sorted stores use). */
void kv_entries_sort(struct kv_entries *e);
void kv_entries_free(struct kv_entries *e);
/* The entries of dictionary key of kv, through its list op, sorted.
 * 0 or the list op's error; on error *e is empty. */
int kv_entries_collect(struct mg_kv_ro *kv, const char *key, struct kv_entries *e);

/* The digest of key in any store, computed through its ops (exists, size,
 * get_ref or get_partial, list): a store may use it as its digest op. It
 * walks dictionaries without recursion and streams values through a heap
 * buffer, so it fits a fiber's stack however deep or large the tree. */
int mg_kv_digest_generic(struct mg_kv_ro *kv, const char *key, uint8_t out[32]);
/* SHA-256 of len bytes. */
void kv_digest_bytes(const void *data, size_t len, uint8_t out[32]);

#endif
