/* mkimage.h: mirage-mkimage, a host tool that writes a tar archive or a FAT image from a folder. */
#ifndef TOOLS_MKIMAGE_H
#define TOOLS_MKIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum mk_kind { MK_FILE, MK_DIR, MK_LINK };

/* A folder read from the host, entries sorted bytewise by name. */
struct mk_node {
    char *name; /* last segment ("" for the root) */
    char *path; /* on the host */
    char *rel;  /* below the root: "a/b" ("" for the root) */
    enum mk_kind kind;
    uint64_t size;   /* a file's bytes */
    int64_t mtime_s; /* seconds */
    uint32_t mtime_ns;
    unsigned mode; /* permission bits */
    char *link;    /* a symbolic link's target */
    struct mk_node **kids;
    size_t nkids;
    struct mk_node *parent;
    uint32_t cluster, nclusters; /* FAT: where it was put */
};

/* Read folder path (not following symbolic links below it). Devices,
 * FIFOs and sockets are skipped with a warning. NULL after a message. */
struct mk_node *mk_tree_read(const char *path);
void mk_tree_free(struct mk_node *n);

struct mk_tar_opts {
    bool pax;         /* every entry gets pax records, not only those that need them */
    bool fixed_mtime; /* use mtime for every entry */
    int64_t mtime;
};
/* Write the tree as a tar archive (ustar, with pax records where ustar
 * cannot hold a name, link, size or time). 0 or -1 after a message. */
int mk_tar_write(const struct mk_node *root, FILE *out, const struct mk_tar_opts *o);

struct mk_fat_opts {
    int type;          /* 12, 16, 32; 0: the smallest that fits */
    uint64_t size;     /* bytes; 0: as small as the tree allows */
    unsigned sector;   /* bytes per sector: 512 .. 4096 */
    unsigned cluster;  /* bytes per cluster; 0: chosen */
    const char *label; /* volume label, or NULL */
    uint32_t volume_id;
    bool fixed_mtime;
    int64_t mtime;
};
/* Write the tree as a FAT image. 0 or -1 after a message. Symbolic links
 * are skipped with a warning (FAT has none). */
int mk_fat_write(struct mk_node *root, FILE *out, const struct mk_fat_opts *o);

/* ---- FAT names (fat_names.c) ---- */

/* A folder's names in FAT form: the 8.3 name (11 bytes), its case flags,
 * and whether a long name is needed. */
struct mk_fat_name {
    unsigned char short_name[11];
    unsigned char case_flags; /* 0x08 base lower, 0x10 extension lower */
    bool needs_lfn;
    uint16_t units[260]; /* the long name as UTF-16 */
    size_t nunits;
};
/* Names for the entries of one folder (unique 8.3 names). 0 or -1 after a
 * message (a name not valid UTF-8, longer than 255 units, ...). */
int mk_fat_names(struct mk_node *const *kids, size_t n, struct mk_fat_name *out);
/* The long-name checksum of an 8.3 name. */
unsigned char mk_lfn_sum(const unsigned char name[11]);

void mk_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void mk_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
