/* unikernel.c: kv_bench: N gets of one value (each a fresh malloc'd copy, freed), or N
 * get_refs with --ref, timed with the monotonic clock; prints
 * "kv_bench: BYTES bytes, N gets, NS ns/get". With N of 10 or more, 3 gets first warm up. */
#include <stdlib.h>
#include <string.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/kv.h>
#include <mirage/log.h>

static int one(struct mg_kv_ro *kv, const char *key, bool ref, size_t *len)
{
    if (ref) {
        const void *p;
        return mg_kv_ro_get_ref(kv, key, &p, len);
    }
    void *v;
    int rc = mg_kv_ro_get(kv, key, &v, len);
    if (rc == 0)
        free(v);
    return rc;
}

int kv_bench_start(struct mg_kv_ro *ro, struct mg_kv_rw *mem, const char *key, long n, bool use_mem,
                   bool ref)
{
    struct mg_kv_ro *kv = ro;
    int rc = 0;
    size_t len = 0;
    if (use_mem) {
        void *v;
        rc = mg_kv_ro_get(ro, key, &v, &len);
        if (rc == 0) {
            rc = mg_kv_rw_set(mem, key, v, len);
            free(v);
        }
        kv = &mem->ro;
    }
    for (int i = 0; n >= 10 && i < 3 && rc == 0; i++)
        rc = one(kv, key, ref, &len);
    uint64_t t0 = mg_clock_monotonic_ns();
    for (long i = 0; i < n && rc == 0; i++)
        rc = one(kv, key, ref, &len);
    uint64_t t1 = mg_clock_monotonic_ns();
    if (rc < 0) {
        mg_log_err(NULL, "%s: %s", key, mg_strerror(rc));
        return 1;
    }
    mg_log_app(NULL, "kv_bench: %zu bytes, %ld gets, %llu ns/get", len, n,
               (unsigned long long)(n > 0 ? (t1 - t0) / (uint64_t)n : 0));
    return 0;
}
