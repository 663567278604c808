/* mclock.c: the default MCLOCK device over the platform's monotonic clock. */
#include <mirage/clock.h>

#include "platform.h"

static uint64_t mclock_elapsed_ns(struct mg_mclock *c)
{
    (void)c;
    return mg_plat_monotonic_ns();
}

static uint64_t mclock_period_ns(struct mg_mclock *c)
{
    (void)c;
    return mg_plat_clock_period_ns();
}

static const struct mg_mclock_ops mclock_ops = {
    .elapsed_ns = mclock_elapsed_ns,
    .period_ns = mclock_period_ns,
};

/* Stateless, so one instance serves every connect. */
static struct mg_mclock mclock_default = {.ops = &mclock_ops};

int mg_mclock_default_connect(struct mg_mclock **out)
{
    *out = &mclock_default;
    return 0;
}
