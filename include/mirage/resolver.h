/* resolver.h: the RESOLVER device (Resolver_mirage): host names to addresses.
 *
 * resolver_unix_system asks the host (getaddrinfo: /etc/hosts, the host's
 * DNS) and exists on the unix target only; resolver_dns (our DNS client)
 * arrives with the DNS issue and is refused at configure time until then.
 */
#ifndef MIRAGE_RESOLVER_H
#define MIRAGE_RESOLVER_H

#include <stddef.h>
#include <stdint.h>
#include <mirage/ipaddr.h>

struct mg_resolver;
struct mg_resolver_ops {
    /* Up to max addresses of host (IPv4 first), waiting until the monotonic
     * deadline: the count (>= 1), or MG_ENOENT (no such name), MG_ETIMEDOUT,
     * MG_EINVAL (not a host name), MG_EIO (the resolver failed). An address
     * literal ("10.0.0.1") resolves to itself without asking anyone. */
    int (*resolve)(struct mg_resolver *r, const char *host, struct mg_ip *out, size_t max,
                   uint64_t deadline_ns);
};
struct mg_resolver {
    const struct mg_resolver_ops *ops;
};

static inline int mg_resolve(struct mg_resolver *r, const char *host, struct mg_ip *out,
                             size_t max, uint64_t deadline_ns)
{
    return r->ops->resolve(r, host, out, max, deadline_ns);
}

/* resolver_unix_system (unix target only). 0 or MG_ENOMEM. */
int mg_resolver_unix_system_connect(struct mg_resolver **out);

#endif
