/* config.c: the smallest unikernel: one job that does nothing. */
#include <mirage.h>

void configure(void)
{
    register_unikernel("noop", JOBS(noop()));
}
