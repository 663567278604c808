/* time.c: the default TIME device: sleeping on the scheduler's timers. */
#include <mirage/fiber.h>
#include <mirage/time.h>

static int time_sleep_ns(struct mg_time *t, uint64_t ns)
{
    (void)t;
    return mg_sleep_ns(ns);
}

static const struct mg_time_ops time_ops = {.sleep_ns = time_sleep_ns};

/* Stateless, so one instance serves every connect. */
static struct mg_time time_default = {.ops = &time_ops};

int mg_time_default_connect(struct mg_time **out)
{
    *out = &time_default;
    return 0;
}
