/* config.c: hello: a job over TIME that says hello four times. */
#include <mirage.h>

void configure(void)
{
    struct impl *hello = foreign("hello_start", fn(TIME, JOB));
    register_unikernel("hello", JOBS(apply(hello, default_time())));
}
