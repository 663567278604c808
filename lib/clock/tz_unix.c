/* tz_unix.c: the time zone offset on unix: UTC, as MirageOS's unix PCLOCK reports it. */
#include "clock_tz.h"

int pclock_tz_offset_target(int *offset)
{
    *offset = 0;
    return 0;
}
