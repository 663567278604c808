/* www.h: the website's files: what a request path names in htdocs, with its validators. */
#ifndef WWW_H
#define WWW_H

#include <stddef.h>
#include <stdint.h>

#include <mirage/kv.h>

struct www_file {
    struct www_file *next; /* the cache's chain */
    uint32_t hash;
    char *path; /* the request path (percent-decoded) that named it */
    size_t plen;
    char *key; /* its key in the store */
    struct mg_kv_ro *kv;
    uint64_t size;
    const void *data; /* the bytes in memory (crunch), or NULL: read them */
    int64_t mtime_ns;
    const char *type; /* Content-Type */
    char etag[40];    /* "\"SIZE-DIGEST\"": the size and the start of the SHA-256 */
};

/* Where a lookup puts a file it does not keep (the cache is full). */
struct www_scratch {
    struct www_file f;
    char key[MG_KV_KEY_MAX + 16];
};

/* The value path[0..len) names: itself, or for a folder path ending in '/'
 * its index.html. 0 with *out (a cached entry, or scratch when the cache
 * is full; valid while the unikernel runs, or while scratch is), MG_ENOENT, MG_EISDIR (a folder
 * named without its trailing '/'), MG_EINVAL (a bad path), or the store's
 * error. Entries of stores without get_ref are checked against the store
 * each time (the files may change under a host folder). */
int www_lookup(struct mg_kv_ro *kv, const char *path, size_t len, struct www_scratch *scratch,
               const struct www_file **out);
/* The resource read function over a struct www_file. */
long www_read(void *arg, uint64_t off, void *buf, size_t len);

#endif
