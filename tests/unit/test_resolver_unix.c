/* sources: platform/unix/clock_unix.c platform/unix/console_unix.c platform/unix/stack_unix.c platform/unix/sys_unix.c platform/unix/wait_unix.c runtime/args.c runtime/args_value.c runtime/clock.c runtime/ctx_x86_64.c runtime/error.c runtime/fiber_san.c runtime/ipaddr.c runtime/join.c runtime/log.c runtime/log_emit.c runtime/log_reporter.c runtime/random.c runtime/sched.c runtime/timer_heap.c runtime/unikernel.c runtime/wait.c lib/resolver/resolver_unix.c */
/* test_resolver_unix.c: resolver_unix_system: literals, /etc/hosts, bad names, deadlines, cancels.
 */
#include <dlfcn.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mirage/error.h>
#include <mirage/fiber.h>
#include <mirage/resolver.h>

#include "check.h"
#include "fiber_check.h"
#include "platform.h"

#define MS 1000000ull

static struct mg_resolver *res;

static uint64_t in_ms(uint64_t ms)
{
    return mg_plat_monotonic_ns() + ms * MS;
}

static bool is_v4(const struct mg_ip *ip, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    return ip->version == 4 && ip->u.v4.b[0] == a && ip->u.v4.b[1] == b && ip->u.v4.b[2] == c &&
           ip->u.v4.b[3] == d;
}

static int literals_fiber(void *arg)
{
    (void)arg;
    struct mg_ip out[4];
    FCHECK(mg_resolve(res, "10.1.2.3", out, 4, in_ms(1000)) == 1 && is_v4(&out[0], 10, 1, 2, 3));
    FCHECK(mg_resolve(res, "::1", out, 4, in_ms(1000)) == 1 && out[0].version == 6 &&
           out[0].u.v6.b[15] == 1);
    /* A literal needs no time at all. */
    FCHECK(mg_resolve(res, "192.0.2.1", out, 1, 0) == 1);
    return 0;
}

static void literals(void)
{
    CHECK(mg_resolver_unix_system_connect(&res) == 0);
    RUN(literals_fiber, NULL);
    free(res);
}

static int hosts_fiber(void *arg)
{
    (void)arg;
    struct mg_ip out[8];
    int n = mg_resolve(res, "localhost", out, 8, in_ms(5000));
    FCHECK(n >= 1);
    /* IPv4 first, as the contract says (/etc/hosts has ::1 for it too, often first). */
    FCHECK(n >= 1 && is_v4(&out[0], 127, 0, 0, 1));
    for (int i = 1; i < n; i++)
        FCHECK(out[i].version == 6 || out[i - 1].version == 4);
    /* max bounds the answer. */
    FCHECK(mg_resolve(res, "localhost", out, 1, in_ms(5000)) == 1);
    return 0;
}

static void hosts_file(void)
{
    CHECK(mg_resolver_unix_system_connect(&res) == 0);
    RUN(hosts_fiber, NULL);
    free(res);
}

static int bad_fiber(void *arg)
{
    (void)arg;
    struct mg_ip out[2];
    static const char *const bad[] = {"", "a b", "a..b", ".a", "a..", ".", "a/b", "x\n", "[::1]", "h:80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        FCHECK(mg_resolve(res, bad[i], out, 2, in_ms(1000)) == MG_EINVAL);
    char longname[300];
    memset(longname, 'a', 260);
    longname[260] = 0;
    FCHECK(mg_resolve(res, longname, out, 2, in_ms(1000)) == MG_EINVAL);
    FCHECK(mg_resolve(res, "localhost", out, 0, in_ms(1000)) == MG_EINVAL);
    /* .invalid never exists (RFC 6761); without a reachable DNS server the
     * host's resolver may fail instead of saying so. */
    int rc = mg_resolve(res, "no-such-host.invalid", out, 2, in_ms(10000));
    FCHECK(rc == MG_ENOENT || rc == MG_EIO || rc == MG_ETIMEDOUT);
    return 0;
}

static void bad_names(void)
{
    CHECK(mg_resolver_unix_system_connect(&res) == 0);
    RUN(bad_fiber, NULL);
    free(res);
}

/* A host lookup that takes its time, for the deadline and cancel cases:
 * this definition comes before the C library's for the resolver's calls. */
#define SLOW_MS 300
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res_out)
{
    if (node && strcmp(node, "slow.test") == 0) {
        usleep(SLOW_MS * 1000);
        return EAI_NONAME;
    }
    int (*next)(const char *, const char *, const struct addrinfo *, struct addrinfo **) =
        (int (*)(const char *, const char *, const struct addrinfo *, struct addrinfo **))dlsym(
            RTLD_NEXT, "getaddrinfo");
    return next(node, service, hints, res_out);
}

static int slow_fiber(void *arg)
{
    (void)arg;
    struct mg_ip out[2];
    return mg_resolve(res, "slow.test", out, 2, in_ms(5000));
}

static int gone_fiber(void *arg)
{
    (void)arg;
    struct mg_ip out[2];
    /* The answer comes after the deadline: the lookup is left to finish on its own. */
    uint64_t t0 = mg_plat_monotonic_ns();
    FCHECK(mg_resolve(res, "slow.test", out, 2, in_ms(50)) == MG_ETIMEDOUT);
    uint64_t took = (mg_plat_monotonic_ns() - t0) / MS;
    FCHECK(took >= 45 && took < SLOW_MS);
    /* Cancelled while it waits. */
    struct mg_fiber *f = mg_spawn(slow_fiber, NULL);
    FCHECK(mg_sleep_ns(20 * MS) == 0);
    t0 = mg_plat_monotonic_ns();
    mg_cancel(f);
    int r = 0;
    FCHECK(mg_join(f, &r) == 0 && r == MG_ECANCELED);
    FCHECK((mg_plat_monotonic_ns() - t0) / MS < 100);
    /* Cancelled before it starts, and a deadline past at the call: no lookup at all. */
    f = mg_spawn(slow_fiber, NULL);
    mg_cancel(f);
    FCHECK(mg_join(f, &r) == 0 && r == MG_ECANCELED);
    FCHECK(mg_resolve(res, "localhost", out, 2, mg_plat_monotonic_ns()) == MG_ETIMEDOUT);
    /* Lookups given up on do not disturb the next ones, nor the slow one's answer. */
    for (int i = 0; i < 3; i++)
        FCHECK(mg_resolve(res, "localhost", out, 2, in_ms(5000)) >= 1);
    FCHECK(mg_resolve(res, "slow.test", out, 2, in_ms(5000)) == MG_ENOENT);
    /* Let the abandoned threads end and free what they hold (the leak check sees it). */
    mg_sleep_ns((SLOW_MS + 200) * MS);
    return 0;
}

static void deadline_and_cancel(void)
{
    CHECK(mg_resolver_unix_system_connect(&res) == 0);
    RUN(gone_fiber, NULL);
    free(res);
}

static const struct check_case cases[] = {
    CASE_ENTRY(literals),
    CASE_ENTRY(hosts_file),
    CASE_ENTRY(bad_names),
    CASE_ENTRY(deadline_and_cancel),
};

CHECK_MAIN(cases)
