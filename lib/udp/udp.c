/* udp.c: direct UDP (RFC 768) over a struct mg_ip_layer: listeners by port, sending, errors. */
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/log.h>
#include <mirage/random.h>
#include <mirage/udp.h>

#include "udp_wire.h"

MG_LOG_SRC(udp_log, "udp", "UDP");

#define EPHEMERAL_LO 49152 /* RFC 6335's dynamic range */
#define UDP_IOV_MAX 16

struct udp_listener {
    uint16_t port;
    mg_udp_input_fn fn;
    void *arg;
};

struct udp {
    struct mg_udp pub;
    struct mg_ip_layer *ip;
    struct udp_listener *ls;
    size_t nls, cap;
    struct mg_udp_stats st;
};

static const struct mg_udp_ops udp_ops;

static struct udp_listener *find(struct udp *u, uint16_t port)
{
    for (size_t i = 0; i < u->nls; i++)
        if (u->ls[i].port == port)
            return &u->ls[i];
    return NULL;
}

static void udp_input(void *arg, const struct mg_ip *src, const struct mg_ip *dst, const uint8_t *p,
                      size_t len)
{
    struct udp *u = arg;
    u->st.rx_datagrams++;
    struct udp_hdr h;
    bool csum_ok = (u->ip->ops->rx_flags(u->ip) & MG_NET_RX_CSUM_OK) != 0;
    switch (udp_parse(src, dst, p, len, csum_ok, &h)) {
    case UDP_OK:
        break;
    case UDP_BAD_SHORT:
        u->st.rx_truncated++;
        return;
    case UDP_BAD_LEN:
        u->st.rx_bad_len++;
        return;
    case UDP_BAD_CSUM:
    case UDP_NO_CSUM_V6:
        u->st.rx_bad_csum++;
        return;
    }
    struct udp_listener *l = find(u, h.dst_port);
    if (!l) {
        u->st.rx_no_port++;
        /* Port unreachable: type 3 code 3 (v4), type 1 code 4 (v6). The IP
         * layer stays silent for broadcasts and beyond its rate. */
        if (src->version == 4)
            u->ip->ops->icmp_error(u->ip, src, dst, 3, 3, p, len);
        else
            u->ip->ops->icmp_error(u->ip, src, dst, 1, 4, p, len);
        return;
    }
    u->st.rx_delivered++;
    struct mg_udp_meta m = {*src, *dst, h.src_port, h.dst_port};
    l->fn(l->arg, &m, h.payload, h.len);
}

static void udp_error(void *arg, const struct mg_ip_error *e)
{
    struct udp *u = arg;
    u->st.icmp_errors++;
    if (e->len >= 4 && mg_log_enabled(&udp_log, MG_LOG_DEBUG)) {
        char a[46];
        mg_ip_format(&e->dst, a, sizeof a);
        mg_log_debug(&udp_log, "ICMP type %u code %u about our datagram %u -> %s:%u", e->type,
                     e->code, (unsigned)(e->payload[0] << 8 | e->payload[1]), a,
                     (unsigned)(e->payload[2] << 8 | e->payload[3]));
    }
}

static int udp_listen(struct mg_udp *pub, uint16_t port, mg_udp_input_fn fn, void *arg)
{
    struct udp *u = (struct udp *)pub;
    if (port == 0)
        return MG_EINVAL;
    struct udp_listener *l = find(u, port);
    if (!fn) {
        if (l)
            *l = u->ls[--u->nls];
        return 0;
    }
    if (!l) {
        if (u->nls == u->cap) {
            size_t cap = u->cap ? 2 * u->cap : 8;
            struct udp_listener *n = realloc(u->ls, cap * sizeof *n);
            if (!n)
                return MG_ENOMEM;
            u->ls = n;
            u->cap = cap;
        }
        l = &u->ls[u->nls++];
        l->port = port;
    }
    l->fn = fn;
    l->arg = arg;
    return 0;
}

static uint16_t ephemeral(struct udp *u)
{
    for (;;) {
        uint16_t p = (uint16_t)(EPHEMERAL_LO + mg_random_uniform(65536 - EPHEMERAL_LO));
        if (!find(u, p))
            return p;
    }
}

static int udp_writev(struct mg_udp *pub, const struct mg_ip *src, uint16_t src_port,
                      const struct mg_ip *dst, uint16_t dst_port, const struct mg_iovec *iov,
                      size_t niov)
{
    struct udp *u = (struct udp *)pub;
    size_t plen = 0;
    for (size_t i = 0; i < niov; i++)
        plen += iov[i].len;
    if (plen > UDP_PAYLOAD_MAX || dst_port == 0)
        return MG_EINVAL;
    struct mg_ip from;
    int rc;
    if (src)
        from = *src;
    else if ((rc = u->ip->ops->src(u->ip, dst, &from)) < 0)
        return rc;
    if (src_port == 0)
        src_port = ephemeral(u);
    uint8_t hdr[UDP_HLEN];
    udp_emit(hdr, &from, dst, src_port, dst_port, iov, niov, plen);
    struct mg_iovec small[UDP_IOV_MAX], *all = small;
    if (niov + 1 > UDP_IOV_MAX && !(all = malloc((niov + 1) * sizeof *all)))
        return MG_ENOMEM;
    all[0].base = hdr;
    all[0].len = UDP_HLEN;
    memcpy(all + 1, iov, niov * sizeof *iov);
    rc = u->ip->ops->writev(u->ip, src, dst, MG_IPPROTO_UDP, all, niov + 1);
    if (all != small)
        free(all);
    if (rc == 0)
        rc = u->ip->ops->flush(u->ip);
    if (rc < 0)
        u->st.tx_errors++;
    else
        u->st.tx_datagrams++;
    return rc;
}

static const struct mg_udp_ops udp_ops = {
    .listen = udp_listen,
    .writev = udp_writev,
};

int mg_udp_direct_connect(struct mg_udp **out, struct mg_ip_layer *ip)
{
    struct udp *u = calloc(1, sizeof *u);
    if (!u)
        return MG_ENOMEM;
    u->pub.ops = &udp_ops;
    u->ip = ip;
    int rc = ip->ops->set_input(ip, MG_IPPROTO_UDP, udp_input, u);
    if (rc < 0) {
        free(u);
        return rc;
    }
    ip->ops->set_error_input(ip, MG_IPPROTO_UDP, udp_error, u);
    *out = &u->pub;
    return 0;
}

void mg_udp_direct_disconnect(struct mg_udp *pub)
{
    if (!pub || pub->ops != &udp_ops)
        return;
    struct udp *u = (struct udp *)pub;
    u->ip->ops->set_input(u->ip, MG_IPPROTO_UDP, NULL, NULL);
    u->ip->ops->set_error_input(u->ip, MG_IPPROTO_UDP, NULL, NULL);
    free(u->ls);
    free(u);
}

int mg_udp_direct_stats(struct mg_udp *pub, struct mg_udp_stats *out)
{
    if (!pub || pub->ops != &udp_ops)
        return MG_EINVAL;
    *out = ((struct udp *)pub)->st;
    return 0;
}
