/* time.c: time() from the platform's wall clock. */
#include <time.h>

#include "platform.h"

time_t time(time_t *t)
{
    int64_t ns = mg_plat_wall_ns();
    /* Floor, so an instant before the epoch is not rounded towards it. */
    time_t s = (time_t)(ns / 1000000000 - (ns % 1000000000 < 0));
    if (t)
        *t = s;
    return s;
}
