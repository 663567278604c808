/* addr_unix.c: the socket stack's addresses, error codes, and the sockets it opens (dual-stack). */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mirage/error.h>

#include "sock_unix.h"
#include "unix.h"

int sock_error(int err)
{
    switch (err) {
    case EADDRINUSE:
        return MG_EBUSY;
    case EACCES:
        return MG_EPERM;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case ENETDOWN:
    case EHOSTDOWN:
        return MG_ETIMEDOUT;
    case EMFILE:
    case ENFILE:
    case ENOBUFS:
        return MG_ENOMEM;
    case EAFNOSUPPORT:
    case EPROTONOSUPPORT:
        return MG_ENOTSUP;
    case EADDRNOTAVAIL:
    case EMSGSIZE:
    case EDESTADDRREQ:
        return MG_EINVAL;
    case ECONNABORTED:
        return MG_ECONNRESET;
    default:
        return mg_unix_error(err);
    }
}

socklen_t sock_addr_make(const struct mg_ip *ip, uint16_t port, int family,
                         struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)ss;
        s->sin_family = AF_INET;
        s->sin_port = htons(port);
        if (ip)
            memcpy(&s->sin_addr, ip->u.v4.b, 4);
        return sizeof *s;
    }
    struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
    s->sin6_family = AF_INET6;
    s->sin6_port = htons(port);
    if (ip && ip->version == 4) {
        s->sin6_addr.s6_addr[10] = 0xff;
        s->sin6_addr.s6_addr[11] = 0xff;
        memcpy(&s->sin6_addr.s6_addr[12], ip->u.v4.b, 4);
    } else if (ip) {
        memcpy(&s->sin6_addr, ip->u.v6.b, 16);
    }
    return sizeof *s;
}

void sock_addr_parse(const struct sockaddr_storage *ss, struct mg_ip *ip, uint16_t *port)
{
    memset(ip, 0, sizeof *ip);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s = (const struct sockaddr_in *)ss;
        ip->version = 4;
        memcpy(ip->u.v4.b, &s->sin_addr, 4);
        *port = ntohs(s->sin_port);
        return;
    }
    const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)ss;
    *port = ntohs(s->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr)) {
        ip->version = 4;
        memcpy(ip->u.v4.b, &s->sin6_addr.s6_addr[12], 4);
    } else {
        ip->version = 6;
        memcpy(ip->u.v6.b, &s->sin6_addr, 16);
    }
}

bool sock_ipv4_any(const struct mg_ipv4 *a)
{
    static const struct mg_ipv4 zero;
    return memcmp(a, &zero, sizeof zero) == 0;
}

bool sock_ipv6_any(const struct mg_ipv6 *a)
{
    static const struct mg_ipv6 zero;
    return memcmp(a, &zero, sizeof zero) == 0;
}

bool sock_version_ok(const struct mg_socket_config *c, int version)
{
    return (version == 4 && !c->ipv6_only) || (version == 6 && !c->ipv4_only);
}

int sock_config_check(const struct mg_socket_config *c)
{
    return c && !(c->ipv4_only && c->ipv6_only) ? 0 : MG_EINVAL;
}

int sock_family(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return AF_UNSPEC;
    return ss.ss_family;
}

void sock_close_fds(int *fds, int n)
{
    for (int i = 0; i < n; i++) {
        mg_unix_unwatch(fds[i]);
        close(fds[i]);
        fds[i] = -1;
    }
}

static int set_int(int fd, int level, int name, int v)
{
    return setsockopt(fd, level, name, &v, sizeof v);
}

/* One socket of family bound to ip:port (ip NULL: every address). v6only
 * matters for AF_INET6 only. A negative errno on failure. */
static int open_one(int family, int type, bool v6only, const struct mg_ip *ip, uint16_t port,
                    int backlog, int *out)
{
    int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    /* TCP: rebind a port whose old connections linger in TIME_WAIT. Not for
     * UDP, where it would let two sockets share the port. */
    if (type == SOCK_STREAM && set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0)
        goto fail;
    if (family == AF_INET6 && set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, v6only) < 0)
        goto fail;
    if (type == SOCK_DGRAM &&
        (family == AF_INET ? set_int(fd, IPPROTO_IP, IP_PKTINFO, 1)
                           : set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) < 0)
        goto fail;
    struct sockaddr_storage ss;
    socklen_t len = sock_addr_make(ip, port, family, &ss);
    if (bind(fd, (struct sockaddr *)&ss, len) < 0)
        goto fail;
    if (type == SOCK_STREAM && listen(fd, backlog) < 0)
        goto fail;
    *out = fd;
    return 0;
