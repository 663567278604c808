/* kv_digest.c: the digest every store gives (see kv_util.h), computed through a store's ops. */
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include <mirage/error.h>

#include "kv_util.h"

/* Values are hashed through a buffer this big (on the heap: fibers have
 * small stacks). */
#define KV_DIGEST_CHUNK (64u * 1024u)

void kv_digest_bytes(const void *data, size_t len, uint8_t out[32])
{
    br_sha256_context c;
    br_sha256_init(&c);
    br_sha256_update(&c, data, len);
    br_sha256_out(&c, out);
}

static int digest_value(struct mg_kv_ro *kv, const char *key, uint8_t out[32])
{
    const void *ref;
    size_t len;
    int rc = mg_kv_ro_get_ref(kv, key, &ref, &len);
    if (rc == 0) {
        kv_digest_bytes(ref, len, out);
        return 0;
    }
    if (rc != MG_ENOTSUP)
        return rc;
    char *buf = malloc(KV_DIGEST_CHUNK);
    if (!buf)
        return MG_ENOMEM;
    br_sha256_context c;
    br_sha256_init(&c);
    uint64_t off = 0;
    for (;;) {
        long n = mg_kv_ro_get_partial(kv, key, off, buf, KV_DIGEST_CHUNK);
        if (n < 0) {
            free(buf);
            return (int)n;
        }
        if (n == 0)
            break;
        br_sha256_update(&c, buf, (size_t)n);
        off += (uint64_t)n;
    }
    free(buf);
    br_sha256_out(&c, out);
    return 0;
}

/* One dictionary being hashed: its sorted entries, the next one to feed,
 * and where its key ends in the shared path buffer. */
struct frame {
    struct kv_entries e;
    size_t next;
    size_t keylen;
    br_sha256_context sha;
};

static void feed_entry(br_sha256_context *c, const struct kv_entry *e, const uint8_t d[32])
{
    uint8_t tail[2] = {0, (uint8_t)e->kind};
    br_sha256_update(c, e->name, strlen(e->name));
    br_sha256_update(c, tail, 2);
    br_sha256_update(c, d, 32);
}

static int push(struct mg_kv_ro *kv, struct frame **st, size_t *n, size_t *cap, const char *key)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 8;
        struct frame *f = realloc(*st, c * sizeof *f);
        if (!f)
            return MG_ENOMEM;
        *st = f;
        *cap = c;
    }
    struct frame *f = &(*st)[*n];
    int rc = kv_entries_collect(kv, key, &f->e);
    if (rc < 0)
        return rc;
    f->next = 0;
    f->keylen = strlen(key);
    br_sha256_init(&f->sha);
    (*n)++;
    return 0;
}

static int digest_dict(struct mg_kv_ro *kv, const char *canon, uint8_t out[32])
{
    char *path = malloc(KV_KEY_BUF);
    if (!path)
        return MG_ENOMEM;
    strcpy(path, canon);
    struct frame *st = NULL;
    size_t n = 0, cap = 0;
    int rc = push(kv, &st, &n, &cap, path);
    while (rc == 0 && n > 0) {
        struct frame *f = &st[n - 1];
        path[f->keylen] = '\0';
        if (f->next == f->e.n) {
            uint8_t d[32];
            br_sha256_out(&f->sha, d);
            kv_entries_free(&f->e);
            n--;
            if (n == 0) {
                memcpy(out, d, 32);
                break;
            }
            struct frame *p = &st[n - 1];
            feed_entry(&p->sha, &p->e.v[p->next], d);
            p->next++;
            continue;
        }
        const struct kv_entry *e = &f->e.v[f->next];
        int len = kv_key_join(path, e->name, path, KV_KEY_BUF);
        if (len < 0) {
            rc = len;
            break;
        }
        if (e->kind == MG_KV_DICTIONARY) {
            rc = push(kv, &st, &n, &cap, path);
            continue;
        }
        uint8_t d[32];
        rc = digest_value(kv, path, d);
        if (rc == 0) {
            feed_entry(&f->sha, e, d);
            f->next++;
        }
    }
    while (n > 0)
        kv_entries_free(&st[--n].e);
    free(st);
    free(path);
    return rc;
}

int mg_kv_digest_generic(struct mg_kv_ro *kv, const char *key, uint8_t out[32])
{
    char *canon = malloc(KV_KEY_BUF);
    if (!canon)
        return MG_ENOMEM;
    int rc = mg_kv_key_normalize(key, canon, KV_KEY_BUF);
    enum mg_kv_kind kind = MG_KV_VALUE;
    if (rc >= 0)
        rc = mg_kv_ro_exists(kv, canon, &kind);
    if (rc >= 0)
        rc = kind == MG_KV_VALUE ? digest_value(kv, canon, out) : digest_dict(kv, canon, out);
    free(canon);
    return rc < 0 ? rc : 0;
}
