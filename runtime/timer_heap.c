/* timer_heap.c: the scheduler's timers, a binary min-heap of fibers keyed by monotonic deadline. */
#include <stdlib.h>
#include <string.h>

#include "platform.h"
#include "sched.h"

/* Equal deadlines fire in the order they were set. */
static bool before(const struct mg_fiber *a, const struct mg_fiber *b)
{
    return a->deadline < b->deadline || (a->deadline == b->deadline && a->timer_seq < b->timer_seq);
}

static void put(size_t i, struct mg_fiber *f)
{
    mg_sched.heap[i] = f;
    f->heap_idx = i;
}

static void sift_up(size_t i)
{
    struct mg_fiber *f = mg_sched.heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(f, mg_sched.heap[parent]))
            break;
        put(i, mg_sched.heap[parent]);
        i = parent;
    }
    put(i, f);
}

static void sift_down(size_t i)
{
    struct mg_fiber *f = mg_sched.heap[i];
    size_t n = mg_sched.heap_len;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(mg_sched.heap[c + 1], mg_sched.heap[c]))
            c++;
        if (!before(mg_sched.heap[c], f))
            break;
        put(i, mg_sched.heap[c]);
        i = c;
    }
    put(i, f);
}

static void grow(void)
{
    size_t cap = mg_sched.heap_cap ? mg_sched.heap_cap * 2 : 64;
    struct mg_fiber **h = malloc(cap * sizeof *h);
    if (!h)
        mg_plat_abort("mirage: out of memory for timers");
    if (mg_sched.heap_len)
        memcpy(h, mg_sched.heap, mg_sched.heap_len * sizeof *h);
    free(mg_sched.heap);
    mg_sched.heap = h;
    mg_sched.heap_cap = cap;
}

void mg_timer_insert(struct mg_fiber *f, uint64_t deadline)
{
    if (mg_sched.heap_len == mg_sched.heap_cap)
        grow();
    f->deadline = deadline;
    f->timer_seq = mg_sched.timer_seq++;
    mg_sched.heap_len++;
    mg_sched.heap[mg_sched.heap_len - 1] = f;
    sift_up(mg_sched.heap_len - 1);
}

void mg_timer_remove(struct mg_fiber *f)
{
    size_t i = f->heap_idx;
    if (i == MG_TIMER_NONE)
        return;
    f->heap_idx = MG_TIMER_NONE;
    size_t last = --mg_sched.heap_len;
    if (i == last)
        return;
    put(i, mg_sched.heap[last]);
    if (i > 0 && before(mg_sched.heap[i], mg_sched.heap[(i - 1) / 2]))
        sift_up(i);
    else
        sift_down(i);
}

struct mg_fiber *mg_timer_first(void) { return mg_sched.heap_len ? mg_sched.heap[0] : NULL; }
