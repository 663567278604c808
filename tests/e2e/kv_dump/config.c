/* config.c: kv_dump: lists every key of a read-only store with its size and digest, for
 * tests/e2e/kv.sh to compare crunch with direct_kv_ro and with the files (--kv_ro=crunch|direct).
 */
#include <mirage.h>

void configure(void)
{
    struct impl *dump = foreign("kv_dump_start", fn(KV_RO, JOB));
    register_unikernel("kv_dump", JOBS(apply(dump, generic_kv_ro("data"))));
}
