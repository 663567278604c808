/* tn_image.h: what both tenders do before they make guest memory: image, manifest, layout, devices.
 */
#ifndef TN_IMAGE_H
#define TN_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "tn_boot.h"
#include "tn_elf.h"
#include "tn_err.h"
#include "tn_mft.h"
#include "tn_opts.h"

struct tn_image {
    const uint8_t *file; /* the image file, mapped read-only (tn_map_file) */
    size_t len;
    struct tn_elf elf;
    struct tn_mft mft;
    unsigned map[MG_MFT_MAX_ENTRIES]; /* manifest entry i is o->devs[map[i]] */
    struct tn_layout layout;          /* guest memory for o->mem bytes */
};

/* Map and check o->image for o->mem bytes of guest memory, read its
 * manifest and match it with o's devices, lay out guest memory, and open
 * the devices. 0, or MG_E* with e (nothing stays mapped or open). */
int tn_image_open(struct tn_opts *o, struct tn_image *img, struct tn_err *e);

/* Unmap the file once its segments are in guest memory (tn_elf_load). */
void tn_image_close(struct tn_image *img);

#endif
