/* ipv4v6.c: the dual IP layer of create_ipv4v6 and the IPv6 layer of create_ipv6, while IPv6 is not
 * implemented. */
#include <stdlib.h>

#include <mirage/error.h>

#include "ipv4_layer.h"

MG_LOG_SRC(ipv6_log, "ipv6", "IPv6 layer (not implemented yet)");

#define NOT_YET "the IPv6 protocol is not implemented yet"

int mg_ipv4v6_connect(struct mg_ip_layer **out, struct mg_ip_layer *v4, struct mg_ip_layer *v6,
                      bool ipv4_only, bool ipv6_only)
{
    (void)v6;
    (void)ipv4_only; /* IPv4 only is all there is */
    if (ipv6_only) {
        mg_log_err(&ipv6_log, "--ipv6-only: %s", NOT_YET);
        return MG_ENOTSUP;
    }
    /* With IPv6 disabled the dual layer is the IPv4 layer itself: no
     * indirection on the data path, and IPv6 addresses get MG_EINVAL. */
    *out = v4;
    return 0;
}

/* ---- the disabled IPv6 layer ---- */

static int v6_writev(struct mg_ip_layer *l, const struct mg_ip *src, const struct mg_ip *dst,
                     uint8_t proto, const struct mg_iovec *iov, size_t niov)
{
    (void)l, (void)src, (void)dst, (void)proto, (void)iov, (void)niov;
    return MG_ENOTSUP;
}
static int v6_writev_off(struct mg_ip_layer *l, const struct mg_ip *src, const struct mg_ip *dst,
                         uint8_t proto, const struct mg_net_offload *off,
                         const struct mg_iovec *iov, size_t niov)
{
    (void)l, (void)src, (void)dst, (void)proto, (void)off, (void)iov, (void)niov;
    return MG_ENOTSUP;
}
static uint32_t v6_rx_flags(struct mg_ip_layer *l)
{
    (void)l;
    return 0;
}
static int v6_flush(struct mg_ip_layer *l)
{
    (void)l;
    return 0;
}
static int v6_set_input(struct mg_ip_layer *l, uint8_t proto, mg_ip_input_fn fn, void *arg)
{
    (void)l, (void)proto, (void)arg;
    return fn ? MG_ENOTSUP : 0;
}
static int v6_set_error_input(struct mg_ip_layer *l, uint8_t proto, mg_ip_error_fn fn, void *arg)
{
    (void)l, (void)proto, (void)arg;
    return fn ? MG_ENOTSUP : 0;
}
static int v6_src(struct mg_ip_layer *l, const struct mg_ip *dst, struct mg_ip *out)
{
    (void)l, (void)dst, (void)out;
    return MG_EINVAL;
}
static size_t v6_mtu(struct mg_ip_layer *l, const struct mg_ip *dst)
{
    (void)l, (void)dst;
    return 0;
}
static size_t v6_configured(struct mg_ip_layer *l, struct mg_ip *a, uint8_t *p, size_t max)
{
    (void)l, (void)a, (void)p, (void)max;
    return 0;
}
static int v6_icmp_error(struct mg_ip_layer *l, const struct mg_ip *src, const struct mg_ip *dst,
                         uint8_t type, uint8_t code, const uint8_t *orig, size_t orig_len)
{
    (void)l, (void)src, (void)dst, (void)type, (void)code, (void)orig, (void)orig_len;
    return MG_EINVAL;
}

static const struct mg_ip_layer_ops v6_ops = {
    .writev = v6_writev,
    .flush = v6_flush,
    .set_input = v6_set_input,
    .src = v6_src,
    .mtu = v6_mtu,
    .configured = v6_configured,
    .icmp_error = v6_icmp_error,
    .set_error_input = v6_set_error_input,
    .writev_off = v6_writev_off,
    .rx_flags = v6_rx_flags,
};
static struct mg_ip_layer v6_disabled = {&v6_ops};

int mg_ipv6_connect(struct mg_ip_layer **out, struct mg_network *net, struct mg_ethernet *eth,
                    const struct mg_ipv6_prefix *cidr, const struct mg_ipv6 *gateway)
{
    (void)net, (void)eth;
    if (cidr || gateway) {
        mg_log_err(&ipv6_log, "%s%s: %s", cidr ? "--ipv6" : "",
                   cidr && gateway ? ", --ipv6-gateway"
                   : gateway       ? "--ipv6-gateway"
                                   : "",
                   NOT_YET);
        return MG_ENOTSUP;
    }
    *out = &v6_disabled;
    return 0;
}
