/* unikernel.c: hello-key: logs the --hello key four times, one second apart. */
#include <mirage/log.h>
#include <mirage/time.h>

#define SECOND 1000000000ull

int hello_key_start(struct mg_time *time, const char *hello)
{
    for (int n = 4; n > 0; n--) {
        mg_log_info(NULL, "%s", hello);
        int rc = mg_time_sleep_ns(time, SECOND);
        if (rc < 0)
            return rc;
    }
    return 0;
}
