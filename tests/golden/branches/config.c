/* config.c: branches on configure keys and the target, functors, a foreign that
 * makes a device, polymorphic IP, dependencies, shared devices, no argv, no reporter. */
#include <mirage.h>

static char *dev_connect(struct info *info, struct impl *self, const char *var,
                         const char *const *args)
{
    (void)info;
    const char *fnname = impl_data(self);
    return strf("%s(&%s%s%s%s%s)", fnname, var, args[0] ? ", " : "", args[0] ? args[0] : "",
                args[0] && args[1] ? ", " : "", args[0] && args[1] ? args[1] : "");
}

#define DEV(name, t, fnname, ...)                                                                  \
    impl(name, t, .connect = dev_connect, .data = fnname, .headers = HEADERS("devices.h"),         \
         ##__VA_ARGS__)

void configure(void)
{
    struct key *disk = key_bool("disk", false, .stage = CONFIGURE, .doc = "Read from a disk.");
    struct key *net =
        key_enum("net", "direct", .choices = CHOICES("direct", "socket"), .doc = "Which stack.");
    struct impl *blk = DEV("block_disk", BLOCK, "blk_connect");
    struct impl *fat = DEV("fat", fn(BLOCK, KV_RO), "fat_connect");
    struct impl *crunch = DEV("crunch_htdocs", KV_RO, "crunch_connect");
    struct impl *kv = if_impl(value_of(disk), apply(fat, blk), crunch);

    struct impl *ip4 = DEV("ipv4", IPV4, "ipv4_connect");
    struct impl *tcp_direct = DEV("tcp_direct", fn(IP, TCPV4V6), "tcp_connect");
    struct impl *tcp_socket = DEV("tcp_socket", TCPV4V6, "tcp_socket_connect");
    struct impl *tcp =
        match_impl(value_of(net), apply(tcp_direct, ip4), CASE("socket", tcp_socket));

    /* a foreign that makes a device; the target picks the log console */
    struct impl *mk_console = foreign("make_console", fn(KV_RO, CONSOLE));
    struct impl *cons = match_impl(value_of(key_target()), DEV("serial", CONSOLE, "serial_connect"),
                                   CASE("unix", apply(mk_console, kv)));

    struct impl *clock = DEV("ticker", TIME, "ticker_connect");
    struct impl *www = foreign("www_start", fn(TCP, KV_RO, CONSOLE, JOB), .deps = DEPS(dep(clock)));
    struct impl *log = foreign("log_start", fn(CONSOLE, JOB));
    register_unikernel("www", JOBS(apply(www, tcp, kv, cons), apply(log, cons), noop()),
                       .argv = no_argv(), .reporter = no_reporter());
}
