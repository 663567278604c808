/* tar_scan.h: the state of one pass over an archive's headers (internal to lib/kv_tar). */
#ifndef LIB_KV_TAR_SCAN_H
#define LIB_KV_TAR_SCAN_H

#include "../kv_disk/kv_disk.h"
#include "tar.h"

/* Symbolic links are followed through at most this many links, as Linux
 * does (MAXSYMLINKS). */
#define TAR_LINK_HOPS 40

struct tar_scan {
    struct kvd_store *s;
    struct tar_pax global;     /* from 'g' headers: for every entry after them */
    struct tar_pax next;       /* from an 'x' header: for the next entry */
    char *longname, *longlink; /* from GNU 'L' and 'K': for the next entry */
    bool pending;              /* an 'x', 'L' or 'K' waits for its entry */
    uint64_t pending_at;
    struct kvd_node **links; /* the symbolic links, resolved once all is read */
    size_t nlinks, caplinks;
};

/* One real entry, its meta headers applied. */
struct tar_entry {
    uint64_t off;  /* its header */
    uint64_t data; /* its data */
    uint64_t size;
    int64_t mtime_ns;
    unsigned char type;
    bool sparse;
};

/* Read the whole archive into sc->s's index. 0 or MG_E* (logged). */
int tar_scan_run(struct tar_scan *sc);
/* Put entry e, named name (linking to link), in the index. 0 or MG_E*. */
int tar_scan_entry(struct tar_scan *sc, const struct tar_entry *e, const char *name,
                   const char *link);
/* Resolve the symbolic links recorded by tar_scan_entry. 0 or MG_ENOMEM. */
int tar_scan_links(struct tar_scan *sc);
void tar_scan_free(struct tar_scan *sc);
void tar_scan_warn(struct tar_scan *sc, uint64_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
