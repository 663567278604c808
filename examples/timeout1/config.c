/* config.c: timeout1: a random sleep against a timeout that checks it afterwards. */
#include <mirage.h>

void configure(void)
{
    struct impl *timeout1 = foreign("timeout1_start", fn(TIME, RANDOM, JOB));
    register_unikernel("timeout1", JOBS(apply(timeout1, default_time(), default_random())));
}
