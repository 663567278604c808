/* entropy.c: freestanding entropy: ChaCha20 (RFC 8439's block function) keyed by the tender's seed
 * and RDRAND, rekeyed after each use. */
#include <stdbool.h>
#include <string.h>

#include "plat.h"
#include "platform.h"

static uint32_t key[8];
static uint64_t counter; /* the block counter: a key never repeats a block */

#define ROTL(x, n) ((x) << (n) | (x) >> (32 - (n)))

static void quarter(uint32_t *s, int a, int b, int c, int d)
{
    s[a] += s[b], s[d] = ROTL(s[d] ^ s[a], 16);
    s[c] += s[d], s[b] = ROTL(s[b] ^ s[c], 12);
    s[a] += s[b], s[d] = ROTL(s[d] ^ s[a], 8);
    s[c] += s[d], s[b] = ROTL(s[b] ^ s[c], 7);
}

/* 64 bytes of keystream for the next counter value. */
static void block(uint32_t out[16])
{
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    memcpy(in + 4, key, sizeof key);
    in[12] = (uint32_t)counter;
    in[13] = (uint32_t)(counter >> 32);
    counter++;
    memcpy(out, in, sizeof in);
    for (int round = 0; round < 20; round += 2) {
        quarter(out, 0, 4, 8, 12), quarter(out, 1, 5, 9, 13), quarter(out, 2, 6, 10, 14),
            quarter(out, 3, 7, 11, 15);
        quarter(out, 0, 5, 10, 15), quarter(out, 1, 6, 11, 12), quarter(out, 2, 7, 8, 13),
            quarter(out, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++)
        out[i] += in[i];
}

/* Replace the key with fresh keystream: earlier output cannot be rebuilt. */
static void rekey(void)
{
    uint32_t b[16];
    block(b);
    memcpy(key, b, sizeof key);
    memset(b, 0, sizeof b);
}

/* RDRAND where the CPU has it (CPUID.1:ECX bit 30), for up to 10 tries. */
static bool rdrand(uint64_t *v)
{
    uint32_t a = 1, b, c = 0, d;
    __asm__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (!(c >> 30 & 1))
        return false;
    for (int i = 0; i < 10; i++) {
        unsigned char ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

/* Seeded on first use, so that an image that never asks carries none of this. */
static void seed(void)
{
    memcpy(key, plat_boot->seed, sizeof key);
    for (int i = 0; i < 4; i++) {
        uint64_t v;
        if (rdrand(&v)) {
            key[2 * i] ^= (uint32_t)v;
            key[2 * i + 1] ^= (uint32_t)(v >> 32);
        }
    }
    rekey(); /* the seed stays readable in the boot info: move away from it */
}

int mg_plat_entropy(void *buf, size_t len)
{
    static bool seeded;
    if (!seeded) {
        seed();
        seeded = true;
    }
    unsigned char *p = buf;
    uint32_t b[16];
    while (len > 0) {
        block(b);
        size_t n = len < sizeof b ? len : sizeof b;
        memcpy(p, b, n);
        p += n;
        len -= n;
    }
    memset(b, 0, sizeof b);
    rekey(); /* fast key erasure: what was handed out cannot be recomputed later */
    return 0;
}
