/* strstr.c: strstr and memmem (plain search: our haystacks are short). */
#include <string.h>

void *memmem(const void *hay, size_t hn, const void *needle, size_t nn)
{
    const char *h = hay;
    if (nn == 0)
        return (void *)h;
    for (; hn >= nn; h++, hn--) {
        const char *p = memchr(h, *(const char *)needle, hn - nn + 1);
        if (!p)
            return NULL;
        hn -= (size_t)(p - h);
        h = p;
        if (memcmp(h, needle, nn) == 0)
            return (void *)h;
    }
    return NULL;
}

char *strstr(const char *hay, const char *needle)
{
    return memmem(hay, strlen(hay), needle, strlen(needle));
}
