/* chk.c: the _FORTIFY_SOURCE entry points prebuilt libraries call: the copy, unless it would
 * overflow dstlen. */
#include <mg_libc.h>
#include <string.h>

void *__memcpy_chk(void *restrict dst, const void *restrict src, size_t n, size_t dstlen);
void *__memmove_chk(void *dst, const void *src, size_t n, size_t dstlen);
void *__memset_chk(void *dst, int c, size_t n, size_t dstlen);
char *__strcpy_chk(char *restrict dst, const char *restrict src, size_t dstlen);

void *__memcpy_chk(void *restrict dst, const void *restrict src, size_t n, size_t dstlen)
{
    if (n > dstlen)
        mg_libc_fatal("libc: buffer overflow detected in memcpy");
    return memcpy(dst, src, n);
}

void *__memmove_chk(void *dst, const void *src, size_t n, size_t dstlen)
{
    if (n > dstlen)
        mg_libc_fatal("libc: buffer overflow detected in memmove");
    return memmove(dst, src, n);
}

void *__memset_chk(void *dst, int c, size_t n, size_t dstlen)
{
    if (n > dstlen)
        mg_libc_fatal("libc: buffer overflow detected in memset");
    return memset(dst, c, n);
}

char *__strcpy_chk(char *restrict dst, const char *restrict src, size_t dstlen)
{
    size_t n = strlen(src) + 1;
    if (n > dstlen)
        mg_libc_fatal("libc: buffer overflow detected in strcpy");
    return memcpy(dst, src, n);
}
