/* udp_wire.h: the UDP header (RFC 768): parse with checksum verification, and emit. */
#ifndef MG_UDP_WIRE_H
#define MG_UDP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mirage/ip.h>

#define UDP_HLEN 8
#define UDP_PAYLOAD_MAX (65535 - 20 - UDP_HLEN) /* 65507: what one IPv4 datagram carries */

enum udp_verdict {
    UDP_OK = 0,
    UDP_BAD_SHORT, /* under 8 bytes */
    UDP_BAD_LEN,   /* the length field is under 8 or past the datagram */
    UDP_BAD_CSUM,
    UDP_NO_CSUM_V6, /* zero checksum over IPv6 (RFC 8200 8.1: not allowed) */
};

struct udp_hdr {
    uint16_t src_port, dst_port;
    const uint8_t *payload; /* after the header, up to the length field */
    size_t len;
};

/* Check the datagram p (len bytes of IP payload) from src to dst; with
 * csum_ok the link already verified its checksum. */
enum udp_verdict udp_parse(const struct mg_ip *src, const struct mg_ip *dst, const uint8_t *p,
                           size_t len, bool csum_ok, struct udp_hdr *h);
/* Write the header of a datagram carrying payload (gathered from iov,
 * plen bytes in all) with its checksum. */
void udp_emit(uint8_t hdr[UDP_HLEN], const struct mg_ip *src, const struct mg_ip *dst,
              uint16_t src_port, uint16_t dst_port, const struct mg_iovec *iov, size_t niov,
              size_t plen);

#endif
