/* ipv4_wire.c: IPv4 header parsing (every check a drop reason) and emitting. */
#include <mirage/ip.h>

#include "ipv4_wire.h"

const char *const ipv4_verdict_name[IPV4_VERDICTS] = {
    [IPV4_OK] = "ok",
    [IPV4_BAD_SHORT] = "truncated",
    [IPV4_BAD_VERSION] = "bad version",
    [IPV4_BAD_HLEN] = "bad header length",
    [IPV4_BAD_LEN] = "bad total length",
    [IPV4_BAD_CSUM] = "bad header checksum",
    [IPV4_BAD_OPTIONS] = "malformed options",
    [IPV4_BAD_SRCROUTE] = "source-routed",
    [IPV4_BAD_FRAG] = "bad fragment",
};

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_LSRR 131
#define OPT_SSRR 137

static enum ipv4_verdict check_options(const uint8_t *o, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t type = o[i];
        if (type == OPT_EOL)
            break;
        if (type == OPT_NOP) {
            i++;
            continue;
        }
        if (i + 2 > len || o[i + 1] < 2 || i + o[i + 1] > len)
            return IPV4_BAD_OPTIONS;
        if (type == OPT_LSRR || type == OPT_SSRR)
            return IPV4_BAD_SRCROUTE;
        i += o[i + 1];
    }
    return IPV4_OK;
}

enum ipv4_verdict ipv4_parse(const uint8_t *p, size_t len, struct ipv4_hdr *h)
{
    if (len < IPV4_HLEN)
        return IPV4_BAD_SHORT;
    if (p[0] >> 4 != 4)
        return IPV4_BAD_VERSION;
    size_t hlen = (size_t)(p[0] & 0xf) * 4;
    if (hlen < IPV4_HLEN)
        return IPV4_BAD_HLEN;
    if (hlen > len)
        return IPV4_BAD_SHORT;
    uint16_t total = get_be16(p + 2);
    if (total < hlen)
        return IPV4_BAD_LEN;
    if (total > len)
        return IPV4_BAD_SHORT;
    if (mg_inet_csum(p, hlen, 0) != 0)
        return IPV4_BAD_CSUM;
    uint16_t fl = get_be16(p + 6);
    if (fl & 0x8000)
        return IPV4_BAD_FRAG;
    /* Nothing reassembles past 65535 bytes (the "ping of death"). */
    uint32_t off = (uint32_t)(fl & IPV4_OFF_MASK) * 8;
    if (off + (total - hlen) > IPV4_TOTAL_MAX - IPV4_HLEN)
        return IPV4_BAD_FRAG;
    if (hlen > IPV4_HLEN) {
        enum ipv4_verdict v = check_options(p + IPV4_HLEN, hlen - IPV4_HLEN);
        if (v != IPV4_OK)
            return v;
    }
    h->hlen = (uint8_t)hlen;
    h->tos = p[1];
    h->total_len = total;
    h->id = get_be16(p + 4);
    h->df = (fl & IPV4_FLAG_DF) != 0;
    h->mf = (fl & IPV4_FLAG_MF) != 0;
    h->frag_off = (uint16_t)off;
    h->ttl = p[8];
    h->proto = p[9];
    h->has_options = hlen > IPV4_HLEN;
    for (int i = 0; i < 4; i++) {
        h->src.b[i] = p[12 + i];
        h->dst.b[i] = p[16 + i];
    }
    return IPV4_OK;
}

void ipv4_emit(uint8_t out[IPV4_HLEN], const struct ipv4_hdr *h)
{
    out[0] = 0x45;
    out[1] = h->tos;
    put_be16(out + 2, h->total_len);
    put_be16(out + 4, h->id);
    put_be16(out + 6, (uint16_t)((h->df ? IPV4_FLAG_DF : 0) | (h->mf ? IPV4_FLAG_MF : 0) |
                                 ((h->frag_off / 8) & IPV4_OFF_MASK)));
    out[8] = h->ttl;
    out[9] = h->proto;
    out[10] = out[11] = 0;
    for (int i = 0; i < 4; i++) {
        out[12 + i] = h->src.b[i];
        out[16 + i] = h->dst.b[i];
    }
    put_be16(out + 10, mg_inet_csum(out, IPV4_HLEN, 0));
}
