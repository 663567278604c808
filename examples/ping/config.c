/* config.c: ping: a ping responder: our own stack, which answers ICMP echo, on default_network().
 */
#include <mirage.h>

void configure(void)
{
    struct key *stats = key_int("stats", 0,
                                .doc = "Log the IPv4 and ICMP counters every this many seconds "
                                       "(0: never).");
    /* Our stack even on unix (a socket stack would leave pings to the host). */
    struct key *net = key_enum("net", "direct", .stage = CONFIGURE, .docv = "NET",
                               .choices = CHOICES("socket", "direct"),
                               .doc = "The network stack: direct (ours, over a tap device) or "
                                      "socket (the host's: the host answers pings).");
    struct impl *main = foreign("ping_start", fn(STACKV4V6, JOB), .runtime_keys = KEYS(stats));
    struct impl *stack = generic_stackv4v6(default_network(), .net_key = value_of(net));
    register_unikernel("ping", JOBS(apply(main, stack)));
}
