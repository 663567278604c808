/* errno.c: the one errno of the single-threaded unikernel. */
#include <errno.h>

static int errno_value;

int *__errno_location(void)
{
    return &errno_value;
}
