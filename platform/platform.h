/* platform.h: the internal contract each target implements (platform/<target>/).
 *
 * Everything above this line (runtime, device libraries) is target-independent.
 * The calls are Solo5-like: narrow, synchronous, no allocation on behalf of
 * the caller. Network and block calls join this contract with the issues
 * that bring those devices.
 */
#ifndef MIRAGE_PLATFORM_H
#define MIRAGE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Boot hand-over: the platform's entry point sets itself up, then calls the
 * generated mg_main(argc, argv) (see <mirage/unikernel.h>) and exits with its
 * result through mg_plat_exit. */

/* Write len bytes to the console; never fails (output may be lost). The
 * platform may buffer: mg_plat_console_flush() pushes it out, and exit and
 * abort flush. */
void mg_plat_console_write(const void *buf, size_t len);
void mg_plat_console_flush(void);

/* Read console input without waiting: count, 0 if none is ready, -1 at end
 * of input, or MG_ENOTSUP. mg_plat_console_waitq() is woken when input may
 * be ready. */
long mg_plat_console_read(void *buf, size_t len);
struct mg_waitq *mg_plat_console_waitq(void);

/* Monotonic nanoseconds since boot; wall-clock nanoseconds since the epoch. */
uint64_t mg_plat_monotonic_ns(void);
int64_t mg_plat_wall_ns(void);
/* Resolution of the two clocks, in ns (0 if unknown). */
uint64_t mg_plat_clock_period_ns(void);

/* Fill buf with len bytes from the platform's entropy source. 0, or
 * MG_ENOSYS if it has none. */
int mg_plat_entropy(void *buf, size_t len);

/* Wait until the monotonic clock reaches deadline_ns (UINT64_MAX: no
 * deadline) or until an I/O source is ready, whichever comes first, and
 * wake the wait queues of the sources that are ready. Returns 0, or
 * MG_EDEADLK when deadline_ns is UINT64_MAX and no source could ever wake
 * anything (the scheduler then reports a deadlock). */
int mg_plat_wait(uint64_t deadline_ns);

/* Block devices, named as the device graph names them (block_of_file("disk")
 * is "disk": on unix the file of that name, on spt/hvt the tender's
 * --block:disk=FILE). Calls are synchronous: they finish before returning.
 * I/O is in whole sectors, any number per call; the tender or the OS checks
 * every range against the capacity. */
struct mg_plat_block_info {
    uint64_t capacity;    /* bytes, a multiple of sector_size */
    uint32_t sector_size; /* bytes per sector */
    bool read_only;
};
/* Open the block device `name`: 0 with *handle and *info set, MG_ENOENT if
 * the platform has no such device, or MG_E*. */
int mg_plat_block_open(const char *name, int *handle, struct mg_plat_block_info *info);
/* Read / write n sectors starting at sector. 0, MG_EINVAL for a range past
 * the capacity (nothing transferred), MG_EBADF for a handle not opened,
 * MG_EROFS, or MG_EIO. */
int mg_plat_block_read(int handle, uint64_t sector, void *buf, uint64_t n);
int mg_plat_block_write(int handle, uint64_t sector, const void *buf, uint64_t n);
/* Make earlier writes durable. 0 or MG_EIO. */
int mg_plat_block_flush(int handle);

/* Network devices, named as the device graph names them (default_network()
 * is "service", netif("eth1") is "eth1"): on unix the tap interface of that
 * name, on spt/hvt what the tender attached with --net:NAME=TAP. Frames are
 * whole Ethernet frames. Reads and writes move batches, so that a burst
 * costs one system call or VM exit, not one per frame; neither waits. */
struct mg_plat_net_info {
    uint8_t mac[6];
    uint16_t mtu;      /* payload bytes after the Ethernet header */
    uint32_t features; /* MG_PLAT_NET_F_*: offloads the host accepts */
};
/* Offloads (the tap's virtio-net header, IFF_VNET_HDR): checksums the host
 * completes, and TCP segments larger than the MTU that it cuts up. Each
 * works both ways: with F_CSUM, frames written may ask for their checksum
 * (NEEDS_CSUM) and frames read may come with NEEDS_CSUM (a partial sum from
 * the host's own stack: known good) or DATA_VALID (verified); with F_TSO4,
 * frames written may be TCP/IPv4 GSO frames and frames read may be too, up
 * to 14 + 65535 bytes (the reader sizes its buffers for that). */
#define MG_PLAT_NET_F_CSUM 1u
#define MG_PLAT_NET_F_TSO4 2u
#define MG_PLAT_NET_OFF_NEEDS_CSUM 1u /* virtio's VIRTIO_NET_HDR_F_NEEDS_CSUM */
#define MG_PLAT_NET_OFF_DATA_VALID 2u /* virtio's VIRTIO_NET_HDR_F_DATA_VALID */
#define MG_PLAT_NET_GSO_TCPV4 1u      /* virtio's VIRTIO_NET_HDR_GSO_TCPV4 */
/* What goes with one frame when the device has features: as struct
 * virtio_net_hdr (flags NEEDS_CSUM / DATA_VALID, gso_type NONE / TCPV4). */
struct mg_plat_net_offload {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t hdr_len, gso_size, csum_start, csum_offset;
};
/* The caller leaves MG_PLAT_NET_HEADROOM bytes before each frame's buf
 * that belong to no other frame: the platform may overwrite them during
 * the call (spt puts the tap's virtio-net header there, so that a frame is
 * one system call and no copy). */
#define MG_PLAT_NET_HEADROOM 16
struct mg_plat_frame {
    void *buf;  /* read: where the frame goes; write: the frame */
    size_t len; /* read: in, capacity; out, the frame's length. write: its length */
    struct mg_plat_net_offload off; /* zero when unused */
};
/* Open the network device name: 0 with *handle, *info; MG_ENOENT if there
 * is no such device; MG_EPERM (unix: no right to open the tap); MG_E*. */
int mg_plat_net_open(const char *name, int *handle, struct mg_plat_net_info *info);
/* Read up to n ready frames: the number read (0 if none is ready), or MG_E*.
 * A frame longer than its buffer is dropped (and not counted as read). */
int mg_plat_net_read(int handle, struct mg_plat_frame *frames, int n);
/* Write n frames: the number the host took (the rest could not be queued
 * now: the caller waits on the queue and retries, or drops), or MG_E*. */
int mg_plat_net_write(int handle, const struct mg_plat_frame *frames, int n);
/* Woken by mg_plat_wait when frames may be ready to read, or when the host
 * can take frames again after a short write. */
struct mg_waitq *mg_plat_net_waitq(int handle);

/* Memory for fiber stacks: *size is rounded up; NULL when out of memory.
 * The platform may put a guard below the stack. */
void *mg_plat_stack_alloc(size_t *size);
void mg_plat_stack_free(void *stack, size_t size);

/* The value of an environment variable at boot, or NULL (always NULL on
 * targets without an environment). */
const char *mg_plat_getenv(const char *name);

/* The platform's name, as `mirage configure -t` spells it. */
const char *mg_plat_name(void);

/* Flush the console and end the unikernel with status. */
_Noreturn void mg_plat_exit(int status);
/* Print msg, flush, and end with a failure status (and a core on unix). */
_Noreturn void mg_plat_abort(const char *msg);

#endif
