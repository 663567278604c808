/* tn_mem.h: guest memory as the tender sees it, and the one checked accessor for guest pointers.
 *
 * Every guest address and length the tender uses (ELF segments, boot info,
 * hypercall arguments) becomes a host pointer through tn_guest_ptr, and
 * nowhere else, so that no guest value can make the tender touch memory
 * outside the guest.
 */
#ifndef TN_MEM_H
#define TN_MEM_H

#include <stdint.h>

/* Guest memory: guest addresses [lo, size) are host addresses
 * [host + lo, host + size). spt: host = 0 (the guest runs at its own
 * addresses), lo = TN_IMAGE_BASE (below is not the guest's). hvt: host =
 * the mapping's address, lo as the tender decides (0 or a page). */
struct tn_mem {
    uintptr_t host;
    uint64_t lo;
    uint64_t size;
};

/* The host pointer for guest bytes [gaddr, gaddr + len), or NULL unless the
 * whole range lies in [lo, size) (no arithmetic overflows, whatever the
 * values) and gaddr is a multiple of align (a power of two; 1: any). An
 * empty range is valid at any address in [lo, size]. The pointer is valid
 * as long as the mapping; the guest may change the bytes at any time (read
 * each guest field once, into a local, before checking it). */
void *tn_guest_ptr(const struct tn_mem *m, uint64_t gaddr, uint64_t len, uint64_t align);

#endif
