/* clock.c: the hvt clocks from the TSC at the frequency the tender measured: no exits. */
#include "hvt_guest.h"
#include "platform.h"

/* ns = delta * 1e9 / hz without a division per reading: at boot,
 * scale = 2^64 * 1e9 / hz (a 128-bit value, split in two words); then
 * ns = delta * scale_hi + (delta * scale_lo) >> 64, exact to the ns. */
static uint64_t scale_hi, scale_lo;
static uint64_t tsc0;
static int64_t wall0;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* floor(n / d), d > 0, by shift and subtract: the one 128-bit division,
 * at boot, without libgcc's __udivti3 (256 bytes in every image). */
static unsigned __int128 div128(unsigned __int128 n, uint64_t d)
{
    unsigned __int128 q = 0, r = 0;
    for (int i = 127; i >= 0; i--) {
        r = r << 1 | (unsigned)(n >> i & 1);
        if (r >= d) {
            r -= d;
            q |= (unsigned __int128)1 << i;
        }
    }
    return q;
}

/* The clocks are all hvt sets up at boot, before anything reads them. */
void plat_target_init(const struct mg_boot_info *bi)
{
    if (bi->tsc_hz == 0)
        mg_plat_abort("hvt: the tender gave no TSC frequency");
    unsigned __int128 scale = div128((unsigned __int128)1000000000u << 64, bi->tsc_hz);
    scale_hi = (uint64_t)(scale >> 64);
    scale_lo = (uint64_t)scale;
    tsc0 = bi->tsc_at_boot;
    wall0 = bi->wall_ns_at_boot;
}

uint64_t mg_plat_monotonic_ns(void)
{
    uint64_t t = rdtsc();
    uint64_t d = t > tsc0 ? t - tsc0 : 0;
    return d * scale_hi + (uint64_t)(((unsigned __int128)d * scale_lo) >> 64);
}

int64_t mg_plat_wall_ns(void)
{
    return wall0 + (int64_t)mg_plat_monotonic_ns();
}

/* A TSC tick is shorter than a nanosecond at any frequency we run at. */
uint64_t mg_plat_clock_period_ns(void)
{
    return 1;
}
