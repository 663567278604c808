/* tn_boot.h: the guest memory layout and boot information shared by the tenders.
 *
 * Guest memory [0, mem_size):
 *   [0, TN_IMAGE_BASE)              not the guest's (spt: unmapped; hvt: the tender's tables)
 *   [TN_IMAGE_BASE, image_end)      the image's segments
 *   [boot, boot + TN_BOOT_SIZE)     struct mg_boot_info, the TLS block, the command line
 *   [heap_start, heap_end)          the heap (mg_boot_info.heap_*)
 *   [heap_end, stack_top - TN_STACK_SIZE)  a guard page (spt: PROT_NONE)
 *   [stack_top - TN_STACK_SIZE, stack_top)  the boot stack; stack_top = mem_size
 */
#ifndef TN_BOOT_H
#define TN_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "abi.h"
#include "tn_err.h"
#include "tn_mft.h"
#include "tn_opts.h"

#define TN_STACK_SIZE (128u << 10) /* the boot stack; fibers get theirs from the heap */
#define TN_GUARD_SIZE 4096u
#define TN_HEAP_MIN (256u << 10) /* less cannot run the runtime: refuse the --mem */
/* Inside the boot area: */
#define TN_BOOT_INFO_OFF 0u /* struct mg_boot_info (1136 bytes) */
#define TN_TLS_OFF 0x800u   /* the TLS block: FS base */
#define TN_TLS_SIZE 0x100u
#define TN_CMDLINE_OFF 0x1000u /* MG_CMDLINE_MAX bytes */
#define TN_BOOT_SIZE (TN_CMDLINE_OFF + MG_CMDLINE_MAX)
_Static_assert(TN_BOOT_INFO_OFF + sizeof(struct mg_boot_info) <= TN_TLS_OFF, "boot area layout");

/* The x86-64 TLS block the FS base points at: the stack protector reads its
 * canary at %fs:0x28. */
#define TN_TLS_SELF_OFF 0x00 /* a pointer to the block itself (the TLS ABI's TCB head) */
#define TN_TLS_CANARY_OFF 0x28

struct tn_layout {
    uint64_t boot;       /* guest address of the boot area (page aligned) */
    uint64_t boot_info;  /* boot + TN_BOOT_INFO_OFF: %rdi at _start */
    uint64_t tls;        /* boot + TN_TLS_OFF: the FS base */
    uint64_t cmdline;    /* boot + TN_CMDLINE_OFF */
    uint64_t heap_start; /* page aligned */
    uint64_t heap_end;
    uint64_t stack_top; /* %rsp at _start: 16-byte aligned, = mem_size */
};

/* Lay out guest memory for an image ending at image_end (tn_elf.end).
 * 0, or MG_ENOMEM with e when mem_size leaves less than TN_HEAP_MIN of heap
 * ("--mem=2 is too small for this image: ..."). */
int tn_layout_compute(uint64_t image_end, uint64_t mem_size, struct tn_layout *l, struct tn_err *e);

/* Write the command line (abi.h: argv0, then argv[0..argc-1], escaped) into
 * buf[0, cap), NUL-terminated. 0 with *len (excluding the NUL), or MG_E2BIG
 * with e if it does not fit. */
int tn_cmdline_build(char *buf, size_t cap, const char *argv0, int argc, char *const *argv,
                     size_t *len, struct tn_err *e);

/* Fill the boot area at host pointer boot_host (TN_BOOT_SIZE bytes, the
 * guest's boot area at l->boot) for a guest of mem_size bytes: the boot
 * info (ABI version, memory, heap, command line built from o, the devices of
 * o in manifest order through map, a seed from getrandom) and the TLS block
 * (self pointer, random canary). Devices must be open (tn_dev_open_all);
 * handle = the device's fd (spt uses it; hvt overwrites with its own handle
 * if it wants). 0 or MG_E* with e. */
int tn_boot_fill(void *boot_host, const struct tn_layout *l, uint64_t mem_size,
                 const struct tn_mft *m, const unsigned map[MG_MFT_MAX_ENTRIES],
                 const struct tn_opts *o, struct tn_err *e);

/* The image's file name without its folders, for argv[0]. */
const char *tn_basename(const char *path);

#endif
