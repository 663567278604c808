/* abi.h: the versioned ABI between a freestanding unikernel (spt, hvt) and its tender.
 *
 * One header, included by the guest's platform code (platform/spt,
 * platform/hvt) and by the tenders (tenders/). Every structure that crosses
 * the boundary has fixed-width fields and its layout pinned below with
 * _Static_assert, so guest and tender agree whatever compiler built them.
 * A tender refuses an image whose ABI version it does not know.
 *
 * Addresses in these structures are guest addresses: on spt the guest runs
 * in the tender's address space at the addresses it was linked for; on hvt
 * guest-virtual equals guest-physical (identity map). The tender turns every
 * guest address and length into a host pointer through one checked accessor
 * (tenders/common), never directly.
 */
#ifndef MIRAGE_ABI_H
#define MIRAGE_ABI_H

#include <stdint.h>

/* 2: net devices may carry offloads (MG_BOOT_DEV_NET_*), the batched net
 * hypercalls carry each frame's offload metadata, the one-frame net
 * hypercalls are gone, NET_POLL writes, waits and reads in one exit; spt's
 * boot info names the vDSO's clock_gettime. */
#define MG_ABI_VERSION 2

/* ---- The device manifest: an ELF note written by `mirage configure` ---- */

/* The note: name "MIRAGE\0" (padded to 8), type MG_MFT_NOTE_TYPE, desc a
 * struct mg_mft followed by `entries` struct mg_mft_entry. It lives in its
 * own section .note.mirage.manifest and a PT_NOTE segment. */
#define MG_MFT_NOTE_NAME "MIRAGE"
#define MG_MFT_NOTE_TYPE 0x5446464du /* "MFFT" little-endian */
/* Enough for every device a unikernel of ours names; the tender refuses more. */
#define MG_MFT_MAX_ENTRIES 32
/* Device names follow MirageOS (service, eth1, storage, ...): short. */
#define MG_MFT_NAME_MAX 64 /* including the NUL */

enum mg_mft_type {
    MG_MFT_BLOCK = 1,
    MG_MFT_NET = 2,
};

struct mg_mft_entry {
    char name[MG_MFT_NAME_MAX]; /* NUL-terminated, [a-zA-Z0-9_-]+ */
    uint32_t type;              /* enum mg_mft_type */
    uint32_t reserved;          /* 0 */
};

struct mg_mft {
    uint32_t version; /* MG_ABI_VERSION */
    uint32_t entries; /* <= MG_MFT_MAX_ENTRIES */
    struct mg_mft_entry e[];
};

_Static_assert(sizeof(struct mg_mft_entry) == 72, "manifest entry layout");
_Static_assert(sizeof(struct mg_mft) == 8, "manifest header layout");

/* The note as it sits in the section (ELF note header, name padded to 4
 * bytes: 7 -> 8), followed by the struct mg_mft. The desc size is
 * sizeof(struct mg_mft) + entries * sizeof(struct mg_mft_entry). The
 * freestanding linker scripts bracket the section with the symbols
 * __mg_manifest_start / __mg_manifest_end so the guest reads its own
 * manifest (names for boot-info index i) from memory. */
struct mg_mft_note_hdr {
    uint32_t namesz; /* 7 = sizeof "MIRAGE" */
    uint32_t descsz;
    uint32_t type; /* MG_MFT_NOTE_TYPE */
    char name[8];  /* "MIRAGE\0\0" */
};
_Static_assert(sizeof(struct mg_mft_note_hdr) == 20, "manifest note header layout");

/* ---- Boot hand-over: the tender fills this in guest memory ---- */

/* What the tender attached for manifest entry i (same index). */
struct mg_boot_dev {
    uint32_t type;        /* enum mg_mft_type, as in the manifest */
    uint32_t handle;      /* the tender's handle for hypercalls / spt's fd */
    uint64_t capacity;    /* block: size in bytes (a multiple of sector_size) */
    uint32_t sector_size; /* block: bytes per sector (512 unless told) */
    uint16_t mtu;         /* net */
    uint8_t mac[6];       /* net */
    uint8_t flags;        /* MG_BOOT_DEV_* */
    uint8_t reserved[3];
};
#define MG_BOOT_DEV_RO 1u /* block: the file is read-only (writes get MG_EROFS) */
/* net: offloads the host grants (the tap's virtio-net header, IFF_VNET_HDR).
 * CSUM: frames written may leave their L4 checksum to the host (NEEDS_CSUM),
 * frames read may come with NEEDS_CSUM (a partial sum from the host's own
 * stack) or DATA_VALID. TSO4 (only with CSUM): TCP/IPv4 frames of up to
 * MG_NET_GSO_FRAME_MAX bytes both ways, cut at gso_size by the host.
 * VNET (spt only: hvt's tender keeps the header to itself): every read and
 * write on the fd starts with a struct mg_vnet_hdr, offloads or not. */
