/* clock_tz.h: the local time zone offset, one file per target (tz_<target>.c). */
#ifndef LIB_CLOCK_TZ_H
#define LIB_CLOCK_TZ_H

/* The offset of local time from UTC in seconds: 0, or MG_ENOENT if the
 * target does not know it. */
int pclock_tz_offset_target(int *offset);

#endif
