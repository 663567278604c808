/* compute.c: compute-bound work (integer, SSE) for a unikernel and for a Linux process. */
#include <stdint.h>

#include "compute.h"

#define N 1024

uint64_t compute_run(uint64_t rounds)
{
    static float v[N];
    static double w[N];
    uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;
    double total = 0;
    for (uint64_t r = 0; r < rounds; r++) {
        /* Integer: xorshift, multiplications, a data-dependent branch. */
        for (int i = 0; i < N; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            acc += x * 0xff51afd7ed558ccdull;
            if (x & 1)
                acc ^= acc >> 29;
            v[i] = (float)(x & 0xffff) * (1.0f / 65536.0f);
            w[i] = (double)(x >> 40) * 0x1p-24;
        }
        /* SSE: single and double precision products, a division, a conversion. */
        float dot = 0;
        double sum = 0;
        for (int i = 0; i < N; i++) {
            dot += v[i] * v[(i + 7) & (N - 1)];
            sum += w[i] / (1.0 + w[(i + 3) & (N - 1)]);
        }
        total += dot + sum;
        acc += (uint64_t)(int64_t)(sum * 1000.0);
    }
    return acc ^ (uint64_t)(total * 1000.0);
}
