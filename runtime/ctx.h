/* ctx.h: the machine context switch under the fibers (one file per architecture). */
#ifndef MG_RUNTIME_CTX_H
#define MG_RUNTIME_CTX_H

#include <stddef.h>

/* Save the callee-saved state of the caller on its stack, store its stack
 * pointer in *save_sp, and resume the context whose stack pointer is load_sp.
 * Returns when some later switch loads *save_sp again. */
void mg_ctx_switch(void **save_sp, void *load_sp);

/* Lay out a fresh context on the stack [base, base+size) so that the first
 * switch into the returned stack pointer calls entry(), which must never
 * return. */
void *mg_ctx_init(void *base, size_t size, void (*entry)(void));

#endif
