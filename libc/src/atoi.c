/* atoi.c: atoi, atol and atoll (base 10, no error reporting, as the standard says). */
#include <stdlib.h>

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}
long atol(const char *s)
{
    return strtol(s, NULL, 10);
}
long long atoll(const char *s)
{
    return strtoll(s, NULL, 10);
}