#define MG_BOOT_DEV_NET_CSUM 2u
#define MG_BOOT_DEV_NET_TSO4 4u
#define MG_BOOT_DEV_NET_VNET 8u
_Static_assert(sizeof(struct mg_boot_dev) == 32, "boot device layout");

/* The largest frame with TSO4: an Ethernet header and a 64 KiB IPv4 datagram. */
#define MG_NET_GSO_FRAME_MAX (14u + 65535u)

/* Offload metadata of one frame: the layout of Linux's struct
 * virtio_net_hdr (what the tap reads and writes with IFF_VNET_HDR and a
 * header size of 10), in the host's byte order. */
#define MG_VNET_F_NEEDS_CSUM 1u /* csum_start/csum_offset: the host completes the L4 sum */
#define MG_VNET_F_DATA_VALID 2u /* read only: the host verified the checksums */
#define MG_VNET_GSO_NONE 0u
#define MG_VNET_GSO_TCPV4 1u /* cut at gso_size; hdr_len = Ethernet + IPv4 + TCP headers */
struct mg_vnet_hdr {
    uint8_t flags;    /* MG_VNET_F_* */
    uint8_t gso_type; /* MG_VNET_GSO_* */
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;  /* from the frame's first byte */
    uint16_t csum_offset; /* of the checksum field, from csum_start */
};
_Static_assert(sizeof(struct mg_vnet_hdr) == 10, "virtio-net header layout");

/* Length of the command line, NUL included, that the tender passes. */
#define MG_CMDLINE_MAX 8192

struct mg_boot_info {
    uint32_t abi_version;  /* MG_ABI_VERSION */
    uint32_t ndevs;        /* = the manifest's entries */
    uint64_t mem_size;     /* bytes of guest memory */
    uint64_t heap_start;   /* first free byte after the image, page aligned */
    uint64_t heap_end;     /* end of the heap (the stack sits above, to mem_size) */
    /* The command line: argv[0] (the image's file name), then each argument
     * after the image path, separated by one space. Inside an argument a
     * space is written `\ ` and a backslash `\\`; an empty argument is the
     * word `\0`. So any argv survives the trip (tn_cmdline_build writes it). */
    uint64_t cmdline;      /* guest address of the NUL-terminated command line */
    uint64_t cmdline_len;  /* excluding the NUL */
    uint64_t tsc_hz;       /* hvt: TSC frequency; spt: 0 (uses clock_gettime) */
    uint64_t tsc_at_boot;  /* hvt: TSC when wall_ns_at_boot was read */
    int64_t wall_ns_at_boot; /* hvt: POSIX time in ns at boot */
    /* spt: the address of the host kernel's vDSO clock_gettime(clockid,
     * struct timespec *) in the process the guest shares with its tender,
     * or 0: the guest may call it (no system call when the host's clock
     * source allows, else it makes the allowed clock_gettime itself). hvt: 0. */
    uint64_t vdso_clock_gettime;
    uint8_t seed[32];      /* entropy from the host, for the guest's generators */
    struct mg_boot_dev devs[MG_MFT_MAX_ENTRIES];
};
_Static_assert(sizeof(struct mg_boot_info) == 112 + 32 * MG_MFT_MAX_ENTRIES, "boot info layout");

