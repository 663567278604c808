/* fuzz_ethernet.c: libFuzzer harness for the link layer's parsers: Ethernet input (filtering and
 * dispatch), MAC text, and the offload checker and software segmentation of lib/netif. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mirage/error.h>
#include <mirage/ethernet.h>

#include "../../lib/netif/nif_offload.h"

/* A NETWORK whose recv hands out the fuzzer's frames. */
static const uint8_t *in;
static size_t in_len;
static size_t frames, delivered_bytes, delivered;
static volatile uint8_t sink;

static void f_info(struct mg_network *n, struct mg_network_info *o)
{
    (void)n;
    memset(o, 0, sizeof *o);
    memcpy(o->mac.b, "\x02\0\0\0\0\x02", 6);
    o->mtu = 1500;
}
static int f_writev(struct mg_network *n, const struct mg_iovec *iov, size_t niov)
{
    (void)n, (void)iov, (void)niov;
    return 0;
}
static int f_flush(struct mg_network *n) { (void)n; return 0; }
/* Frames are length-prefixed (2 bytes) in the input; the rest of the input is the last. */
static int f_recv(struct mg_network *n, mg_network_rx_fn fn, void *arg, int max, uint64_t dl)
{
    (void)n, (void)dl;
    if (in_len == 0)
        return MG_ENOTCONN;
    int k = 0;
    while (in_len > 0 && k < max) {
        size_t len = in_len;
        if (in_len >= 2) {
            size_t want = (size_t)(in[0] << 8 | in[1]) % 1600;
            in += 2, in_len -= 2;
            len = want < in_len ? want : in_len;
        } else {
            len = in_len;
        }
        /* A copy of exactly len bytes, so reading past the frame is caught. */
        uint8_t *f = malloc(len ? len : 1);
        if (!f)
            abort();
        memcpy(f, in, len);
        in += len, in_len -= len;
        frames++;
        fn(arg, f, len);
        free(f);
        k++;
    }
    return k;
}
static uint32_t f_rx_flags(struct mg_network *n) { (void)n; return 0; }
static const struct mg_network_ops f_ops = {.info = f_info, .writev = f_writev,
                                            .flush = f_flush, .recv = f_recv,
                                            .rx_flags = f_rx_flags};

static void handler(void *arg, const struct mg_mac *src, const struct mg_mac *dst,
                    const uint8_t *p, size_t len)
{
    (void)arg, (void)src;
    /* Only our unicast address or a group address gets here. */
    if (!(dst->b[0] & 1) && memcmp(dst->b, "\x02\0\0\0\0\x02", 6) != 0)
        abort();
    /* Every byte is readable (ASan checks the frame's copy). */
    uint8_t x = 0;
    for (size_t i = 0; i < len; i++)
        x ^= p[i];
    sink ^= x;
    delivered++;
    delivered_bytes += len;
}

static void fuzz_offload(const uint8_t *data, size_t size)
{
    if (size < 12)
        return;
    struct mg_net_offload off = {data[0] & 3, data[1] & 3, (uint16_t)(data[2] << 8 | data[3]),
                                 (uint16_t)((data[4] << 8 | data[5]) % 2000),
                                 (uint16_t)(data[6] << 8 | data[7]),
                                 (uint16_t)(data[8] << 8 | data[9])};
    data += 12, size -= 12;
    if (size > NIF_GSO_FRAME_MAX)
        size = NIF_GSO_FRAME_MAX;
    uint8_t *f = malloc(size ? size : 1);
    if (!f)
        abort();
    memcpy(f, data, size);
    size_t hdr = 0;
    if (nif_off_check(&off, f, size, &hdr) == 0) {
        if (off.gso_type != MG_NET_GSO_NONE) {
            size_t n = nif_gso_count(&off, size, hdr), total = 0;
            if (n < 2 || hdr > size)
                abort();
            uint8_t *seg = malloc(hdr + off.gso_size);
            for (size_t i = 0; i < n; i++) {
                struct mg_net_offload so;
                size_t len = nif_gso_segment(f, size, &off, hdr, i, seg, (i & 1) != 0, &so);
                if (len <= hdr || len > hdr + off.gso_size)
                    abort();
                total += len - hdr;
            }
            free(seg);
            if (total != size - hdr)
                abort();
        } else if (off.flags & MG_NET_OFF_NEEDS_CSUM) {
            nif_csum_complete(f, size, &off);
        }
    }
    free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    /* MAC text: what parses formats back to the same (lower-case, ':') address. */
    char s[32];
    size_t sl = size < 31 ? size : 31;
    memcpy(s, data, sl);
    s[sl] = '\0';
    struct mg_mac m, m2;
    char out[18];
    if (mg_mac_parse(s, &m) == 0 &&
        (mg_mac_format(&m, out, sizeof out) != 17 || mg_mac_parse(out, &m2) != 0 ||
         memcmp(&m, &m2, 6) != 0))
        abort();

    if (data[0] & 1) {
        fuzz_offload(data + 1, size - 1);
        return 0;
    }
    struct mg_network net = {&f_ops, "fuzz"};
    struct mg_ethernet *e;
    if (mg_ethernet_connect(&e, &net) != 0)
        abort();
    e->ops->set_input(e, MG_ETHERTYPE_IPV4, handler, NULL);
    e->ops->set_input(e, MG_ETHERTYPE_ARP, handler, NULL);
    in = data + 1, in_len = size - 1;
    frames = delivered = delivered_bytes = 0;
    if (e->ops->listen(e) != MG_ENOTCONN)
        abort();
    struct mg_ethernet_stats st;
    e->ops->stats(e, &st);
    if (st.rx_delivered != delivered ||
        st.rx_short + st.rx_not_ours + st.rx_vlan + st.rx_unknown_type + st.rx_delivered != frames)
        abort();
    free(e);
    return 0;
}
