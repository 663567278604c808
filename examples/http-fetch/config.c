/* config.c: http-fetch: fetches --uri over HTTP and prints the body on the console
 * (MirageOS's applications/http-fetch). On unix the host's resolver finds the
 * host and the host's sockets carry the connection; elsewhere a resolver needs
 * our DNS client, which is a later issue, so configure refuses those targets. */
#include <mirage.h>

void configure(void)
{
    struct key *uri = key_string("uri", "http://127.0.0.1:8080/",
                                 .doc = "The URI to fetch (http:// only until TLS), e.g. "
                                        "the static website's http://127.0.0.1:8080/.");
    struct key *method =
        key_string("method", NULL, .doc = "The request method; default GET, or POST with --data.");
    struct key *data = key_string("data", NULL, .doc = "A request body to send.");
    struct key *timeout =
        key_int("timeout", 30, .doc = "Seconds the whole fetch may take, redirects included.");
    struct key *redirects =
        key_int("max-redirects", 5, .doc = "Redirects to follow at most (0: none).");
    struct impl *stack = generic_stackv4v6(default_network());
    struct impl *resolver = if_impl(value_eq(value_of(key_target()), "unix"),
                                    resolver_unix_system(), resolver_dns(stack));
    struct impl *client = cohttp_client(resolver, conduit_direct(stack));
    struct impl *fetch = foreign("http_fetch_start", fn(CONSOLE, HTTP_CLIENT, JOB),
                                 .runtime_keys = KEYS(uri, method, data, timeout, redirects));
    register_unikernel("http-fetch", JOBS(apply(fetch, default_console(), client)));
}
