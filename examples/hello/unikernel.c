/* unikernel.c: hello: logs "hello" four times, one second apart. */
#include <mirage/log.h>
#include <mirage/time.h>

#define SECOND 1000000000ull

int hello_start(struct mg_time *time)
{
    for (int n = 4; n > 0; n--) {
        mg_log_info(NULL, "hello");
        int rc = mg_time_sleep_ns(time, SECOND);
        if (rc < 0)
            return rc;
    }
    return 0;
}
