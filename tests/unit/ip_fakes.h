/* ip_fakes.h: a fake Ethernet layer, ARP and runtime for the unit tests of the IPv4 layer, UDP and
 * DHCP glue.
 *
 * Frames sent are recorded; frames are injected by calling the handler the
 * layer registered. The clock is fake_now; ARP knows the MACs in fake_arp_known.
 */
#ifndef TESTS_IP_FAKES_H
#define TESTS_IP_FAKES_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/arp.h>
#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/ethernet.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/random.h>

/* ---- runtime stand-ins ---- */

static uint64_t fake_now = 1000000000ull;
uint64_t mg_clock_monotonic_ns(void)
{
    return fake_now;
}
static uint32_t fake_rnd = 1;
void mg_random_fill(void *buf, size_t len)
{
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        fake_rnd = fake_rnd * 1103515245u + 12345u;
        p[i] = (uint8_t)(fake_rnd >> 16);
    }
}
uint64_t mg_random_uniform(uint64_t bound)
{
    uint64_t v;
    mg_random_fill(&v, sizeof v);
    return v % bound;
}
struct mg_fiber *mg_self(void)
{
    return NULL;
}
/* No scheduler: nothing ever waits here. */
int mg_wait(struct mg_waitq *q, uint64_t deadline_ns)
{
    (void)q;
    (void)deadline_ns;
    return MG_ETIMEDOUT;
}
int mg_wake_one(struct mg_waitq *q)
{
    (void)q;
    return 0;
}
/* Every message is formatted (to catch bad format arguments) and the last kept. */
static char fake_last_log[512];
bool mg_log_enabled(struct mg_log_src *src, enum mg_log_level level)
{
    (void)src;
    (void)level;
    return true;
}
void mg_log(struct mg_log_src *src, enum mg_log_level level, const char *fmt, ...)
{
    (void)src;
    (void)level;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fake_last_log, sizeof fake_last_log, fmt, ap);
    va_end(ap);
}

/* ---- Ethernet ---- */

#define FAKE_FRAMES 256
struct fake_frame {
    struct mg_mac dst;
    uint16_t type;
    size_t len;
    uint8_t data[MG_NET_FRAME_MAX];
};
static struct fake_frame fake_frames[FAKE_FRAMES];
static size_t fake_nframes;
static int fake_flushes;
static uint16_t fake_mtu = 1500;
static mg_ethernet_input_fn fake_ip_input;
static void *fake_ip_arg;
static const struct mg_mac fake_my_mac = {{2, 0, 0, 0, 0, 2}};

static void fe_mac(struct mg_ethernet *e, struct mg_mac *out)
{
    (void)e;
    *out = fake_my_mac;
}
static uint16_t fe_mtu(struct mg_ethernet *e)
{
    (void)e;
    return fake_mtu;
}
static int fe_writev(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t type,
                     const struct mg_iovec *iov, size_t niov)
{
    (void)e;
    if (fake_nframes == FAKE_FRAMES)
        return MG_EIO;
    struct fake_frame *f = &fake_frames[fake_nframes++];
    f->dst = *dst;
    f->type = type;
    f->len = 0;
    for (size_t i = 0; i < niov; i++) {
        if (f->len + iov[i].len > sizeof f->data)
            return MG_EINVAL;
        memcpy(f->data + f->len, iov[i].base, iov[i].len);
        f->len += iov[i].len;
    }
    return f->len > fake_mtu ? MG_EINVAL : 0;
}
static struct mg_net_offload fake_last_off;
static int fake_offloaded;
static int fe_writev_off(struct mg_ethernet *e, const struct mg_mac *dst, uint16_t type,
                         const struct mg_net_offload *off, const struct mg_iovec *iov, size_t niov)
{
    fake_offloaded++;
    fake_last_off = *off;
    int rc = fe_writev(e, dst, type, iov, niov);
    /* A GSO frame may exceed the MTU: the device cuts it. */
    return rc == MG_EINVAL && off->gso_type ? 0 : rc;
}
static uint32_t fake_rx_flags_value;
static uint32_t fe_offloads(struct mg_ethernet *e)
{
    (void)e;
    return 0;
}
static uint32_t fe_rx_flags(struct mg_ethernet *e)
{
    (void)e;
    return fake_rx_flags_value;
}
static int fe_flush(struct mg_ethernet *e)
{
    (void)e;
    fake_flushes++;
    return 0;
}
static int fe_set_input(struct mg_ethernet *e, uint16_t type, mg_ethernet_input_fn fn, void *arg)
{
    (void)e;
    if (type == MG_ETHERTYPE_IPV4) {
        fake_ip_input = fn;
        fake_ip_arg = arg;
    }
    return 0;
}
static int fe_listen(struct mg_ethernet *e)
{
    (void)e;
    return MG_ENOTCONN;
}
static const struct mg_ethernet_ops fake_eth_ops = {
    .mac = fe_mac,
    .mtu = fe_mtu,
    .writev = fe_writev,
    .writev_off = fe_writev_off,
    .flush = fe_flush,
    .offloads = fe_offloads,
    .rx_flags = fe_rx_flags,
    .set_input = fe_set_input,
    .listen = fe_listen,
};
static struct mg_ethernet fake_eth = {&fake_eth_ops};

