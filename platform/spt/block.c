/* block.c: spt block transfers: pread64/pwrite64/fdatasync on the fds the tender opened. */
#include <mirage/error.h>

#include "spt.h"
#include "sys.h"

/* One system call moves at most this much: a multiple of every sector
 * size (the filter kills a call whose count is not whole sectors, so a
 * short transfer must stay aligned too). */
#define CHUNK (1u << 30)

int plat_block_io(int handle, const struct mg_boot_dev *d, bool write, uint64_t sector, void *buf,
                  uint64_t n)
{
    (void)handle;
    long nr = write ? SPT_NR_PWRITE64 : SPT_NR_PREAD64;
    uint64_t ss = d->sector_size;
    char *p = buf;
    uint64_t off = sector * ss, left = n * ss;
    while (left > 0) {
        uint64_t want = left < CHUNK ? left : CHUNK;
        long r = spt_sys4(nr, (long)d->handle, (long)p, (long)want, (long)off);
        if (r == -SPT_EINTR)
            continue;
        if (r <= 0 || (uint64_t)r % ss != 0)
            return MG_EIO;
        p += r;
        off += (uint64_t)r;
        left -= (uint64_t)r;
    }
    return 0;
}

int plat_block_sync(int handle, const struct mg_boot_dev *d)
{
    (void)handle;
    long r;
    while ((r = spt_sys1(SPT_NR_FDATASYNC, (long)d->handle)) == -SPT_EINTR)
        ;
    return r == 0 ? 0 : MG_EIO;
}
