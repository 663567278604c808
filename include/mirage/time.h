/* time.h: the TIME device (Mirage_time.S): sleeping without blocking others. */
#ifndef MIRAGE_TIME_H
#define MIRAGE_TIME_H

#include <stdint.h>
#include <mirage/fiber.h>

struct mg_time;
struct mg_time_ops {
    int (*sleep_ns)(struct mg_time *t, uint64_t ns); /* 0, or MG_ECANCELED */
};
struct mg_time {
    const struct mg_time_ops *ops;
};
static inline int mg_time_sleep_ns(struct mg_time *t, uint64_t ns) { return t->ops->sleep_ns(t, ns); }

/* The default TIME: the scheduler's timers (mg_sleep_ns). */
int mg_time_default_connect(struct mg_time **out);

#endif
