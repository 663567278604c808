/* unikernel.c: heads1: "Heads" after 1 s and "Tails" after 2 s in two fibers,
 * joined as a list (Lwt.join), then "Finished". */
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

int heads1_start(struct mg_time *time)
{
    struct say_after heads = {time, 1 * SECOND, "Heads"}, tails = {time, 2 * SECOND, "Tails"};
    struct mg_fiber *both[] = {mg_spawn(say_after, &heads), mg_spawn(say_after, &tails)};
    if (!both[0] || !both[1])
        return MG_ENOMEM; /* the unikernel stops: nothing is left to join */
    int results[2];
    int rc = mg_join_all(both, 2, results);
    if (rc == 0)
        rc = results[0] < 0 ? results[0] : results[1];
    if (rc < 0)
        return rc;
    mg_log_info(NULL, "Finished");
    return 0;
}
