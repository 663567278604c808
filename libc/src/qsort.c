/* qsort.c: qsort as a heapsort: O(n log n) in the worst case, no recursion, no allocation. */
#include <stdint.h>
#include <stdlib.h>

static void swap(char *a, char *b, size_t size)
{
    if (((uintptr_t)a | (uintptr_t)b | size) % sizeof(uint64_t) == 0) {
        for (; size > 0; size -= 8, a += 8, b += 8) {
            uint64_t t = *(uint64_t *)a;
            *(uint64_t *)a = *(uint64_t *)b;
            *(uint64_t *)b = t;
        }
        return;
    }
    for (; size > 0; size--, a++, b++) {
        char t = *a;
        *a = *b;
        *b = t;
    }
}

/* Move element i down the max-heap of n elements until its children are smaller. */
static void sift_down(char *base, size_t i, size_t n, size_t size,
                      int (*cmp)(const void *, const void *))
{
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            return;
        if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
            child++;
        if (cmp(base + i * size, base + child * size) >= 0)
            return;
        swap(base + i * size, base + child * size, size);
        i = child;
    }
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    char *b = base;
    if (n < 2 || size == 0)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(b, i, n, size, cmp);
    for (size_t end = n - 1; end > 0; end--) {
        swap(b, b + end * size, size);
        sift_down(b, 0, end, size, cmp);
    }
}
