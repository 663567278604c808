/* http_client.c: the eDSL's resolver and HTTP client constructors: resolver_unix_system,
 * resolver_dns, cohttp_client. */
#include <string.h>

#include <mirage.h>

#include "../engine.h"

/* ---- resolver_unix_system ---------------------------------------------- */

static const char *unix_only(struct info *info, struct impl *self)
{
    (void)self;
    if (strcmp(info_target(info), "unix") == 0)
        return NULL;
    return ed_fmt("resolver_unix_system asks the host's resolver (getaddrinfo), which only the "
                  "unix target has; on %s a resolver needs resolver_dns, and the DNS client is "
                  "a later issue",
                  info_target(info));
}

static char *unix_connect(struct info *info, struct impl *self, const char *var,
                          const char *const *args)
{
    (void)info;
    (void)self;
    (void)args;
    return strf("mg_resolver_unix_system_connect(&%s)", var);
}

struct impl *mg_edsl_resolver_unix_system(const char *file, int line)
{
    return mg_edsl_impl(file, line, "resolver_unix_system", RESOLVER,
                        (struct impl_opts){
                            .connect = unix_connect,
                            .unsupported = unix_only,
                            .libs = LIBS("resolver"),
                            .headers = HEADERS("mirage/resolver.h"),
                        });
}

/* ---- resolver_dns -------------------------------------------------------- */

static const char *dns_later(struct info *info, struct impl *self)
{
    (void)info;
    (void)self;
    return "the DNS client is a later issue (on unix, resolver_unix_system() asks the host's "
           "resolver)";
}

struct impl *mg_edsl_resolver_dns(const char *file, int line, struct impl *stack,
                                  struct resolver_dns_opts o)
{
    unsigned char b[16];
    if (o.ns && ed_ipv4_parse(o.ns, b) < 0 && ed_ipv6_parse(o.ns, b) < 0)
        ed_error(file, line, "resolver_dns: .ns = \"%s\" is not an IP address", o.ns);
    if (o.ns_port < 0 || o.ns_port > 65535)
        ed_error(file, line, "resolver_dns: .ns_port = %d is not a port", o.ns_port);
    struct impl *time = o.time ? o.time : default_time();
    struct impl *mclock = o.mclock ? o.mclock : default_monotonic_clock();
    struct impl *pclock = o.pclock ? o.pclock : default_posix_clock();
    struct impl *random = o.random ? o.random : default_random();
    /* The name carries what would make two clients differ. */
    const char *name = o.ns || o.ns_port ? ed_fmt("resolver_dns_%s_%d", o.ns ? o.ns : "default",
                                                  o.ns_port ? o.ns_port : 53)
                                         : "resolver_dns";
    /* No connect code: configure stops at .unsupported before any is generated. */
    struct impl *f = mg_edsl_impl(file, line, name, fn(STACKV4V6, RESOLVER),
                                  (struct impl_opts){
                                      .extra_deps = DEPS(time, mclock, pclock, random),
                                      .unsupported = dns_later,
                                      .headers = HEADERS("mirage/resolver.h"),
                                  });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){stack, NULL});
}

/* ---- cohttp_client ------------------------------------------------------- */

static char *client_connect(struct info *info, struct impl *self, const char *var,
                            const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_http_client_connect(&%s, %s, %s)", var, args[0], args[1]);
}

struct impl *mg_edsl_cohttp_client(const char *file, int line, struct impl *resolver,
                                   struct impl *conduit, struct cohttp_client_opts o)
{
    /* The client itself reads no clock; the seed's ?pclock is kept as a
     * dependency so that config.c written for MirageOS means the same. */
    struct impl *pclock = o.pclock ? o.pclock : default_posix_clock();
    struct impl *f = mg_edsl_impl(file, line, "cohttp_client", fn(RESOLVER, CONDUIT, HTTP_CLIENT),
                                  (struct impl_opts){
                                      .extra_deps = DEPS(pclock),
                                      .connect = client_connect,
                                      .libs = LIBS("http"),
                                      .headers = HEADERS("mirage/http_client.h"),
                                  });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){resolver, conduit, NULL});
}
