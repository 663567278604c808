/* kv_tar.c: archive(block): the KV_RO store over a tar archive on a block device. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/kv_block.h>

#include "tar_scan.h"

MG_LOG_SRC(tar_log, "archive", "tar archives on a block device");

/* A value's bytes are contiguous after its header. */
static int tar_read(struct kvd_store *s, const struct kvd_node *n, uint64_t offset, void *buf,
                    size_t len)
{
    int rc = kvd_dev_read(&s->dev, n->loc + offset, buf, len);
    if (rc)
        mg_log_err(&tar_log, "%s: reading %zu bytes at byte %llu: %s", s->ro.name, len,
                   (unsigned long long)(n->loc + offset), mg_strerror(rc));
    return rc;
}

int mg_kv_archive_connect(struct mg_kv_ro **out, struct mg_block *b)
{
    struct kvd_store *s = kvd_store_alloc(sizeof *s, "archive", b);
    if (!s)
        return MG_ENOMEM;
    int rc = kvd_store_init(s, b, false, tar_read);
    if (rc) {
        if (rc == MG_EIO)
            mg_log_err(&tar_log, "%s: the device's size does not fit in 64 bits", s->ro.name);
        free(s);
        return rc;
    }
    struct tar_scan sc = {.s = s};
    rc = tar_scan_run(&sc);
    if (rc == 0)
        rc = tar_scan_links(&sc);
    if (rc == 0)
        rc = kvd_index_finish(&s->idx);
    tar_scan_free(&sc);
    /* The window served the headers; values are read straight into the
     * caller's buffers, so it is not kept. */
    kvd_dev_fini(&s->dev);
    if (rc) {
        kvd_store_fini(s);
        free(s);
        return rc;
    }
    s->connected = true;
    mg_log_debug(&tar_log, "%s: %zu entries", s->ro.name, s->idx.count);
    *out = &s->ro;
    return 0;
}
