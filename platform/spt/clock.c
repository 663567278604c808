/* clock.c: the spt clocks: clock_gettime as a raw system call (the filter allows these two clocks).
 */

#include "platform.h"
#include "sys.h"

#define SPT_CLOCK_REALTIME 0
#define SPT_CLOCK_MONOTONIC 1

static int64_t now_ns(int clock)
{
    struct {
        int64_t sec, nsec;
    } ts;
    if (spt_sys2(SPT_NR_CLOCK_GETTIME, clock, (long)&ts) != 0)
        mg_plat_abort("spt: clock_gettime failed");
    return ts.sec * 1000000000 + ts.nsec;
}

uint64_t mg_plat_monotonic_ns(void)
{
    return (uint64_t)now_ns(SPT_CLOCK_MONOTONIC);
}

int64_t mg_plat_wall_ns(void)
{
    return now_ns(SPT_CLOCK_REALTIME);
}

/* clock_getres is not among the allowed system calls: unknown. */
uint64_t mg_plat_clock_period_ns(void)
{
    return 0;
}
