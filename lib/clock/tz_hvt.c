/* tz_hvt.c: the time zone offset on hvt: unknown, as Solo5's PCLOCK reports it (the host passes none). */
#include <mirage/error.h>

#include "clock_tz.h"

int pclock_tz_offset_target(int *offset)
{
    (void)offset;
    return MG_ENOENT;
}
