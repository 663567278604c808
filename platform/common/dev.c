/* dev.c: devices by name, from the image's own manifest (the tender matched it with its own). */
#include <string.h>

#include <mirage/error.h>

#include "plat.h"

int plat_dev_find(const char *name, uint32_t type)
{
    extern const char __mg_manifest_start[], __mg_manifest_end[];
    const size_t hdr = sizeof(struct mg_mft_note_hdr) + sizeof(struct mg_mft);
    size_t len = (size_t)(__mg_manifest_end - __mg_manifest_start);
    if (len < hdr)
        return MG_ENOENT;
    struct mg_mft m;
    memcpy(&m, __mg_manifest_start + sizeof(struct mg_mft_note_hdr), sizeof m);
    /* The tender checked this very note: entry i is boot device i. */
    for (uint32_t i = 0; i < m.entries && i < plat_boot->ndevs &&
                         hdr + (i + 1) * sizeof(struct mg_mft_entry) <= len;
         i++) {
        struct mg_mft_entry e;
        memcpy(&e, __mg_manifest_start + hdr + i * sizeof e, sizeof e);
        if (e.type == type && strncmp(e.name, name, sizeof e.name) == 0)
            return (int)i;
    }
    return MG_ENOENT;
}
