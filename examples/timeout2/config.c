/* config.c: timeout2: a random sleep raced against a timeout with pick. */
#include <mirage.h>

void configure(void)
{
    struct impl *timeout2 = foreign("timeout2_start", fn(TIME, RANDOM, JOB));
    register_unikernel("timeout2", JOBS(apply(timeout2, default_time(), default_random())));
}
