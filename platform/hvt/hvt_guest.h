/* hvt_guest.h: the hvt platform's internal API: boot information, hypercalls, devices.
 *
 * Most of the platform is shared with spt (platform/common/plat.h); the
 * shared calls appear here under the names hvt code uses (the same symbols).
 */
#ifndef MIRAGE_PLATFORM_HVT_GUEST_H
#define MIRAGE_PLATFORM_HVT_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "abi.h"
#include "common/plat.h"

struct mg_waitq;

/* The tender's hand-over (read-only memory), valid for the whole run: plat_boot. */
extern const struct mg_boot_info *hvt_boot __asm__("plat_boot");

/* One hypercall: an 8-byte write of the block's address to the call's slot
 * of the hypercall page, which exits to the tender; when it returns, the
 * tender has answered in the block. The "memory" clobber makes the compiler
 * store the block before and reload it after. */
static inline void hvt_hypercall(unsigned nr, void *block)
{
    __asm__ volatile("movq %0, (%1)"
                     :
                     : "r"((uint64_t)(uintptr_t)block), "r"(MG_HVT_HC_ADDR(nr))
                     : "memory");
}

/* The boot device index of the manifest entry named name of type type
 * (enum mg_mft_type), or MG_ENOENT: plat_dev_find. */
int hvt_dev_find(const char *name, uint32_t type) __asm__("plat_dev_find");

/* mg_plat_wait asks the tender about the net device dev (a boot device
 * index) and wakes q when it can be read; q NULL stops watching. For the
 * net device code. 0, or MG_EINVAL if dev is not a net device: plat_net_watch. */
int hvt_net_watch(unsigned dev, struct mg_waitq *q) __asm__("plat_net_watch");

/* mg_plat_wait's word to the net device code: a poll found net device dev
 * readable. Until then, after a read that came back short, reads answer 0
 * without an exit (the poll is level-triggered, so nothing is missed). */
void hvt_net_readable(unsigned dev);

/* Has the net device code frames waiting to be written, or room to take
 * frames read during the wait? Then mg_plat_wait waits with hvt_net_poll
 * (the NET_POLL hypercall), not POLL: its ready bits. */
bool hvt_net_poll_wanted(void);
uint64_t hvt_net_poll(uint64_t timeout_ns);

/* Write the small frames still waiting (net.c): mg_plat_exit calls it
 * through this pointer, which net.c sets, so that images without a net
 * device carry none of it. */
extern void (*hvt_plat_exit_hook)(void);
void hvt_net_flush(void);

#endif
