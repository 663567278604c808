/* fuzz_fat.c: libFuzzer harness for fat_ro(block): the input as a disk, indexed, listed, read and
 * hashed. */
#include <mirage/kv_block.h>

#include "fuzz_kv_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(mg_kv_fat_connect, data, size);
    return 0;
}
