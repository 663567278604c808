/* stack_dhcp.c: a direct stack whose IPv4 address comes from DHCP (linked only by stacks that ask
 * for it). */
#include <mirage/clock.h>
#include <mirage/dhcp.h>
#include <mirage/error.h>
#include <mirage/ethernet.h>

#include "stack_direct.h"

#define DHCP_WAIT_DEFAULT_NS (30ull * 1000000000ull)

int mg_stack_dhcp_connect(struct mg_stackv4v6 **out, struct mg_network *net,
                          struct mg_ethernet *eth, struct mg_arpv4 *arp, struct mg_ip_layer *ipv4,
                          struct mg_ip_layer *ip, struct mg_udp *udp, struct mg_tcp *tcp,
                          uint64_t timeout_ns)
{
    struct mg_stackv4v6 *pub;
    int rc = mg_stack_direct_connect(&pub, net, eth, arp, ip, udp, tcp);
    if (rc < 0)
        return rc;
    struct direct_stack *s = (struct direct_stack *)pub;
    struct mg_mac mac;
    eth->ops->mac(eth, &mac);
    if ((rc = mg_dhcp_start(&s->dhcp, udp, ipv4, &mac)) < 0) {
        mg_log_err(&stack_log, "DHCP client: %s", mg_strerror(rc));
        return rc;
    }
    uint64_t wait = timeout_ns ? timeout_ns : DHCP_WAIT_DEFAULT_NS;
    if ((rc = mg_dhcp_wait_bound(s->dhcp, mg_clock_monotonic_ns() + wait)) < 0) {
        mg_log_err(&stack_log, "no DHCP lease within %llu s: %s",
                   (unsigned long long)(wait / 1000000000ull), mg_strerror(rc));
        return rc;
    }
    *out = pub;
    return 0;
}

int mg_stack_dhcp_lease(struct mg_stackv4v6 *pub, struct mg_dhcp_lease *out)
{
    if (!pub || pub->ops != &stack_direct_ops || !((struct direct_stack *)pub)->dhcp)
        return MG_ENOENT;
    return mg_dhcp_lease(((struct direct_stack *)pub)->dhcp, out);
}
