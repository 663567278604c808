/* tcp.c: the eDSL's direct_tcp constructor: our TCP over an IP layer of ours. */
#include <mirage.h>

#include "../engine.h"

static char *tcp_connect(struct info *info, struct impl *self, const char *var,
                         const char *const *args)
{
    (void)info;
    (void)self;
    return strf("mg_tcp_direct_connect(&%s, %s, %s, %s)", var, args[0], args[1], args[2]);
}

struct impl *mg_edsl_direct_tcp(const char *file, int line, struct impl *ip, struct direct_tcp_opts o)
{
    struct impl *mclock = o.mclock ? o.mclock : default_monotonic_clock();
    struct impl *time = o.time ? o.time : default_time();
    struct impl *random = o.random ? o.random : default_random();
    /* Polymorphic as the seed's 'a tcp: the dual version over a dual
     * layer, else TCP (which any version matches). */
    bool dual = ip && ip->type && ed_typ_eq(ip->type, IPV4V6);
    struct typ *t = dual ? TCPV4V6 : TCP;
    struct impl *f = mg_edsl_impl(file, line, dual ? "tcpv4v6_direct" : "tcp_direct",
                                  fn(IP, MCLOCK, RANDOM, t),
                                  (struct impl_opts){
                                      .extra_deps = DEPS(time),
                                      .connect = tcp_connect,
                                      .libs = LIBS("tcp", "flow", "inet"),
                                      .headers = HEADERS("mirage/tcp.h"),
                                  });
    return mg_edsl_apply(file, line, f, (struct impl *const[]){ip, mclock, random, NULL});
}
