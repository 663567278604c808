/* rng.h: the limits of the rng device's HMAC-DRBG, shared with its tests. */
#ifndef LIB_RANDOM_RNG_H
#define LIB_RANDOM_RNG_H

/* SP 800-90A Table 2: at most 2^19 bits (64 KiB) per HMAC_DRBG request;
 * longer requests are split into requests of this size. */
#define RNG_MAX_REQUEST_BYTES (1u << 16)
/* SP 800-90A Table 2 allows up to 2^48 requests between reseeds; we
 * reseed from the platform far sooner, after 2^16 requests or 2^24 bytes
 * (16 MiB), whichever comes first, so a compromised state has a short life
 * as with Fortuna's reseeding in MirageOS's rng. */
#define RNG_RESEED_REQUESTS (1u << 16)
#define RNG_RESEED_BYTES (1u << 24)

#endif
