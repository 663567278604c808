/* memmove.c: memmove: a forward `rep movsb` unless dst overlaps the tail of src, then a backward
 * copy. */
#include <stdint.h>
#include <string.h>

#undef memmove /* string.h maps it to the compiler's built-in */

void *memmove(void *dst, const void *src, size_t n)
{
    /* rep movsb is defined to behave as byte-by-byte copies in order, so a
     * forward copy is right whenever dst starts before src or past its end. */
    if ((uintptr_t)dst - (uintptr_t)src >= n) {
        void *d = dst;
        __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
        return dst;
    }
    void *d = (char *)dst + n - 1;
    const void *s = (const char *)src + n - 1;
    __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}
