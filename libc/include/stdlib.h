/* stdlib.h: memory allocation, number conversion, sorting and abort of the freestanding libc. */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* The heap is the region the platform gave mg_libc_heap_init (<mg_libc.h>).
 * Every result is 16-byte aligned; failure returns NULL (errno ENOMEM), never
 * traps. free / realloc of a pointer the allocator did not hand out, or
 * freed twice, aborts with a message when it can tell. */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);

/* Prints "abort() called" through mg_plat_abort and never returns. */
_Noreturn void abort(void);

/* Conversions: errno ERANGE and the clamped value on overflow; *end (if not
 * NULL) points after the last character used, or at s when none was. */
long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long long strtoll(const char *restrict s, char **restrict end, int base);
unsigned long long strtoull(const char *restrict s, char **restrict end, int base);
int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);

int abs(int x);
long labs(long x);
long long llabs(long long x);

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
              int (*cmp)(const void *, const void *));

#endif
