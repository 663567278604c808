/* compute_native.c: the compute workload as a Linux process, the peer of uk_compute.c. */
#include <stdio.h>
#include <stdlib.h>

#include "compute.h"

int main(int argc, char **argv)
{
    uint64_t rounds = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000;
    printf("checksum %llx\n", (unsigned long long)compute_run(rounds));
    return 0;
}
