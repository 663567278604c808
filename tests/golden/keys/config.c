/* config.c: a job with run-time keys of every kind, a group, an environment
 * variable, a configure key read by a user device, and configure-time values. */
#include <mirage.h>

static char *store_connect(struct info *info, struct impl *self, const char *var,
                           const char *const *args)
{
    (void)args;
    struct key *mode = (struct key *)impl_data(self);
    return strf("my_store_connect(&%s, %s, \"%s\")", var, info_key_var(info, mode),
                info_get(info, mode));
}

static struct key *mode_key;

void configure(void)
{
    struct key *port = key_int("port", 8080, .doc = "TCP port to serve on.", .short_name = 'p');
    struct key *verbose = key_bool("verbose", false, .doc = "Say more.");
    struct key *name = key_string("name", "world", .doc = "Whom to greet.", .env = "HELLO_NAME");
    mode_key = key_enum("mode", "fast", .choices = CHOICES("fast", "safe"), .stage = CONFIGURE,
                        .doc = "How the store works.");
    struct key *addr = key_ipv4_prefix("ipv4", "10.0.0.2/24", .group = "service",
                                       .doc = "The service address.", .docv = "PREFIX");
    struct key *gw = key_ipv4("ipv4-gateway", NULL, .group = "service", .doc = "The gateway.");
    struct key *peer = key_ip("peer", "fe80::1", .stage = RUNTIME);
    struct key *limit = key_int64("limit", "-9223372036854775808");
    struct key *tags = key_list("tags", "a,b");
    struct key *v6 = key_ipv6_prefix("ipv6", "fd00::2/64", .group = "service");

    struct typ *store = typ("store", .ctype = "struct my_store", .header = "store.h");
    struct impl *mem = impl("mem_store", store, .keys = KEYS(mode_key), .connect = store_connect,
                            .data = mode_key, .headers = HEADERS("store.h"));
    struct impl *main =
        foreign("hello_start", fn(store, JOB),
                .runtime_keys = KEYS(port, verbose, name, addr, gw, peer, limit, tags, v6));
    register_unikernel("hello", JOBS(apply(main, mem)));
}
