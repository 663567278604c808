/* offload.c: checksum completion and TCP/IPv4 segmentation in software, for links without them. */
#include <string.h>

#include <mirage/error.h>

#include "nif_offload.h"

/* The one's complement sum of data as big-endian 16-bit words, added to sum (not folded). */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
    uint64_t s = sum;
    size_t i = 0;
    for (; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (i < len)
        s += (uint32_t)p[i] << 8;
    while (s >> 32)
        s = (s & 0xffffffffu) + (s >> 32);
    return (uint32_t)s;
}

static uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)s;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* A complemented sum, with 0 sent as 0xffff (equal in one's complement, and
 * UDP reads 0 as "no checksum"). */
static uint16_t final_csum(uint32_t s)
{
    uint16_t c = (uint16_t)~fold(s);
    return c ? c : 0xffff;
}

int nif_off_check(struct mg_net_offload *off, const uint8_t *frame, size_t len, size_t *hdr_len)
{
    if ((off->flags & ~MG_NET_OFF_NEEDS_CSUM) != 0 || off->gso_type > MG_NET_GSO_TCPV4 ||
        len > NIF_GSO_FRAME_MAX || len < MG_ETH_HLEN)
        return MG_EINVAL;
    if (off->flags & MG_NET_OFF_NEEDS_CSUM) {
        if (off->csum_start < MG_ETH_HLEN || (size_t)off->csum_start + off->csum_offset + 2 > len)
            return MG_EINVAL;
    }
    if (off->gso_type == MG_NET_GSO_NONE)
        return 0;
    if (!(off->flags & MG_NET_OFF_NEEDS_CSUM) || off->gso_size == 0)
        return MG_EINVAL;
    if (len < MG_ETH_HLEN + 40 || get16(frame + 12) != 0x0800)
        return MG_EINVAL;
    const uint8_t *ip = frame + MG_ETH_HLEN;
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 6 || (get16(ip + 6) & 0x3fff) != 0 ||
        get16(ip + 2) != len - MG_ETH_HLEN || MG_ETH_HLEN + ihl + 20 > len)
        return MG_EINVAL;
    const uint8_t *th = ip + ihl;
    size_t thl = (size_t)(th[12] >> 4) * 4;
    size_t hl = MG_ETH_HLEN + ihl + thl;
    if (thl < 20 || hl > len || off->csum_start != MG_ETH_HLEN + ihl || off->csum_offset != 16)
        return MG_EINVAL;
    *hdr_len = hl;
    if (len - hl <= off->gso_size) /* one segment: nothing to cut */
        off->gso_type = MG_NET_GSO_NONE;
    return 0;
}

void nif_csum_complete(uint8_t *frame, size_t len, const struct mg_net_offload *off)
{
    /* The field holds the pseudo-header sum, so summing over it adds that in. */
    uint16_t c = final_csum(sum16(frame + off->csum_start, len - off->csum_start, 0));
    put16(frame + off->csum_start + off->csum_offset, c);
}

size_t nif_gso_count(const struct mg_net_offload *off, size_t len, size_t hdr_len)
{
    size_t payload = len - hdr_len;
    return (payload + off->gso_size - 1) / off->gso_size;
}

size_t nif_gso_segment(const uint8_t *frame, size_t len, const struct mg_net_offload *off,
                       size_t hdr_len, size_t i, uint8_t *out, bool partial,
                       struct mg_net_offload *seg_off)
{
    size_t mss = off->gso_size;
    size_t start = hdr_len + i * mss;
    size_t n = len - start < mss ? len - start : mss;
    bool last = start + n == len;
    memcpy(out, frame, hdr_len);
    memcpy(out + hdr_len, frame + start, n);

    uint8_t *ip = out + MG_ETH_HLEN;
    size_t ihl = (size_t)(ip[0] & 15) * 4;
    size_t tcp_len = hdr_len - MG_ETH_HLEN - ihl + n;
    put16(ip + 2, (uint16_t)(ihl + tcp_len));
    put16(ip + 4, (uint16_t)(get16(ip + 4) + i));
    put16(ip + 10, 0);
    put16(ip + 10, (uint16_t)~fold(sum16(ip, ihl, 0)));

    uint8_t *th = ip + ihl;
    uint32_t seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 | (uint32_t)th[6] << 8 | th[7];
    seq += (uint32_t)(i * mss);
    th[4] = (uint8_t)(seq >> 24);
    th[5] = (uint8_t)(seq >> 16);
    th[6] = (uint8_t)(seq >> 8);
    th[7] = (uint8_t)seq;
    if (!last)
        th[13] &= (uint8_t)~0x09; /* FIN, PSH */
    if (i > 0)
        th[13] &= (uint8_t)~0x80; /* CWR */

    uint32_t pseudo = sum16(ip + 12, 8, 6u + (uint32_t)tcp_len);
    memset(seg_off, 0, sizeof *seg_off);
    if (partial) {
        put16(th + 16, fold(pseudo));
        seg_off->flags = MG_NET_OFF_NEEDS_CSUM;
        seg_off->csum_start = (uint16_t)(MG_ETH_HLEN + ihl);
        seg_off->csum_offset = 16;
    } else {
        put16(th + 16, 0);
        put16(th + 16, final_csum(sum16(th, tcp_len, pseudo)));
    }
    return hdr_len + n;
}
