/* malloc.c: the heap (see heap.h): initialisation, malloc, free, and the block operations the other
 * allocation calls use. */
#include <errno.h>
#include <mg_libc.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "heap.h"

#define SMALL_LIMIT 1024 /* exact 16-byte classes below */
#define SL_BITS 3        /* 8 classes per power of two above */
#define FL_MIN 10
#define FL_MAX 47
#define NLISTS (SMALL_LIMIT / HEAP_ALIGN + (FL_MAX - FL_MIN + 1) * (1 << SL_BITS))

static struct {
    char *lo, *hi; /* first block, epilogue */
    size_t in_use, free_bytes;
    uint64_t bitmap[(NLISTS + 63) / 64];
    struct heap_blk *lists[NLISTS];
} heap;

static unsigned list_index(size_t size)
{
    if (size < SMALL_LIMIT)
        return (unsigned)(size / HEAP_ALIGN);
    unsigned fl = 63u - (unsigned)__builtin_clzll(size);
    unsigned sl = (unsigned)(size >> (fl - SL_BITS)) & ((1u << SL_BITS) - 1);
    return SMALL_LIMIT / HEAP_ALIGN + (fl - FL_MIN) * (1u << SL_BITS) + sl;
}

static void set_footer(struct heap_blk *b)
{
    *(size_t *)((char *)heap_next(b) - sizeof(size_t)) = heap_size(b);
}

static void insert(struct heap_blk *b)
{
    unsigned i = list_index(heap_size(b));
    b->prev = NULL;
    b->next = heap.lists[i];
    if (b->next)
        b->next->prev = b;
    heap.lists[i] = b;
    heap.bitmap[i / 64] |= (uint64_t)1 << (i % 64);
    heap.free_bytes += heap_size(b);
}

static void unlink_free(struct heap_blk *b)
{
    unsigned i = list_index(heap_size(b));
    if (b->prev)
        b->prev->next = b->next;
    else
        heap.lists[i] = b->next;
    if (b->next)
        b->next->prev = b->prev;
    if (!heap.lists[i])
        heap.bitmap[i / 64] &= ~((uint64_t)1 << (i % 64));
    heap.free_bytes -= heap_size(b);
}

/* The first non-empty list at index >= i, or -1. */
static int first_list_from(unsigned i)
{
    for (unsigned w = i / 64; w < sizeof heap.bitmap / sizeof heap.bitmap[0]; w++) {
        uint64_t bits = heap.bitmap[w];
        if (w == i / 64)
            bits &= ~(uint64_t)0 << (i % 64);
        if (bits)
            return (int)(w * 64 + (unsigned)__builtin_ctzll(bits));
    }
    return -1;
}

/* A free block of at least size bytes. Every block of a list above size's
 * own class is big enough; size's own class (above SMALL_LIMIT) may hold
 * smaller ones too, so it is searched last, so that a fitting block is
 * always found when there is one. */
static struct heap_blk *find(size_t size)
{
    if (size >= (size_t)1 << (FL_MAX + 1))
        return NULL;
    unsigned i = list_index(size);
    int j = first_list_from(size < SMALL_LIMIT ? i : i + 1);
    if (j >= 0)
        return heap.lists[j];
    for (struct heap_blk *b = heap.lists[i]; b; b = b->next)
        if (heap_size(b) >= size)
            return b;
    return NULL;
}

size_t __heap_block_size(size_t n)
{
    if (n > HEAP_MAX)
        return 0;
    size_t size = (n + HEAP_HDR + HEAP_ALIGN - 1) & ~(size_t)(HEAP_ALIGN - 1);
    return size < HEAP_MIN_BLOCK ? HEAP_MIN_BLOCK : size;
}

struct heap_blk *__heap_take(size_t size)
{
    struct heap_blk *b = find(size);
    if (!b)
        return NULL;
    unlink_free(b);
    b->head |= HEAP_INUSE;
    heap_next(b)->head |= HEAP_PREV_INUSE;
    heap.in_use += heap_size(b);
    __heap_trim(b, size);
    return b;
}

