/* stack_unix.c: fiber stacks from mmap, with a PROT_NONE guard page below each one. */
#include <sys/mman.h>
#include <unistd.h>

#include "platform.h"

static size_t page_size(void)
{
    static size_t page;
    if (!page)
        page = (size_t)sysconf(_SC_PAGESIZE);
    return page;
}

void *mg_plat_stack_alloc(size_t *size)
{
    size_t page = page_size();
    size_t len = (*size + page - 1) & ~(page - 1);
    if (len == 0 || len < *size)
        return NULL;
    char *m = mmap(NULL, len + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    /* A stack that overflows faults here instead of writing over its neighbour. */
    if (mprotect(m, page, PROT_NONE) != 0) {
        munmap(m, len + page);
        return NULL;
    }
    *size = len;
    return m + page;
}

void mg_plat_stack_free(void *stack, size_t size)
{
    size_t page = page_size();
    munmap((char *)stack - page, size + page);
}
