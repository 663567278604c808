/* t_malloc.c: the libc's allocator: alignment, random stress with content checks, exhaustion,
 * coalescing, calloc and realloc. */
#include <errno.h>
#include <mg_libc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcheck.h"

/* The tests own the heap: a region they re-initialise as they need. */
static char region[8 << 20] __attribute__((aligned(16)));

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void fresh_heap(size_t len)
{
    mg_libc_heap_init(region, len);
}

/* Everything freed: one free block spanning the heap again. */
static int heap_is_whole(void)
{
    struct mg_libc_heap_stats st;
    mg_libc_heap_stats(&st);
    return st.in_use == 0 && st.free_bytes == st.size && st.largest == st.size && st.size > 0;
}

static void pattern(unsigned char *p, size_t n, unsigned tag)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(tag * 31 + i);
}

static int pattern_ok(const unsigned char *p, size_t n, unsigned tag)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(tag * 31 + i))
            return 0;
    return 1;
}

static void alignment_of_every_result(void)
{
    fresh_heap(sizeof region);
    static void *p[3000];
    for (size_t n = 0; n < 3000; n++) {
        p[n] = malloc(n);
        CHECK(p[n] && (uintptr_t)p[n] % 16 == 0);
        CHECK((char *)p[n] >= region && (char *)p[n] + n <= region + sizeof region);
    }
    for (size_t n = 0; n < 3000; n += 2)
        free(p[n]);
    for (size_t align = 1; align <= 65536; align *= 2)
        for (size_t n = 1; n < 300; n += 37) {
            void *q = aligned_alloc(align, n);
            CHECK(q && (uintptr_t)q % align == 0 && (uintptr_t)q % 16 == 0);
            memset(q, 0x5a, n);
            void *r;
            CHECK(posix_memalign(&r, align < 8 ? 8 : align, n) == 0);
            CHECK((uintptr_t)r % align == 0);
            free(q);
            free(r);
        }
    void *r = NULL;
    CHECK(posix_memalign(&r, 24, 10) == EINVAL && r == NULL);
    CHECK(posix_memalign(&r, 4, 10) == EINVAL);
    errno = 0;
    CHECK(aligned_alloc(48, 10) == NULL && errno == EINVAL);
    for (size_t n = 1; n < 3000; n += 2)
        free(p[n]);
    CHECK(heap_is_whole());
}

/* Random malloc / free / realloc over many live blocks, each holding a
 * pattern of its own that is checked before it is freed or moved. */
static void random_stress_with_patterns(void)
{
    enum { SLOTS = 1500, OPS = 300000 };
    static unsigned char *blk[SLOTS];
    static size_t len[SLOTS];
    static unsigned tag[SLOTS];
    fresh_heap(sizeof region);
    unsigned next_tag = 1;
    size_t failures = 0;
    for (long op = 0; op < OPS; op++) {
        size_t i = rnd() % SLOTS;
        uint64_t r = rnd();
        size_t n = r % 8 == 0 ? r / 8 % 40000 : r / 8 % 300; /* mostly small */
        if (!blk[i]) {
            blk[i] = malloc(n);
            if (!blk[i]) {
                failures++;
                continue;
            }
            CHECK((uintptr_t)blk[i] % 16 == 0);
            len[i] = n, tag[i] = next_tag++;
            pattern(blk[i], n, tag[i]);
        } else if (r % 3 == 0) {
            CHECK(pattern_ok(blk[i], len[i], tag[i]));
            unsigned char *q = realloc(blk[i], n);
            if (!q) { /* the old block stays valid */
                failures++;
                CHECK(pattern_ok(blk[i], len[i], tag[i]));
                continue;
            }
            CHECK((uintptr_t)q % 16 == 0);
            CHECK(pattern_ok(q, len[i] < n ? len[i] : n, tag[i]));
            blk[i] = q, len[i] = n, tag[i] = next_tag++;
            pattern(q, n, tag[i]);
        } else {
            CHECK(pattern_ok(blk[i], len[i], tag[i]));
            free(blk[i]);
            blk[i] = NULL;
        }
    }
    for (size_t i = 0; i < SLOTS; i++) {
        if (blk[i])
            CHECK(pattern_ok(blk[i], len[i], tag[i]));
        free(blk[i]);
        blk[i] = NULL;
    }
    CHECK(failures < OPS / 100); /* 8 MiB holds this load */
    CHECK(heap_is_whole());
}

static void exhaustion_returns_null_and_recovers(void)
{
    enum { MAXB = 4096 };
    static void *p[MAXB];
    fresh_heap(1 << 20);
    size_t count = 0;
    errno = 0;
    while (count < MAXB && (p[count] = malloc(1000)))
        count++;
    CHECK(count < MAXB && count > 900); /* about 1 MiB / 1008 bytes */
    CHECK(errno == ENOMEM);
    CHECK(malloc(1000) == NULL);
    for (size_t i = 0; i < count; i++)
        free(p[i]);
    CHECK(heap_is_whole());
    size_t again = 0;
    while (again < MAXB && (p[again] = malloc(1000)))
        again++;
    CHECK(again == count);
    for (size_t i = 0; i < again; i++)
        free(p[i]);
    CHECK(heap_is_whole());
    void *big = malloc((1 << 20) - 64); /* the whole heap as one block */
    CHECK(big != NULL);
    CHECK(malloc(100) == NULL);
    free(big);
    CHECK(heap_is_whole());
}

