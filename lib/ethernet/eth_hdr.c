/* eth_hdr.c: the 14-byte Ethernet II header, read and written. */
#include <string.h>

#include <mirage/error.h>
#include <mirage/ethernet.h>

int mg_eth_parse(const uint8_t *frame, size_t len, struct mg_eth_hdr *out)
{
    if (!frame || len < MG_ETH_HLEN)
        return MG_EINVAL;
    memcpy(out->dst.b, frame, 6);
    memcpy(out->src.b, frame + 6, 6);
    out->type = (uint16_t)(frame[12] << 8 | frame[13]);
    return 0;
}

void mg_eth_emit(const struct mg_eth_hdr *h, uint8_t out[MG_ETH_HLEN])
{
    memcpy(out, h->dst.b, 6);
    memcpy(out + 6, h->src.b, 6);
    out[12] = (uint8_t)(h->type >> 8);
    out[13] = (uint8_t)h->type;
}
