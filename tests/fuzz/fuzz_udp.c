/* fuzz_udp.c: libFuzzer harness for UDP: the header parser with any addresses, and datagrams
 * through the IPv4 layer to a listener that echoes; what goes out must check. */
#include <stdlib.h>

#include "../../lib/ipv4/ipv4_layer.h"
#include "../../lib/udp/udp_wire.h"
#include "../unit/ip_fakes.h"

#include <mirage/udp.h>

static struct mg_ip_layer *ip;
static struct mg_udp *udp;

static void echo(void *arg, const struct mg_udp_meta *m, const uint8_t *p, size_t len)
{
    (void)arg;
    mg_udp_send(udp, m->dst_port, &m->src, m->src_port, p, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ip) {
        fake_reset();
        fake_arp_learn(10, 0, 0, 1);
        struct mg_ipv4_prefix p = {{{10, 0, 0, 2}}, 24};
        if (mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p, NULL, NULL) != 0 ||
            mg_udp_direct_connect(&udp, ip) != 0 || mg_udp_listen(udp, 7, echo, NULL) != 0)
            abort();
    }
    if (size < 9)
        return 0;
    /* The parser alone, from addresses the input chooses (v4 or v6). */
    struct mg_ip s = {.version = data[0] & 1 ? 6 : 4}, d = s;
    memcpy(s.u.v6.b, data + 1, 4);
    memcpy(d.u.v6.b, data + 5, 4);
    uint8_t *copy = malloc(size - 9 ? size - 9 : 1);
    memcpy(copy, data + 9, size - 9);
    struct udp_hdr h;
    if (udp_parse(&s, &d, copy, size - 9, data[0] & 2, &h) == UDP_OK &&
        (h.payload < copy + 8 || h.payload + h.len > copy + (size - 9)))
        abort();
    free(copy);
    /* The same bytes as a UDP datagram from 10.0.0.1 (port 7 half the time). */
    size_t ulen = size - 9 > 1400 ? 1400 : size - 9;
    uint8_t frame[1500];
    struct ipv4_hdr ih = {.hlen = 20,
                          .ttl = 64,
                          .proto = 17,
                          .total_len = (uint16_t)(20 + ulen),
                          .src = {{10, 0, 0, 1}},
                          .dst = {{10, 0, 0, 2}}};
    ipv4_emit(frame, &ih);
    memcpy(frame + 20, data + 9, ulen);
    if (ulen >= 4 && (data[0] & 4)) {
        frame[22] = 0;
        frame[23] = 7;
    }
    fake_deliver(frame, 20 + ulen, data[0] & 8);
    for (size_t i = 0; i < fake_nframes; i++) {
        struct fake_frame *f = &fake_frames[i];
        struct ipv4_hdr o;
        if (ipv4_parse(f->data, f->len, &o) != IPV4_OK)
            abort();
        struct mg_ip os = {.version = 4, .u.v4 = o.src}, od = {.version = 4, .u.v4 = o.dst};
        if (o.proto == 17 && !o.mf && o.frag_off == 0 &&
            udp_parse(&os, &od, f->data + 20, o.total_len - 20u, false, &h) != UDP_OK)
            abort();
    }
    fake_nframes = 0;
    return 0;
}
