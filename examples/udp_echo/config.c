/* config.c: udp_echo: sends every UDP datagram to --port back where it came from. */
#include <mirage.h>

void configure(void)
{
    struct key *port = key_int("port", 7, .doc = "The UDP port to echo on (7: RFC 862).");
    struct impl *main = foreign("udp_echo_start", fn(STACKV4V6, JOB), .runtime_keys = KEYS(port));
    /* The host's sockets on unix by default; our own stack with --net=direct
     * (then --ipv4, --ipv4-gateway or --dhcp=true) and on spt and hvt. */
    register_unikernel("udp_echo", JOBS(apply(main, generic_stackv4v6(default_network()))));
}
