/* random.h: the RANDOM device (Mirage_random.S) and the process-wide generator. */
#ifndef MIRAGE_RANDOM_H
#define MIRAGE_RANDOM_H

#include <stddef.h>
#include <stdint.h>

struct mg_random;
struct mg_random_ops {
    /* Fill buf with len random bytes. 0 or MG_E*. */
    int (*generate)(struct mg_random *r, void *buf, size_t len);
};
struct mg_random {
    const struct mg_random_ops *ops;
};
static inline int mg_random_generate(struct mg_random *r, void *buf, size_t len)
{
    return r->ops->generate(r, buf, len);
}

/* Fill buf from the default generator: the last connected RANDOM device,
 * or the platform's entropy source before any is connected. Never fails:
 * a platform without entropy aborts the unikernel. */
void mg_random_fill(void *buf, size_t len);
/* A uniformly distributed integer in [0, bound) (bound > 0). */
uint64_t mg_random_uniform(uint64_t bound);

/* Make r the default generator of mg_random_fill (connect does this). */
void mg_random_set_default(struct mg_random *r);

/* default_random: the platform's entropy (getrandom on unix). */
int mg_random_default_connect(struct mg_random **out);
/* rng: a cryptographic DRBG (HMAC-DRBG, SHA-256, on BearSSL), seeded from
 * the platform and reseeded as NIST SP 800-90A asks; becomes the default. */
int mg_rng_connect(struct mg_random **out);

#endif
