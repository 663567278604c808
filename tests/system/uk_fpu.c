/* uk_fpu.c: system test: floating point (SSE and x87) works and survives fiber switches. */
#include <mirage/fiber.h>

#include "manifest.h"
#include "uk.h"

MG_TEST_MANIFEST_NONE();

/* sum of 1/k^2 for k = 1..n, yielding between terms, so another fiber
 * runs with its own values in the SSE registers. */
static int basel(void *arg)
{
    int n = (int)(long)arg;
    volatile double sum = 0;
    for (int k = 1; k <= n; k++) {
        sum += 1.0 / ((double)k * (double)k);
        if (k % 100 == 0)
            mg_yield();
    }
    double pi2_6 = 1.6449340668482264;
    double err = pi2_6 - sum;
    return err > 0 && err < 1.01 / n ? 0 : 1;
}

static int fpu(void *arg)
{
    (void)arg;
    struct mg_fiber *a = mg_spawn(basel, (void *)10000L);
    struct mg_fiber *b = mg_spawn(basel, (void *)20000L);
    UK_CHECK(a && b);
    volatile float f = 1.5f;
    for (int i = 0; i < 10; i++) {
        f = f * 1.25f;
        mg_yield();
    }
    UK_CHECK(f > 13.96f && f < 13.98f);
    long double x = 2.0L;
    x = x * x * x;
    UK_CHECK(x == 8.0L);
    int ra = -1, rb = -1;
    UK_CHECK(mg_join(a, &ra) == 0 && mg_join(b, &rb) == 0);
    UK_CHECK(ra == 0 && rb == 0);
    printf("float %.4f\n", (double)f);
    printf("SUCCESS: fpu\n");
    return 0;
}

UK_MAIN("fpu", fpu)
