/* dhcp.h: the DHCP client (RFC 2131, options of RFC 2132) that configures a direct IPv4 layer.
 *
 * The client runs in a fiber of its own over a UDP device (port 68) and the
 * IPv4 layer it configures: discover, offer, request, ack; renew at T1
 * (unicast to the server), rebind at T2 (broadcast); when the lease
 * expires the address is removed and discovery starts again; a NAK starts
 * again at once. Retransmissions back off (4, 8, 16, 32, 64 s) with a
 * random second of jitter (mg_random). When ARP probes addresses (its
 * probe flag, the key --arp-probe), a newly leased address is probed
 * before use (RFC 2131 4.4.1): one another host answers for is declined
 * (DHCPDECLINE) and discovery starts again 10 s later. The protocol engine
 * itself is lib/dhcp/dhcp_client.h (no I/O).
 */
#ifndef MIRAGE_DHCP_H
#define MIRAGE_DHCP_H

#include <stdbool.h>
#include <stdint.h>

#include <mirage/ipaddr.h>
#include <mirage/net.h>

#define MG_DHCP_DNS_MAX 4

/* What a lease gave (kept for the DNS resolver of a later stage). */
struct mg_dhcp_lease {
    struct mg_ipv4_prefix addr; /* yiaddr and the subnet mask's length */
    bool have_router;
    struct mg_ipv4 router;        /* the first router of option 3 on the subnet */
    struct mg_ipv4 server;        /* option 54 */
    uint32_t lease_s, t1_s, t2_s; /* 0xffffffff: infinite */
    struct mg_ipv4 dns[MG_DHCP_DNS_MAX];
    unsigned ndns;
    uint64_t acquired_ns; /* monotonic time the request that got it was sent */
};

struct mg_udp;
struct mg_ip_layer;
struct mg_dhcp;
/* Start the client on udp (which must send through ip) for the link whose
 * MAC is mac. 0, MG_EBUSY (port 68 taken), MG_ENOMEM. */
int mg_dhcp_start(struct mg_dhcp **out, struct mg_udp *udp, struct mg_ip_layer *ip,
                  const struct mg_mac *mac);
/* Wait until a lease is bound (its address configured, and not found in
 * use), or the monotonic deadline: 0, MG_ETIMEDOUT, MG_ECANCELED. */
int mg_dhcp_wait_bound(struct mg_dhcp *d, uint64_t deadline_ns);
/* The current lease: 0, or MG_ENOENT when none is bound. */
int mg_dhcp_lease(struct mg_dhcp *d, struct mg_dhcp_lease *out);

#endif
