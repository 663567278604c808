/* dhcp_wire.h: building client messages (RFC 2131 section 2, options of RFC 2132). */
#ifndef MG_DHCP_WIRE_H
#define MG_DHCP_WIRE_H

#include "dhcp_client.h"

/* Write a BOOTREQUEST of the given DHCP type into b (DHCP_MSG_MAX bytes):
 * ciaddr, requested (option 50) and server (option 54) may be NULL. Every
 * type but DHCPDECLINE asks for the parameters we use (options 55, 57); a
 * DHCPDECLINE says why instead (option 56). The length written (at least
 * DHCP_MSG_MIN). */
size_t dhcp_build(uint8_t *b, uint8_t type, uint32_t xid, uint16_t secs, bool broadcast,
                  const uint8_t mac[6], const struct mg_ipv4 *ciaddr,
                  const struct mg_ipv4 *requested, const struct mg_ipv4 *server);

#endif
