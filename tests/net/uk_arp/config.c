/* config.c: uk_arp: the link layer alone (netif, etif, arp) for tests/net/ethernet_arp.sh. */
#include <mirage.h>

void configure(void)
{
    struct key *ipv4 = key_ipv4("ipv4", "10.0.0.2", .doc = "The address ARP answers for.");
    struct key *query = key_string("query", NULL, .doc = "An IPv4 address to resolve once ready.");
    struct impl *start = foreign("uk_arp_start", fn(ETHERNET, ARPV4, JOB),
                                 .runtime_keys = KEYS(ipv4, query));
    struct impl *eth = etif(default_network());
    register_unikernel("uk_arp", JOBS(apply(start, eth, arp(eth))));
}
