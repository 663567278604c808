/* hvt_clock.c: the TSC frequency and the wall time at a TSC reading, for the guest's clocks. */
#include <time.h>

#include "hvt.h"

static uint64_t ns_now(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* KVM normally knows the frequency (KVM_GET_TSC_KHZ); if not, count guest
 * TSC ticks over 20 ms of the host's raw monotonic clock. */
static int calibrate(struct hvt *h)
{
    uint64_t t0, t1, n0 = ns_now(CLOCK_MONOTONIC_RAW), n1;
    if (hvt_vcpu_tsc(h, &t0) != 0)
        return -1;
    struct timespec d = {0, 20000000};
    nanosleep(&d, NULL);
    if (hvt_vcpu_tsc(h, &t1) != 0)
        return -1;
    n1 = ns_now(CLOCK_MONOTONIC_RAW);
    if (t1 <= t0 || n1 <= n0) {
        hvt_say("cannot measure the TSC's frequency");
        return -1;
    }
    h->tsc_hz = (uint64_t)((unsigned __int128)(t1 - t0) * 1000000000u / (n1 - n0));
    return 0;
}

int hvt_clock_init(struct hvt *h, struct mg_boot_info *bi)
{
    if (h->tsc_hz == 0 && calibrate(h) != 0)
        return -1;
    uint64_t tsc;
    if (hvt_vcpu_tsc(h, &tsc) != 0)
        return -1;
    bi->tsc_hz = h->tsc_hz;
    bi->tsc_at_boot = tsc;
    bi->wall_ns_at_boot = (int64_t)ns_now(CLOCK_REALTIME);
    return 0;
}
