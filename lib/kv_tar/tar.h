/* tar.h: the tar format as the archive store reads it (internal to lib/kv_tar).
 *
 * An archive is a run of 512-byte blocks: a header, then the entry's data
 * rounded up to whole blocks, then the next header, until two blocks of
 * zeroes. Formats read: v7, POSIX ustar (name split over prefix/name), GNU
 * (long names 'L' and long links 'K' carried by a pseudo-entry before the
 * real one), POSIX pax (records "LEN key=value\n" in an 'x' entry for the
 * next entry, or a 'g' entry for all that follow).
 */
#ifndef LIB_KV_TAR_H
#define LIB_KV_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/log.h>

#define TAR_BLOCK 512u

/* Field offsets and lengths of a header block (POSIX.1-1988 ustar). */
#define TAR_NAME 0
#define TAR_NAME_LEN 100
#define TAR_MODE 100
#define TAR_SIZE 124
#define TAR_SIZE_LEN 12
#define TAR_MTIME 136
#define TAR_MTIME_LEN 12
#define TAR_CHKSUM 148
#define TAR_CHKSUM_LEN 8
#define TAR_TYPE 156
#define TAR_LINK 157
#define TAR_LINK_LEN 100
#define TAR_MAGIC 257
#define TAR_PREFIX 345
#define TAR_PREFIX_LEN 155

/* The largest GNU long name or pax header read: real ones are a few
 * hundred bytes; a larger one is damage, not worth the memory. */
#define TAR_META_MAX (1024u * 1024u)

extern struct mg_log_src tar_log;

/* A number field: octal (leading spaces or zeroes, ended by a space or NUL,
 * then only spaces and NULs), or GNU base-256 (first byte 0x80 positive,
 * 0xff negative when neg_ok). All blanks read as 0. 0 with *out set, or -1
 * for a malformed or out-of-range number (> max, or below INT64_MIN). */
int tar_number(const unsigned char *f, size_t len, int64_t max, bool neg_ok, int64_t *out);

/* Does the header's checksum field match its bytes, summed as unsigned or
 * as signed chars (old tars), with the field itself as spaces? The sums
 * are given back for the log line. */
bool tar_checksum_ok(const unsigned char h[TAR_BLOCK], int64_t *stored, int64_t *sum_unsigned,
                     int64_t *sum_signed);

/* What pax records say about an entry. Strings are malloc'd (NULL: not
 * said, or said empty, which cancels a global value). */
struct tar_pax {
    char *path, *linkpath;
    bool has_size, has_mtime;
    uint64_t size;
    int64_t mtime_ns;
    bool sparse; /* GNU.sparse.* keys: a sparse file */
};
void tar_pax_clear(struct tar_pax *p);
/* Read the records of data (len bytes) into p, over what it holds. 0, or
 * -1 with *why a constant reason and *at the record's offset in data.
 * MG_ENOMEM is returned as such. */
int tar_pax_parse(const char *data, size_t len, struct tar_pax *p, const char **why, size_t *at);

#endif
