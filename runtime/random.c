/* random.c: the process-wide generator behind mg_random_fill and mg_random_uniform. */
#include <mirage/random.h>

#include "platform.h"

static struct mg_random *default_rng;

void mg_random_set_default(struct mg_random *r) { default_rng = r; }

void mg_random_fill(void *buf, size_t len)
{
    int rc = default_rng ? mg_random_generate(default_rng, buf, len) : mg_plat_entropy(buf, len);
    if (rc != 0)
        mg_plat_abort("mirage: no source of randomness: the random generator failed");
}

uint64_t mg_random_uniform(uint64_t bound)
{
    if (bound <= 1)
        return 0;
    /* Reject the first 2^64 mod bound values so that every residue is
     * equally likely. */
    uint64_t reject_below = (0 - bound) % bound;
    uint64_t x;
    do
        mg_random_fill(&x, sizeof x);
    while (x < reject_below);
    return x % bound;
}
