/* kvd_dev.c: byte-range reads over a block device, and the metadata window. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>

#include "kv_disk.h"

int kvd_dev_init(struct kvd_dev *d, struct mg_block *b)
{
    struct mg_block_info info;
    mg_block_info(b, &info);
    memset(d, 0, sizeof *d);
    d->b = b;
    d->ssize = info.sector_size;
    if (info.sector_size == 0 || (info.sector_size & (info.sector_size - 1)) ||
        info.sectors > UINT64_MAX / info.sector_size)
        return MG_EIO;
    d->bytes = info.sectors * info.sector_size;
    /* At least four sectors, so that any mapped range fits after the
     * sector-aligned start of the window. */
    d->win_cap = KVD_WINDOW > 4u * info.sector_size ? KVD_WINDOW : 4u * (size_t)info.sector_size;
    d->win = malloc(d->win_cap);
    return d->win ? 0 : MG_ENOMEM;
}

void kvd_dev_fini(struct kvd_dev *d)
{
    free(d->win);
    d->win = NULL;
    d->win_len = 0;
}

static bool in_range(const struct kvd_dev *d, uint64_t off, uint64_t len)
{
    return off <= d->bytes && len <= d->bytes - off;
}

/* One partial sector: bytes [skip, skip + n) of sector sec. */
static int read_part(struct kvd_dev *d, uint64_t sec, uint32_t skip, unsigned char *out, size_t n)
{
    unsigned char *bounce = malloc(d->ssize);
    if (!bounce)
        return MG_ENOMEM;
    int rc = mg_block_read(d->b, sec, bounce, 1);
    if (rc == 0)
        memcpy(out, bounce + skip, n);
    free(bounce);
    return rc;
}

int kvd_dev_read(struct kvd_dev *d, uint64_t off, void *buf, size_t len)
{
    if (!in_range(d, off, len))
        return MG_EINVAL;
    unsigned char *out = buf;
    uint64_t sec = off / d->ssize;
    uint32_t skip = (uint32_t)(off % d->ssize);
    if (skip && len) {
        size_t n = d->ssize - skip < len ? d->ssize - skip : len;
        int rc = read_part(d, sec, skip, out, n);
        if (rc)
            return rc;
        out += n;
        len -= n;
        sec++;
    }
    uint64_t whole = len / d->ssize;
    if (whole) {
        int rc = mg_block_read(d->b, sec, out, whole);
        if (rc)
            return rc;
        out += whole * d->ssize;
        len -= whole * d->ssize;
        sec += whole;
    }
    return len ? read_part(d, sec, 0, out, len) : 0;
}

const unsigned char *kvd_dev_map(struct kvd_dev *d, uint64_t off, size_t len, int *err)
{
    if (len > d->win_cap / 2 || !in_range(d, off, len)) {
        *err = MG_EINVAL;
        return NULL;
    }
    if (d->win_len && off >= d->win_off && off - d->win_off <= d->win_len &&
        len <= d->win_len - (off - d->win_off))
        return d->win + (off - d->win_off);
    uint64_t sec = off / d->ssize;
    uint64_t sectors = d->bytes / d->ssize;
    uint64_t n = d->win_cap / d->ssize;
    if (n > sectors - sec)
        n = sectors - sec;
    d->win_len = 0;
    int rc = mg_block_read(d->b, sec, d->win, n);
    if (rc) {
        *err = rc;
        return NULL;
    }
    d->win_off = sec * d->ssize;
    d->win_len = n * d->ssize;
    return d->win + (off - d->win_off);
}
