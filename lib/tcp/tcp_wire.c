/* tcp_wire.c: the TCP header on the wire: parsing (options that lie included), building, checksums. */
#include <string.h>

#include <mirage/ip.h>

#include "tcp_int.h"

#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_WS 3
#define OPT_SACK_OK 4
#define OPT_SACK 5
#define OPT_TS 8

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint8_t *wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + 2;
}
static uint8_t *wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + 4;
}

int tcp_parse(const uint8_t *b, size_t len, struct tcp_seg *s)
{
    if (len < TCP_HLEN)
        return -1;
    size_t hlen = (size_t)(b[12] >> 4) * 4;
    if (hlen < TCP_HLEN || hlen > len)
        return -1;
    memset(s, 0, sizeof *s);
    s->sport = rd16(b);
    s->dport = rd16(b + 2);
    s->seq = rd32(b + 4);
    s->ack = rd32(b + 8);
    s->flags = b[13];
    s->win = rd16(b + 14);
    s->data = b + hlen;
    s->dlen = (uint32_t)(len - hlen);
    const uint8_t *p = b + TCP_HLEN, *end = b + hlen;
    while (p < end) {
        uint8_t kind = p[0];
        if (kind == OPT_EOL)
            break;
        if (kind == OPT_NOP) {
            p++;
            continue;
        }
        /* A length that is missing, too small or past the header ends the
         * list: nothing after it can be trusted to be where it says. */
        if (end - p < 2 || p[1] < 2 || p[1] > end - p)
            break;
        uint8_t olen = p[1];
        switch (kind) {
        case OPT_MSS:
            if (olen == 4) {
                s->has_mss = true;
                s->mss = rd16(p + 2);
            }
            break;
        case OPT_WS:
            if (olen == 3) {
                s->has_ws = true;
                s->ws = p[2] > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : p[2];
            }
            break;
        case OPT_SACK_OK:
            if (olen == 2)
                s->sack_ok = true;
            break;
        case OPT_TS:
            if (olen == 10) {
                s->has_ts = true;
                s->tsval = rd32(p + 2);
                s->tsecr = rd32(p + 6);
            }
            break;
        case OPT_SACK:
            if (olen >= 10 && (olen - 2) % 8 == 0) {
                unsigned n = (olen - 2u) / 8u;
                if (n > 4)
                    n = 4;
                for (unsigned i = 0; i < n; i++) {
                    s->sack[i][0] = rd32(p + 2 + 8 * i);
                    s->sack[i][1] = rd32(p + 6 + 8 * i);
                }
                s->nsack = (uint8_t)n;
            }
            break;
        default:
            break;
        }
        p += olen;
    }
    return 0;
}

size_t tcp_build(uint8_t *buf, const struct tcp_hdr_out *h)
{
    uint8_t *o = buf + TCP_HLEN;
    if (h->opt_mss) {
        *o++ = OPT_MSS;
        *o++ = 4;
        o = wr16(o, h->mss);
    }
    if (h->opt_sack_ok && h->opt_ts) {
        *o++ = OPT_SACK_OK;
        *o++ = 2;
    } else if (h->opt_sack_ok) {
        *o++ = OPT_NOP;
        *o++ = OPT_NOP;
        *o++ = OPT_SACK_OK;
        *o++ = 2;
    }
    if (h->opt_ts) {
        if (!h->opt_sack_ok) {
            *o++ = OPT_NOP;
            *o++ = OPT_NOP;
        }
        *o++ = OPT_TS;
        *o++ = 10;
        o = wr32(o, h->tsval);
        o = wr32(o, h->tsecr);
    }
    if (h->opt_ws) {
        *o++ = OPT_NOP;
        *o++ = OPT_WS;
        *o++ = 3;
        *o++ = h->ws;
    }
    unsigned nsack = h->nsack;
    size_t room = (size_t)(buf + TCP_HLEN + TCP_OPT_MAX - o);
    while (nsack > 0 && 4 + 8 * (size_t)nsack > room)
        nsack--;
    if (nsack > 0) {
        *o++ = OPT_NOP;
        *o++ = OPT_NOP;
        *o++ = OPT_SACK;
        *o++ = (uint8_t)(2 + 8 * nsack);
        for (unsigned i = 0; i < nsack; i++) {
            o = wr32(o, h->sack[i][0]);
            o = wr32(o, h->sack[i][1]);
        }
    }
    size_t hlen = (size_t)(o - buf);
    while (hlen % 4) {
        buf[hlen++] = OPT_EOL;
    }
    wr16(buf, h->sport);
    wr16(buf + 2, h->dport);
    wr32(buf + 4, h->seq);
    wr32(buf + 8, h->ack);
    buf[12] = (uint8_t)((hlen / 4) << 4);
    buf[13] = h->flags;
    wr16(buf + 14, h->win);
    buf[16] = buf[17] = 0; /* checksum: the output layer's (tcp_csum_fill) */
    buf[18] = buf[19] = 0; /* no urgent data */
    return hlen;
}

void tcp_csum_fill(const struct mg_ip *src, const struct mg_ip *dst, uint8_t *seg, size_t len)
{
    seg[16] = seg[17] = 0;
    uint16_t c = mg_inet_csum(seg, len, mg_inet_pseudo_sum(src, dst, MG_IPPROTO_TCP, (uint32_t)len));
    seg[16] = (uint8_t)(c >> 8);
    seg[17] = (uint8_t)c;
}

bool tcp_csum_ok(const struct mg_ip *src, const struct mg_ip *dst, const uint8_t *seg, size_t len)
{
    return mg_inet_csum(seg, len, mg_inet_pseudo_sum(src, dst, MG_IPPROTO_TCP, (uint32_t)len)) == 0;
}
