/* unikernel.c: kv_dump: every key of the store, depth first in list order, one line each:
 * "v KEY SIZE SHA256" or "d KEY DIGEST", then "dump: N keys"; every value is also read
 * whole and checked against its size and digest. Exits 1 on any error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include <mirage/error.h>
#include <mirage/kv.h>
#include <mirage/log.h>

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

static int keys;

/* Keys live on the heap: folders may be deep and a fiber's stack is small. */
static int dump(struct mg_kv_ro *kv, const char *key)
{
    enum mg_kv_kind kind;
    uint8_t d[32];
    char h[65];
    int rc = mg_kv_ro_exists(kv, key, &kind);
    if (rc == 0)
        rc = mg_kv_ro_digest(kv, key, d);
    if (rc < 0) {
        mg_log_err(NULL, "%s: %s", key, mg_strerror(rc));
        return rc;
    }
    hex(d, h);
    keys++;
    if (kind == MG_KV_VALUE) {
        uint64_t size;
        void *v;
        size_t len;
        if ((rc = mg_kv_ro_size(kv, key, &size)) < 0 ||
            (rc = mg_kv_ro_get(kv, key, &v, &len)) < 0) {
            mg_log_err(NULL, "%s: %s", key, mg_strerror(rc));
            return rc;
        }
        uint8_t again[32];
        br_sha256_context c;
        br_sha256_init(&c);
        br_sha256_update(&c, v, len);
        br_sha256_out(&c, again);
        free(v);
        if (len != size || memcmp(again, d, 32) != 0) {
            mg_log_err(NULL, "%s: get gave %zu bytes of another digest", key, len);
            return MG_EIO;
        }
        mg_log_app(NULL, "v %s %llu %s", key, (unsigned long long)size, h);
        return 0;
    }
    mg_log_app(NULL, "d %s %s", key, h);
    struct names l = {0};
    rc = mg_kv_ro_list(kv, key, collect, &l);
    for (int i = 0; i < l.n; i++) {
        if (rc == 0) {
            size_t n = strlen(key) + strlen(l.v[i]) + 2;
            char *child = malloc(n);
            snprintf(child, n, "%s/%s", strcmp(key, "/") ? key : "", l.v[i]);
            rc = dump(kv, child);
            free(child);
        }
        free(l.v[i]);
    }
    free(l.v);
    return rc;
}

int kv_dump_start(struct mg_kv_ro *kv)
{
    int rc = dump(kv, "/");
    mg_log_app(NULL, "dump: %d keys", keys);
    return rc < 0 ? 1 : 0;
}
