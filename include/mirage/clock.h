/* clock.h: the monotonic and POSIX (wall) clocks, and the PCLOCK / MCLOCK devices. */
#ifndef MIRAGE_CLOCK_H
#define MIRAGE_CLOCK_H

#include <stdint.h>

/* Nanoseconds since an arbitrary origin (boot); never goes back. */
uint64_t mg_clock_monotonic_ns(void);
/* Nanoseconds since 1970-01-01T00:00:00Z (UTC, POSIX time). */
int64_t mg_clock_wall_ns(void);

/* MCLOCK (Mirage_clock.MCLOCK). */
struct mg_mclock;
struct mg_mclock_ops {
    uint64_t (*elapsed_ns)(struct mg_mclock *c);
    uint64_t (*period_ns)(struct mg_mclock *c); /* 0 if unknown */
};
struct mg_mclock {
    const struct mg_mclock_ops *ops;
};
static inline uint64_t mg_mclock_elapsed_ns(struct mg_mclock *c) { return c->ops->elapsed_ns(c); }
static inline uint64_t mg_mclock_period_ns(struct mg_mclock *c) { return c->ops->period_ns(c); }

/* PCLOCK (Mirage_clock.PCLOCK). */
struct mg_pclock;
struct mg_pclock_ops {
    int64_t (*now_ns)(struct mg_pclock *c);        /* POSIX time in ns */
    uint64_t (*period_ns)(struct mg_pclock *c);    /* 0 if unknown */
    int (*tz_offset_s)(struct mg_pclock *c, int *offset); /* 0, or MG_ENOENT if unknown */
};
struct mg_pclock {
    const struct mg_pclock_ops *ops;
};
static inline int64_t mg_pclock_now_ns(struct mg_pclock *c) { return c->ops->now_ns(c); }
static inline uint64_t mg_pclock_period_ns(struct mg_pclock *c) { return c->ops->period_ns(c); }
static inline int mg_pclock_tz_offset_s(struct mg_pclock *c, int *off) { return c->ops->tz_offset_s(c, off); }

/* The days and picoseconds of the seed's now_d_ps. */
void mg_pclock_now_d_ps(struct mg_pclock *c, int64_t *days, uint64_t *ps);

/* Format ns of POSIX time as RFC 3339 with tz_offset_s ("2026-11-27T02:40:52-00:00"
 * for offset 0 as MirageOS prints it, "+01:00" otherwise); buf needs 26 bytes.
 * Returns the length written. */
int mg_rfc3339(int64_t ns, int tz_offset_s, char *buf, unsigned long size);

/* Connect the default clocks (every target). */
int mg_mclock_default_connect(struct mg_mclock **out);
int mg_pclock_default_connect(struct mg_pclock **out);

#endif
