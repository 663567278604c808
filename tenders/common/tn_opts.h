/* tn_opts.h: the command line shared by mirage-spt and mirage-hvt.
 *
 *   mirage-<t> [--mem=MIB] [--net:NAME=TAP | --net:NAME=@FD] [--net-mac:NAME=MAC]
 *              [--block:NAME=FILE] [--block-sector-size:NAME=N] [--] IMAGE [ARGS...]
 *   mirage-<t> --help | --version
 *
 * Options come first; `--` or the first argument that is not an option ends
 * them. The next argument is the image; the rest go to the unikernel
 * untouched (they may look like options). NAME is a device name of the
 * image's manifest ([A-Za-z0-9_-]+, shorter than MG_MFT_NAME_MAX); each name
 * appears once in --net: or --block:, --net-mac:/--block-sector-size: need
 * the matching --net:/--block: (in any order). Parsing opens nothing: see
 * tn_dev.h for that.
 */
#ifndef TN_OPTS_H
#define TN_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "abi.h"
#include "tn_err.h"

#define TN_MEM_DEFAULT_MIB 32 /* enough for the network examples; --mem=2 runs hello */
#define TN_MEM_MIN_MIB 2      /* the first MiB is never guest RAM: the image loads above */
#define TN_MEM_MAX_MIB 65536  /* a sanity bound; each tender may refuse less (tn_opts.mem) */
#define TN_SECTOR_DEFAULT 512
#define TN_SECTOR_MAX 65536 /* a power of two in [512, TN_SECTOR_MAX] */
#define TN_MTU_DEFAULT 1500

/* One device given on the command line. Fields below the line are filled by
 * tn_dev_open (tn_dev.h). */
struct tn_dev {
    char name[MG_MFT_NAME_MAX];
    uint32_t type;        /* MG_MFT_NET or MG_MFT_BLOCK */
    const char *path;     /* net: the tap interface (NULL with @FD); block: the file */
    int fd;               /* net with @FD: that fd; otherwise -1 until opened */
    bool mac_set;         /* net: --net-mac given */
    uint8_t mac[6];       /* net: --net-mac, or a random local unicast MAC once opened */
    uint32_t sector_size; /* block: --block-sector-size or TN_SECTOR_DEFAULT */
    /* ---- set by tn_dev_open ---- */
    uint64_t capacity; /* block: bytes, a multiple of sector_size */
    bool read_only;    /* block: the file could only be opened for reading */
    uint16_t mtu;      /* net */
    uint8_t net_flags; /* net: MG_BOOT_DEV_NET_* (the virtio-net header, the offloads granted) */
};

struct tn_opts {
    uint64_t mem; /* bytes of guest memory (--mem, TN_MEM_DEFAULT_MIB) */
    bool mem_set; /* --mem was given (a tender may have its own default) */
    struct tn_dev devs[MG_MFT_MAX_ENTRIES];
    unsigned ndevs;
    const char *image; /* the image's path */
    int argc;          /* the unikernel's arguments (after IMAGE), argv[argc] == NULL */
    char **argv;       /* points into the argv given to tn_opts_parse */
};

enum tn_opts_result {
    TN_OPTS_RUN = 0,     /* o is complete: run the image */
    TN_OPTS_HELP = 1,    /* --help: print tn_opts_usage, exit 0 */
    TN_OPTS_VERSION = 2, /* --version: print MIRAGE_VERSION, exit 0 */
};

/* Parse argv[1..argc-1] into o (o is overwritten; it keeps pointers into
 * argv). Returns an enum tn_opts_result, or MG_EINVAL with the message in e
 * (unknown option, bad value, duplicate device, no image ...). Never exits. */
int tn_opts_parse(struct tn_opts *o, int argc, char **argv, struct tn_err *e);

/* For main: tn_opts_parse; then print the usage (with extra) for --help
 * or "<tn_prog> <version> (ABI n)" for --version and exit 0, or print the
 * error and exit 1 (tn_die). Returns only when o is complete. */
void tn_opts_main(struct tn_opts *o, int argc, char **argv, const char *extra);

/* The option summary, for --help; extra (may be NULL) is printed as is
 * right after the common options, for the options (and their notes) only
 * one tender has. */
void tn_opts_usage(FILE *f, const char *extra);

/* The device named name in o, or NULL. */
struct tn_dev *tn_opts_dev(struct tn_opts *o, const char *name);

#endif