/* ---- hvt: hypercalls --------------------------------------------------------
 *
 * The hvt guest runs at CPL3 and cannot do port I/O, so a hypercall is one
 * 8-byte write, of the guest address of the call's argument block, to
 * MG_HVT_HC_ADDR(nr): a guest-physical page with no memory behind it (and
 * mapped by the tender's page tables), which KVM turns into an MMIO exit.
 * The tender checks the number, the block (8-aligned, wholly in guest
 * memory) and every pointer and length inside it; it answers in the block's
 * out fields and resumes the guest, or ends the VM (halt, abort, a hostile
 * call: "mirage-hvt: <call>: <what is wrong>", status 1). Each field says
 * whether it is in (guest to tender) or out (tender to guest). The guest
 * issues one call at a time (one vCPU), so a block may live on its stack.
 */
#define MG_HVT_HC_BASE 0xF0000000ull /* above the largest guest memory */
#define MG_HVT_HC_ADDR(nr) (MG_HVT_HC_BASE + 8u * (uint64_t)(nr))

enum mg_hvt_hc {
    MG_HVT_HC_TRAP = 0,          /* reserved: the tender's ring-0 exception stubs */
    MG_HVT_HC_CONSOLE_WRITE = 1, /* struct mg_hvt_console_write */
    MG_HVT_HC_POLL = 2,          /* struct mg_hvt_poll */
    MG_HVT_HC_BLOCK_READ = 3,    /* struct mg_hvt_block_io */
    MG_HVT_HC_BLOCK_WRITE = 4,   /* struct mg_hvt_block_io */
    MG_HVT_HC_BLOCK_FLUSH = 5,   /* struct mg_hvt_block_flush */
    MG_HVT_HC_RETIRED_6 = 6,     /* ABI 1's one-frame net read: unknown now */
    MG_HVT_HC_RETIRED_7 = 7,     /* ABI 1's one-frame net write: unknown now */
    MG_HVT_HC_HALT = 8,          /* struct mg_hvt_halt: does not return */
    MG_HVT_HC_ABORT = 9,         /* struct mg_hvt_abort: does not return */
    MG_HVT_HC_NET_READV = 10,    /* struct mg_hvt_net_batch */
    MG_HVT_HC_NET_WRITEV = 11,   /* struct mg_hvt_net_batch */
    MG_HVT_HC_NET_POLL = 12,     /* struct mg_hvt_net_poll */
    MG_HVT_HC_COUNT
};

/* Write len bytes at data to the console (the tender's stdout). The guest
 * buffers: one call per flush, not per line. */
struct mg_hvt_console_write {
    uint64_t data; /* in */
    uint64_t len;  /* in */
};

/* Wait until a net device has input or timeout_ns passes (UINT64_MAX: no
 * timeout, only with a net device to wait for; 0: just look). ready bit i
 * is set when boot device i (a net device) can be read without waiting. */
struct mg_hvt_poll {
    uint64_t timeout_ns; /* in: relative, in ns */
    uint64_t ready;      /* out */
};

/* Read or write nsectors whole sectors starting at sector of the block
 * device whose boot device index is handle. ret: 0, MG_EROFS (a write to a
 * read-only device) or MG_EIO. The guest checks ranges against the
 * capacity in its boot info: a range past it, an unknown handle, a data
 * buffer outside guest memory or a non-zero reserved field ends the VM. */
struct mg_hvt_block_io {
    uint32_t handle;   /* in */
    uint32_t reserved; /* 0 */
    uint64_t sector;   /* in */
    uint64_t data;     /* in: guest address of nsectors * sector_size bytes */
    uint64_t nsectors; /* in */
    int64_t ret;       /* out */
};

/* Make earlier writes to the block device durable. ret: 0 or MG_EIO. */
struct mg_hvt_block_flush {
    uint32_t handle;   /* in */
    uint32_t reserved; /* 0 */
    int64_t ret;       /* out */
};

/* Several frames to or from one net device in one exit: frames is the
 * guest address of count struct mg_hvt_net_frame (count at most
 * MG_HVT_NET_BATCH_MAX).
 * Read: each len is in a buffer's size and out the frame's length, and off
 * is out: what the host said of the frame (zero without offloads; with TSO4
 * a frame may be up to MG_NET_GSO_FRAME_MAX bytes, so buffers that small
 * lose such frames). Frames are read until count or until none is waiting;
 * a frame longer than its buffer is dropped and not counted; ret is how
 * many were read (0: none waiting) or MG_EIO.
 * Write: each len is the frame's length and off is in; frames are written
 * in order until the tap is full; a frame the host refuses is dropped and
 * counted as taken; ret is how many were taken, MG_EINVAL (a frame without
 * GSO longer than mtu + 14: none written) or MG_EIO.
 * Ends the VM: a buffer outside guest memory, an unknown handle, a count
 * above the maximum, a non-zero reserved field, or (write) offload metadata
 * that is not right: a flag other than NEEDS_CSUM, a GSO type other than
 * TCPV4, an offload the device was not granted (boot info flags), a
 * checksum position outside the frame, or a GSO frame longer than
 * MG_NET_GSO_FRAME_MAX, with gso_size 0, or with hdr_len past its end. */
