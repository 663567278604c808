/* resolver_unix.c: resolver_unix_system: getaddrinfo in a thread, so that no fiber blocks. */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>

#include <mirage/clock.h>
#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/log.h>
#include <mirage/resolver.h>

#include "unix.h"

MG_LOG_SRC(resolver_log, "resolver", "host names through the host's resolver (unix)");

/* Addresses kept from one answer. */
#define LOOKUP_ADDRS_MAX 16

/* One lookup. getaddrinfo blocks, so it runs in a thread of its own that
 * signals an eventfd the scheduler watches; the fiber may give up first
 * (deadline, cancel), so the lookup belongs to both and the last one out
 * frees it. */
struct lookup {
    atomic_int refs;
    atomic_bool done;
    int efd;
    char host[256];
    int gai;       /* getaddrinfo's result */
    int sys_errno; /* errno for EAI_SYSTEM */
    struct mg_ip addrs[LOOKUP_ADDRS_MAX];
    size_t n;
};

static void release(struct lookup *l)
{
    if (atomic_fetch_sub(&l->refs, 1) == 1) {
        close(l->efd);
        free(l);
    }
}

static void keep(struct lookup *l, const struct addrinfo *res, int family)
{
    for (const struct addrinfo *a = res; a && l->n < LOOKUP_ADDRS_MAX; a = a->ai_next) {
        if (a->ai_family != family)
            continue;
        struct mg_ip ip = {0};
        if (family == AF_INET) {
            ip.version = 4;
            memcpy(ip.u.v4.b, &((const struct sockaddr_in *)a->ai_addr)->sin_addr, 4);
        } else {
            ip.version = 6;
            memcpy(ip.u.v6.b, &((const struct sockaddr_in6 *)a->ai_addr)->sin6_addr, 16);
        }
        bool seen = false;
        for (size_t i = 0; i < l->n && !seen; i++)
            seen = memcmp(&l->addrs[i], &ip, sizeof ip) == 0;
        if (!seen)
            l->addrs[l->n++] = ip;
    }
}

static void *lookup_thread(void *arg)
{
    struct lookup *l = arg;
    /* No AI_ADDRCONFIG: with loopback only (a test's namespace) it would
     * hide the IPv4 answers of "localhost". */
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    l->gai = getaddrinfo(l->host, NULL, &hints, &res);
    l->sys_errno = errno;
    if (l->gai == 0) {
        keep(l, res, AF_INET); /* IPv4 first, as the contract says */
        keep(l, res, AF_INET6);
        freeaddrinfo(res);
    }
    atomic_store_explicit(&l->done, true, memory_order_release);
    uint64_t one = 1;
    while (write(l->efd, &one, sizeof one) < 0 && errno == EINTR)
        ;
    release(l);
    return NULL;
}

/* RFC 1123 host names, with '_' as found in the wild and one trailing dot. */
static bool host_name_ok(const char *h)
{
    size_t n = strlen(h);
    if (n > 0 && h[n - 1] == '.')
        n--;
    if (n == 0 || n > 253 || h[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || (c == '.' && i > 0 && h[i - 1] != '.');
        if (!ok)
            return false;
    }
    return true;
}

static int lookup_error(const struct lookup *l)
{
    switch (l->gai) {
    case EAI_NONAME:
    case EAI_NODATA:
    case EAI_ADDRFAMILY:
        return MG_ENOENT;
    case EAI_MEMORY:
        return MG_ENOMEM;
    case EAI_SYSTEM:
        mg_log_warn(&resolver_log, "resolving %s: %s", l->host, strerror(l->sys_errno));
        return MG_EIO;
    default:
        mg_log_warn(&resolver_log, "resolving %s: %s", l->host, gai_strerror(l->gai));
        return MG_EIO;
    }
}

static int start(struct lookup *l)
{
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0)
        return MG_ENOMEM;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Signals stay with the scheduler's thread: the new one inherits a full mask. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_t t;
    int err = pthread_create(&t, &attr, lookup_thread, l);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (err) {
        mg_log_warn(&resolver_log, "no thread for a lookup: %s", strerror(err));
        return MG_ENOMEM;
    }
    return 0;
}

static int unix_resolve(struct mg_resolver *r, const char *host, struct mg_ip *out, size_t max,
                        uint64_t deadline_ns)
{
    (void)r;
    if (!host || max == 0)
        return MG_EINVAL;
    if (mg_ip_parse(host, &out[0]) == 0)
        return 1;
    if (!host_name_ok(host))
        return MG_EINVAL;
    if (mg_cancelled())
        return MG_ECANCELED;
    if (mg_clock_monotonic_ns() >= deadline_ns)
        return MG_ETIMEDOUT;
    struct lookup *l = calloc(1, sizeof *l);
    if (!l)
        return MG_ENOMEM;
    strcpy(l->host, host);
    atomic_init(&l->refs, 2);
    atomic_init(&l->done, false);
    l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (l->efd < 0) {
        free(l);
        return mg_unix_error(errno);
    }
    struct mg_waitq q = MG_WAITQ_INIT;
    int rc = mg_unix_watch(l->efd, EPOLLIN, &q);
    if (rc == 0)
        rc = start(l);
    if (rc < 0) {
        mg_unix_unwatch(l->efd);
        close(l->efd);
        free(l);
        return rc;
    }
    /* The thread's eventfd write wakes q through the scheduler's epoll, which
     * only runs while this fiber is parked: no wake-up is lost between the
     * check and the wait. */
    while (!atomic_load_explicit(&l->done, memory_order_acquire)) {
        rc = mg_wait(&q, deadline_ns);
        if (rc < 0)
            break;
    }
    mg_unix_unwatch(l->efd);
    if (!atomic_load_explicit(&l->done, memory_order_acquire)) {
        if (rc == MG_ETIMEDOUT)
            mg_log_warn(&resolver_log, "resolving %s: no answer in time", host);
        release(l); /* the thread frees it when getaddrinfo returns */
        return rc;
    }
    if (l->gai != 0) {
        rc = lookup_error(l);
    } else if (l->n == 0) {
        rc = MG_ENOENT;
    } else {
        size_t n = l->n < max ? l->n : max;
        memcpy(out, l->addrs, n * sizeof *out);
        rc = (int)n;
    }
    release(l);
    return rc;
}

static const struct mg_resolver_ops unix_ops = {unix_resolve};

int mg_resolver_unix_system_connect(struct mg_resolver **out)
{
    struct mg_resolver *r = calloc(1, sizeof *r);
    if (!r)
        return MG_ENOMEM;
    r->ops = &unix_ops;
    *out = r;
    return 0;
}
