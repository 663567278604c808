/* memalign.c: aligned_alloc and posix_memalign: over-allocate, then free the lead-in and the tail.
 */
#include <errno.h>
#include <stdlib.h>

#include "heap.h"

void *aligned_alloc(size_t align, size_t n)
{
    if (align == 0 || (align & (align - 1))) {
        errno = EINVAL;
        return NULL;
    }
    if (align <= HEAP_ALIGN)
        return malloc(n);
    size_t size = __heap_block_size(n);
    /* Room to move the payload up to the boundary with a lead-in of at
     * least a minimal block, which is then freed. */
    struct heap_blk *b =
        size && align <= HEAP_MAX ? __heap_take(size + align + HEAP_MIN_BLOCK) : NULL;
    if (!b) {
        errno = ENOMEM;
        return NULL;
    }
    uintptr_t p = (uintptr_t)heap_payload(b);
    if (p % align) {
        uintptr_t q = (p + HEAP_MIN_BLOCK + align - 1) & ~(uintptr_t)(align - 1);
        struct heap_blk *nb = (struct heap_blk *)(q - HEAP_HDR);
        nb->head = (heap_size(b) - (q - p)) | HEAP_INUSE | HEAP_PREV_INUSE;
        b->head = (q - p) | (b->head & HEAP_FLAGS);
        __heap_release(b);
        b = nb;
    }
    __heap_trim(b, size);
    return heap_payload(b);
}

int posix_memalign(void **out, size_t align, size_t n)
{
    if (align % sizeof(void *) || (align & (align - 1)))
        return EINVAL;
    int saved = errno;
    void *p = aligned_alloc(align, n);
    errno = saved;
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}