/* A frame from the wire to us (to our MAC, or broadcast). */
static void fake_deliver(const uint8_t *ip, size_t len, bool broadcast)
{
    struct mg_mac src = {{2, 0, 0, 0, 0, 1}}, dst = fake_my_mac;
    if (broadcast)
        memset(dst.b, 0xff, 6);
    fake_ip_input(fake_ip_arg, &src, &dst, ip, len);
}

/* ---- ARP ---- */

#define FAKE_ARP_MAX 8
static struct mg_ipv4 fake_arp_known[FAKE_ARP_MAX];
static size_t fake_arp_nknown;
static struct mg_ipv4 fake_arp_last_query;
static uint64_t fake_arp_last_deadline;
static int fake_arp_queries;
static struct mg_ipv4 fake_arp_ips[4];
static size_t fake_arp_nips;
static int fake_arp_adds, fake_arp_removes;

static struct mg_mac fake_mac_of(const struct mg_ipv4 *ip)
{
    struct mg_mac m = {{0x0a, 0, ip->b[0], ip->b[1], ip->b[2], ip->b[3]}};
    return m;
}
static int fa_query(struct mg_arpv4 *a, const struct mg_ipv4 *ip, struct mg_mac *out,
                    uint64_t deadline)
{
    (void)a;
    fake_arp_queries++;
    fake_arp_last_query = *ip;
    fake_arp_last_deadline = deadline;
    for (size_t i = 0; i < fake_arp_nknown; i++)
        if (memcmp(&fake_arp_known[i], ip, 4) == 0) {
            *out = fake_mac_of(ip);
            return 0;
        }
    return MG_ETIMEDOUT;
}
static int fa_set_ips(struct mg_arpv4 *a, const struct mg_ipv4 *ips, size_t n)
{
    (void)a;
    fake_arp_nips = n < 4 ? n : 4;
    memcpy(fake_arp_ips, ips, fake_arp_nips * sizeof *ips);
    return 0;
}
static int fa_add_ip(struct mg_arpv4 *a, const struct mg_ipv4 *ip)
{
    fake_arp_adds++;
    return fa_set_ips(a, ip, 1);
}
static int fa_remove_ip(struct mg_arpv4 *a, const struct mg_ipv4 *ip)
{
    (void)a;
    (void)ip;
    fake_arp_removes++;
    fake_arp_nips = 0;
    return 0;
}
static size_t fa_get_ips(struct mg_arpv4 *a, struct mg_ipv4 *out, size_t max)
{
    (void)a;
    size_t n = fake_arp_nips < max ? fake_arp_nips : max;
    memcpy(out, fake_arp_ips, n * sizeof *out);
    return fake_arp_nips;
}
static const struct mg_arpv4_ops fake_arp_ops = {fa_query, fa_set_ips, fa_add_ip, fa_remove_ip,
                                                 fa_get_ips};
static struct mg_arpv4 fake_arp = {&fake_arp_ops};

static void fake_reset(void)
{
    fake_nframes = 0;
    fake_flushes = 0;
    fake_offloaded = 0;
    fake_rx_flags_value = 0;
    fake_mtu = 1500;
    fake_arp_nknown = 0;
    fake_arp_queries = 0;
    fake_arp_nips = 0;
    fake_arp_adds = fake_arp_removes = 0;
    fake_now = 1000000000ull;
}
static void fake_arp_learn(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    struct mg_ipv4 ip = {{a, b, c, d}};
    fake_arp_known[fake_arp_nknown++] = ip;
}

#endif
