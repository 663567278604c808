/* config.c: echo_server: echoes ten made-up lines to the console. */
#include <mirage.h>

void configure(void)
{
    struct impl *echo = foreign("echo_server_start", fn(CONSOLE, TIME, RANDOM, JOB));
    register_unikernel("echo_server",
                       JOBS(apply(echo, default_console(), default_time(), default_random())));
}
