/* config.c: static-website: the pages of htdocs/ over HTTP (cohttp_server over conduit_direct). */
#include <mirage.h>

void configure(void)
{
    struct key *port = key_int("port", 8080, .doc = "The TCP port to serve the website on.");
    struct impl *stack = generic_stackv4v6(default_network());
    struct impl *http = cohttp_server(conduit_direct(stack));
    /* Embedded in the image by default (--kv_ro=crunch); --kv_ro=direct
     * reads the host folder at run time on unix. */
    struct impl *htdocs = generic_kv_ro("htdocs");
    struct impl *www = foreign("www_start", fn(HTTP, KV_RO, JOB), .runtime_keys = KEYS(port));
    register_unikernel("www", JOBS(apply(www, http, htdocs)));
}
