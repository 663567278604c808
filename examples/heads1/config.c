/* config.c: heads1: two fibers joined (the Lwt tutorial's Lwt.join). */
#include <mirage.h>

void configure(void)
{
    struct impl *heads1 = foreign("heads1_start", fn(TIME, JOB));
    register_unikernel("heads1", JOBS(apply(heads1, default_time())));
}
