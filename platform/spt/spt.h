/* spt.h: the spt platform's internal API: the boot information and the devices it names.
 *
 * Most of the platform is shared with hvt (platform/common/plat.h); these
 * are the shared calls under the names spt code uses (the same symbols).
 */
#ifndef SPT_H
#define SPT_H

#include <stdint.h>

#include "abi.h"
#include "common/plat.h"

struct mg_waitq;

/* The tender's hand-over, valid for the whole run: plat_boot. */
extern const struct mg_boot_info *spt_boot __asm__("plat_boot");

/* The boot device index of the manifest entry named name of type type
 * (enum mg_mft_type), or MG_ENOENT: plat_dev_find. */
int spt_dev_find(const char *name, uint32_t type) __asm__("plat_dev_find");

/* mg_plat_wait polls the net device dev (a boot device index) and wakes q
 * when it can be read. For the net device code; q NULL stops watching.
 * 0, or MG_EINVAL if dev is not a net device: plat_net_watch. */
int spt_net_watch(unsigned dev, struct mg_waitq *q) __asm__("plat_net_watch");

/* mg_plat_wait's word to the net device code: a poll found net device dev
 * readable. Until then, after a read that came back short (the tap said
 * EAGAIN), reads answer 0 without a system call (ppoll is level-triggered,
 * so nothing is missed). */
void spt_net_readable(unsigned dev);

#endif
