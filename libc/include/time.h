/* time.h: calendar time from the platform's wall clock. */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

struct timespec {
    time_t tv_sec;
    long tv_nsec;
};

/* Seconds since the epoch (mg_plat_wall_ns), also stored in *t if not NULL. */
time_t time(time_t *t);

#endif
