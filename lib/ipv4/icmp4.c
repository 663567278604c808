/* icmp4.c: ICMP in the IPv4 layer: echo replies, errors received and sent (RFC 792, RFC
 * 1122 3.2.2). */
#include <mirage/clock.h>
#include <mirage/error.h>

#include "ipv4_layer.h"

MG_LOG_SRC(icmp_log, "icmp", "ICMP for IPv4");

#define NS_PER_TOKEN (1000000000ull / ICMP_RATE_PER_S)

bool icmp_rate_take(struct icmp_rate *r, uint64_t now)
{
    if (now > r->last_ns) {
        r->tokens_ns += now - r->last_ns;
        if (r->tokens_ns > ICMP_RATE_BURST * NS_PER_TOKEN)
            r->tokens_ns = ICMP_RATE_BURST * NS_PER_TOKEN;
        r->last_ns = now;
    }
    if (r->tokens_ns < NS_PER_TOKEN)
        return false;
    r->tokens_ns -= NS_PER_TOKEN;
    return true;
}

static void echo(struct ipv4 *ip, const struct ipv4_hdr *h, const struct icmp_msg *m,
                 bool to_broadcast)
{
    /* Echo to a broadcast is ignored (smurf amplification; RFC 1122 lets
     * a host, and Linux does by default). */
    if (to_broadcast || !ip->echo || !ip->have_addr) {
        ip->st.icmp_echo_ignored++;
        return;
    }
    uint8_t hdr[ICMP_HLEN];
    icmp_echo_reply_header(hdr, m);
    struct mg_iovec iov[2] = {{hdr, ICMP_HLEN}, {m->data, m->data_len}};
    if (ipv4_send(ip, &h->dst, &h->src, MG_IPPROTO_ICMP, NULL, iov, 2) == 0)
        ip->st.icmp_echo_replied++;
}

static void error_received(struct ipv4 *ip, const struct ipv4_hdr *h, const struct icmp_msg *m)
{
    ip->st.icmp_errors_rx++;
    const struct ipv4_hdr *q = &m->quoted;
    /* Only errors about what we sent: the quoted source is ours. */
    struct ipv4_err_handler *eh = &ip->err[q->proto];
    if (!ip->have_addr || !ipv4_eq(&q->src, &ip->addr) || !eh->fn) {
        ip->st.icmp_errors_unhandled++;
        if (mg_log_enabled(&icmp_log, MG_LOG_DEBUG)) {
            char a[16];
            mg_ipv4_format(&h->src, a, sizeof a);
            mg_log_debug(&icmp_log, "error type %u code %u from %s (protocol %u) not handled",
                         m->type, m->code, a, q->proto);
        }
        return;
    }
    struct mg_ip_error e = {
        .reporter = {.version = 4, .u.v4 = h->src},
        .type = m->type,
        .code = m->code,
        .mtu = m->mtu,
        .src = {.version = 4, .u.v4 = q->src},
        .dst = {.version = 4, .u.v4 = q->dst},
        .proto = q->proto,
        .payload = m->quote_payload,
        .len = m->quote_len,
    };
    eh->fn(eh->arg, &e);
}

void icmp4_input(struct ipv4 *ip, const struct ipv4_hdr *h, const uint8_t *p, size_t len,
                 bool to_broadcast)
{
    ip->st.icmp_rx++;
    struct icmp_msg m;
    enum icmp_verdict v = icmp_parse(p, len, &m);
    if (v == ICMP_BAD_CSUM) {
        ip->st.icmp_bad_csum++;
        return;
    }
    if (v != ICMP_OK) {
        ip->st.icmp_bad_msg++;
        return;
    }
    if (m.type == ICMP_ECHO && m.code == 0)
        echo(ip, h, &m, to_broadcast);
    else if (m.is_error)
        error_received(ip, h, &m);
    /* Everything else (echo replies, redirects, timestamps...) a host may ignore. */
}

int icmp4_send_error(struct ipv4 *ip, uint8_t type, uint8_t code, uint16_t mtu,
                     const struct ipv4_hdr *orig, const uint8_t *orig_raw, size_t orig_hlen,
                     const uint8_t *orig_payload, size_t orig_len, bool orig_broadcast)
{
    /* RFC 1122 3.2.2: never about an ICMP error, a broadcast or multicast
     * datagram, a fragment but the first, or a source that is no single
     * host; and not without an address of our own to send it from. */
    uint32_t s = ipv4_u32(&orig->src);
    if (orig_broadcast || orig->frag_off != 0 || ipv4_is_martian(s) || ipv4_is_broadcast(ip, s) ||
        !ip->have_addr)
        return 0;
    if (orig->proto == MG_IPPROTO_ICMP &&
        (orig_len < 1 || icmp_type_is_error(orig_payload[0]) || orig_payload[0] == ICMP_REDIRECT))
        return 0;
    if (!icmp_rate_take(&ip->rate, mg_clock_monotonic_ns())) {
        ip->st.icmp_errors_rate_limited++;
        return 0;
    }
    uint8_t hdr[ICMP_HLEN];
    size_t q = icmp_error_header(hdr, type, code, mtu, orig_raw, orig_hlen, orig_payload, orig_len);
    struct mg_iovec iov[3] = {{hdr, ICMP_HLEN}, {orig_raw, orig_hlen}, {orig_payload, q}};
    int rc = ipv4_send(ip, &ip->addr, &orig->src, MG_IPPROTO_ICMP, NULL, iov, 3);
    if (rc == 0)
        ip->st.icmp_errors_tx++;
    return rc;
}
