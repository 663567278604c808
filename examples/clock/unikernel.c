/* unikernel.c: speaking_clock: says what the clocks read, a few times, one second apart. */
#include <inttypes.h>

#include <mirage/clock.h>
#include <mirage/log.h>
#include <mirage/time.h>

#define SECOND 1000000000ull
#define TIMES 3

int speaking_clock_start(struct mg_time *time, struct mg_pclock *pclock, struct mg_mclock *mclock)
{
    for (int n = TIMES; n > 0; n--) {
        int tz;
        if (mg_pclock_tz_offset_s(pclock, &tz) < 0)
            tz = 0; /* unknown: say it in UTC */
        char now[32];
        mg_rfc3339(mg_pclock_now_ns(pclock), tz, now, sizeof now);
        mg_log_info(
            NULL, "%" PRIu64 " nanoseconds have elapsed. At the stroke, the time will be %s *BEEP*",
            mg_mclock_elapsed_ns(mclock), now);
        int rc = mg_time_sleep_ns(time, SECOND);
        if (rc < 0)
            return rc;
    }
    return 0;
}
