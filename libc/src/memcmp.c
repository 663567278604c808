/* memcmp.c: memcmp, a word at a time while the words agree. */
#include <stdint.h>
#include <string.h>

#undef memcmp /* string.h maps it to the compiler's built-in */

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a, *q = b;
    while (n >= 8) {
        uint64_t x, y;
        __builtin_memcpy(&x, p, 8);
        __builtin_memcpy(&y, q, 8);
        if (x != y)
            break;
        p += 8, q += 8, n -= 8;
    }
    for (; n > 0; n--, p++, q++)
        if (*p != *q)
            return *p - *q;
    return 0;
}
