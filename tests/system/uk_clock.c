/* uk_clock.c: system test: sleeping fibers and both clocks. */
#include <stdint.h>

#include <mirage/clock.h>
#include <mirage/fiber.h>

#include "manifest.h"
#include "uk.h"

MG_TEST_MANIFEST_NONE();

static int sleeper(void *arg)
{
    uint64_t ns = (uint64_t)(uintptr_t)arg;
    uint64_t t0 = mg_clock_monotonic_ns();
    mg_sleep_ns(ns);
    return mg_clock_monotonic_ns() - t0 >= ns ? 0 : 1;
}

static int clocks(void *arg)
{
    (void)arg;
    int64_t wall0 = mg_clock_wall_ns();
    uint64_t mono0 = mg_clock_monotonic_ns();
    UK_CHECK(wall0 > (int64_t)1600000000 * 1000000000); /* after September 2020 */
    struct mg_fiber *a = mg_spawn(sleeper, (void *)(uintptr_t)30000000);
    struct mg_fiber *b = mg_spawn(sleeper, (void *)(uintptr_t)60000000);
    UK_CHECK(a && b);
    int ra = -1, rb = -1;
    UK_CHECK(mg_join(a, &ra) == 0 && mg_join(b, &rb) == 0);
    UK_CHECK(ra == 0 && rb == 0);
    uint64_t mono1 = mg_clock_monotonic_ns();
    int64_t wall1 = mg_clock_wall_ns();
    /* Both sleeps overlapped: about 60 ms in all, not 90. */
    UK_CHECK(mono1 - mono0 >= 60000000 && mono1 - mono0 < 2000000000);
    UK_CHECK(wall1 - wall0 >= 50000000);
    printf("slept %llu ms\n", (unsigned long long)((mono1 - mono0) / 1000000));
    printf("SUCCESS: clock\n");
    return 0;
}

UK_MAIN("clock", clocks)
