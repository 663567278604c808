/* config.c: httpkit: the HTTP engine's features behind a few endpoints, for tests/http. */
#include <mirage.h>

void configure(void)
{
    struct key *port = key_int("port", 8080, .doc = "The TCP port to serve on.");
    struct key *header_ms =
        key_int("header-timeout-ms", 0, .doc = "The engine's header timeout (0: its default).");
    struct key *idle_ms =
        key_int("idle-timeout-ms", 0, .doc = "The engine's idle timeout (0: its default).");
    struct key *body_ms =
        key_int("body-timeout-ms", 0, .doc = "The engine's body timeout (0: its default).");
    struct key *max_body =
        key_int("max-body", 0, .doc = "The largest request body in bytes (0: the default).");
    struct key *max_conns =
        key_int("max-connections", 0, .doc = "Connections served at once (0: the default).");
    struct impl *main =
        foreign("httpkit_start", fn(HTTP, JOB),
                .runtime_keys = KEYS(port, header_ms, idle_ms, body_ms, max_body, max_conns));
    register_unikernel(
        "httpkit",
        JOBS(apply(main, cohttp_server(conduit_direct(generic_stackv4v6(default_network()))))));
}