#define MG_HVT_NET_BATCH_MAX 64
struct mg_hvt_net_frame {
    uint64_t data;          /* in */
    uint64_t len;           /* in; read: out too */
    struct mg_vnet_hdr off; /* write: in; read: out */
    uint8_t reserved[6];    /* 0 (write); read: the tender leaves it */
};
struct mg_hvt_net_batch {
    uint32_t handle;   /* in */
    uint32_t count;    /* in */
    uint64_t frames;   /* in */
    uint64_t reserved; /* 0 */
    int64_t ret;       /* out */
};

/* A net device's writes, a wait and its reads in one exit: what a guest
 * that has answered and now waits for the next request does. In order:
 *  1. the tx_count frames at tx_frames are written to the net device handle
 *     as NET_WRITEV writes them (same checks; tx_ret as its ret);
 *  2. if rx_count > 0, frames are read into the rx_count buffers at
 *     rx_frames as NET_READV reads them (rx_ret as its ret);
 *  3. if none was read, it waits as POLL waits (timeout_ns, ready), and if
 *     handle then has input, reads it as in 2; if some were read, it only
 *     looks (timeout 0) and ready has handle's bit.
 * Ends the VM as NET_WRITEV, NET_READV or POLL would, or for a handle that
 * is not a net device, or a non-zero reserved field. */
struct mg_hvt_net_poll {
    uint64_t timeout_ns; /* in: relative, in ns */
    uint64_t ready;      /* out */
    uint32_t handle;     /* in */
    uint32_t reserved;   /* 0 */
    uint64_t tx_frames;  /* in */
    uint32_t tx_count;   /* in: at most MG_HVT_NET_BATCH_MAX */
    uint32_t rx_count;   /* in: at most MG_HVT_NET_BATCH_MAX */
    uint64_t rx_frames;  /* in */
    int64_t tx_ret;      /* out */
    int64_t rx_ret;      /* out */
};

/* End the VM; the tender exits with status & 0xff. */
struct mg_hvt_halt {
    int64_t status; /* in */
};

/* Write "len bytes at msg" and a newline to the console, then end the VM
 * with MG_EXIT_ABORT. */
struct mg_hvt_abort {
    uint64_t msg; /* in */
    uint64_t len; /* in */
};

_Static_assert(sizeof(struct mg_hvt_console_write) == 16, "hvt console write layout");
_Static_assert(sizeof(struct mg_hvt_poll) == 16, "hvt poll layout");
_Static_assert(sizeof(struct mg_hvt_block_io) == 40, "hvt block io layout");
_Static_assert(sizeof(struct mg_hvt_block_flush) == 16, "hvt block flush layout");
_Static_assert(sizeof(struct mg_hvt_net_frame) == 32, "hvt net frame layout");
_Static_assert(__builtin_offsetof(struct mg_hvt_net_frame, off) == 16, "hvt net frame layout");
_Static_assert(sizeof(struct mg_hvt_net_batch) == 32, "hvt net batch layout");
_Static_assert(sizeof(struct mg_hvt_net_poll) == 64, "hvt net poll layout");
_Static_assert(sizeof(struct mg_hvt_halt) == 8, "hvt halt layout");
_Static_assert(sizeof(struct mg_hvt_abort) == 16, "hvt abort layout");
_Static_assert(MG_HVT_HC_ADDR(MG_HVT_HC_COUNT) <= MG_HVT_HC_BASE + 4096, "hypercalls fit one page");

/* Exit statuses the guest's platform uses beyond the unikernel's own. */
#define MG_EXIT_ABORT 255 /* mg_plat_abort, failed assertion, stack smash */
#define MG_EXIT_TRAP 254  /* a CPU exception (hvt) or fatal signal (spt) */

#endif
