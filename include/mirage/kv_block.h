/* kv_block.h: KV_RO stores over a BLOCK device: archive (a tar archive) and fat_ro (a FAT file
 * system).
 *
 * Both read the device's names once, at connect, into memory (an entry
 * costs its name and about 100 bytes; FAT files also one extent per run of
 * contiguous clusters), check what they read, and afterwards read values
 * straight from the device, any byte range. They never write to the device
 * and do not disconnect it. The handles are <mirage/kv.h> stores:
 * get_ref is MG_ENOTSUP, list() gives names in bytewise order,
 * last_modified is the entry's time (0 for a folder the medium has no entry
 * for, such as the root or a tar folder only implied by the paths below it).
 *
 * A damaged medium makes connect fail with MG_EIO after an error log line
 * (source "archive" or "fat") naming the device, what is wrong and where
 * (byte offset, sector or cluster). Other results: 0 with *out set,
 * MG_ENOMEM, MG_ENOTSUP (a feature refused, logged: below), or the device's
 * MG_E* when a read fails.
 */
#ifndef MIRAGE_KV_BLOCK_H
#define MIRAGE_KV_BLOCK_H

#include <mirage/block.h>
#include <mirage/kv.h>

/* archive(block): the tar archive that starts at byte 0 of b. Reads v7,
 * POSIX ustar, GNU (long names and link names) and POSIX pax ('x' records
 * path, linkpath, size, mtime with fraction; 'g' records mtime) archives,
 * up to the end-of-archive zero blocks, which must be there (an archive
 * without them is truncated: MG_EIO). Every header's checksum is checked
 * (unsigned and signed sums), every number (octal or base-256) is range
 * checked, and every entry's data must lie on the device.
 *  - Folders are explicit ('5', GNU 'D') or implied by paths.
 *  - A later entry of the same name replaces an earlier one, as when tar
 *    extracts; a name that would be both a value and a folder is MG_EIO.
 *  - Hard links ('1') give the value of the earlier entry they name (MG_EIO
 *    if there is none). Symbolic links ('2') are followed within the
 *    archive at connect: one whose target (relative to its folder, through
 *    other links, at most 40) is a value becomes that value; one that is
 *    dangling, absolute, leaves the archive through "..", loops, or names
 *    a folder is left out, with a warning.
 *  - Names with a ".." segment, devices and FIFOs are left out with a warning;
 *    "./" and "/" at the front, and empty segments, are dropped.
 *  - GNU sparse files ('S' or pax GNU.sparse.*), multi-volume parts ('M')
 *    and old GNU long names ('N') are refused: MG_ENOTSUP.
 * The device may be larger than the archive (what follows is ignored). */
int mg_kv_archive_connect(struct mg_kv_ro **out, struct mg_block *b);

/* fat_ro(block): the FAT12, FAT16 or FAT32 file system that starts at
 * sector 0 of b (no partition table). The boot sector's BPB is checked
 * (bytes per sector 512..4096 and a power of two, sectors per cluster a
 * power of two up to 128, reserved sectors, FAT count and size, root
 * entries, total sectors within the device, FAT type from the cluster
 * count as the specification says; FSInfo is not read). Names are the
 * VFAT long names (UCS-2 or UTF-16 to UTF-8; a long name whose checksum or
 * sequence does not match its entry is ignored with a warning, as the
 * specification says) or else the 8.3 names, lower-cased where the entry's
 * case flags say so, with bytes above 0x7f read as code page 437 (what
 * Linux's vfat reads by default; mtools writes code page 850, the same for
 * accented letters of Western languages). Names
 * match ASCII-case-insensitively, as on FAT. Every cluster chain is walked
 * once at connect: a free, reserved or bad cluster in a chain, a chain
 * that loops, two chains that share a cluster (cross-linked), or a file
 * size that does not match its chain is MG_EIO. last_modified is the entry's write date and time,
 * read as UTC. Volume labels and deleted entries are skipped. */
int mg_kv_fat_connect(struct mg_kv_ro **out, struct mg_block *b);

#endif
