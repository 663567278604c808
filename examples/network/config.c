/* config.c: network: a TCP echo server on --port (MirageOS's device-usage/network). */
#include <mirage.h>

void configure(void)
{
    struct key *port =
        key_int("port", 8080, .doc = "The TCP port on which to listen for incoming connections.");
    struct impl *main = foreign("network_start", fn(STACKV4V6, JOB), .runtime_keys = KEYS(port));
    /* The host's sockets on unix (--net=socket, the default there), our own
     * TCP/IP stack over a tap device with --net=direct and on spt and hvt. */
    register_unikernel("network", JOBS(apply(main, generic_stackv4v6(default_network()))));
}
