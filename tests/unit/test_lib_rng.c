/* sources: lib/random/rng.c tests/unit/plat_double.c */
/* libs: -lbearssl */
/* test_lib_rng.c: the rng device's HMAC-DRBG: a NIST vector, an independent
 * model of SP 800-90A, request splitting, reseeding and failures. */
#include <stdlib.h>

#include <bearssl.h>

#include <mirage/error.h>
#include <mirage/random.h>

#include "../../lib/random/rng.h"
#include "check.h"
#include "plat_double.h"

/* ---- an independent HMAC_DRBG (SP 800-90A 10.1.2) over BearSSL's HMAC ---- */
struct model {
    uint8_t K[32], V[32];
};

static void hmac3(const uint8_t key[32], const void *a, size_t alen, const void *b, size_t blen,
                  const void *c, size_t clen, uint8_t out[32])
{
    br_hmac_key_context kc;
    br_hmac_context hc;
    br_hmac_key_init(&kc, &br_sha256_vtable, key, 32);
    br_hmac_init(&hc, &kc, 0);
    br_hmac_update(&hc, a, alen);
    br_hmac_update(&hc, b, blen);
    br_hmac_update(&hc, c, clen);
    br_hmac_out(&hc, out);
}

/* HMAC_DRBG_Update (10.1.2.2). */
static void model_update(struct model *m, const void *data, size_t len)
{
    static const uint8_t zero = 0x00, one = 0x01;
    hmac3(m->K, m->V, 32, &zero, 1, data, len, m->K);
    hmac3(m->K, m->V, 32, NULL, 0, NULL, 0, m->V);
    if (len == 0)
        return;
    hmac3(m->K, m->V, 32, &one, 1, data, len, m->K);
    hmac3(m->K, m->V, 32, NULL, 0, NULL, 0, m->V);
}

/* HMAC_DRBG_Instantiate (10.1.2.3): seed = entropy || nonce. */
static void model_init(struct model *m, const void *seed, size_t len)
{
    memset(m->K, 0x00, 32);
    memset(m->V, 0x01, 32);
    model_update(m, seed, len);
}

/* HMAC_DRBG_Generate (10.1.2.5) without additional input: one request. */
static void model_generate(struct model *m, uint8_t *out, size_t len)
{
    while (len > 0) {
        hmac3(m->K, m->V, 32, NULL, 0, NULL, 0, m->V);
        size_t n = len < 32 ? len : 32;
        memcpy(out, m->V, n);
        out += n;
        len -= n;
    }
    model_update(m, NULL, 0);
}

/* The double's default entropy stream, as the rng sees it. */
static void stream_bytes(size_t from, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)(((from + i) * 131 + 7) & 0xff);
}

static size_t unhex(const char *s, uint8_t *out)
{
    size_t n = 0;
    for (; s[0] && s[1]; s += 2) {
        unsigned v;
        CHECK(sscanf(s, "%2x", &v) == 1);
        out[n++] = (uint8_t)v;
    }
    return n;
}

static struct mg_random *connect_rng(void)
{
    struct mg_random *r = NULL;
    CHECK(mg_rng_connect(&r) == 0);
    CHECK(r != NULL);
    return r;
}

/* A fresh rng and a model seeded with the same 48 bytes. */
static struct mg_random *connect_with_model(struct model *m)
{
    dbl_reset();
    struct mg_random *r = connect_rng();
    uint8_t seed[48];
    stream_bytes(0, seed, sizeof seed);
    model_init(m, seed, sizeof seed);
    CHECK(dbl_entropy_pos == 48);
    return r;
}

/* NIST CAVP, HMAC_DRBG.rsp, [SHA-256] [PredictionResistance = False]
 * [EntropyInputLen = 256] [NonceLen = 128] no personalization, COUNT = 0:
 * instantiate, generate 1024 bits twice, the second is ReturnedBits. */
