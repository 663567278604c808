/* stack.c: fiber stacks from the heap (no guard page: the guest cannot change protections). */
#include <stdint.h>
#include <stdlib.h>

#include "platform.h"

/* A cache line: more than the 16 bytes the ABI asks of a stack. */
#define STACK_ALIGN 64u

void *mg_plat_stack_alloc(size_t *size)
{
    if (*size == 0 || *size > SIZE_MAX - STACK_ALIGN)
        return NULL;
    size_t rounded = (*size + STACK_ALIGN - 1) / STACK_ALIGN * STACK_ALIGN;
    void *stack = aligned_alloc(STACK_ALIGN, rounded);
    if (stack)
        *size = rounded;
    return stack;
}

void mg_plat_stack_free(void *stack, size_t size)
{
    (void)size;
    free(stack);
}
