/* realloc.c: realloc: in place when the block can shrink or absorb a free neighbour, else move. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

void *realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    struct heap_blk *b = __heap_check(p, "realloc");
    /* realloc(p, 0) keeps a minimal block rather than freeing: a NULL result
     * must keep meaning "failed, p is still yours". */
    size_t size = __heap_block_size(n);
    if (!size) {
        errno = ENOMEM;
        return NULL;
    }
    if (size <= heap_size(b) || __heap_grow(b, size)) {
        __heap_trim(b, size);
        return p;
    }
    void *q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, heap_size(b) - HEAP_HDR);
    __heap_release(b);
    return q;
}
