/* tn_elf.h: the strict loader of unikernel images (static ELF64 x86-64 executables).
 *
 * tn_elf_parse checks the file without touching guest memory and refuses,
 * with the offending offset in the message, anything outside this shape:
 * ELF64, little-endian, x86-64, ET_EXEC, version 1; at most TN_ELF_PHNUM_MAX
 * program headers inside the file; 1 to TN_ELF_SEGS_MAX PT_LOAD segments,
 * each page-aligned in memory, with filesz <= memsz, file bytes inside the
 * file, memory inside [TN_IMAGE_BASE, mem_size), no two sharing a page,
 * flags R, R+X or R+W (never W+X, never none), empty ones ignored; the entry inside an
 * executable segment's file bytes; PT_GNU_STACK not executable; PT_NOTE
 * segments well formed, exactly one manifest note among them; no PT_INTERP,
 * PT_DYNAMIC, PT_TLS or unknown types (PT_NULL, PT_GNU_PROPERTY,
 * PT_GNU_EH_FRAME and PT_GNU_RELRO are ignored). The manifest itself is read
 * with tn_mft.h.
 */
#ifndef TN_ELF_H
#define TN_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "tn_err.h"
#include "tn_mem.h"

#define TN_PAGE 4096ull
/* Images link at 1 MiB: the zero page and the rest below stay unmapped. */
#define TN_IMAGE_BASE 0x100000ull
#define TN_ELF_PHNUM_MAX 16         /* ours have 5; the rest is a malformed or foreign image */
#define TN_ELF_SEGS_MAX 8           /* PT_LOAD segments: text, rodata, data (+ slack) */
#define TN_IMAGE_MAX (256ull << 20) /* bytes of image file the tenders map */

/* Segment permissions, the ELF PF_* values. */
#define TN_SEG_X 1u
#define TN_SEG_W 2u
#define TN_SEG_R 4u

struct tn_seg {
    uint64_t vaddr;  /* guest address, a multiple of TN_PAGE */
    uint64_t memsz;  /* > 0 */
    uint64_t filesz; /* <= memsz; the rest is zero */
    uint64_t offset; /* of the file bytes */
    uint32_t flags;  /* TN_SEG_*: R, R|X or R|W */
};

struct tn_elf {
    uint64_t entry;
    struct tn_seg segs[TN_ELF_SEGS_MAX];
    unsigned nsegs;      /* in program-header order */
    uint64_t end;        /* the end of the highest segment, rounded up to TN_PAGE */
    uint64_t mft_offset; /* the manifest note's desc: its offset in the file ... */
    uint64_t mft_len;    /* ... and its length (give both to tn_mft_parse) */
};

/* Check the image (file[0, len), owned by the caller) for guest memory of
 * mem_size bytes and describe it in *out. 0, or MG_EINVAL (malformed or
 * foreign image; e says what and where). */
int tn_elf_parse(const uint8_t *file, size_t len, uint64_t mem_size, struct tn_elf *out,
                 struct tn_err *e);

/* Copy each segment's file bytes into guest memory through tn_guest_ptr
 * and zero the rest of it. mem must be writable at those addresses; the
 * caller sets the final protections from segs[].flags. elf must come from
 * tn_elf_parse of the same file. 0, or MG_EINVAL if a segment does not fit
 * mem (e says which). */
int tn_elf_load(const struct tn_elf *elf, const uint8_t *file, size_t len, const struct tn_mem *mem,
                struct tn_err *e);

/* Map the file at path read-only (at most TN_IMAGE_MAX bytes): 0 with
 * *buf and *len (give both to tn_unmap_file when done), or MG_E* with e.
 * The file must not shrink while it is mapped (reading a page past its new
 * end raises SIGBUS): the tenders unmap it before the guest runs. */
int tn_map_file(const char *path, const uint8_t **buf, size_t *len, struct tn_err *e);
void tn_unmap_file(const uint8_t *buf, size_t len);

#endif
