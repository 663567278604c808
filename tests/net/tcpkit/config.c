/* config.c: tcpkit over generic_stackv4v6: the host's sockets by default on unix (tests/net/socket.sh,
 * bench/tcp.sh's socket rows), our stack with --net=direct (tests/net/tcp.sh, the direct rows). */
#include <mirage.h>

void configure(void)
{
    struct key *echo = key_int("echo-port", 7, .doc = "TCP echo on this port (0: none).");
    struct key *sink = key_int("sink-port", 0,
                               .doc = "TCP sink on this port (0: none): reads to the end, then "
                                      "answers with the count of bytes as a decimal line.");
    struct key *source = key_int("source-port", 0,
                                 .doc = "TCP source on this port (0: none): reads a decimal line "
                                        "N, then sends N bytes and closes.");
    struct key *relay = key_int("relay-port", 0,
                                .doc = "TCP relay on this port (0: none): each connection is "
                                       "joined to a new one to --relay-to.");
    struct key *relay_to = key_ip("relay-to", "127.0.0.1", .doc = "Where the relay connects.");
    struct key *relay_to_port =
        key_int("relay-to-port", 0, .doc = "The port the relay connects to.");
    struct key *udp = key_int("udp-echo-port", 0, .doc = "UDP echo on this port (0: none).");
    struct impl *main =
        foreign("tcpkit_start", fn(STACKV4V6, JOB),
                .runtime_keys = KEYS(echo, sink, source, relay, relay_to, relay_to_port, udp));
    register_unikernel("tcpkit", JOBS(apply(main, generic_stackv4v6(default_network()))),
                       .sources = SOURCES("unikernel.c"));
}
