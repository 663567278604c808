/* uk_compute.c: hvt system test: the compute workload as a unikernel; prints a checksum. */
#include <stdio.h>
#include <stdlib.h>

#include "compute.h"
#include "manifest.h"

MG_TEST_MANIFEST_NONE();

int mg_main(int argc, char **argv)
{
    uint64_t rounds = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000;
    printf("checksum %llx\n", (unsigned long long)compute_run(rounds));
    return 0;
}
