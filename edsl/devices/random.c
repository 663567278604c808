/* random.c: the eDSL's random constructors: default_random and rng. */
#include <mirage.h>

static char *random_connect(struct info *info, struct impl *self, const char *var,
                            const char *const *args)
{
    (void)info;
    (void)self;
    (void)args;
    return strf("mg_random_default_connect(&%s)", var);
}

static char *rng_connect(struct info *info, struct impl *self, const char *var,
                         const char *const *args)
{
    (void)info;
    (void)self;
    (void)args;
    return strf("mg_rng_connect(&%s)", var);
}

struct impl *default_random(void)
{
    return impl("random", RANDOM, .connect = random_connect, .libs = LIBS("random"),
                .headers = HEADERS("mirage/random.h"));
}

struct impl *mg_edsl_rng(const char *file, int line, struct rng_opts o)
{
    /* As in MirageOS, the generator's time and clock come first; they are
     * dependencies, not arguments, so they default to the usual devices. */
    struct impl *time = o.time ? o.time : default_time();
    struct impl *mclock = o.mclock ? o.mclock : default_monotonic_clock();
    return mg_edsl_impl(
        file, line, "rng", RANDOM,
        (struct impl_opts){
            .packages = PACKAGES(package("libbearssl-dev", .libs = LIBS("bearssl"))),
            .extra_deps = DEPS(time, mclock),
            .connect = rng_connect,
            .libs = LIBS("random"),
            .headers = HEADERS("mirage/random.h"),
        });
}
