/* ramdisk.c: ramdisk: a named BLOCK device in memory, sparse (pages made on non-zero writes). */
#include <stdlib.h>
#include <string.h>

#include <mirage/block.h>
#include <mirage/error.h>

#include "block_range.h"

#define RD_SECTOR 512u
/* Data lives in pages found through a radix tree of RD_FANOUT-way nodes;
 * a missing page reads as zeroes. 4 KiB pages and 4 KiB nodes keep the
 * tree shallow (5 levels for 1 PiB) and each allocation one page. */
#define RD_PAGE 4096u
#define RD_BITS 9
#define RD_FANOUT (1u << RD_BITS)

struct rd_store {
    char *name;
    uint64_t capacity; /* bytes */
    unsigned levels;   /* node levels above the data pages (>= 1) */
    void *root;        /* a node of RD_FANOUT pointers; NULL until a page is made */
    uint64_t bytes;    /* pages and nodes allocated */
    struct rd_store *next;
};

struct ramdisk {
    struct mg_block base; /* first: the handle the unikernel sees */
    struct rd_store *s;
    bool disconnected;
};

/* Every ramdisk of the unikernel, by name (they outlive their handles). */
static struct rd_store *stores;

static const struct mg_block_ops ramdisk_ops;

/* Page p of s; with create, made (zeroed) with the nodes above it when
 * missing. NULL if missing, or if memory ran out while creating. */
static unsigned char *rd_page(struct rd_store *s, uint64_t p, bool create)
{
    void **slot = &s->root;
    for (unsigned l = s->levels; l > 0; l--) {
        if (!*slot) {
            if (!create || !(*slot = calloc(RD_FANOUT, sizeof(void *))))
                return NULL;
            s->bytes += RD_FANOUT * sizeof(void *);
        }
        void **node = *slot;
        slot = &node[(p >> (RD_BITS * (l - 1))) & (RD_FANOUT - 1)];
    }
    if (!*slot && create) {
        if (!(*slot = calloc(1, RD_PAGE)))
            return NULL;
        s->bytes += RD_PAGE;
    }
    return *slot;
}

static bool all_zero(const unsigned char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i])
            return false;
    return true;
}

static void rd_info(struct mg_block *b, struct mg_block_info *out)
{
    out->sector_size = RD_SECTOR;
    out->sectors = ((struct ramdisk *)b)->s->capacity / RD_SECTOR;
    out->read_write = true;
}

/* The checks common to read and write; 0 if the transfer may go ahead. */
static int rd_check(struct ramdisk *r, uint64_t sector, uint64_t n)
{
    if (r->disconnected)
        return MG_ENOTCONN;
    if (!blk_range_ok(r->s->capacity / RD_SECTOR, sector, n))
        return MG_EINVAL;
    return 0;
}

static int rd_read(struct mg_block *b, uint64_t sector, void *buf, uint64_t n)
{
    struct ramdisk *r = (struct ramdisk *)b;
    if (n == 0)
        return 0;
    int rc = rd_check(r, sector, n);
    if (rc < 0)
        return rc;
    unsigned char *out = buf;
    /* In range, so offset and length fit: they are below the capacity. */
    uint64_t off = sector * RD_SECTOR, len = n * RD_SECTOR;
    while (len > 0) {
        uint64_t in = off % RD_PAGE, chunk = RD_PAGE - in < len ? RD_PAGE - in : len;
        const unsigned char *page = rd_page(r->s, off / RD_PAGE, false);
        if (page)
            memcpy(out, page + in, chunk);
        else
            memset(out, 0, chunk);
        out += chunk;
        off += chunk;
        len -= chunk;
    }
    return 0;
}

static int rd_write(struct mg_block *b, uint64_t sector, const void *buf, uint64_t n)
{
    struct ramdisk *r = (struct ramdisk *)b;
    if (n == 0)
        return 0;
    int rc = rd_check(r, sector, n);
    if (rc < 0)
        return rc;
    /* First make every page that will hold something other than zeroes, so
     * that running out of memory leaves the disk as it was (a new page is
     * zeroes, like the missing one it replaces); then copy. */
    for (int pass = 0; pass < 2; pass++) {
        const unsigned char *in_buf = buf;
        uint64_t off = sector * RD_SECTOR, len = n * RD_SECTOR;
        while (len > 0) {
            uint64_t in = off % RD_PAGE, chunk = RD_PAGE - in < len ? RD_PAGE - in : len;
            bool zero = all_zero(in_buf, chunk);
            unsigned char *page = rd_page(r->s, off / RD_PAGE, pass == 0 && !zero);
            if (pass == 0 && !zero && !page)
                return MG_ENOMEM;
            if (pass == 1 && page)
                memcpy(page + in, in_buf, chunk);
            in_buf += chunk;
            off += chunk;
            len -= chunk;
        }
    }
    return 0;
}

static int rd_flush(struct mg_block *b)
{
    return ((struct ramdisk *)b)->disconnected ? MG_ENOTCONN : 0;
}

static int rd_disconnect(struct mg_block *b)
{
    struct ramdisk *r = (struct ramdisk *)b;
    if (r->disconnected)
        return MG_ENOTCONN;
    r->disconnected = true;
    return 0;
}

static const struct mg_block_ops ramdisk_ops = {
    .info = rd_info,
    .read = rd_read,
    .write = rd_write,
    .flush = rd_flush,
    .disconnect = rd_disconnect,
};

static struct rd_store *store_new(const char *name, uint64_t capacity)
{
    size_t len = strlen(name);
    struct rd_store *s = calloc(1, sizeof *s);
    char *copy = malloc(len + 1);
    if (!s || !copy) {
        free(s);
        free(copy);
        return NULL;
    }
    memcpy(copy, name, len + 1);
    s->name = copy;
    s->capacity = capacity;
    /* Enough levels that RD_FANOUT^levels pages cover the capacity. */
    uint64_t pages = capacity / RD_PAGE + (capacity % RD_PAGE != 0);
    s->levels = 1;
    while (s->levels * RD_BITS < 64 && (pages - 1) >> (s->levels * RD_BITS) != 0)
        s->levels++;
    s->next = stores;
    stores = s;
    return s;
}

int mg_ramdisk_connect(struct mg_block **out, const char *name, uint64_t capacity)
{
    if (capacity == 0 || capacity % RD_SECTOR != 0)
        return MG_EINVAL;
    struct rd_store *s = stores;
    while (s && strcmp(s->name, name) != 0)
        s = s->next;
    if (s && s->capacity != capacity)
        return MG_EEXIST;
    struct ramdisk *r = malloc(sizeof *r);
    if (!r)
        return MG_ENOMEM;
    if (!s && !(s = store_new(name, capacity))) {
        free(r);
        return MG_ENOMEM;
    }
    r->base.ops = &ramdisk_ops;
    r->base.name = s->name;
    r->s = s;
    r->disconnected = false;
    *out = &r->base;
    return 0;
}

int mg_ramdisk_connect_mib(struct mg_block **out, const char *name, long mib)
{
    if (mib < 1 || mib > MG_RAMDISK_MAX_MIB)
        return MG_EINVAL;
    return mg_ramdisk_connect(out, name, (uint64_t)mib << 20);
}

uint64_t mg_ramdisk_bytes_used(const struct mg_block *b)
{
    return b->ops == &ramdisk_ops ? ((const struct ramdisk *)b)->s->bytes : 0;
}
