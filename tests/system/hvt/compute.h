/* compute.h: the compute-bound workload of the hvt native-speed test. */
#ifndef TESTS_SYSTEM_HVT_COMPUTE_H
#define TESTS_SYSTEM_HVT_COMPUTE_H

#include <stdint.h>

/* Run rounds rounds (each about 10 us of work); a checksum of the results,
 * the same on every target for the same rounds. */
uint64_t compute_run(uint64_t rounds);

#endif
