/* config.c: conduit_server: "hello mirage world!" over HTTP on port 80
 * (MirageOS's applications/conduit_server): the job gets a CONDUIT and
 * runs the HTTP engine over it itself. */
#include <mirage.h>

void configure(void)
{
    struct key *port = key_int("port", 80, .doc = "The TCP port to serve on.");
    struct impl *main =
        foreign("conduit_server_start", fn(CONDUIT, JOB), .runtime_keys = KEYS(port),
                .libs = LIBS("http"), .headers = HEADERS("mirage/http.h"));
    register_unikernel("conduit_server",
                       JOBS(apply(main, conduit_direct(generic_stackv4v6(default_network())))));
}
