/* strlen.c: strlen and strnlen. */
#include <string.h>

#undef strlen /* string.h maps it to the compiler's built-in */

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}
