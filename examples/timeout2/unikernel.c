/* unikernel.c: timeout2: a fiber sleeps a random time under 3 s, then yields
 * "Heads"; it races a 2 s timeout with mg_pick (Lwt.pick), which cancels
 * the loser, so the answer comes as soon as either is done. */
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

static int sleep_only(void *arg)
{
    struct sleeper *s = arg;
    return mg_time_sleep_ns(s->time, s->ns);
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

/* The first of t and a delay_ns timeout: t's value (*value), or NULL. */
static int timeout(struct mg_time *time, uint64_t delay_ns, struct mg_fiber *t, struct sleeper *s,
                   const char **value)
{
    struct sleeper tm = {time, delay_ns, NULL};
    struct mg_fiber *tmout = mg_spawn(sleep_only, &tm);
    if (!tmout) {
        mg_cancel(t);
        mg_join(t, NULL);
        return MG_ENOMEM;
    }
    int result;
    int first = mg_pick((struct mg_fiber *const[]){tmout, t}, 2, &result);
    if (first < 0)
        return first;
    if (result < 0)
        return result;
    *value = first == 1 ? s->value : NULL;
    return 0;
}

int timeout2_start(struct mg_time *time, struct mg_random *r)
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