fail:;
    int err = errno;
    close(fd);
    return -err;
}

static struct mg_ip ip4(const struct mg_ipv4 *a)
{
    struct mg_ip ip = {.version = 4};
    ip.u.v4 = *a;
    return ip;
}

static struct mg_ip ip6(const struct mg_ipv6 *a)
{
    struct mg_ip ip = {.version = 6};
    ip.u.v6 = *a;
    return ip;
}

int sock_open_port(const struct mg_socket_config *c, const struct mg_ip *addr, int type,
                   uint16_t port, int backlog, int fds[SOCK_MAXFD], int *n)
{
    *n = 0;
    if (port == 0)
        return MG_EINVAL;
    if (addr) {
        if ((addr->version != 4 && addr->version != 6) || !sock_version_ok(c, addr->version))
            return MG_EINVAL;
        int rc = open_one(addr->version == 4 ? AF_INET : AF_INET6, type, true, addr, port, backlog,
                          &fds[0]);
        if (rc < 0)
            return sock_error(-rc);
        *n = 1;
        return 0;
    }
    bool want4 = !c->ipv6_only, want6 = !c->ipv4_only;
    bool any4 = sock_ipv4_any(&c->ipv4), any6 = sock_ipv6_any(&c->ipv6);
    struct mg_ip a4 = ip4(&c->ipv4), a6 = ip6(&c->ipv6);
    int rc;
    if (want4 && want6 && any4 && any6) {
        /* One dual-stack socket where the host allows; a host without
         * IPv6 gets the IPv4 one below. */
        rc = open_one(AF_INET6, type, false, NULL, port, backlog, &fds[0]);
        if (rc == 0) {
            *n = 1;
            return 0;
        }
        if (rc == -EADDRINUSE)
            return MG_EBUSY;
    }
    if (want6) {
        rc = open_one(AF_INET6, type, true, any6 ? NULL : &a6, port, backlog, &fds[*n]);
        if (rc == 0)
            (*n)++;
        else if (!(want4 && any6 && (rc == -EAFNOSUPPORT || rc == -EADDRNOTAVAIL)))
            return sock_error(-rc); /* only an unconfigured IPv6 may be missing */
    }
    if (want4) {
        rc = open_one(AF_INET, type, true, any4 ? NULL : &a4, port, backlog, &fds[*n]);
        if (rc < 0) {
            sock_close_fds(fds, *n);
            *n = 0;
            return sock_error(-rc);
        }
        (*n)++;
    }
    return *n ? 0 : MG_EINVAL;
}

int sock_open_client(const struct mg_socket_config *c, int version, int type,
                     const struct mg_ip *src, uint16_t port, int *fd)
{
    if ((version != 4 && version != 6) || !sock_version_ok(c, version))
        return MG_EINVAL;
    if (src && src->version != version)
        return MG_EINVAL;
    int family = version == 4 ? AF_INET : AF_INET6;
    int s = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0)
        return sock_error(errno);
    struct mg_ip own = version == 4 ? ip4(&c->ipv4) : ip6(&c->ipv6);
    bool any = version == 4 ? sock_ipv4_any(&c->ipv4) : sock_ipv6_any(&c->ipv6);
    const struct mg_ip *at = src ? src : any ? NULL : &own;
    if (family == AF_INET6 && set_int(s, IPPROTO_IPV6, IPV6_V6ONLY, 1) < 0)
        goto fail;
    if (at || port) {
        /* An address without a port: the port is chosen at connect, so
         * that the four-tuple, not the address alone, must be unique. */
        if (!port && type == SOCK_STREAM)
            set_int(s, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1);
        struct sockaddr_storage ss;
        socklen_t len = sock_addr_make(at, port, family, &ss);
        if (bind(s, (struct sockaddr *)&ss, len) < 0)
            goto fail;
    }
    *fd = s;
    return 0;
fail:;
    int err = errno;
    close(s);
    return sock_error(err);
}
