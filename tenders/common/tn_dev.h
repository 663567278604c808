/* tn_dev.h: opening what the command line names: tap interfaces and block files.
 *
 * The descriptors are the tender's; spt hands them to the guest as they are
 * (boot info handle = fd), hvt keeps them. They are close-on-exec.
 */
#ifndef TN_DEV_H
#define TN_DEV_H

#include "tn_err.h"
#include "tn_opts.h"

/* Open d (from tn_opts_parse) and fill its lower fields.
 * net: open /dev/net/tun and attach to the tap d->path (IFF_TAP|IFF_NO_PI,
 * and IFF_VNET_HDR with a 10-byte struct mg_vnet_hdr and the offloads
 * TUN_F_CSUM|TUN_F_TSO4, or as many as the kernel grants, unless the
 * environment has MIRAGE_NET_VNET=0; a kernel that refuses the header gets
 * plain frames), or, with @FD, check that d->fd is open (a tap opened with
 * IFF_VNET_HDR keeps it, set up as above; anything else carries plain
 * frames); net_flags says which (MG_BOOT_DEV_NET_*). The fd is made
 * non-blocking (reads answer EAGAIN when no frame waits); mtu =
 * TN_MTU_DEFAULT; a random locally administered unicast MAC unless
 * --net-mac gave one.
 * block: open d->path read-write, or read-only (read_only = true) when the
 * file or its file system allows only reading; capacity = its size, which
 * must be a non-zero multiple of sector_size (else MG_EINVAL: "block device
 * 'disk': file.img is 1000 bytes, not a multiple of 512"). A regular file or
 * a block device. 0 or MG_E* with e; on failure nothing stays open. */
int tn_dev_open(struct tn_dev *d, struct tn_err *e);

/* tn_dev_open for every device of o, in order; on failure closes the ones
 * opened. */
int tn_dev_open_all(struct tn_opts *o, struct tn_err *e);

#endif
