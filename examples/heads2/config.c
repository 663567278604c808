/* config.c: heads2: two named fibers joined with each other (the Lwt tutorial's <&>). */
#include <mirage.h>

void configure(void)
{
    struct impl *heads2 = foreign("heads2_start", fn(TIME, JOB));
    register_unikernel("heads2", JOBS(apply(heads2, default_time())));
}
