/* config.c: kv_bench: times gets of one value from a read-only store chosen at configure time
 * (--store=crunch|direct|archive|fat; archive and fat read disk.img), or, with --mem at run
 * time, from kv_rw_mem after copying the value there; --ref times get_ref. Used by bench/kv.sh. */
#include <mirage.h>

void configure(void)
{
    struct key *store =
        key_enum("store", "crunch", .stage = CONFIGURE,
                 .choices = CHOICES("crunch", "direct", "archive", "fat"),
                 .doc = "Store to read: crunch, direct, archive or fat (disk.img).");
    struct impl *disk = block_of_file("disk.img");
    struct impl *ro =
        match_impl(value_of(store), crunch("data"), CASE("direct", direct_kv_ro("data")),
                   CASE("archive", archive(disk)), CASE("fat", fat_ro(disk)));
    struct key *key = key_string("key", "/small", .stage = RUNTIME, .doc = "The value to get.");
    struct key *n = key_int("n", 1000, .stage = RUNTIME, .doc = "How many gets to time.");
    struct key *mem = key_bool("mem", false, .stage = RUNTIME,
                               .doc = "Copy the value into kv_rw_mem and time the gets there.");
    struct key *ref =
        key_bool("ref", false, .stage = RUNTIME, .doc = "Time get_ref (no copy) instead of get.");
    struct impl *bench =
        foreign("kv_bench_start", fn(KV_RO, KV_RW, JOB), .runtime_keys = KEYS(key, n, mem, ref));
    register_unikernel("kv_bench", JOBS(apply(bench, ro, kv_rw_mem())));
}
