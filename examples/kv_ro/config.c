/* config.c: kv_ro: checks a secret stored in a read-only key-value store (MirageOS's
 * device-usage/kv_ro). The store is the folder t/: embedded in the image (crunch, the
 * default) or, on unix with --kv_ro=direct, read from the host folder at run time. */
#include <mirage.h>

void configure(void)
{
    struct impl *disk = generic_kv_ro("t");
    struct impl *start = foreign("kv_ro_start", fn(KV_RO, JOB));
    register_unikernel("kv_ro", JOBS(apply(start, disk)));
}
