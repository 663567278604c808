/* config.c: block: writes sector patterns to a block device, reads them back and reports
 * (MirageOS's device-usage/block). On unix the device is the file disk.img; on spt and
 * hvt it is the tender's --block:storage=FILE. */
#include <mirage.h>

void configure(void)
{
    struct value *on_unix = value_eq(value_of(key_target()), "unix");
    struct impl *disk = if_impl(on_unix, block_of_file("disk.img"), block_of_file("storage"));
    struct impl *block = foreign("block_start", fn(BLOCK, JOB));
    register_unikernel("block_test", JOBS(apply(block, disk)));
}
