/* http.c: the eDSL's conduit and HTTP server constructors: conduit_direct,
 * cohttp_server and httpaf_server (one engine behind both names). */
#include <mirage.h>

#include "../engine.h"

/* ---- conduit_direct ----------------------------------------------------- */

static char *conduit_connect(struct info *info, struct impl *self, const char *var,
                             const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_conduit_direct_connect(&%s, %s)", var, args[0]);
}

static const char *no_tls(struct info *info, struct impl *self)
{
    (void)info;
    (void)self;
    return "conduit_direct(stack, .tls = true): TLS is not available yet (it comes with the TLS "
           "issue); use conduit_direct(stack) for plain TCP";
}

struct impl *mg_edsl_conduit_direct(const char *file, int line, struct impl *stack,
                                    struct conduit_direct_opts o)
{
    /* The seed's ~random feeds TLS; plain TCP needs none, so it is only
     * connected (and linked) when given. */
    struct impl *f = mg_edsl_impl(file, line, o.tls ? "conduit_direct_tls" : "conduit_direct",
                                  fn(STACKV4V6, CONDUIT),
                                  (struct impl_opts){
                                      .extra_deps = o.random ? DEPS(o.random) : NULL,
                                      .connect = conduit_connect,
                                      .unsupported = o.tls ? no_tls : NULL,
                                      .libs = LIBS("conduit"),
                                      .headers = HEADERS("mirage/conduit.h"),
                                  });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){stack, NULL});
}

/* ---- cohttp_server, httpaf_server ---------------------------------------- */

static char *server_connect(struct info *info, struct impl *self, const char *var,
                            const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_http_server_connect(&%s, %s)", var, args[0]);
}

static struct impl *server(const char *file, int line, const char *name, struct impl *conduit)
{
    struct impl *f = mg_edsl_impl(file, line, name, fn(CONDUIT, HTTP),
                                  (struct impl_opts){
                                      .connect = server_connect,
                                      .libs = LIBS("http", "conduit"),
                                      .headers = HEADERS("mirage/http.h"),
                                  });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){conduit, NULL});
}

struct impl *mg_edsl_cohttp_server(const char *file, int line, struct impl *conduit)
{
    return server(file, line, "cohttp_server", conduit);
}

struct impl *mg_edsl_httpaf_server(const char *file, int line, struct impl *conduit)
{
    return server(file, line, "httpaf_server", conduit);
}