void __heap_release(struct heap_blk *b)
{
    heap.in_use -= heap_size(b);
    size_t size = heap_size(b);
    struct heap_blk *n = heap_next(b);
    if (!(n->head & HEAP_INUSE)) {
        unlink_free(n);
        size += heap_size(n);
    }
    if (!(b->head & HEAP_PREV_INUSE)) {
        size_t prev_size = *(size_t *)((char *)b - sizeof(size_t));
        b = (struct heap_blk *)((char *)b - prev_size);
        unlink_free(b);
        size += prev_size;
    }
    /* Free blocks never touch, so the block before a free one is in use. */
    b->head = size | HEAP_PREV_INUSE;
    set_footer(b);
    heap_next(b)->head &= ~(size_t)HEAP_PREV_INUSE;
    insert(b);
}

void __heap_trim(struct heap_blk *b, size_t size)
{
    size_t have = heap_size(b);
    if (have - size < HEAP_MIN_BLOCK)
        return;
    struct heap_blk *tail = (struct heap_blk *)((char *)b + size);
    tail->head = (have - size) | HEAP_INUSE | HEAP_PREV_INUSE;
    b->head = size | (b->head & HEAP_FLAGS);
    __heap_release(tail);
}

int __heap_grow(struct heap_blk *b, size_t size)
{
    struct heap_blk *n = heap_next(b);
    if ((n->head & HEAP_INUSE) || heap_size(b) + heap_size(n) < size)
        return 0;
    unlink_free(n);
    heap.in_use += heap_size(n);
    b->head += heap_size(n);
    heap_next(b)->head |= HEAP_PREV_INUSE;
    return 1;
}

struct heap_blk *__heap_check(void *p, const char *caller)
{
    static char msg[96];
    const char *why = NULL;
    struct heap_blk *b = (struct heap_blk *)((char *)p - HEAP_HDR);
    if ((char *)b < heap.lo || (char *)b >= heap.hi || (uintptr_t)p % HEAP_ALIGN)
        why = "invalid pointer";
    else if (!(b->head & HEAP_INUSE))
        why = "double free or invalid pointer";
    else if ((b->head & (HEAP_FLAGS & ~(HEAP_INUSE | HEAP_PREV_INUSE))) ||
             heap_size(b) < HEAP_MIN_BLOCK || heap_size(b) > (size_t)(heap.hi - (char *)b) ||
             !(heap_next(b)->head & HEAP_PREV_INUSE))
        why = "invalid pointer or corrupted heap";
    if (!why)
        return b;
    /* No snprintf here: free() must not pull the formatter into an image. */
    strcpy(msg, "libc: ");
    strcat(msg, caller);
    strcat(msg, "(): ");
    strcat(msg, why);
    mg_libc_fatal(msg);
}

void mg_libc_heap_init(void *start, size_t len)
{
    memset(&heap, 0, sizeof heap);
    uintptr_t a = (uintptr_t)start;
    uintptr_t end = len > UINTPTR_MAX - a ? UINTPTR_MAX : a + len;
    /* Headers sit at 8 mod 16 so that payloads are 16-byte aligned. */
    uintptr_t first = ((a + HEAP_HDR + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1)) - HEAP_HDR;
    if (end < first + HEAP_MIN_BLOCK + 2 * HEAP_ALIGN)
        return;
    uintptr_t epi = ((end - 2 * HEAP_HDR) & ~(uintptr_t)(HEAP_ALIGN - 1)) + HEAP_HDR;
    if (epi - first > HEAP_MAX)
        epi = first + HEAP_MAX;
    heap.lo = (char *)first;
    heap.hi = (char *)epi;
    struct heap_blk *b = (struct heap_blk *)first;
    b->head = (epi - first) | HEAP_PREV_INUSE;
    set_footer(b);
    ((struct heap_blk *)epi)->head = HEAP_INUSE;
    insert(b);
}

void mg_libc_heap_stats(struct mg_libc_heap_stats *st)
{
    st->size = (size_t)(heap.hi - heap.lo);
    st->in_use = heap.in_use;
    st->free_bytes = heap.free_bytes;
    st->largest = 0;
    for (unsigned i = 0; i < NLISTS; i++)
        for (struct heap_blk *b = heap.lists[i]; b; b = b->next)
            if (heap_size(b) > st->largest)
                st->largest = heap_size(b);
}

void *malloc(size_t n)
{
    size_t size = __heap_block_size(n);
    struct heap_blk *b = size ? __heap_take(size) : NULL;
    if (!b) {
        errno = ENOMEM;
        return NULL;
    }
    return heap_payload(b);
}

void free(void *p)
{
    if (p)
        __heap_release(__heap_check(p, "free"));
}
