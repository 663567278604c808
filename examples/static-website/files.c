/* files.c: www's files: request paths to store keys, validators, and a cache of both. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/http.h>

#include "www.h"

/* Only paths that name a value are cached, so the cache is bounded by the
 * store's files; this bound is for a host folder that keeps growing. */
#define CACHE_MAX 4096
#define BUCKETS 1024

static struct www_file *buckets[BUCKETS];
static unsigned cached;

static uint32_t fnv1a(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 16777619u;
    return h;
}

static void hex(char *out, const uint8_t *b, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
}

/* Size, bytes, time and ETag of f's key, from the store. */
static int fill(struct www_file *f)
{
    int rc = mg_kv_ro_size(f->kv, f->key, &f->size);
    if (rc < 0)
        return rc;
    size_t len;
    if (mg_kv_ro_get_ref(f->kv, f->key, &f->data, &len) < 0 || len != f->size)
        f->data = NULL;
    if (mg_kv_ro_last_modified(f->kv, f->key, &f->mtime_ns) < 0)
        f->mtime_ns = 0;
    uint8_t dg[32];
    rc = mg_kv_ro_digest(f->kv, f->key, dg);
    if (rc < 0)
        return rc;
    /* A strong validator: the size and 64 bits of the content's SHA-256. */
    char *p = f->etag;
    *p++ = '"';
    static const char d[] = "0123456789abcdef";
    char t[16];
    size_t k = 0;
    uint64_t s = f->size;
    do {
        t[k++] = d[s & 15];
        s >>= 4;
    } while (s);
    while (k)
        *p++ = t[--k];
    *p++ = '-';
    hex(p, dg, 8);
    p += 16;
    *p++ = '"';
    *p = '\0';
    return 0;
}

/* Is a cached file of a store without get_ref still what the store holds? */
static int revalidate(struct www_file *f)
{
    uint64_t size;
    int64_t mtime;
    int rc = mg_kv_ro_size(f->kv, f->key, &size);
    if (rc < 0)
        return rc;
    if (mg_kv_ro_last_modified(f->kv, f->key, &mtime) < 0)
        mtime = 0;
    if (size == f->size && mtime == f->mtime_ns)
        return 0;
    return fill(f);
}

int www_lookup(struct mg_kv_ro *kv, const char *path, size_t len, struct www_scratch *scratch,
               const struct www_file **out)
{
    if (len == 0 || path[0] != '/' || len > MG_KV_KEY_MAX - 16 || memchr(path, '\0', len))
        return MG_EINVAL;
    uint32_t h = fnv1a(path, len);
    for (struct www_file *f = buckets[h % BUCKETS]; f; f = f->next) {
        if (f->kv != kv || f->hash != h || f->plen != len || memcmp(f->path, path, len) != 0)
            continue;
        if (!f->data) {
            int rc = revalidate(f);
            if (rc < 0)
                return rc;
        }
        *out = f;
        return 0;
    }

    char key[MG_KV_KEY_MAX + 16];
    memcpy(key, path, len);
    size_t klen = len;
    if (path[len - 1] == '/') {
        memcpy(key + klen, "index.html", 10);
        klen += 10;
    }
    key[klen] = '\0';
    enum mg_kv_kind kind;
    int rc = mg_kv_ro_exists(kv, key, &kind);
    if (rc < 0)
        return rc;
    if (kind == MG_KV_DICTIONARY)
        return MG_EISDIR;

    struct www_file *f;
    if (cached < CACHE_MAX) {
        f = calloc(1, sizeof *f);
        char *mem = malloc(len + 1 + klen + 1);
        if (!f || !mem) {
            free(f);
            free(mem);
            return MG_ENOMEM;
        }
        f->path = mem;
        memcpy(f->path, path, len);
        f->path[len] = '\0';
        f->key = mem + len + 1;
    } else {
        f = &scratch->f;
        memset(f, 0, sizeof *f);
        f->key = scratch->key;
    }
    memcpy(f->key, key, klen + 1);
    f->kv = kv;
    f->hash = h;
    f->plen = len;
    f->type = mg_http_content_type(key);
    rc = fill(f);
    if (f == &scratch->f) {
        *out = f;
        return rc;
    }
    if (rc < 0) {
        free(f->path);
        free(f);
        return rc;
    }
    f->next = buckets[h % BUCKETS];
    buckets[h % BUCKETS] = f;
    cached++;
    *out = f;
    return 0;
}

long www_read(void *arg, uint64_t off, void *buf, size_t len)
{
    const struct www_file *f = arg;
    return mg_kv_ro_get_partial(f->kv, f->key, off, buf, len);
}