static void fragmentation_then_coalescing(void)
{
    enum { N = 1000 };
    static void *p[N];
    fresh_heap(N * 1008 + 48); /* N blocks of 1008 bytes and a 32-byte tail */
    for (size_t i = 0; i < N; i++)
        CHECK((p[i] = malloc(1000)) != NULL); /* 1008-byte blocks */
    for (size_t i = 0; i < N; i += 2)
        free(p[i]);
    /* Half the heap is free, but only in 1 KiB holes. */
    struct mg_libc_heap_stats st;
    mg_libc_heap_stats(&st);
    CHECK(st.free_bytes == N / 2 * 1008 + 32 && st.largest == 1008);
    CHECK(malloc(100000) == NULL);
    for (size_t i = 0; i < N / 2; i += 2) { /* the holes are reused */
        p[i] = malloc(900);
        CHECK(p[i] != NULL);
    }
    for (size_t i = 0; i < N / 2; i += 2)
        free(p[i]);
    for (size_t i = 1; i < N; i += 2)
        free(p[i]);
    CHECK(heap_is_whole());
    void *big = malloc(N * 1000);
    CHECK(big != NULL);
    free(big);
    /* Merging with the free block before, after, and both. */
    void *a = malloc(100), *b = malloc(100), *c = malloc(100), *d = malloc(100);
    free(a);
    free(c);
    free(b); /* joins a and c */
    void *abc = malloc(300);
    CHECK(abc == a);
    free(abc);
    free(d);
    CHECK(heap_is_whole());
}

static void calloc_zeroes_and_overflow(void)
{
    fresh_heap(sizeof region);
    void *dirty = malloc(4096);
    memset(dirty, 0xff, 4096);
    free(dirty);
    unsigned char *z = calloc(64, 64);
    CHECK(z != NULL);
    for (size_t i = 0; i < 4096; i++)
        CHECK(z[i] == 0);
    free(z);
    errno = 0;
    CHECK(calloc(SIZE_MAX / 2, 3) == NULL && errno == ENOMEM);
    CHECK(calloc((size_t)1 << 32, (size_t)1 << 32) == NULL);
    CHECK(calloc(1, SIZE_MAX) == NULL);
    z = calloc(0, 5);
    CHECK(z != NULL);
    free(z);
    CHECK(heap_is_whole());
}

static void realloc_in_place_and_moving(void)
{
    fresh_heap(sizeof region);
    unsigned char *a = realloc(NULL, 100);
    CHECK(a != NULL);
    pattern(a, 100, 7);
    unsigned char *b = malloc(200);
    unsigned char *guard = malloc(16);
    free(b);
    unsigned char *a2 = realloc(a, 250); /* absorbs the free block after it */
    CHECK(a2 == a && pattern_ok(a2, 100, 7));
    a2 = realloc(a2, 40); /* shrinks in place */
    CHECK(a2 == a && pattern_ok(a2, 40, 7));
    unsigned char *a3 = realloc(a2, 100000); /* must move past the guard */
    CHECK(a3 != NULL && a3 != a && pattern_ok(a3, 40, 7));
    errno = 0;
    CHECK(realloc(a3, SIZE_MAX - 8) == NULL && errno == ENOMEM);
    CHECK(realloc(a3, sizeof region) == NULL);
    CHECK(pattern_ok(a3, 40, 7)); /* still ours after the failures */
    unsigned char *z = realloc(a3, 0);
    CHECK(z != NULL);
    free(z);
    free(guard);
    CHECK(heap_is_whole());
}

static void huge_and_zero_requests(void)
{
    fresh_heap(sizeof region);
    errno = 0;
    CHECK(malloc(SIZE_MAX) == NULL && errno == ENOMEM);
    CHECK(malloc(SIZE_MAX - 15) == NULL);
    CHECK(malloc((size_t)1 << 47) == NULL);
    CHECK(malloc(sizeof region) == NULL);
    CHECK(aligned_alloc((size_t)1 << 62, 16) == NULL);
    void *p = malloc(0), *q = malloc(0);
    CHECK(p && q && p != q);
    free(p);
    free(q);
    free(NULL);
    CHECK(heap_is_whole());
}

static void no_heap_means_null(void)
{
    mg_libc_heap_init(NULL, 0);
    CHECK(malloc(1) == NULL);
    mg_libc_heap_init(region + 3, 40); /* too small to hold a block */
    CHECK(malloc(1) == NULL);
    mg_libc_heap_init(region + 3, 1000); /* unaligned start */
    void *p = malloc(100);
    CHECK(p && (uintptr_t)p % 16 == 0 && (char *)p >= region + 3 &&
          (char *)p + 100 <= region + 1003);
    free(p);
    CHECK(heap_is_whole());
}

static void aligned_alloc_mixed_with_frees(void)
{
    enum { SLOTS = 300 };
    static void *p[SLOTS];
    fresh_heap(sizeof region);
    for (int op = 0; op < 20000; op++) {
        size_t i = rnd() % SLOTS;
        if (p[i]) {
            free(p[i]);
            p[i] = NULL;
            continue;
        }
        size_t align = (size_t)1 << (rnd() % 13), n = rnd() % 5000;
        p[i] = aligned_alloc(align, n);
        CHECK(p[i] && (uintptr_t)p[i] % align == 0);
        memset(p[i], 0xcd, n);
    }
    for (size_t i = 0; i < SLOTS; i++)
        free(p[i]);
    CHECK(heap_is_whole());
}

static const struct tcase cases[] = {
    TCASE(alignment_of_every_result),
    TCASE(random_stress_with_patterns),
    TCASE(exhaustion_returns_null_and_recovers),
    TCASE(fragmentation_then_coalescing),
    TCASE(calloc_zeroes_and_overflow),
    TCASE(realloc_in_place_and_moving),
    TCASE(huge_and_zero_requests),
    TCASE(no_heap_means_null),
    TCASE(aligned_alloc_mixed_with_frees),
};
TCHECK_MAIN(cases)