static const char cavp_entropy_nonce[] =
    "ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488"
    "659ba96c601dc69fc902940805ec0ca8";
static const char cavp_returned[] =
    "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89"
    "d54fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc1"
    "07694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668"
    "961df86803482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8";

static void nist_vector(void)
{
    uint8_t seed[48], want[128], got[128];
    CHECK(unhex(cavp_entropy_nonce, seed) == 48);
    CHECK(unhex(cavp_returned, want) == 128);
    dbl_reset();
    dbl_entropy_script = seed;
    dbl_entropy_script_len = sizeof seed;
    struct mg_random *r = connect_rng();
    CHECK(dbl_entropy_pos == 48);
    CHECK(mg_random_generate(r, got, sizeof got) == 0);
    CHECK(mg_random_generate(r, got, sizeof got) == 0);
    CHECK(memcmp(got, want, sizeof want) == 0);
    free(r);
}

static void model_matches_nist_vector(void)
{
    uint8_t seed[48], want[128], got[128];
    CHECK(unhex(cavp_entropy_nonce, seed) == 48);
    CHECK(unhex(cavp_returned, want) == 128);
    struct model m;
    model_init(&m, seed, sizeof seed);
    model_generate(&m, got, sizeof got);
    model_generate(&m, got, sizeof got);
    CHECK(memcmp(got, want, sizeof want) == 0);
}

static void becomes_default(void)
{
    dbl_reset();
    struct mg_random *r = connect_rng();
    CHECK(dbl_default_random == r);
    CHECK(dbl_entropy_calls == 1);
    free(r);
}

static void follows_the_model(void)
{
    struct model m;
    struct mg_random *r = connect_with_model(&m);
    static const size_t sizes[] = {1, 31, 32, 33, 100, 0, 4096};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t got[4096], want[4096];
        CHECK(mg_random_generate(r, got, sizes[i]) == 0);
        if (sizes[i] == 0)
            continue; /* an empty request asks nothing of the DRBG */
        model_generate(&m, want, sizes[i]);
        CHECK(memcmp(got, want, sizes[i]) == 0);
    }
    free(r);
}

static void two_instances_differ(void)
{
    dbl_reset();
    struct mg_random *a = connect_rng(), *b = connect_rng();
    uint8_t x[32], y[32];
    CHECK(mg_random_generate(a, x, sizeof x) == 0);
    CHECK(mg_random_generate(b, y, sizeof y) == 0);
    CHECK(memcmp(x, y, sizeof x) != 0);
    free(a);
    free(b);
}

static void long_requests_are_split(void)
{
    struct model m, whole;
    struct mg_random *r = connect_with_model(&m);
    whole = m;
    size_t len = RNG_MAX_REQUEST_BYTES * 2 + 5;
    uint8_t *got = malloc(len), *want = malloc(len), *once = malloc(len);
    CHECK(got && want && once);
    CHECK(mg_random_generate(r, got, len) == 0);
    model_generate(&m, want, RNG_MAX_REQUEST_BYTES);
    model_generate(&m, want + RNG_MAX_REQUEST_BYTES, RNG_MAX_REQUEST_BYTES);
    model_generate(&m, want + 2 * RNG_MAX_REQUEST_BYTES, 5);
    CHECK(memcmp(got, want, len) == 0);
    /* One unsplit request would have given other bytes after the limit. */
    model_generate(&whole, once, len);
    CHECK(memcmp(got, once, RNG_MAX_REQUEST_BYTES) == 0);
    CHECK(memcmp(got + RNG_MAX_REQUEST_BYTES, once + RNG_MAX_REQUEST_BYTES, 32) != 0);
    free(got);
    free(want);
    free(once);
    free(r);
}

