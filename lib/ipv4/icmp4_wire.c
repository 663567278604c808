/* icmp4_wire.c: ICMP messages (RFC 792): parsing, echo replies and error messages. */
#include <string.h>

#include <mirage/ip.h>

#include "ipv4_wire.h"

bool icmp_type_is_error(uint8_t type)
{
    return type == ICMP_UNREACH || type == ICMP_TIME_EXCEEDED || type == ICMP_PARAM_PROBLEM ||
           type == ICMP_SOURCE_QUENCH;
}

enum icmp_verdict icmp_parse(const uint8_t *p, size_t len, struct icmp_msg *m)
{
    if (len < ICMP_HLEN)
        return ICMP_BAD_SHORT;
    if (mg_inet_csum(p, len, 0) != 0)
        return ICMP_BAD_CSUM;
    memset(m, 0, sizeof *m);
    m->type = p[0];
    m->code = p[1];
    m->id = get_be16(p + 4);
    m->seq = get_be16(p + 6);
    m->data = p + ICMP_HLEN;
    m->data_len = len - ICMP_HLEN;
    if (!icmp_type_is_error(m->type))
        return ICMP_OK;
    m->is_error = true;
    if (m->type == ICMP_UNREACH && m->code == ICMP_UNREACH_NEEDFRAG)
        m->mtu = get_be16(p + 6);
    /* The quoted header's own total length and checksum may have been
     * changed on the way (a router decremented TTL, or the quote is cut):
     * check its shape only. */
    const uint8_t *q = m->data;
    size_t qlen = m->data_len;
    if (qlen < IPV4_HLEN + 8)
        return ICMP_BAD_SHORT;
    size_t hlen = (size_t)(q[0] & 0xf) * 4;
    if (q[0] >> 4 != 4 || hlen < IPV4_HLEN || hlen + 8 > qlen)
        return ICMP_BAD_QUOTE;
    struct ipv4_hdr *h = &m->quoted;
    h->hlen = (uint8_t)hlen;
    h->tos = q[1];
    h->total_len = get_be16(q + 2);
    h->id = get_be16(q + 4);
    uint16_t fl = get_be16(q + 6);
    h->df = (fl & IPV4_FLAG_DF) != 0;
    h->mf = (fl & IPV4_FLAG_MF) != 0;
    h->frag_off = (uint16_t)((fl & IPV4_OFF_MASK) * 8);
    h->ttl = q[8];
    h->proto = q[9];
    h->has_options = hlen > IPV4_HLEN;
    memcpy(h->src.b, q + 12, 4);
    memcpy(h->dst.b, q + 16, 4);
    m->quote_payload = q + hlen;
    m->quote_len = qlen - hlen;
    return ICMP_OK;
}

void icmp_echo_reply_header(uint8_t hdr[ICMP_HLEN], const struct icmp_msg *m)
{
    hdr[0] = ICMP_ECHO_REPLY;
    hdr[1] = 0;
    hdr[2] = hdr[3] = 0;
    put_be16(hdr + 4, m->id);
    put_be16(hdr + 6, m->seq);
    struct mg_iovec iov[2] = {{hdr, ICMP_HLEN}, {m->data, m->data_len}};
    put_be16(hdr + 2, mg_inet_csum_iov(iov, 2, 0));
}

size_t icmp_error_header(uint8_t hdr[ICMP_HLEN], uint8_t type, uint8_t code, uint16_t mtu,
                         const uint8_t *orig_hdr, size_t orig_hlen, const uint8_t *orig,
                         size_t orig_len)
{
    size_t room = ICMP_QUOTE_MAX > orig_hlen ? ICMP_QUOTE_MAX - orig_hlen : 0;
    size_t q = orig_len < room ? orig_len : room;
    hdr[0] = type;
    hdr[1] = code;
    hdr[2] = hdr[3] = 0;
    put_be32(hdr + 4, type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG ? mtu : 0);
    struct mg_iovec iov[3] = {{hdr, ICMP_HLEN}, {orig_hdr, orig_hlen}, {orig, q}};
    put_be16(hdr + 2, mg_inet_csum_iov(iov, 3, 0));
    return q;
}
