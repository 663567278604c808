/* memset.c: memset with `rep stosb`. */
#include <string.h>

#undef memset /* string.h maps it to the compiler's built-in */

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}
