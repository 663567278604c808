/* block_range.h: the range check every block device makes before any I/O. */
#ifndef LIB_BLOCK_RANGE_H
#define LIB_BLOCK_RANGE_H

#include <stdbool.h>
#include <stdint.h>

/* Do sectors [sector, sector + n) lie within a disk of `sectors` sectors?
 * Written without sector + n, which could wrap. */
static inline bool blk_range_ok(uint64_t sectors, uint64_t sector, uint64_t n)
{
    return sector <= sectors && n <= sectors - sector;
}

#endif
