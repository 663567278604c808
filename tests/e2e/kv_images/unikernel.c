/* unikernel.c: kv_images: every key of two stores (a tar archive, a FAT image), depth first in
 * list order: "tar v KEY SIZE SHA256", "fat d KEY DIGEST", ...; every value read in pieces
 * through get_partial and hashed here, checked against the store's digest; then the two
 * stores compared key by key. Exits 1 on any error or difference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include <mirage/error.h>
#include <mirage/kv.h>
#include <mirage/log.h>

MG_LOG_SRC(kvi_log, "kv_images", "the disk stores compared");

struct names {
    char **v;
    int n, cap;
};

static int collect(void *arg, const char *name, enum mg_kv_kind kind)
{
    (void)kind;
    struct names *l = arg;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = realloc(l->v, (size_t)l->cap * sizeof *l->v);
        if (!l->v)
            return MG_ENOMEM;
    }
    l->v[l->n] = strdup(name);
    return l->v[l->n++] ? 0 : MG_ENOMEM;
}

static void hex(const uint8_t d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* The value's bytes through get_partial in odd pieces, hashed here. */
static int hash_pieces(struct mg_kv_ro *kv, const char *key, uint64_t size, uint8_t out[32])
{
    enum { PIECE = 7777 };
    unsigned char *buf = malloc(PIECE);
    if (!buf)
        return MG_ENOMEM;
    br_sha256_context c;
    br_sha256_init(&c);
    uint64_t off = 0;
    int rc = 0;
    for (;;) {
        long n = mg_kv_ro_get_partial(kv, key, off, buf, PIECE);
        if (n < 0) {
            rc = (int)n;
            break;
        }
        if (n == 0)
            break;
        br_sha256_update(&c, buf, (size_t)n);
        off += (uint64_t)n;
    }
    free(buf);
    br_sha256_out(&c, out);
    if (rc == 0 && off != size)
        rc = MG_EIO;
    return rc;
}

static int keys;

static int dump(const char *store, struct mg_kv_ro *kv, struct mg_kv_ro *other, const char *key)
{
    enum mg_kv_kind kind, okind;
    uint8_t d[32], od[32];
    char h[65];
    int rc = mg_kv_ro_exists(kv, key, &kind);
    if (rc == 0)
        rc = mg_kv_ro_digest(kv, key, d);
    if (rc < 0) {
        mg_log_err(&kvi_log, "%s %s: %s", store, key, mg_strerror(rc));
        return rc;
    }
    /* The other store has the same key, of the same kind and digest. */
    if (mg_kv_ro_exists(other, key, &okind) != 0 || okind != kind ||
        mg_kv_ro_digest(other, key, od) != 0 || memcmp(d, od, 32) != 0) {
        mg_log_err(&kvi_log, "%s %s: not the same in the other store", store, key);
        return MG_EIO;
    }
    hex(d, h);
    keys++;
    if (kind == MG_KV_VALUE) {
        uint64_t size;
        uint8_t again[32];
        if ((rc = mg_kv_ro_size(kv, key, &size)) < 0 ||
            (rc = hash_pieces(kv, key, size, again)) < 0) {
            mg_log_err(&kvi_log, "%s %s: %s", store, key, mg_strerror(rc));
            return rc;
        }
        if (memcmp(again, d, 32) != 0) {
            mg_log_err(&kvi_log, "%s %s: its bytes are not its digest", store, key);
            return MG_EIO;
        }
        mg_log_app(&kvi_log, "%s v %s %llu %s", store, key, (unsigned long long)size, h);
        return 0;
    }
    mg_log_app(&kvi_log, "%s d %s %s", store, key, h);
    struct names l = {0};
    rc = mg_kv_ro_list(kv, key, collect, &l);
    for (int i = 0; i < l.n; i++) {
        if (rc == 0) {
            size_t kl = strlen(key), nl = strlen(l.v[i]);
            char *child = malloc(kl + nl + 2);
            if (!child) {
                rc = MG_ENOMEM;
            } else {
                snprintf(child, kl + nl + 2, "%s/%s", strcmp(key, "/") ? key : "", l.v[i]);
                rc = dump(store, kv, other, child);
                free(child);
            }
        }
        free(l.v[i]);
    }
    free(l.v);
    return rc;
}

int kv_images_start(struct mg_kv_ro *tar, struct mg_kv_ro *fat)
{
    int rc = dump("tar", tar, fat, "/");
    int tkeys = keys;
    keys = 0;
    if (rc == 0)
        rc = dump("fat", fat, tar, "/");
    if (rc == 0 && keys != tkeys) {
        mg_log_err(&kvi_log, "the archive has %d keys, the FAT image %d", tkeys, keys);
        rc = MG_EIO;
    }
    if (rc == 0)
        mg_log_app(&kvi_log, "same: %d keys", keys);
    return rc ? 1 : 0;
}
