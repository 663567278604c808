/* udp_wire.c: UDP header parsing and emitting with the pseudo-header checksum. */
#include "udp_wire.h"

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}
static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

enum udp_verdict udp_parse(const struct mg_ip *src, const struct mg_ip *dst, const uint8_t *p,
                           size_t len, bool csum_ok, struct udp_hdr *h)
{
    if (len < UDP_HLEN)
        return UDP_BAD_SHORT;
    size_t ulen = be16(p + 4);
    if (ulen < UDP_HLEN || ulen > len)
        return UDP_BAD_LEN;
    /* Bytes past the length field (link padding) are not the datagram's. */
    if (be16(p + 6) == 0) {
        if (src->version == 6)
            return UDP_NO_CSUM_V6;
    } else if (!csum_ok &&
               mg_inet_csum(p, ulen,
                            mg_inet_pseudo_sum(src, dst, MG_IPPROTO_UDP, (uint32_t)ulen)) != 0) {
        return UDP_BAD_CSUM;
    }
    h->src_port = be16(p);
    h->dst_port = be16(p + 2);
    h->payload = p + UDP_HLEN;
    h->len = ulen - UDP_HLEN;
    return UDP_OK;
}

void udp_emit(uint8_t hdr[UDP_HLEN], const struct mg_ip *src, const struct mg_ip *dst,
              uint16_t src_port, uint16_t dst_port, const struct mg_iovec *iov, size_t niov,
              size_t plen)
{
    uint32_t ulen = (uint32_t)(UDP_HLEN + plen);
    put16(hdr, src_port);
    put16(hdr + 2, dst_port);
    put16(hdr + 4, (uint16_t)ulen);
    put16(hdr + 6, 0);
    uint32_t sum = mg_inet_pseudo_sum(src, dst, MG_IPPROTO_UDP, ulen);
    struct mg_iovec first = {hdr, UDP_HLEN};
    /* Sum the header, then the payload on top of it. */
    uint16_t c = mg_inet_csum_iov(&first, 1, sum);
    c = mg_inet_csum_iov(iov, niov, (uint16_t)~c);
    /* A computed zero goes out as all ones: zero means "no checksum". */
    put16(hdr + 6, c == 0 ? 0xffff : c);
}
