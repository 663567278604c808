/* uk_tsc.c: hvt system test: the TSC clocks against the host's (wall time, busy wait, sleep). */
#include <stdint.h>
#include <stdio.h>

#include "manifest.h"
#include "platform.h"

MG_TEST_MANIFEST_NONE();

/* The script compares what this prints with its own clock. */
int mg_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    printf("wall-start %lld\n", (long long)mg_plat_wall_ns());
    uint64_t t0 = mg_plat_monotonic_ns(), t;
    /* Busy: only the TSC and the frequency the tender gave decide when this ends. */
    while ((t = mg_plat_monotonic_ns()) < t0 + 1000000000u)
        if (t < t0) {
            printf("FAIL: the monotonic clock went back\n");
            return 1;
        }
    /* Asleep in the tender (the poll hypercall's timeout). */
    mg_plat_wait(t + 300000000u);
    uint64_t t1 = mg_plat_monotonic_ns();
    printf("slept-ms %llu\n", (unsigned long long)((t1 - t) / 1000000u));
    printf("wall-end %lld\n", (long long)mg_plat_wall_ns());
    printf("SUCCESS: tsc\n");
    return 0;
}
