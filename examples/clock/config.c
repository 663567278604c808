/* config.c: speaking_clock: the POSIX and monotonic clocks, read once a second. */
#include <mirage.h>

void configure(void)
{
    struct impl *speak = foreign("speaking_clock_start", fn(TIME, PCLOCK, MCLOCK, JOB));
    register_unikernel("speaking_clock", JOBS(apply(speak, default_time(), default_posix_clock(),
                                                    default_monotonic_clock())));
}
