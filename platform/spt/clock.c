/* clock.c: the spt clocks: the kernel's vDSO clock_gettime when the tender found it, else the
 * system call (the filter allows these two clocks). */

#include "platform.h"
#include "spt.h"
#include "sys.h"

#define SPT_CLOCK_REALTIME 0
#define SPT_CLOCK_MONOTONIC 1

struct spt_timespec {
    int64_t sec, nsec;
};

/* The vDSO's entry point follows the host's C calling convention, ours too. */
typedef int (*vdso_gettime_fn)(long clock, struct spt_timespec *ts);

static int64_t now_ns(int clock)
{
    struct spt_timespec ts;
    vdso_gettime_fn vdso = (vdso_gettime_fn)(uintptr_t)spt_boot->vdso_clock_gettime;
    long rc = vdso ? vdso(clock, &ts) : spt_sys2(SPT_NR_CLOCK_GETTIME, clock, (long)&ts);
    if (rc != 0)
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
