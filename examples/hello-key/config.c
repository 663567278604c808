/* config.c: hello-key: hello, with what to say given as --hello. */
#include <mirage.h>

void configure(void)
{
    struct key *hello = key_string("hello", "Hello World!", .doc = "How to say hello.");
    struct impl *hello_key = foreign("hello_key_start", fn(TIME, JOB), .runtime_keys = KEYS(hello));
    register_unikernel("hello-key", JOBS(apply(hello_key, default_time())));
}
