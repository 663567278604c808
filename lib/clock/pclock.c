/* pclock.c: the default PCLOCK device over the platform's wall clock. */
#include <mirage/clock.h>

#include "clock_tz.h"
#include "platform.h"

static int64_t pclock_now_ns(struct mg_pclock *c)
{
    (void)c;
    return mg_plat_wall_ns();
}

static uint64_t pclock_period_ns(struct mg_pclock *c)
{
    (void)c;
    return mg_plat_clock_period_ns();
}

static int pclock_tz_offset_s(struct mg_pclock *c, int *offset)
{
    (void)c;
    return pclock_tz_offset_target(offset);
}

static const struct mg_pclock_ops pclock_ops = {
    .now_ns = pclock_now_ns,
    .period_ns = pclock_period_ns,
    .tz_offset_s = pclock_tz_offset_s,
};

/* Stateless, so one instance serves every connect. */
static struct mg_pclock pclock_default = {.ops = &pclock_ops};

int mg_pclock_default_connect(struct mg_pclock **out)
{
    *out = &pclock_default;
    return 0;
}
