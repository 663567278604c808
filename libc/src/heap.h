/* heap.h: the allocator's block layout and internal calls, shared by malloc.c, realloc.c and
 * memalign.c.
 *
 * The heap is a run of blocks, each starting with a one-word header: the
 * block's size (a multiple of 16, headers included) and two flags, INUSE
 * and PREV_INUSE. Payloads start 8 bytes after the header, at 16-byte
 * alignment. A free block also holds its free-list links after the header
 * and its size in its last word (the footer), so its successor can find and
 * merge with it; two free blocks are never neighbours. Free blocks sit on
 * segregated lists: 16-byte classes below 1 KiB, then 8 classes per power
 * of two (two-level segregated fit), with a bitmap of non-empty lists. A
 * final header of size 0 marked INUSE (the epilogue) ends the heap.
 */
#ifndef MG_LIBC_HEAP_H
#define MG_LIBC_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_HDR 8
#define HEAP_ALIGN 16
#define HEAP_MIN_BLOCK 32 /* header, two links, footer */
#define HEAP_INUSE 1u
#define HEAP_PREV_INUSE 2u
#define HEAP_FLAGS 15u
/* Largest heap and block: keeps the class index in range (2^47 = 128 TiB). */
#define HEAP_MAX ((size_t)1 << 47)

struct heap_blk {
    size_t head;                  /* size | flags */
    struct heap_blk *next, *prev; /* free blocks only */
};

static inline size_t heap_size(const struct heap_blk *b)
{
    return b->head & ~(size_t)HEAP_FLAGS;
}
static inline struct heap_blk *heap_next(struct heap_blk *b)
{
    return (struct heap_blk *)((char *)b + heap_size(b));
}
static inline void *heap_payload(struct heap_blk *b)
{
    return (char *)b + HEAP_HDR;
}

/* The block size that holds n bytes of payload; 0 when n is too big. */
size_t __heap_block_size(size_t n);
/* A block of at least size bytes, marked in use (split to size when the
 * rest can be a block of its own); NULL when no free block is big enough. */
struct heap_blk *__heap_take(size_t size);
/* Free an in-use block, merging it with free neighbours. */
void __heap_release(struct heap_blk *b);
/* Shrink an in-use block to size bytes, freeing the tail if it can be a block. */
void __heap_trim(struct heap_blk *b, size_t size);
/* Take a free block that follows in-use block b off its list and add it to
 * b, if there is one and the sum reaches size: 1 if done, else 0. */
int __heap_grow(struct heap_blk *b, size_t size);
/* The block of a pointer malloc returned; aborts (naming caller) on a
 * pointer that is not one, or whose block is already free. */
struct heap_blk *__heap_check(void *p, const char *caller);

#endif
