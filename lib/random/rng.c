/* rng.c: the rng device: HMAC-DRBG (NIST SP 800-90A) with SHA-256 on BearSSL. */
#include <stdlib.h>
#include <string.h>

#include <bearssl.h>

#include <mirage/error.h>
#include <mirage/random.h>

#include "platform.h"
#include "rng.h"

/* Instantiate: entropy input of the security strength (256 bits for
 * SHA-256) and a nonce of half of it (SP 800-90A 8.6.7), both from the
 * platform. */
#define RNG_SEED_BYTES 48
/* Reseed: entropy input of the security strength (SP 800-90A 10.1.2.4). */
#define RNG_RESEED_ENTROPY_BYTES 32

struct rng {
    struct mg_random base; /* first: the handle the unikernel sees */
    br_hmac_drbg_context drbg;
    uint64_t requests; /* generate calls since the last (re)seed */
    uint64_t bytes;    /* bytes produced since the last (re)seed */
};

static int rng_reseed(struct rng *r)
{
    unsigned char entropy[RNG_RESEED_ENTROPY_BYTES];
    int rc = mg_plat_entropy(entropy, sizeof entropy);
    if (rc < 0)
        return rc;
    br_hmac_drbg_update(&r->drbg, entropy, sizeof entropy);
    memset(entropy, 0, sizeof entropy);
    r->requests = 0;
    r->bytes = 0;
    return 0;
}

static int rng_generate(struct mg_random *base, void *buf, size_t len)
{
    struct rng *r = (struct rng *)base;
    unsigned char *p = buf;
    while (len > 0) {
        size_t n = len < RNG_MAX_REQUEST_BYTES ? len : RNG_MAX_REQUEST_BYTES;
        if (r->requests >= RNG_RESEED_REQUESTS || r->bytes >= RNG_RESEED_BYTES) {
            int rc = rng_reseed(r);
            if (rc < 0)
                return rc; /* SP 800-90A: no output when a due reseed fails */
        }
        br_hmac_drbg_generate(&r->drbg, p, n);
        r->requests++;
        r->bytes += n;
        p += n;
        len -= n;
    }
    return 0;
}

static const struct mg_random_ops rng_ops = {.generate = rng_generate};

int mg_rng_connect(struct mg_random **out)
{
    unsigned char seed[RNG_SEED_BYTES];
    int rc = mg_plat_entropy(seed, sizeof seed);
    if (rc < 0)
        return rc;
    struct rng *r = calloc(1, sizeof *r);
    if (!r)
        return MG_ENOMEM;
    r->base.ops = &rng_ops;
    br_hmac_drbg_init(&r->drbg, &br_sha256_vtable, seed, sizeof seed);
    memset(seed, 0, sizeof seed);
    mg_random_set_default(&r->base);
    *out = &r->base;
    return 0;
}
