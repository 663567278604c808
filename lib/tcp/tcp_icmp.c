/* tcp_icmp.c: ICMP and ICMPv6 errors about our segments (RFC 1122 4.2.3.9, RFC 5927): hard, soft, path MTU. */
#include "tcp_int.h"

enum icmp_kind { ICMP_IGNORE, ICMP_SOFT, ICMP_HARD, ICMP_MTU };

static enum icmp_kind classify(uint8_t version, uint8_t type, uint8_t code)
{
    if (version == 4) {
        switch (type) {
        case 3: /* destination unreachable */
            if (code == 4)
                return ICMP_MTU;
            /* protocol or port unreachable, administratively prohibited:
             * nobody will ever answer there */
            if (code == 2 || code == 3 || code == 9 || code == 10 || code == 13)
                return ICMP_HARD;
            return ICMP_SOFT;
        case 11: /* time exceeded */
        case 12: /* parameter problem */
            return ICMP_SOFT;
        default:
            return ICMP_IGNORE; /* source quench is deprecated (RFC 6633) */
        }
    }
    switch (type) {
    case 1: /* destination unreachable */
        return code == 1 || code == 4 ? ICMP_HARD : ICMP_SOFT;
    case 2: /* packet too big */
        return ICMP_MTU;
    case 3:
    case 4:
        return ICMP_SOFT;
    default:
        return ICMP_IGNORE;
    }
}

void tcp_icmp_error(struct tcp_stack *st, const struct mg_ip *local, const struct mg_ip *remote,
                    uint8_t type, uint8_t code, uint32_t mtu, const uint8_t *orig, size_t len)
{
    if (len < 8 || local->version != remote->version)
        return;
    struct tcp_tuple t = {
        .laddr = *local,
        .raddr = *remote,
        .lport = (uint16_t)(orig[0] << 8 | orig[1]),
        .rport = (uint16_t)(orig[2] << 8 | orig[3]),
    };
    uint32_t seq = (uint32_t)orig[4] << 24 | (uint32_t)orig[5] << 16 | (uint32_t)orig[6] << 8 | orig[7];
    struct tcp_conn *c = tcp_table_find(st, &t);
    if (!c)
        return;
    /* RFC 5927 4.1: the quoted segment must be one in flight, or this is a
     * blind attack. */
    if (SEQ_LT(seq, c->snd_una) || SEQ_GEQ(seq, c->snd_max))
        return;
    st->stats.icmp_errors++;
    switch (classify(local->version, type, code)) {
    case ICMP_HARD:
        /* Only a connection still opening gives up: an established one
         * treats it as soft (RFC 1122 4.2.3.9). */
        if (c->state == TCP_SYN_SENT)
            tcp_set_closed(c, MG_ECONNREFUSED);
        return;
    case ICMP_MTU: {
        uint32_t iphlen = local->version == 6 ? 40 : 20;
        if (mtu < (local->version == 6 ? 1280u : 68u) || mtu <= iphlen + TCP_HLEN)
            return;
        uint32_t mss = mtu - iphlen - TCP_HLEN;
        if (mss < TCP_MSS_MIN)
            mss = TCP_MSS_MIN;
        if (mss >= c->peer_mss)
            return;
        c->peer_mss = (uint16_t)mss;
        tcp_conn_set_mss(c);
        /* The segment was dropped: send again from SND.UNA in smaller ones. */
        if (c->state != TCP_SYN_SENT && c->state != TCP_SYN_RCVD) {
            c->snd_nxt = c->snd_una;
            tcp_output(c);
        }
        return;
    }
    case ICMP_SOFT:
    case ICMP_IGNORE:
        return;
    }
}
