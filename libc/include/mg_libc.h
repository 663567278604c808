/* mg_libc.h: what the platform code calls in the freestanding libc, and what the libc needs from
 * the platform.
 *
 * The libc makes exactly two platform calls (see platform/platform.h):
 * abort(), assert failures and __stack_chk_fail() end through
 * mg_plat_abort(msg); time() reads mg_plat_wall_ns(). Everything else is
 * self-contained.
 */
#ifndef MG_LIBC_H
#define MG_LIBC_H

#include <stddef.h>

/* Give the allocator its memory: [start, start+len). Called once at boot,
 * before any malloc; a second call replaces the heap (everything allocated
 * before is forgotten). The region belongs to the libc from then on.
 * Until it is called, malloc returns NULL. */
void mg_libc_heap_init(void *start, size_t len);

/* Counters of the heap, for tests and diagnostics (bytes, headers included). */
struct mg_libc_heap_stats {
    size_t size;       /* usable bytes of the region given to mg_libc_heap_init */
    size_t in_use;     /* bytes in allocated blocks */
    size_t free_bytes; /* bytes in free blocks */
    size_t largest;    /* largest free block */
};
void mg_libc_heap_stats(struct mg_libc_heap_stats *st);

/* Abort with "libc: " + msg; used by the checks of the _chk entry points,
 * free() and friends. */
_Noreturn void mg_libc_fatal(const char *msg);

#endif
