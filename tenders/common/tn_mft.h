/* tn_mft.h: the image's device manifest (an ELF note, platform/abi.h) and its check against the
 * command line.
 *
 * The note's desc is untrusted bytes of the image file: tn_mft_parse copies
 * it into a struct tn_mft only when it is exactly right (ABI version known,
 * entries <= MG_MFT_MAX_ENTRIES, desc size exact, each name NUL-terminated,
 * non-empty, of [A-Za-z0-9_-], zero-padded, names distinct, type known,
 * reserved 0).
 */
#ifndef TN_MFT_H
#define TN_MFT_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "tn_err.h"
#include "tn_opts.h"

struct tn_mft {
    uint32_t n;
    struct mg_mft_entry e[MG_MFT_MAX_ENTRIES];
};

/* Walk the notes of one PT_NOTE segment (notes[0, len), align 4 or 8 as its
 * p_align says; other values are treated as 4) and find the MIRAGE manifest
 * note: 0 with *desc_off / *desc_len relative to notes, MG_ENOENT if none
 * (e says so), MG_EINVAL if the notes are malformed or hold two manifests. */
int tn_mft_find(const uint8_t *notes, size_t len, uint64_t align, size_t *desc_off,
                size_t *desc_len, struct tn_err *e);

/* Parse a manifest note's desc. 0 or MG_EINVAL with e. */
int tn_mft_parse(const uint8_t *desc, size_t len, struct tn_mft *out, struct tn_err *e);

/* Match the manifest against the devices given: each entry needs a device
 * of the same name and type in o, and each device in o must be in the
 * manifest. On success map[i] is the index in o->devs of entry i. 0, or
 * MG_EINVAL with e naming the first device that is missing, unexpected or of
 * the wrong type ("the image needs the block device 'storage': give
 * --block:storage=FILE"). */
int tn_mft_bind(const struct tn_mft *m, const struct tn_opts *o, unsigned map[MG_MFT_MAX_ENTRIES],
                struct tn_err *e);

#endif
