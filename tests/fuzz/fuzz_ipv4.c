/* fuzz_ipv4.c: libFuzzer harness for the IPv4 layer: frames (a sequence, so reassembly keeps state)
 * through parsing, filtering, reassembly and ICMP; everything it sends must be well formed and its
 * reassembly memory within bounds. */
#include <stdlib.h>

#include "../../lib/ipv4/ipv4_layer.h"
#include "../unit/ip_fakes.h"

static struct mg_ip_layer *ip;

static void check_sent(void)
{
    for (size_t i = 0; i < fake_nframes; i++) {
        const struct fake_frame *f = &fake_frames[i];
        struct ipv4_hdr h;
        if (f->len > 1500 || ipv4_parse(f->data, f->len, &h) != IPV4_OK || h.total_len != f->len)
            abort();
        if (h.proto == MG_IPPROTO_ICMP && !h.mf && h.frag_off == 0 &&
            mg_inet_csum(f->data + h.hlen, h.total_len - h.hlen, 0) != 0)
            abort();
    }
    fake_nframes = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ip) {
        fake_reset();
        fake_arp_learn(10, 0, 0, 1);
        struct mg_ipv4_prefix p = {{{10, 0, 0, 2}}, 24};
        struct mg_ipv4 gw = {{10, 0, 0, 1}};
        if (mg_ipv4_connect(&ip, &fake_eth, &fake_arp, &p, &gw, NULL) != 0)
            abort();
    }
    /* Records: 2 bytes of length (the top bit: to the broadcast MAC), 1
     * byte of clock advance in seconds, then the frame. */
    while (size >= 3) {
        size_t len = (size_t)((data[0] & 0x7f) << 8 | data[1]);
        bool bcast = data[0] & 0x80;
        fake_now += (uint64_t)data[2] * 1000000000ull;
        data += 3;
        size -= 3;
        if (len > size)
            len = size;
        /* A copy of exactly len bytes, so reading past it is caught. */
        uint8_t *frame = malloc(len ? len : 1);
        memcpy(frame, data, len);
        fake_deliver(frame, len, bcast);
        free(frame);
        data += len;
        size -= len;
        check_sent();
        struct ipv4 *l = (struct ipv4 *)ip;
        if (l->reasm.bytes > l->reasm.max_bytes || ipv4_reasm_pending(&l->reasm) > REASM_SLOTS)
            abort();
    }
    return 0;
}
