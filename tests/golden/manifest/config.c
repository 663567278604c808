/* config.c: block devices on hvt: the tender's devices go into mirage/manifest.c, once each; a ramdisk does not. */
#include <mirage.h>

void configure(void)
{
    struct impl *start = foreign("disks_start", fn(BLOCK, BLOCK, BLOCK, BLOCK, JOB));
    register_unikernel("disks", JOBS(apply(start, block_of_file("storage"), ramdisk("scratch"),
                                           block_of_file("logs-2"), block_of_file("storage"))));
}
