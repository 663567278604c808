/* uk_alloc.c: system test: the freestanding allocator under a long random mix of sizes, contents
 * checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mg_libc.h>

#include "manifest.h"
#include "uk.h"

MG_TEST_MANIFEST_NONE();

#define SLOTS 256
#define ROUNDS 200000

static uint32_t rng = 12345;
static uint32_t next(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static int alloc(void *arg)
{
    (void)arg;
    static uint8_t *p[SLOTS];
    static size_t len[SLOTS];
    struct mg_libc_heap_stats before, after;
    mg_libc_heap_stats(&before);
    for (int r = 0; r < ROUNDS; r++) {
        unsigned i = next() % SLOTS;
        if (p[i]) {
            for (size_t k = 0; k < len[i]; k++)
                UK_CHECK(p[i][k] == (uint8_t)(i + k));
            free(p[i]);
            p[i] = NULL;
            continue;
        }
        /* Mostly small, some up to 64 KiB. */
        len[i] = next() % 8 == 0 ? next() % 65536 : next() % 256;
        p[i] = next() % 4 == 0 ? calloc(1, len[i] + 1) : malloc(len[i] + 1);
        UK_CHECK(p[i] != NULL);
        UK_CHECK(((uintptr_t)p[i] & 15) == 0);
        for (size_t k = 0; k < len[i]; k++)
            p[i][k] = (uint8_t)(i + k);
    }
    for (unsigned i = 0; i < SLOTS; i++)
        free(p[i]);
    uint8_t *q = malloc(10);
    UK_CHECK(q);
    memcpy(q, "0123456789", 10);
    q = realloc(q, 100000);
    UK_CHECK(q && memcmp(q, "0123456789", 10) == 0);
    free(q);
    void *al = aligned_alloc(4096, 8192);
    UK_CHECK(al && ((uintptr_t)al & 4095) == 0);
    free(al);
    UK_CHECK(malloc((size_t)1 << 40) == NULL); /* more than the heap: NULL, not a crash */
    mg_libc_heap_stats(&after);
    printf("heap %zu bytes, in use %zu before, %zu after\n", after.size, before.in_use,
           after.in_use);
    UK_CHECK(after.in_use == before.in_use);
    printf("SUCCESS: alloc\n");
    return 0;
}

UK_MAIN("alloc", alloc)
