/* kv_get.c: mg_kv_ro_get and mg_kv_ro_get_ref, the same over every store. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/kv.h>

int mg_kv_ro_get(struct mg_kv_ro *kv, const char *key, void **data, size_t *len)
{
    uint64_t size;
    int rc = mg_kv_ro_size(kv, key, &size);
    if (rc < 0)
        return rc;
    if (size >= SIZE_MAX)
        return MG_ENOMEM;
    char *buf = malloc((size_t)size + 1);
    if (!buf)
        return MG_ENOMEM;
    /* A value is read until get_partial says it ends, so a store may give
     * it in several pieces; a value that shrank between size() and here
     * (a RW store) is returned as it is now. */
    size_t got = 0;
    while (got < size) {
        long n = mg_kv_ro_get_partial(kv, key, got, buf + got, (size_t)size - got);
        if (n < 0) {
            free(buf);
            return (int)n;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    return 0;
}

int mg_kv_ro_get_ref(struct mg_kv_ro *kv, const char *key, const void **data, size_t *len)
{
    if (!kv->ops->get_ref)
        return MG_ENOTSUP;
    return kv->ops->get_ref(kv, key, data, len);
}
