/* config.c: examples/ping over a stack assembled by hand (direct_stackv4v6 over the user's
 * create_ipv4), for tests/net/ip_udp.sh: its address conflicts are heard at connect too. */
#include <mirage.h>

void configure(void)
{
    struct key *stats = key_int("stats", 0, .doc = "Log the counters every this many seconds.");
    struct impl *main = foreign("ping_start", fn(STACKV4V6, JOB), .runtime_keys = KEYS(stats));
    struct impl *net = default_network();
    struct impl *eth = etif(net);
    struct impl *a = arp(eth);
    struct impl *stack = direct_stackv4v6(net, eth, a, create_ipv4(eth, a), create_ipv6(net, eth));
    register_unikernel("ping", JOBS(apply(main, stack)));
}
