/* inet_csum.c: the Internet checksum (RFC 1071) and the TCP/UDP pseudo-header sums. */
#include <string.h>

#include <mirage/ip.h>

/* Ones' complement sum of data as native-order 16-bit words, folded to 16
 * bits. RFC 1071 shows the sum is byte-order independent: the big-endian
 * sum is this one with its two bytes swapped. Words are loaded 32 bits at
 * a time into a 64-bit accumulator, which cannot overflow for any length a
 * datagram has (2^32 additions of 2^32). */
static uint32_t sum_native(const uint8_t *p, size_t len)
{
    uint64_t sum = 0;
    uint32_t w[8];
    while (len >= 32) {
        memcpy(w, p, 32);
        sum += (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];
        p += 32;
        len -= 32;
    }
    while (len >= 4) {
        memcpy(w, p, 4);
        sum += w[0];
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t h;
        memcpy(&h, p, 2);
        sum += h;
        p += 2;
        len -= 2;
    }
    if (len) {
        /* The odd byte is the high (first) byte of a big-endian word padded with 0. */
        uint8_t last[2] = {p[0], 0};
        uint16_t h;
        memcpy(&h, last, 2);
        sum += h;
    }
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint32_t)sum;
}

static uint32_t to_be_order(uint32_t s16)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return ((s16 & 0xff) << 8) | (s16 >> 8);
#else
    return s16;
#endif
}

static uint16_t finish(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t mg_inet_csum(const void *data, size_t len, uint32_t initial)
{
    return finish((uint64_t)to_be_order(sum_native(data, len)) + initial);
}

uint16_t mg_inet_csum_iov(const struct mg_iovec *iov, size_t niov, uint32_t initial)
{
    uint64_t sum = initial;
    size_t off = 0; /* bytes summed so far: an odd count shifts the next buffer's words */
    for (size_t i = 0; i < niov; i++) {
        uint32_t s = to_be_order(sum_native(iov[i].base, iov[i].len));
        if (off & 1)
            s = ((s & 0xff) << 8) | (s >> 8);
        sum += s;
        off += iov[i].len;
    }
    return finish(sum);
}

uint32_t mg_inet_pseudo_sum(const struct mg_ip *src, const struct mg_ip *dst, uint8_t proto,
                            uint32_t len)
{
    uint32_t sum = proto + (len >> 16) + (len & 0xffff);
    const uint8_t *a = src->version == 6 ? src->u.v6.b : src->u.v4.b;
    const uint8_t *b = dst->version == 6 ? dst->u.v6.b : dst->u.v4.b;
    size_t n = src->version == 6 ? 16 : 4;
    for (size_t i = 0; i < n; i += 2)
        sum += (uint32_t)(a[i] << 8 | a[i + 1]) + (uint32_t)(b[i] << 8 | b[i + 1]);
    return sum;
}
