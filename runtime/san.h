/* san.h: hooks that tell AddressSanitizer about fiber stack switches (no-ops without it). */
#ifndef MG_RUNTIME_SAN_H
#define MG_RUNTIME_SAN_H

#include <stddef.h>

/* Before switching to the stack [bottom, bottom+size): fake_save keeps the
 * leaving context's state, NULL when the leaving fiber is finished for good. */
void mg_san_switch_begin(void **fake_save, const void *bottom, size_t size);
/* First thing after a switch lands; *old_bottom and *old_size (if not NULL) get
 * the stack that was left. */
void mg_san_switch_end(void *fake, const void **old_bottom, size_t *old_size);
/* Forget any poisoning left on a stack before its memory is reused or freed. */
void mg_san_stack_release(void *bottom, size_t size);

#endif
