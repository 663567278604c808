/* unikernel.c: timeout1: a fiber sleeps a random time under 3 s, then yields
 * "Heads"; the timeout sleeps 2 s, then takes its value if it has one and
 * cancels it otherwise (the Lwt tutorial's timeout with Lwt.state). */
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/random.h>
#include <mirage/time.h>

#define MS 1000000ull

struct sleeper {
    struct mg_time *time;
    uint64_t ns;
    const char *value; /* set when it returns */
};

static int sleep_then_heads(void *arg)
{
    struct sleeper *s = arg;
    int rc = mg_time_sleep_ns(s->time, s->ns);
    if (rc == 0)
        s->value = "Heads";
    return rc;
}

/* A uniform integer in [0, bound), drawn from r as Randomconv.int does. */
static int random_int(struct mg_random *r, uint32_t bound, uint32_t *out)
{
    uint32_t x;
    do {
        int rc = mg_random_generate(r, &x, sizeof x);
        if (rc < 0)
            return rc;
    } while (x >= UINT32_MAX - UINT32_MAX % bound); /* no modulo bias */
    *out = x % bound;
    return 0;
}

/* After delay_ns, t's value (*value) if it returned, else cancel it (NULL). */
static int timeout(struct mg_time *time, uint64_t delay_ns, struct mg_fiber *t, struct sleeper *s,
                   const char **value)
{
    int rc = mg_time_sleep_ns(time, delay_ns);
    if (rc < 0)
        return rc;
    bool done = mg_fiber_done(t);
    if (!done)
        mg_cancel(t);
    int result;
    rc = mg_join(t, &result);
    if (rc < 0)
        return rc;
    if (done && result < 0)
        return result; /* t failed: so does the timeout */
    *value = done ? s->value : NULL;
    return 0;
}

int timeout1_start(struct mg_time *time, struct mg_random *r)
{
    uint32_t ms;
    int rc = random_int(r, 3000, &ms);
    if (rc < 0)
        return rc;
    mg_log_debug(NULL, "sleeping %u ms", (unsigned)ms);
    struct sleeper s = {time, ms * MS, NULL};
    struct mg_fiber *t = mg_spawn(sleep_then_heads, &s);
    if (!t)
        return MG_ENOMEM;
    const char *value;
    rc = timeout(time, 2000 * MS, t, &s, &value);
    if (rc < 0)
        return rc;
    if (value)
        mg_log_info(NULL, "Returned \"%s\"", value);
    else
        mg_log_info(NULL, "Cancelled");
    return 0;
}
