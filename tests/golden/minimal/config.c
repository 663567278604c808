/* config.c: the least a unikernel is: one job that does nothing, the defaults around it. */
#include <mirage.h>

void configure(void)
{
    register_unikernel("minimal", JOBS(noop()));
}
