/* plat.h: what spt and hvt share (platform/common/), and what each target gives it.
 *
 * The shared files implement most of platform.h for both targets: the
 * entry point, the command line, devices by name, block devices, the net
 * devices mg_plat_wait watches, the console buffer, entropy and fiber
 * stacks. A target supplies the few calls below marked "target": how bytes
 * reach the console and a block device, and its own set-up at boot.
 */
#ifndef MIRAGE_PLATFORM_COMMON_PLAT_H
#define MIRAGE_PLATFORM_COMMON_PLAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi.h"

struct mg_waitq;

/* The tender's hand-over (read-only on hvt), set by the entry point before
 * anything else runs and valid for the whole run. */
extern const struct mg_boot_info *plat_boot;

/* target: set-up that must precede everything else (hvt: the clocks);
 * called once, after the ABI check, before the heap exists. */
void plat_target_init(const struct mg_boot_info *bi);

/* target: write len bytes to the console now (one system call or one
 * exit for the lot, as far as the host takes it); output may be lost. */
void plat_console_out(const void *buf, size_t len);

/* target: move n (> 0) sectors from sector between buf and the block device
 * handle (a boot device index; d its boot device, range already checked
 * against the capacity): read into buf, or write from it. 0, or MG_EIO /
 * MG_EROFS from the host. */
int plat_block_io(int handle, const struct mg_boot_dev *d, bool write, uint64_t sector, void *buf,
                  uint64_t n);
/* target: make earlier writes to a writable block device durable. 0 or MG_EIO. */
int plat_block_sync(int handle, const struct mg_boot_dev *d);

/* Split the tender's command line (abi.h's encoding) into a malloc'd argv
 * of *argc entries and a NULL. The strings are copies in the same
 * allocation (free(argv) releases all): the line itself is not changed.
 * NULL when out of memory. */
char **plat_cmdline_split(const char *line, int *argc);

/* The boot device index of the manifest entry named name of type type
 * (enum mg_mft_type), or MG_ENOENT. */
int plat_dev_find(const char *name, uint32_t type);

/* mg_plat_wait watches the net device dev (a boot device index) and wakes
 * q when it can be read; q NULL stops watching. 0, or MG_EINVAL if dev is
 * not a net device. */
int plat_net_watch(unsigned dev, struct mg_waitq *q);
/* The boot device of net device handle (a boot device index), or NULL if
 * it is not one. */
const struct mg_boot_dev *plat_net_dev(int handle);
/* Open the net device named name: info from its boot device (MAC, MTU, the
 * offloads the tender obtained), watched on its own queue
 * (mg_plat_net_waitq). Its handle (boot device index), or MG_ENOENT, or
 * plat_net_watch's error. */
struct mg_plat_net_info;
int plat_net_open(const char *name, struct mg_plat_net_info *info);
/* The queue watching boot device dev, or NULL. */
struct mg_waitq *plat_net_watcher(unsigned dev);
/* Whether any fiber waits on a watched device (nothing else can wake a
 * wait without a deadline); *watched says whether any device is watched. */
bool plat_net_waiters(bool *watched);

/* The time left until deadline_ns on the monotonic clock, in ns (0 if it
 * has passed; UINT64_MAX for UINT64_MAX: no deadline). */
uint64_t plat_timeout_ns(uint64_t deadline_ns);

#endif
