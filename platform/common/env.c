/* env.c: the freestanding targets have no environment: keys take their defaults. */
#include "platform.h"

const char *mg_plat_getenv(const char *name)
{
    (void)name;
    return NULL;
}