static void reseed_after_request_limit(void)
{
    struct model m;
    struct mg_random *r = connect_with_model(&m);
    uint8_t got[8], want[8];
    for (uint32_t i = 0; i < RNG_RESEED_REQUESTS; i++) {
        CHECK(mg_random_generate(r, got, 1) == 0);
        model_generate(&m, want, 1);
        CHECK(got[0] == want[0]);
    }
    CHECK(dbl_entropy_calls == 1);
    CHECK(mg_random_generate(r, got, sizeof got) == 0);
    CHECK(dbl_entropy_calls == 2);
    CHECK(dbl_entropy_pos == 48 + 32);
    /* Reseed (10.1.2.4): Update(entropy_input), then the request. */
    uint8_t entropy[32];
    stream_bytes(48, entropy, sizeof entropy);
    model_update(&m, entropy, sizeof entropy);
    model_generate(&m, want, sizeof want);
    CHECK(memcmp(got, want, sizeof got) == 0);
    free(r);
}

static void reseed_after_byte_limit(void)
{
    struct model m;
    struct mg_random *r = connect_with_model(&m);
    size_t len = RNG_RESEED_BYTES;
    uint8_t *got = malloc(len), *want = malloc(RNG_MAX_REQUEST_BYTES);
    CHECK(got && want);
    CHECK(mg_random_generate(r, got, len) == 0);
    for (size_t off = 0; off < len; off += RNG_MAX_REQUEST_BYTES) {
        model_generate(&m, want, RNG_MAX_REQUEST_BYTES);
        CHECK(memcmp(got + off, want, RNG_MAX_REQUEST_BYTES) == 0);
    }
    CHECK(dbl_entropy_calls == 1);
    CHECK(mg_random_generate(r, got, 16) == 0);
    CHECK(dbl_entropy_calls == 2);
    uint8_t entropy[32];
    stream_bytes(48, entropy, sizeof entropy);
    model_update(&m, entropy, sizeof entropy);
    model_generate(&m, want, 16);
    CHECK(memcmp(got, want, 16) == 0);
    free(got);
    free(want);
    free(r);
}

static void connect_fails_without_entropy(void)
{
    dbl_reset();
    dbl_entropy_rc = MG_ENOSYS;
    struct mg_random *r = NULL;
    CHECK(mg_rng_connect(&r) == MG_ENOSYS);
    CHECK(r == NULL);
    CHECK(dbl_default_random == NULL);
}

static void failed_reseed_gives_no_output(void)
{
    struct model m;
    struct mg_random *r = connect_with_model(&m);
    uint8_t got[16], want[16];
    for (uint32_t i = 0; i < RNG_RESEED_REQUESTS; i++) {
        CHECK(mg_random_generate(r, got, 1) == 0);
        model_generate(&m, want, 1);
    }
    dbl_entropy_rc = MG_EIO;
    memset(got, 0xee, sizeof got);
    CHECK(mg_random_generate(r, got, sizeof got) == MG_EIO);
    for (size_t i = 0; i < sizeof got; i++)
        CHECK(got[i] == 0xee);
    /* Once the platform answers again, the reseed happens and all is as
     * if the failed request had not been made. */
    dbl_entropy_rc = 0;
    CHECK(mg_random_generate(r, got, sizeof got) == 0);
    uint8_t entropy[32];
    stream_bytes(48, entropy, sizeof entropy);
    model_update(&m, entropy, sizeof entropy);
    model_generate(&m, want, sizeof want);
    CHECK(memcmp(got, want, sizeof got) == 0);
    free(r);
}

static const struct check_case cases[] = {
    CASE_ENTRY(nist_vector),
    CASE_ENTRY(model_matches_nist_vector),
    CASE_ENTRY(becomes_default),
    CASE_ENTRY(follows_the_model),
    CASE_ENTRY(two_instances_differ),
    CASE_ENTRY(long_requests_are_split),
    CASE_ENTRY(reseed_after_request_limit),
    CASE_ENTRY(reseed_after_byte_limit),
    CASE_ENTRY(connect_fails_without_entropy),
    CASE_ENTRY(failed_reseed_gives_no_output),
};
CHECK_MAIN(cases)
