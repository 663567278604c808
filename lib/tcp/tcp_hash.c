/* tcp_hash.c: keyed hashes: SipHash-2-4, initial sequence numbers (RFC 6528), SYN cookies (RFC 4987). */
#include <string.h>

#include "tcp_int.h"

static inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = rotl(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = rotl(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = rotl(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = rotl(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = rotl(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = rotl(v2, 32);                                                                         \
    } while (0)

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

uint64_t tcp_siphash(const uint64_t key[2], const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t v0 = 0x736f6d6570736575ull ^ key[0];
    uint64_t v1 = 0x646f72616e646f6dull ^ key[1];
    uint64_t v2 = 0x6c7967656e657261ull ^ key[0];
    uint64_t v3 = 0x7465646279746573ull ^ key[1];
    size_t full = len & ~(size_t)7;
    for (size_t i = 0; i < full; i += 8) {
        uint64_t m = le64(p + i);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t b = (uint64_t)len << 56;
    for (size_t i = 0; i < (len & 7); i++)
        b |= (uint64_t)p[full + i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

/* Independent keys for each use, so that one leaking (e.g. through hash
 * timing) says nothing of the others. */
void tcp_keys_init(struct tcp_stack *st, const uint8_t secret[16])
{
    uint64_t master[2] = {le64(secret), le64(secret + 8)};
    uint64_t *keys[] = {st->isn_key, st->cookie_key, st->hash_key, st->ts_key};
    for (unsigned i = 0; i < 4; i++) {
        uint8_t label[2] = {(uint8_t)i, 0};
        keys[i][0] = tcp_siphash(master, label, 2);
        label[1] = 1;
        keys[i][1] = tcp_siphash(master, label, 2);
    }
}

/* The tuple as bytes: a canonical form, whatever padding struct mg_ip has. */
static size_t tuple_bytes(const struct tcp_tuple *t, uint8_t *out, uint32_t extra1, uint32_t extra2)
{
    size_t n = 0;
    size_t alen = t->laddr.version == 6 ? 16 : 4;
    out[n++] = t->laddr.version;
    memcpy(out + n, t->laddr.version == 6 ? t->laddr.u.v6.b : t->laddr.u.v4.b, alen);
    n += alen;
    memcpy(out + n, t->raddr.version == 6 ? t->raddr.u.v6.b : t->raddr.u.v4.b, alen);
    n += alen;
    out[n++] = (uint8_t)(t->lport >> 8);
    out[n++] = (uint8_t)t->lport;
    out[n++] = (uint8_t)(t->rport >> 8);
    out[n++] = (uint8_t)t->rport;
    for (int i = 0; i < 4; i++)
        out[n++] = (uint8_t)(extra1 >> (8 * i));
    for (int i = 0; i < 4; i++)
        out[n++] = (uint8_t)(extra2 >> (8 * i));
    return n;
}

uint32_t tcp_tuple_hash(const struct tcp_stack *st, const struct tcp_tuple *t)
{
    uint8_t b[48];
    return (uint32_t)tcp_siphash(st->hash_key, b, tuple_bytes(t, b, 0, 0));
}

/* RFC 6528: ISN = M + F(4-tuple, secret), M a clock ticking every 4 us. */
uint32_t tcp_isn(const struct tcp_stack *st, const struct tcp_tuple *t, uint64_t now)
{
    uint8_t b[48];
    uint32_t f = (uint32_t)tcp_siphash(st->isn_key, b, tuple_bytes(t, b, 0, 0));
    return (uint32_t)(now / 4000) + f;
}

/* RFC 7323 7.1: a per-connection offset for TSval, so that it says
 * nothing about the host's clock; the same tuple gets the same offset, so
 * a reincarnation's timestamps still grow (TIME_WAIT reuse relies on it). */
uint32_t tcp_ts_offset(const struct tcp_stack *st, const struct tcp_tuple *t)
{
    uint8_t b[48];
    return (uint32_t)tcp_siphash(st->ts_key, b, tuple_bytes(t, b, 0, 0));
}

/* MSS values a cookie can carry (3 bits); the peer's is rounded down. */
const uint16_t tcp_cookie_mss[8] = {216, 536, 1200, 1220, 1400, 1440, 1460, 8960};

/* Cookie: counter (5 bits) | MSS index (3 bits) | hash (24 bits). */
static uint32_t cookie_hash(const struct tcp_stack *st, const struct tcp_tuple *t,
                            uint32_t peer_isn, uint64_t tick, unsigned mss_idx)
{
    uint8_t b[48];
    size_t n = tuple_bytes(t, b, peer_isn, (uint32_t)tick * 8 + mss_idx);
    return (uint32_t)tcp_siphash(st->cookie_key, b, n) & 0xffffffu;
}

uint32_t tcp_cookie_make(const struct tcp_stack *st, const struct tcp_tuple *t, uint32_t peer_isn,
                         unsigned mss_idx, uint64_t now)
{
    uint64_t tick = now / TCP_COOKIE_TICK_NS;
    return ((uint32_t)(tick & 31) << 27) | ((mss_idx & 7u) << 24) |
           cookie_hash(st, t, peer_isn, tick, mss_idx & 7u);
}

int tcp_cookie_check(const struct tcp_stack *st, const struct tcp_tuple *t, uint32_t peer_isn,
                     uint32_t cookie, uint64_t now)
{
    uint64_t tick = now / TCP_COOKIE_TICK_NS;
    unsigned mss_idx = (cookie >> 24) & 7u;
    for (uint64_t age = 0; age < 2 && age <= tick; age++) {
        uint64_t tk = tick - age;
        if ((cookie >> 27) != (tk & 31))
            continue;
        if ((cookie & 0xffffffu) == cookie_hash(st, t, peer_isn, tk, mss_idx))
            return (int)mss_idx;
    }
    return -1;
}
