/* mem.c: tn_guest_ptr, the one checked accessor for guest addresses. */
#include "tn_mem.h"

void *tn_guest_ptr(const struct tn_mem *m, uint64_t gaddr, uint64_t len, uint64_t align)
{
    if (align == 0 || (align & (align - 1)) != 0 || (gaddr & (align - 1)) != 0)
        return 0;
    /* Each step keeps the values ordered, so nothing can wrap around. */
    if (m->lo > m->size || gaddr < m->lo || gaddr > m->size || len > m->size - gaddr)
        return 0;
    return (void *)(m->host + (uintptr_t)gaddr);
}
