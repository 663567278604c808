/* unikernel.c: heads2: the fibers `heads` and `tails` are started first, each
 * printing as it finishes, then joined (heads <&> tails), then "Finished". */
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/time.h>

#define SECOND 1000000000ull

struct say_after {
    struct mg_time *time;
    uint64_t ns;
    const char *what;
};

static int say_after(void *arg)
{
    struct say_after *s = arg;
    int rc = mg_time_sleep_ns(s->time, s->ns);
    if (rc == 0)
        mg_log_info(NULL, "%s", s->what);
    return rc;
}

int heads2_start(struct mg_time *time)
{
    struct say_after h = {time, 1 * SECOND, "Heads"}, t = {time, 2 * SECOND, "Tails"};
    struct mg_fiber *heads = mg_spawn(say_after, &h);
    struct mg_fiber *tails = mg_spawn(say_after, &t);
    if (!heads || !tails)
        return MG_ENOMEM; /* the unikernel stops: nothing is left to join */
    int rh = 0, rt = 0;
    int rc = mg_join(heads, &rh);
    if (rc == 0)
        rc = mg_join(tails, &rt);
    if (rc < 0)
        return rc;
    if (rh < 0 || rt < 0)
        return rh < 0 ? rh : rt;
    mg_log_info(NULL, "Finished");
    return 0;
}
